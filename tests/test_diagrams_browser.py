"""Network diagrams as readers see them, in headless Chromium at desktop and phone widths.

For every entity page of the seed and the network page, at 1366 and 390 px: each line keeps clear of
every circle it does not join (sampled along the drawn path), no two labels overlap, and labels are
drawn at 11 px or more. Edges are reachable by keyboard with their description.

A 1,000-card site is checked the same way on every entity page that has a diagram and on its network
page. Loading 1,000 Material pages twice would take about 15 minutes, so one real entity page is
loaded per width and each page's whole diagram block (its markup, as that page was built) is put in
place of the first one and measured there: the diagram's geometry depends only on its markup and the
width of the content column, which is the same on every entity page. A sample of pages is also loaded
the ordinary way and must measure the same, within half a pixel, as its swapped-in copy.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import build_site, make_project, run_cli
from test_browser import browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser

WIDTHS = (1366, 390)
CLEARANCE_PX = 1.0  # beyond the circle's drawn radius

MEASURE = """(root) => {
  const svg = root.querySelector('svg.network');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const nodes = [...svg.querySelectorAll('a.node')].map(a => {
    const c = a.querySelector('circle').getBoundingClientRect();
    const t = a.querySelector('text');
    const box = t.getBoundingClientRect();
    return {id: a.getAttribute('xlink:href'), label: t.textContent, x: c.x + c.width / 2, y: c.y + c.height / 2,
            r: c.width / 2, box: [box.left, box.top, box.right, box.bottom],
            font: parseFloat(getComputedStyle(t).fontSize) * scale};
  });
  const edges = [...svg.querySelectorAll('a.edge')].map(a => {
    const path = a.querySelector('path.edge-line');
    const m = path.getScreenCTM();
    const length = path.getTotalLength();
    const points = [];
    for (let i = 0; i <= 60; i++) {
      const p = path.getPointAtLength(length * i / 60);
      points.push([m.a * p.x + m.c * p.y + m.e, m.b * p.x + m.d * p.y + m.f]);
    }
    return {label: a.getAttribute('aria-label'), href: a.getAttribute('xlink:href'),
            colour: path.getAttribute('stroke'), points};
  });
  const ends = [...svg.querySelectorAll('a.edge')].map(a => {
    const row = root.querySelector(a.getAttribute('xlink:href'));
    return row ? row.textContent : null;
  });
  const origin = svg.getBoundingClientRect();
  return {nodes, edges, ends, scale, origin: [origin.left, origin.top]};
}"""

# Every page's diagram block, fetched from the site and put in place of the open page's own, measured
# in turn: [path, measurement, ends] for each path. MEASURE and ENDS are the functions above.
SWAP_AND_MEASURE = """async ([paths, measure, endsOf]) => {
  measure = eval(measure); endsOf = eval(endsOf);
  const parser = new DOMParser();
  const out = [];
  for (const path of paths) {
    const text = await (await fetch(path)).text();
    const figure = parser.parseFromString(text, 'text/html').querySelectorAll('div.diagram');
    if (figure.length !== 1) { out.push([path, null, null]); continue; }
    const current = document.querySelector('div.diagram');
    const copy = document.importNode(figure[0], true);
    current.replaceWith(copy);
    out.push([path, measure(copy), endsOf(copy)]);
  }
  return out;
}"""

# Which nodes each edge joins: its aria-label names them, but names repeat; use the drawn ends instead.
ENDS = """(root) => [...root.querySelectorAll('svg.network a.edge path.edge-line')].map(p => {
  const m = p.getScreenCTM(); const L = p.getTotalLength();
  const a = p.getPointAtLength(0), b = p.getPointAtLength(L);
  return [[m.a * a.x + m.c * a.y + m.e, m.b * a.x + m.d * a.y + m.f],
          [m.a * b.x + m.c * b.y + m.e, m.b * b.x + m.d * b.y + m.f]];
})"""


def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def seed_origin(seed_site: Path) -> Iterator[str]:
    yield from serve(seed_site)


@pytest.fixture(scope="module")
def synth_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("synth-site")
    done = run_cli("synth", "--entities", "1000", "--seed", "1", str(root / "cards"))
    assert done.returncode == 0, done.stderr
    project = make_project(root / "project", root / "cards")
    (project / "docs" / "index.md").write_text("# Synthetic investigation\n")  # the seed's links would break
    done = build_site(project)
    assert done.returncode == 0, done.stdout + done.stderr
    for origin in serve(project / "site"):
        yield origin, project / "site"


def diagram_pages(site: Path) -> list[str]:
    pages = sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.glob("entities/*/index.html")
                   if 'class="diagram' in p.read_text(encoding="utf-8"))
    return pages


def problems(data: dict[str, Any], ends: list[list[list[float]]]) -> list[str]:
    found = []
    nodes = data["nodes"]
    for edge, (start, end) in zip(data["edges"], ends, strict=True):
        # the nodes an edge joins are those whose circles its two ends touch
        joined = {n["id"] for n in nodes for p in (start, end)
                  if ((p[0] - n["x"]) ** 2 + (p[1] - n["y"]) ** 2) ** 0.5 <= n["r"] + 4 * data["scale"] + 1}
        for node in nodes:
            if node["id"] in joined:
                continue
            near = min(((x - node["x"]) ** 2 + (y - node["y"]) ** 2) ** 0.5 for x, y in edge["points"])
            if near < node["r"] + CLEARANCE_PX:
                found.append(f"line '{edge['label']}' passes {near:.1f} px from the centre of '{node['label']}'")
    for i, a in enumerate(nodes):
        if a["font"] < 11 - 1e-6:
            found.append(f"label '{a['label']}' is drawn at {a['font']:.1f} px")
        for b in nodes[i + 1:]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
            if min(r1, r2) - max(l1, l2) > 0.5 and min(b1, b2) - max(t1, t2) > 0.5:
                found.append(f"labels '{a['label']}' and '{b['label']}' overlap")
    return found


def open_page(browser: Any, url: str, width: int) -> Any:  # noqa: F811
    """A page at ``width`` px; map iframes and anything not from the test server are blocked."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    origin = url[:url.index("/", 8) + 1]
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
               and "/maps/" not in route.request.url else route.abort())
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("svg.network")
    return page


def check_pages(browser: Any, origin: str, paths: list[str]) -> list[str]:  # noqa: F811
    """Every fault on every page, at each width (one browser tab per width)."""
    found = []
    for width in WIDTHS:
        page = open_page(browser, origin + paths[0], width)
        try:
            for path in paths:
                page.goto(origin + path, wait_until="domcontentloaded")
                figures = page.locator("div.diagram")
                assert figures.count() == 1, path
                root = figures.first.element_handle()
                data = page.evaluate(MEASURE, root)
                ends = page.evaluate(ENDS, root)
                assert data["nodes"] and data["edges"], path
                assert all(text for text in data["ends"]), f"{path}: an edge links to no table row"
                found += [f"{path} at {width} px: {p}" for p in problems(data, ends)]
        finally:
            page.close()
    return found


def test_seed_diagrams_keep_clear_and_legible_at_desktop_and_phone(browser, seed_site, seed_origin) -> None:  # noqa: F811
    pages = [*diagram_pages(seed_site), "browse/network/"]
    assert len(pages) >= 20
    assert check_pages(browser, seed_origin, pages) == []


def test_edges_are_reached_by_keyboard_with_their_description(browser, seed_origin) -> None:  # noqa: F811
    page = open_page(browser, seed_origin + "entities/fujian-nanan-baofeng/", 1366)
    try:
        page.locator("div.diagram-scroll").focus()
        labels = []
        for _ in range(12):
            page.keyboard.press("Tab")
            labels.append(page.evaluate("() => [document.activeElement.classList.contains('edge'),"
                                        " document.activeElement.getAttribute('aria-label')]"))
        edges = [label for is_edge, label in labels if is_edge]
        assert edges[0].startswith("Fujian Nanan Baofeng Electronic Co. supplied goods to Rosoboronexport through "
                                   "Unnamed Uzbek state-owned defense firm, disputed")
        assert "Poly Technologies supplied goods to Rosoboronexport, reported, 31 August 2022" in edges
        # Back to Poly's line: focus is visible, the focused line is drawn thicker.
        for _ in range(12):
            if page.evaluate("() => document.activeElement.classList.contains('edge--reported')"):
                break
            page.keyboard.press("Shift+Tab")
        width = page.evaluate("() => getComputedStyle(document.activeElement.querySelector('.edge-line')).strokeWidth")
        assert width == "4px"
        page.keyboard.press("Enter")
        page.wait_for_function("() => location.hash.startsWith('#network-diagram-r')")
        row = page.evaluate("() => document.querySelector(location.hash).textContent")
        assert "Poly Technologies" in row and "reported" in row
    finally:
        page.close()


def test_phone_figure_scrolls_with_a_visible_cue_and_arrowheads_match(browser, seed_origin) -> None:  # noqa: F811
    page = open_page(browser, seed_origin + "browse/network/", 390)
    try:
        state = page.evaluate("""() => {
          const box = document.querySelector('.diagram-scroll');
          const hint = document.querySelector('.diagram-scroll-hint');
          const marker = id => document.querySelector(id + ' path').getAttribute('fill');
          const lines = [...document.querySelectorAll('path.edge-line')].map(p =>
            [p.getAttribute('stroke'), marker(p.getAttribute('marker-end').slice(4, -1))]);
          return {scrolls: box.scrollWidth > box.clientWidth, hint: getComputedStyle(hint).display,
                  hintText: hint.textContent, lines};
        }""")
        assert state["scrolls"] and state["hint"] == "block"
        assert state["hintText"].startswith("Scroll sideways")
        assert all(stroke == fill for stroke, fill in state["lines"])
        page.set_viewport_size({"width": 1366, "height": 900})  # wide enough: no scrolling, no hint
        assert page.evaluate("""() => [document.querySelector('.diagram-scroll').scrollWidth
            > document.querySelector('.diagram-scroll').clientWidth,
            getComputedStyle(document.querySelector('.diagram-scroll-hint')).display]""") == [False, "none"]
    finally:
        page.close()


def test_embed_page_shows_the_diagram_alone(browser, seed_origin) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": 800, "height": 700})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(seed_origin + "embed/network/terra-tech/", wait_until="load")
        assert page.locator("svg.network a.node").count() >= 3
        assert all(url.startswith(seed_origin) for url in requests), requests
        assert page.locator(".md-header").count() == 0
    finally:
        page.close()


def swapped(browser: Any, origin: str, paths: list[str], width: int) -> list[tuple[str, Any, Any]]:  # noqa: F811
    """Each page's diagram measured in place of the first page's own, at ``width``."""
    page = open_page(browser, origin + paths[0], width)
    try:
        done: list[tuple[str, Any, Any]] = []
        for at in range(0, len(paths), 100):
            done += page.evaluate(SWAP_AND_MEASURE, [[origin + p for p in paths[at:at + 100]], MEASURE, ENDS])
        return done
    finally:
        page.close()


def relative(data: dict[str, Any]) -> list[tuple[float, float]]:
    """Node centres and label corners relative to the drawing's top left corner, to compare two loads."""
    left, top = data["origin"]
    return [(n["x"] - left, n["y"] - top) for n in data["nodes"]] + \
        [(n["box"][0] - left, n["box"][3] - top) for n in data["nodes"]]


def test_every_diagram_of_a_1000_card_site(browser, synth_origin) -> None:  # noqa: F811
    origin, site = synth_origin
    pages = diagram_pages(site)
    assert len(pages) > 500, len(pages)
    found = []
    for width in WIDTHS:
        measured = swapped(browser, origin, pages, width)
        assert [path for path, _, _ in measured] == [origin + p for p in pages]
        for path, data, ends in measured:
            assert data is not None, f"{path}: not exactly one diagram"
            assert data["nodes"] and data["edges"], path
            assert all(text for text in data["ends"]), f"{path}: an edge links to no table row"
            found += [f"{path} at {width} px: {p}" for p in problems(data, ends)]
    assert found == []


def test_a_sample_loaded_as_pages_measures_as_its_swapped_copy(browser, synth_origin) -> None:  # noqa: F811
    origin, site = synth_origin
    pages = diagram_pages(site)
    sample = pages[1::max(1, len(pages) // 8)][:8]  # not pages[0], the page the swapped copies are measured in
    assert check_pages(browser, origin, [*sample, "browse/network/"]) == []
    for width in WIDTHS:
        copies = swapped(browser, origin, [pages[0], *sample], width)[1:]
        page = open_page(browser, origin + sample[0], width)
        try:
            for path, (_, copy, _) in zip(sample, copies, strict=True):
                page.goto(origin + path, wait_until="domcontentloaded")
                loaded = page.evaluate(MEASURE, page.locator("div.diagram").first.element_handle())
                apart = max(max(abs(a - c), abs(b - d)) for (a, b), (c, d)
                            in zip(relative(loaded), relative(copy), strict=True))
                assert apart <= 0.5, f"{path} at {width} px: {apart} px apart"  # sub-pixel rounding only
                assert [n["font"] for n in loaded["nodes"]] == [n["font"] for n in copy["nodes"]], path
        finally:
            page.close()
    network = (site / "browse/network/index.html").read_text(encoding="utf-8")
    assert "best-connected of the" in network and "relations.csv" in network
