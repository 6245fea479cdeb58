"""In a real browser (Debian's Chromium, headless): hostile cards never run script, maps work.

The site is built from cards with script payloads in every text field, served
on localhost, and every page and every map iframe is checked: no payload sets
``window.__pwned``, no dialog opens, and the payload text is shown literally.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, build_site, make_project

pytestmark = pytest.mark.browser

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"),
                              shutil.which("google-chrome")) if p and Path(p).exists()), None)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> str:
    project = make_project(tmp_path_factory.mktemp("hostile"), FIXTURES / "hostile")
    (project / "docs" / "index.md").write_text("# Hostile\n\n[Evil](entities/evil-corp.md)\n")
    done = build_site(project)
    assert done.returncode == 0, done.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(project / "site"))
    handler.log_message = lambda *args: None  # type: ignore[assignment]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed; run `make test` (it installs Debian's chromium package as root) or `sudo apt-get install chromium`")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


OPEN_EVERY_TOOLTIP_AND_POPUP = """() => {
  const maps = Object.values(window).filter(v => v && window.L && v instanceof L.Map);
  let opened = 0;
  for (const map of maps) {
    map.eachLayer(layer => {
      if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); opened++; }
      if (layer.getPopup && layer.getPopup()) { layer.openPopup(); opened++; }
    });
  }
  return opened;
}"""

PAGES = ["", "entities/evil-corp/", "entities/victim-co/", "entities/evil-person/", "entities/evil-place/",
         "entities/evil-source/", "browse/companies/", "browse/people/", "browse/locations/", "browse/sources/",
         "browse/map/"]


@pytest.mark.parametrize("page_path", PAGES)
def test_no_payload_runs_on_any_page_or_map(browser, hostile_site, page_path):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{hostile_site}/{page_path}", wait_until="load")
    page.evaluate("() => document.querySelectorAll('iframe').forEach(f => f.scrollIntoView())")
    page.wait_for_load_state("networkidle")
    opened = 0
    for frame in page.frames:
        if frame != page.main_frame:
            frame.wait_for_load_state("load")
            opened += frame.evaluate(OPEN_EVERY_TOOLTIP_AND_POPUP)
    pwned = {frame.url: frame.evaluate("() => window.__pwned || null") for frame in page.frames}
    assert {url: value for url, value in pwned.items() if value} == {}
    assert dialogs == []
    if page_path in ("entities/evil-corp/", "browse/map/"):
        assert opened > 0, "the map iframe did not load or has no tooltips"
    page.close()


def test_payload_text_is_shown_literally(browser, hostile_site):
    page = browser.new_page()
    page.goto(f"{hostile_site}/entities/evil-corp/")
    title, aliases = page.locator("h1").inner_text().split("\n", 1)  # the name, then its aliases
    assert title == 'Evil <script>window.__pwned="name"</script> Corp `${window.__pwned="tpl"}`'
    assert aliases.startswith("Also known as: <img src=x onerror=")
    body = page.locator("article").inner_text()
    assert "{{ config.site_name }} {% raw %}" in body
    assert '<script>window.__pwned="goods"</script>' in body
    assert page.locator("article a[href^='javascript']").count() == 0
    assert page.locator("article img").count() == 0
    assert page.title().startswith('Evil <script>window.__pwned="name"</script> Corp')
    page.close()


def test_map_tooltip_shows_the_name_as_text(browser, hostile_site):
    page = browser.new_page()
    page.goto(f"{hostile_site}/maps/entities/evil-corp.html", wait_until="load")
    page.evaluate(OPEN_EVERY_TOOLTIP_AND_POPUP)
    tooltips = page.locator(".leaflet-tooltip").all_inner_texts()
    assert any('Place <script>window.__pwned="place"</script>' in t for t in tooltips), tooltips
    popups = page.locator(".leaflet-popup-content").all_inner_texts()
    assert popups, "no popup opened"
    assert page.locator(".leaflet-popup-content script, .leaflet-tooltip script").count() == 0
    assert page.evaluate("() => window.__pwned || null") is None
    page.close()


def test_seed_map_markers_render(browser, seed_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(seed_site))
    handler.log_message = lambda *args: None  # type: ignore[assignment]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/maps/overview.html", wait_until="load")
        assert page.locator(".leaflet-control-layers").count() == 1
        assert page.evaluate("() => typeof L.markerClusterGroup") == "function"
        assert page.locator("path.leaflet-interactive").count() > 5  # flow lines and arrowheads
        page.close()
    finally:
        server.shutdown()


def test_map_loads_after_instant_navigation(browser, tmp_path):
    """With navigation.instant, a click swaps the page in place; the map iframe must still load."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    project = make_project(tmp_path / "p", ROOT / "entities")
    done = build_site(project, env={"SITE_URL": origin})
    assert done.returncode == 0, done.stderr
    server.RequestHandlerClass = functools.partial(  # type: ignore[assignment]
        http.server.SimpleHTTPRequestHandler, directory=str(project / "site"))
    server.RequestHandlerClass.log_message = lambda *args: None  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(origin, wait_until="load")
        page.wait_for_load_state("networkidle")  # Material fetches sitemap.xml before it intercepts clicks
        page.evaluate("() => { window.__sameDocument = true; }")
        page.click("article a[href$='entities/spacety-china/']")
        page.wait_for_url("**/entities/spacety-china/")
        page.wait_for_selector("iframe.entity-map")
        assert page.evaluate("() => window.__sameDocument === true"), "navigation.instant did not handle the click"
        iframe = page.locator("iframe.entity-map")
        iframe.scroll_into_view_if_needed()
        frame = iframe.element_handle().content_frame()
        frame.wait_for_load_state("load")
        frame.wait_for_function("() => window.L && document.querySelectorAll('path.leaflet-interactive').length >= 3")
        # Network nodes are links too.
        page.locator("svg.network a", has_text="Terra Tech").click()
        page.wait_for_url("**/entities/terra-tech/")
        assert page.locator("h1").inner_text().startswith("Terra Tech")
        page.close()
    finally:
        server.shutdown()
