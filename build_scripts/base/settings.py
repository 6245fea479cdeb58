"""Site-wide settings for the generator, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class TileProvider:
    """The map tile server: the only third-party host a reader's browser contacts."""

    url: str
    attribution: str  # HTML, shown on every map
    max_zoom: int
    # OpenStreetMap requires a valid Referer and answers 403 without one; this policy sends
    # the site's origin (never the page path) to the tile server.
    referrer_policy: str = "strict-origin-when-cross-origin"


TILES = TileProvider(
    url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    attribution='&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank" '
                'rel="noopener">OpenStreetMap</a> contributors',
    max_zoom=19,
)

MAP_HEIGHT_PX = 420

# The published address, for the absolute URLs of embed snippets (the same variable as mkdocs.yml's site_url).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000/").rstrip("/") + "/"
