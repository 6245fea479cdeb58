"""Stage 5: open data files (JSON, CSV, GeoJSON, FollowTheMoney)."""
