"""Accessibility in a real browser: axe-core (WCAG 2.1 A and AA) on every kind of page and map.

axe-core is the npm package pinned in tests/axe/package-lock.json (`make test` runs
`npm ci --prefix tests/axe`). Each page and each kind of map document is opened in headless
Chromium at a desktop and a phone width; no violation of impact serious or critical may remain.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ARGS, CHROMIUM, ROOT, serve_folder

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1366, 390)
BLOCKING = ("serious", "critical")

PAGES = [
    "",  # home
    "entities/spacety-china/", "entities/us-treasury/", "entities/wagner-group/", "entities/wang-shaofeng/",
    "entities/russia/", "entities/changsha/", "entities/wsj-russian-customs-records/",
    "browse/companies/", "browse/public-bodies/", "browse/organizations/", "browse/people/", "browse/locations/",
    "browse/sources/", "browse/countries/", "browse/tags/", "browse/map/", "browse/sanctions/",
    "browse/not-sanctioned/", "browse/supply-chains/", "browse/timeline/", "browse/network/", "browse/downloads/",
    "method/", "editors/", "reference/vocabulary/", "reference/fields/",
]
MAPS = ["maps/overview.html", "maps/entities/spacety-china.html", "maps/entities/changsha.html",
        "maps/entities/russia.html", "embed/map/entities/spacety-china.html"]


@pytest.fixture(scope="module")
def site_url(seed_site: Path) -> Iterator[str]:
    server, url = serve_folder(seed_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed; run `make test` or `sudo apt-get install chromium`")
    if not AXE.exists():
        pytest.fail("axe-core is not installed; run `make test` (it runs `npm ci --prefix tests/axe`)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, iframes: false});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
    }""", TAGS)
    return list(result)


def report(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    tab = context.new_page()
    tab.route("https://**/*", lambda route: route.abort())  # no tiles: the test does not depend on them
    yield tab
    context.close()


@pytest.mark.parametrize("path", PAGES + MAPS)
def test_no_serious_or_critical_axe_violations(page: Any, site_url: str, path: str) -> None:
    found = []
    for width in WIDTHS:  # the same document, laid out for a desktop and for a phone
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site_url + path, wait_until="load")
        found += [(width, v) for v in axe(page) if v["impact"] in BLOCKING]
    assert not found, "\n".join(f"{path} at {width}px:\n{report([v])}" for width, v in found)
