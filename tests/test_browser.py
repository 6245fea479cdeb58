"""In a real browser (Debian's Chromium, headless): hostile cards never run script, maps work.

The site is built from cards with script payloads in every text field, served
on localhost, and every page and every map iframe is checked: no payload sets
``window.__pwned``, no dialog opens, and the payload text is shown literally.
"""

from __future__ import annotations

import functools
import http.server
import threading
from typing import Any

import pytest
from conftest import ARGS, CHROMIUM, FIXTURES, ROOT, build_site, make_project

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> str:
    """The hostile cards built and served; SITE_URL is the server, so instant navigation works."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    project = make_project(tmp_path_factory.mktemp("hostile"), FIXTURES / "hostile")
    (project / "docs" / "index.md").write_text(
        "# Hostile\n\n[Evil](entities/evil-corp.md)\n\n[Scheme](entities/scheme-corp.md)\n")
    done = build_site(project, env={"SITE_URL": origin + "/"})
    assert done.returncode == 0, done.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(project / "site"))
    handler.log_message = lambda *args: None  # type: ignore[assignment]
    server.RequestHandlerClass = handler  # type: ignore[assignment]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield origin
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed; run `make test` (it installs Debian's chromium package as root)"
                    " or `sudo apt-get install chromium`")
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

# Every URL-bearing attribute in the document, read by the browser itself (URL.protocol), so a
# scheme hidden behind character references, tabs or controls is seen as the browser sees it.
URL_SCHEMES = """() => {
  const found = [];
  const attributes = [["a[href]", "href"], ["area[href]", "href"], ["form[action]", "action"],
                      ["iframe[src]", "src"], ["embed[src]", "src"], ["object[data]", "data"]];
  for (const [selector, name] of attributes) {
    document.querySelectorAll(selector).forEach(e => found.push([selector, e.getAttribute(name),
      new URL(e.getAttribute(name), document.baseURI).protocol]));
  }
  document.querySelectorAll("*").forEach(e => {
    const value = e.getAttributeNS("http://www.w3.org/1999/xlink", "href");
    if (value !== null) { found.push(["[xlink:href]", value, new URL(value, document.baseURI).protocol]); }
  });
  return found;
}"""
SAFE_PROTOCOLS = {"http:", "https:", "mailto:"}


def unsafe_urls(frame) -> list:
    return [found for found in frame.evaluate(URL_SCHEMES) if found[2] not in SAFE_PROTOCOLS]


PAGES = ["", "entities/evil-corp/", "entities/scheme-corp/", "entities/victim-co/", "entities/evil-person/",
         "entities/evil-place/", "entities/evil-source/", "browse/companies/", "browse/people/", "browse/locations/",
         "browse/sources/", "browse/map/"]


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
    assert {frame.url: unsafe_urls(frame) for frame in page.frames if unsafe_urls(frame)} == {}
    assert dialogs == []
    if page_path in ("entities/evil-corp/", "entities/scheme-corp/", "browse/map/"):
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
        frame = open_entity_map_after_instant_navigation(page, origin, "spacety-china")
        frame.wait_for_function("() => window.L && document.querySelectorAll('path.leaflet-interactive').length >= 3")
        # Network nodes are links too.
        page.locator("svg.network a.node", has_text="Terra Tech").click()
        page.wait_for_url("**/entities/terra-tech/")
        assert page.locator("h1").inner_text().startswith("Terra Tech")
        page.close()
    finally:
        server.shutdown()


def open_entity_map_after_instant_navigation(page: Any, home: str, entity_id: str) -> Any:
    """From the home page, click the entity's link (Material's instant navigation must handle it, in
    the same document) and wait for the entity's map iframe to load; the map's frame back."""
    page.goto(home, wait_until="load")
    page.wait_for_load_state("networkidle")  # Material fetches sitemap.xml before it intercepts clicks
    page.evaluate("() => { window.__sameDocument = true; }")
    page.click(f"article a[href$='entities/{entity_id}/']")
    page.wait_for_url(f"**/entities/{entity_id}/")
    page.wait_for_selector("iframe.entity-map")
    assert page.evaluate("() => window.__sameDocument === true"), "navigation.instant did not handle the click"
    iframe = page.locator("iframe.entity-map")
    iframe.scroll_into_view_if_needed()
    frame = iframe.element_handle().content_frame()
    frame.wait_for_load_state("load")
    return frame


PLACEHOLDERS = ["///Footnotes Go Here///", "@@MAP-DATA@@", "@@MAP-TITLE@@", "[TOC]", "klzzwxh:0", "<!-- more -->",
                "{{ config.site_name }}", "{% raw %}"]


def test_hidden_schemes_make_no_live_link_and_placeholders_print_literally(browser, hostile_site):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{hostile_site}/entities/scheme-corp/", wait_until="load")
    name = "Scheme ///Footnotes Go Here/// @@MAP-DATA@@ @@MAP-TITLE@@ [TOC] klzzwxh:0 <!-- more -->"
    title = page.locator("h1").inner_text().split("\n", 1)[0]  # the name; its aliases follow
    assert title == name
    assert page.locator("h1 small.aka").inner_text() == (
        "Also known as: [alias](&#106;avascript:window.__pwned='alias'); "
        "{: onclick=\"window.__pwned='attr'\" } *[HTML]: x ({{ config.site_name }} {% raw %} ///Footnotes Go Here///)")
    body = page.locator("article").inner_text()
    for placeholder in PLACEHOLDERS:
        assert placeholder in body, placeholder
    # The hidden links show as text; clicking each runs nothing.
    summary = page.locator(".card-summary")
    for label in ("dec", "hex", "nosemi", "tab", "newline", "colon", "mixed", "space", "lead", "data", "vb",
                  "hexdata", "angle", "ref1", "ref2", "r3"):
        assert summary.locator("span", has_text=label).count() >= 1, label
    # "&#0;" decodes to U+FFFD, which cannot start a scheme: a harmless link relative to the page.
    assert summary.locator("a").evaluate_all("links => links.map(a => [a.textContent, a.protocol])") == [
        ["nul", "http:"]]
    for element in summary.locator("span").all():
        element.click()
    assert unsafe_urls(page.main_frame) == []
    assert page.evaluate("() => window.__pwned || null") is None and dialogs == []
    # The map of this entity: its name (with both slots in it) in the title and in the tooltips.
    map_page = browser.new_page()
    map_page.goto(f"{hostile_site}/maps/entities/scheme-corp.html", wait_until="load")
    assert map_page.title() == f"Map: {name}"
    map_page.evaluate(OPEN_EVERY_TOOLTIP_AND_POPUP)
    popups = " ".join(map_page.locator(".leaflet-popup-content").all_inner_texts())
    assert name in popups
    assert unsafe_urls(map_page.main_frame) == []
    map_page.close()
    page.close()


def test_no_live_script_link_after_instant_navigation(browser, hostile_site):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    frame = open_entity_map_after_instant_navigation(page, f"{hostile_site}/", "scheme-corp")
    frame.evaluate(OPEN_EVERY_TOOLTIP_AND_POPUP)
    assert {f.url: unsafe_urls(f) for f in page.frames if unsafe_urls(f)} == {}
    assert "///Footnotes Go Here///" in page.locator("article").inner_text()
    assert page.evaluate("() => window.__pwned || null") is None and dialogs == []
    page.close()


def test_search_results_show_hostile_card_text_as_text(browser, hostile_site):
    # Entity pages' search records are made from card text: in the real search box it prints, runs nothing.
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{hostile_site}/", wait_until="networkidle")
    page.click("label.md-search__icon, .md-search__input")
    page.locator("input.md-search__input").type("Place")
    page.wait_for_selector(".md-search-result__item a.md-search-result__link")
    page.wait_for_timeout(300)
    shown = page.locator(".md-search-result").inner_text()
    assert '<script>window.__pwned="place"</script>' in shown
    assert page.locator(".md-search-result script, .md-search-result iframe").count() == 0
    assert unsafe_urls(page.main_frame) == []
    assert page.evaluate("() => window.__pwned || null") is None and dialogs == []
    page.close()
