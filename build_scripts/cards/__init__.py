"""Stage 2: cards on disk: loading YAML with positions and validating them against the schema."""
