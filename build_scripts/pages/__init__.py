"""Stage 4: what each page, map and diagram shows, computed in Python (page contexts)."""
