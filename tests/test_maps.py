"""Maps: what they show, where markers are, that text is inert and output deterministic."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

from build_scripts.cards.validate import validate_dir
from build_scripts.model import entities as model
from build_scripts.pages import mapdata
from build_scripts.pages.mapdata import MapFlow, MapPlace, MapSpec
from build_scripts.render import maps


@pytest.fixture(scope="module")
def seed() -> model.Investigation:
    return model.build(validate_dir(ROOT / "entities").cards)


@pytest.fixture(scope="module")
def specs(seed) -> dict[str, MapSpec]:
    return mapdata.all_maps(seed)


def coords(seed, *ids):
    """Where the markers are drawn: at the card's coordinates, or a country-level place at its capital."""
    return {mapdata.drawn_at(seed.entities[i])[:2] for i in ids}


def data_of(html: str) -> dict:
    (block,) = re.findall(r'<script type="application/json" id="map-data">(.*?)</script>', html, flags=re.S)
    return json.loads(block)


def marker_coords(html: str) -> set[tuple[float, float]]:
    return {(p["lat"], p["lon"]) for p in data_of(html)["places"]}


def test_spacety_map_shows_its_place_counterparties_and_the_imagery_flow(seed, specs):
    spec = specs["spacety-china"]
    html = maps.render_map(spec)
    assert marker_coords(html) == coords(seed, "changsha", "luxembourg", "russia")
    (flow,) = spec.flows
    assert (flow.subject, flow.target, flow.places) == ("spacety-china", "terra-tech", ("changsha", "russia"))
    (drawn,) = data_of(html)["flows"]
    assert drawn["points"] == [[28.2282, 112.9388], [55.752, 37.6178]]  # Changsha to Russia, drawn at Moscow
    # An allegation (the US filing's claim): dashed, never the solid line of an official act.
    assert drawn["style"]["color"] == maps.FLOW_COLOURS["transferred-data"] and drawn["style"]["dashArray"]


def test_poly_map_places_parties_at_country_level(seed, specs):
    spec = specs["poly-technologies"]
    assert marker_coords(maps.render_map(spec)) == coords(seed, "china", "russia")
    by_place = {p.id: p.entities for p in spec.places}
    assert by_place["china"] == (("poly-technologies", "Poly Technologies", True),)


def test_shanghai_map_shows_the_city_and_the_port_within_it(seed, specs):
    assert marker_coords(maps.render_map(specs["shanghai"])) == coords(seed, "shanghai", "yangshan-port")


def test_intermediaries_route_the_flow(specs):
    (flow,) = specs["fujian-nanan-baofeng"].flows
    assert flow.places == ("china", "uzbekistan", "russia")


def test_overview_has_every_place_clustered_and_a_flows_layer(seed, specs):
    spec = specs[""]
    assert {p.id for p in spec.places} == {e.id for e in seed.of_kind("location")}
    html = maps.render_map(spec)
    assert marker_coords(html) == coords(seed, *(e.id for e in seed.of_kind("location")))
    data = data_of(html)
    assert data["cluster"] is True and len(data["flows"]) == len(spec.flows) > 5
    assert '<script src="../assets/vendor/leaflet.markercluster/leaflet.markercluster.js"></script>' in html
    assert "supplied goods to" in data["legend"] and "Disputed" in data["legend"]


def test_map_output_is_deterministic(specs):
    first = maps.render_map(specs[""])
    maps.shell.cache_clear()
    assert first == maps.render_map(specs[""])
    assert re.search(r"map_[0-9a-f]{32}", first) is None  # no random branca ids


def test_map_loads_leaflet_from_the_site_only(specs):
    html = maps.render_map(specs["spacety-china"])
    assert re.findall(r'<script src="([^"]+)"', html) == ["../../assets/vendor/leaflet/leaflet.js"]
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["../../assets/vendor/leaflet/leaflet.css"]
    for cdn in ("jsdelivr", "cdnjs", "code.jquery.com", "bootstrapcdn", "fontawesome"):
        assert cdn not in html
    assert '"referrerPolicy": "strict-origin-when-cross-origin"' in html


PAYLOAD = "<script>alert(1)</script>`${alert(2)}`\\"


def hostile_spec() -> MapSpec:
    place = MapPlace("p", PAYLOAD, 10.0, 20.0, "city", (("e", PAYLOAD, False),), focus=True)
    other = MapPlace("q", "Q", 11.0, 21.0, "country", ())
    flow = MapFlow("e/relations/0", "supplied", "alleged", "e", "f", PAYLOAD, "F", PAYLOAD, ("p", "q"),
                   ((10.0, 20.0), (11.0, 21.0)))
    return MapSpec("maps/entities/e.html", PAYLOAD, (place, other), (flow,), ())


def test_card_text_in_tooltips_and_popups_is_escaped_and_json_encoded():
    html = maps.render_map(hostile_spec())
    assert "<script>alert(1)" not in html
    scripts = "".join(re.findall(r"<script>(.*?)</script>", html, flags=re.S))
    assert "alert" not in scripts  # card text lives only in the inert JSON block
    block = re.search(r'id="map-data">(.*?)</script>', html, flags=re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block.replace("\\u0026", "")
    data = json.loads(block)
    texts = [p[k] for p in data["places"] for k in ("tooltip", "popup")] + \
        [f[k] for f in data["flows"] for k in ("tooltip", "popup")]
    hostile = [text for text in texts if "alert(1)" in text]
    assert len(hostile) == 4  # place tooltip and popup, flow tooltip and popup
    for text in hostile:  # what Leaflet sets as innerHTML: entities only, no markup from the card
        assert "<script" not in text and "`" not in text and "${" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&#96;&#36;{alert(2)}&#96;&#92;" in text
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_vendor_assets_are_the_pinned_packages_files():
    assets = maps.vendor_assets()
    assert set(assets) == set(maps.VENDOR_FILES)
    assert assets["assets/vendor/leaflet/leaflet.js"].startswith(b"/* @preserve\n * Leaflet 1.9.3")


def test_an_investigation_without_places_gets_a_world_map():
    data = data_of(maps.render_map(MapSpec("maps/overview.html", "Empty", (), (), (), overview=True)))
    assert (data["center"], data["zoom"], data["bounds"]) == ([20.0, 0.0], 2, None)


def test_country_place_lists_the_parties_placed_there_by_country(specs):
    (china,) = [p for p in specs["china"].places if p.id == "china"]
    members = {e for e, _, by_country in china.entities if by_country}
    assert {"poly-technologies", "avic-international", "dji"} <= members
    assert "spacety-china" not in members  # it has a city of its own


# --- readers can trust the picture: capitals, names, zoom, embeds ------------------------------

def test_country_level_points_are_drawn_at_the_capital_and_say_so(seed, specs):
    (russia,) = [p for p in specs["spacety-china"].places if p.id == "russia"]
    assert (russia.latitude, russia.longitude, russia.capital) == (55.752, 37.6178, "Moscow")
    assert (seed.entities["russia"].latitude, seed.entities["russia"].longitude) == (61.524, 105.3188)  # card kept
    (flow,) = specs["spacety-china"].flows
    assert flow.points[-1] == (55.752, 37.6178)  # flows end where the marker is
    data = data_of(maps.render_map(specs["spacety-china"]))
    assert "country-level place, drawn at the capital" in data["legend"]
    labels = [p["label"] for p in data["places"]]
    assert "Russia (country, drawn at Moscow): Terra Tech" in labels
    assert data["places"][0]["style"]["dashArray"] == "4 3"  # country rings first: city dots stay on top


def test_map_documents_declare_their_language_and_never_disable_zoom(specs):
    for key in ("", "spacety-china", "changsha"):
        html = maps.render_map(specs[key])
        assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert "user-scalable" not in html and "maximum-scale" not in html


def test_every_map_has_an_embed_page_that_links_back_and_a_snippet(tmp_path, specs):
    embed = mapdata.embed_spec(specs["spacety-china"])
    assert embed.path == "embed/map/entities/spacety-china.html"
    data = data_of(maps.render_map(embed))
    assert data["credit"] == ('<a href="../../../entities/spacety-china/" target="_blank" rel="noopener">'
                              "Map: Spacety China</a>")
    assert "credit" not in data_of(maps.render_map(specs["spacety-china"]))
    assert mapdata.embed_spec(specs[""]).path == "embed/map/overview.html"


def test_embed_snippet_and_files_are_written(seed_site):
    assert (seed_site / "embed/map/entities/spacety-china.html").is_file()
    assert (seed_site / "embed/map/overview.html").is_file()
    html = (seed_site / "entities/spacety-china/index.html").read_text()
    assert "<summary>Embed this map</summary>" in html
    assert ("&lt;iframe src=&#34;http://localhost:8000/embed/map/entities/spacety-china.html&#34; "
            "title=&#34;Map: Spacety China&#34;") in html


# --- in the browser: nothing overlaps, nothing hugs the edge, markers are keyboard stops ---------

GEOMETRY = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return {x: r.left, y: r.top, r: r.right, b: r.bottom}; };
  return {
    map: box(document.querySelector('.leaflet-container')),
    controls: [...document.querySelectorAll('.leaflet-control-container .leaflet-control')]
      .map(e => ({name: e.className.split(' ')[0] + (e.id ? '#' + e.id : ''), ...box(e)})),
    markers: [...document.querySelectorAll('.map-place, .marker-cluster')]
      .map(e => ({name: e.getAttribute('aria-label'), ...box(e)})),
  };
}"""


def overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["r"] and b["x"] < a["r"] and a["y"] < b["b"] and b["y"] < a["b"]


MAP_PAGES = ["browse/map/", "entities/spacety-china/", "entities/russia/", "entities/changsha/",
             "entities/fujian-nanan-baofeng/"]


@pytest.mark.browser
@pytest.mark.parametrize("width", (1366, 390))
@pytest.mark.parametrize("page_path", MAP_PAGES)
def test_controls_never_overlap_and_markers_keep_clear_of_edges_and_controls(browser, seed_url, page_path, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.route("https://**/*", lambda route: route.abort())
    page.goto(seed_url + page_path, wait_until="load")
    iframe = page.wait_for_selector("iframe.entity-map")
    iframe.scroll_into_view_if_needed()
    frame = iframe.content_frame()
    frame.wait_for_selector(".map-place, .marker-cluster")
    page.wait_for_timeout(600)  # fitBounds and cluster animations settle
    geo = frame.evaluate(GEOMETRY)
    page.close()
    area, margin = geo["map"], 8
    controls = geo["controls"]
    assert len(controls) >= 3  # zoom, scale, attribution (and legend, layers where they apply)
    for i, a in enumerate(controls):
        assert area["x"] <= a["x"] and a["r"] <= area["r"] and area["y"] <= a["y"] and a["b"] <= area["b"], a
        for b in controls[i + 1:]:
            assert not overlap(a, b), (a, b)
    assert geo["markers"]
    for m in geo["markers"]:
        assert (m["x"] >= area["x"] + margin and m["r"] <= area["r"] - margin
                and m["y"] >= area["y"] + margin and m["b"] <= area["b"] - margin), m
        for c in controls:
            assert not overlap(m, c), (m, c)


@pytest.mark.browser
def test_markers_are_named_keyboard_stops_that_open_their_popup(browser, seed_url):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.route("https://**/*", lambda route: route.abort())
    page.goto(seed_url + "maps/entities/spacety-china.html", wait_until="load")
    names = page.eval_on_selector_all(".map-place", "els => els.map(e => [e.getAttribute('tabindex'), "
                                      "e.getAttribute('role'), e.getAttribute('aria-label')])")
    assert sorted(names) == [["0", "button", "Changsha (city): Spacety China"],
                             ["0", "button", "Luxembourg (country, drawn at Luxembourg): Spacety Luxembourg"],
                             ["0", "button", "Russia (country, drawn at Moscow): Terra Tech"]]
    flows_focusable = page.eval_on_selector_all("path.leaflet-interactive:not(.map-place)",
                                                "els => els.filter(e => e.tabIndex >= 0).length")
    assert flows_focusable == 0  # flows are not tab stops; the text list under the map is their equivalent
    focused = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("() => document.activeElement.getAttribute('aria-label') || "
                                     "document.activeElement.className.baseVal || document.activeElement.className"))
        if focused[-1] == "Changsha (city): Spacety China":
            break
    assert focused[-1] == "Changsha (city): Spacety China", focused
    outline = page.evaluate("() => getComputedStyle(document.activeElement).stroke")
    assert outline == "rgb(0, 0, 0)"  # the focus ring: a black outline drawn on the marker
    page.keyboard.press("Enter")
    assert page.locator(".leaflet-popup-content").inner_text().startswith("Changsha (city)")
    page.close()


@pytest.mark.browser
def test_the_map_itself_shows_a_focus_ring(browser, seed_url):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.route("https://**/*", lambda route: route.abort())
    page.goto(seed_url + "maps/entities/changsha.html", wait_until="load")
    page.focus(".leaflet-container")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                          " return [document.activeElement.classList.contains('leaflet-container'),"
                          " s.outlineStyle, s.outlineWidth]; }")
    page.close()
    assert style == [True, "solid", "3px"]


@pytest.fixture(scope="module")
def seed_url(seed_site):
    from conftest import serve_folder as serve
    server, url = serve(seed_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from conftest import ARGS, CHROMIUM
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed; run `make test` or `sudo apt-get install chromium`")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def test_maps_of_some_entities_are_those_of_the_whole_run(seed: model.Investigation) -> None:
    every = mapdata.all_maps(seed)
    some = ["spacety-china", "changsha", "wsj-russian-customs-records", "no-such-card"]
    assert mapdata.all_maps(seed, some) == {i: every[i] for i in some if i in every}
    assert set(mapdata.all_maps(seed, some)) == {"spacety-china", "changsha"}
