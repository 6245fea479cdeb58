"""Render map specs into standalone, private, deterministic Folium HTML files.

- Private: Leaflet and MarkerCluster are served from the site (copied from the
  pinned xstatic packages); jQuery, Bootstrap and Font Awesome, which Folium
  pulls from CDNs by default, are not used at all. The tile server is the only
  third-party host, set in ``settings.TILES``.
- Safe: card text reaches the map only HTML-escaped and JSON-encoded; we bind
  tooltips and popups ourselves instead of Folium's, which splice raw text
  into JavaScript template literals.
- Deterministic: branca's random element ids are replaced by a counter while
  a map is built, so identical input gives byte-identical files.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from pathlib import Path
from typing import Iterator

import folium
import folium.plugins
from branca.element import Element, MacroElement
from jinja2 import Template
from markupsafe import escape

import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster

from . import schema as s
from .mapdata import MapFlow, MapPlace, MapSpec
from .settings import TILES

VENDOR_DIR = "assets/vendor"
_LEAFLET = Path(xstatic.pkg.leaflet.BASE_DIR)
_CLUSTER = Path(xstatic.pkg.leaflet_markercluster.BASE_DIR)
VENDOR_FILES = {
    f"{VENDOR_DIR}/leaflet/leaflet.js": _LEAFLET / "leaflet.js",
    f"{VENDOR_DIR}/leaflet/leaflet.css": _LEAFLET / "leaflet.css",
    f"{VENDOR_DIR}/leaflet.markercluster/leaflet.markercluster.js": _CLUSTER / "leaflet.markercluster.js",
    f"{VENDOR_DIR}/leaflet.markercluster/MarkerCluster.css": _CLUSTER / "MarkerCluster.css",
    f"{VENDOR_DIR}/leaflet.markercluster/MarkerCluster.Default.css": _CLUSTER / "MarkerCluster.Default.css",
}

FLOW_COLOURS = {"supplied": "#b71c1c", "transferred-data": "#4a148c"}
STATUS_DASHES = {"official": None, "reported": None, "alleged": "10 8", "disputed": "2 7"}
STATUS_WEIGHTS = {"official": 4, "reported": 3, "alleged": 3, "disputed": 3}
ZOOM_BY_PRECISION = {"country": 4, "region": 6, "city": 9, "site": 12}


def text_for_js_html(value: object) -> str:
    """Text that Leaflet will set as innerHTML: HTML-escaped, with ` $ and \\ neutralised too."""
    return str(escape(str(value))).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


@contextlib.contextmanager
def deterministic_ids() -> Iterator[None]:
    """Number branca elements 0, 1, 2, ... while a map is built, instead of random ids."""
    counter = itertools.count()
    original = Element.__dict__["_generate_id"]
    Element._generate_id = classmethod(lambda cls: f"{next(counter):08x}")  # type: ignore[method-assign]
    try:
        yield
    finally:
        Element._generate_id = original  # type: ignore[method-assign]


class SafeTooltip(MacroElement):
    """``bindTooltip`` with JSON-encoded, pre-escaped HTML."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindTooltip({{ this.html|tojson }}, {sticky: true});
        {% endmacro %}
    """)

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "SafeTooltip"
        self.html = html


class SafePopup(MacroElement):
    """``bindPopup`` with JSON-encoded, pre-escaped HTML; no jQuery."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup({{ this.html|tojson }}, {maxWidth: 320});
        {% endmacro %}
    """)

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "SafePopup"
        self.html = html


def _local_assets(element: object, root: str, js: list[tuple[str, str]], css: list[tuple[str, str]]) -> None:
    element.default_js = [(name, root + path) for name, path in js]  # type: ignore[attr-defined]
    element.default_css = [(name, root + path) for name, path in css]  # type: ignore[attr-defined]


def _entity_href(root: str, entity_id: str) -> str:
    return f"{root}entities/{entity_id}/"


def _place_popup(place: MapPlace, root: str) -> str:
    lines = [f'<strong><a href="{_entity_href(root, place.id)}" target="_top">{text_for_js_html(place.name)}</a>'
             f'</strong> <small>({text_for_js_html(s.PRECISIONS[place.precision].label.lower())})</small>']
    for entity_id, name, by_country in place.entities:
        note = " <small>(country only)</small>" if by_country else ""
        lines.append(f'<a href="{_entity_href(root, entity_id)}" target="_top">{text_for_js_html(name)}</a>{note}')
    return "<br>".join(lines)


def _place_tooltip(place: MapPlace) -> str:
    names = ", ".join(n for _, n, _ in place.entities[:3])
    more = f" and {len(place.entities) - 3} more" if len(place.entities) > 3 else ""
    return text_for_js_html(f"{place.name}: {names}{more}" if names else place.name)


def _arrowhead(start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
    """A small V at the middle of a segment, pointing from start to end (local flat approximation)."""
    lat0 = math.radians((start[0] + end[0]) / 2)
    dx = (end[1] - start[1]) * math.cos(lat0)
    dy = end[0] - start[0]
    length = math.hypot(dx, dy) or 1.0
    size = min(length * 0.12, 3.0)
    ux, uy = dx / length, dy / length
    tip = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)

    def point(back: float, side: float) -> tuple[float, float]:
        x = -ux * back - uy * side
        y = -uy * back + ux * side
        return (round(tip[0] + y, 6), round(tip[1] + x / math.cos(lat0), 6))

    return [point(size, size * 0.6), tip, point(size, -size * 0.6)]


def _flow_lines(flow: MapFlow, root: str, layer: object) -> None:
    colour = FLOW_COLOURS.get(flow.type, "#37474f")
    status = s.CLAIM_STATUSES[flow.status].label
    label = f"{flow.subject_name} {s.RELATION_TYPES[flow.type].label} {flow.target_name}"
    detail = f" ({flow.goods})" if flow.goods else ""
    tooltip = text_for_js_html(f"{label}{detail}. Status: {status}.")
    popup = (f'<a href="{_entity_href(root, flow.subject)}" target="_top">{text_for_js_html(flow.subject_name)}</a> '
             f"{text_for_js_html(s.RELATION_TYPES[flow.type].label)} "
             f'<a href="{_entity_href(root, flow.target)}" target="_top">{text_for_js_html(flow.target_name)}</a>'
             f"{text_for_js_html(detail)}<br><small>Status: {text_for_js_html(status)}</small>")
    options = {"color": colour, "weight": STATUS_WEIGHTS[flow.status], "opacity": 0.85}
    if STATUS_DASHES[flow.status]:
        options["dash_array"] = STATUS_DASHES[flow.status]
    line = folium.PolyLine(locations=[list(p) for p in flow.points], **options)
    line.add_child(SafeTooltip(tooltip))
    line.add_child(SafePopup(popup))
    line.add_to(layer)
    for start, end in zip(flow.points, flow.points[1:]):
        folium.PolyLine(locations=[list(p) for p in _arrowhead(start, end)], color=colour,
                        weight=STATUS_WEIGHTS[flow.status], opacity=0.85).add_to(layer)


def _legend(spec: MapSpec) -> str:
    rows = []
    for kind in sorted({f.type for f in spec.flows}):
        rows.append(f'<div><span style="display:inline-block;width:22px;border-top:3px solid '
                    f'{FLOW_COLOURS.get(kind, "#37474f")};vertical-align:middle"></span> '
                    f'{text_for_js_html(s.RELATION_TYPES[kind].label)}</div>')
    for status in sorted({f.status for f in spec.flows}):
        dash = "dashed" if status == "alleged" else "dotted" if status == "disputed" else "solid"
        rows.append(f'<div><span style="display:inline-block;width:22px;border-top:3px {dash} #37474f;'
                    f'vertical-align:middle"></span> {text_for_js_html(s.CLAIM_STATUSES[status].label)}</div>')
    rows.append('<div><span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
                'border:2px dashed #1565c0"></span> country-level place</div>')
    return ('<div class="map-legend" style="position:absolute;top:10px;right:10px;z-index:1000;'
            'background:rgba(255,255,255,.92);padding:6px 8px;font:12px/1.5 sans-serif;border-radius:4px;'
            'box-shadow:0 1px 4px rgba(0,0,0,.3)">' + "".join(rows) + "</div>")


def build_map(spec: MapSpec) -> folium.Map:
    depth = spec.path.count("/")
    root = "../" * depth
    with deterministic_ids():
        fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=False)
        _local_assets(fmap, root, [("leaflet", f"{VENDOR_DIR}/leaflet/leaflet.js")],
                      [("leaflet_css", f"{VENDOR_DIR}/leaflet/leaflet.css")])
        folium.TileLayer(tiles=TILES.url, attr=TILES.attribution, name="Map", max_zoom=TILES.max_zoom,
                         referrer_policy=TILES.referrer_policy, control=False).add_to(fmap)
        fmap.get_root().title = str(escape(spec.title))
        if spec.overview:
            places_layer = folium.plugins.MarkerCluster(name="Places", max_cluster_radius=40)
            _local_assets(places_layer, root,
                          [("markerclusterjs", f"{VENDOR_DIR}/leaflet.markercluster/leaflet.markercluster.js")],
                          [("markerclustercss", f"{VENDOR_DIR}/leaflet.markercluster/MarkerCluster.css"),
                           ("markerclusterdefaultcss",
                            f"{VENDOR_DIR}/leaflet.markercluster/MarkerCluster.Default.css")])
        else:
            places_layer = folium.FeatureGroup(name="Places")
        places_layer.add_to(fmap)
        for place in spec.places:
            country = place.precision == "country"
            marker = folium.CircleMarker(
                location=[place.latitude, place.longitude], radius=9 if place.focus else 7,
                color="#d84315" if place.focus else "#1565c0", weight=2, fill=True,
                fill_opacity=0.15 if country else 0.7, dash_array="4 3" if country else None)
            marker.add_child(SafeTooltip(_place_tooltip(place)))
            marker.add_child(SafePopup(_place_popup(place, root)))
            marker.add_to(places_layer)
        if spec.flows:
            flows_layer = folium.FeatureGroup(name="Flows of goods and data")
            for flow in spec.flows:
                _flow_lines(flow, root, flows_layer)
            flows_layer.add_to(fmap)
            fmap.get_root().html.add_child(Element(_legend(spec)))
        if spec.overview:
            folium.LayerControl(collapsed=False).add_to(fmap)
        points = [(p.latitude, p.longitude) for p in spec.places]
        if not points:  # an investigation with no places yet: the world
            fmap.location = [20.0, 0.0]
            fmap.options["zoom"] = 2
        elif len(set(points)) == 1:
            fmap.location = list(points[0])
            fmap.options["zoom"] = ZOOM_BY_PRECISION.get(spec.places[0].precision, 9)
        else:
            fmap.fit_bounds([[min(p[0] for p in points), min(p[1] for p in points)],
                             [max(p[0] for p in points), max(p[1] for p in points)]], padding=(30, 30))
        return fmap


def render_map(spec: MapSpec) -> str:
    fmap = build_map(spec)
    with deterministic_ids():
        html = fmap.get_root().render()
    return "\n".join(line.rstrip() for line in html.splitlines()) + "\n"


def vendor_assets() -> dict[str, bytes]:
    """Leaflet files to serve from the site, by path under docs/."""
    return {path: source.read_bytes() for path, source in VENDOR_FILES.items()}

