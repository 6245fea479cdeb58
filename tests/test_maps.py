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
    return {(seed.entities[i].latitude, seed.entities[i].longitude) for i in ids}


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
    assert drawn["points"] == [[28.2282, 112.9388], [61.524, 105.3188]]
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
