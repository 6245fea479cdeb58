"""Stage 3: the investigation as immutable data, and what follows from it."""
