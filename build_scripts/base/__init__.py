"""Stage 0: what every stage may use: located problems, settings, text helpers."""
