"""Stage 6: what the command line runs: the build pipeline, scaffolds, synthetic investigations, benchmarks."""
