"""`make screenshots`: full-page screenshots of the built site at a desktop and a phone width.

Serves ``site/`` on 127.0.0.1 (a free port), waits for each page and its map to settle, and
writes ``screenshots/<page>-<width>.png`` (git-ignored). Run ``make site`` first, or let
``make screenshots`` do it.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from conftest import ARGS, CHROMIUM
from conftest import serve_folder as serve
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (1366, 390)
PAGES = {
    "home": "",
    "company": "entities/spacety-china/",
    "public-body": "entities/us-treasury/",
    "organization": "entities/wagner-group/",
    "person": "entities/wang-shaofeng/",
    "location": "entities/russia/",
    "source": "entities/wsj-russian-customs-records/",
    "network": "browse/network/",
    "map": "browse/map/",
    "sanctions": "browse/sanctions/",
    "supply-chains": "browse/supply-chains/",
    "timeline": "browse/timeline/",
}


def shoot(site: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    server, base = serve(site)
    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 844},
                                              device_scale_factor=1)
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path, wait_until="load")
                    page.evaluate("() => document.querySelectorAll('iframe').forEach(f => f.loading = 'eager')")
                    with contextlib.suppress(Exception):  # tiles may keep loading (or fail offline)
                        page.wait_for_load_state("networkidle", timeout=8000)
                    page.wait_for_timeout(500)
                    target = out / f"{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return written


def main() -> int:
    site = ROOT / "site"
    if not (site / "index.html").exists():
        print("no site/ yet: run `make site` first", file=sys.stderr)
        return 1
    for path in shoot(site, ROOT / "screenshots"):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
