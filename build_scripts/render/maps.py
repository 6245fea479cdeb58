"""Render map specs into standalone, private, deterministic Folium HTML files.

- Private: Leaflet and MarkerCluster are served from the site (copied from the
  pinned xstatic packages); jQuery, Bootstrap and Font Awesome, which Folium
  pulls from CDNs by default, are not used at all. The tile server is the only
  third-party host, set in ``settings.TILES``.
- Safe: card text reaches the map only HTML-escaped, inside an inert JSON
  block; we bind tooltips and popups ourselves instead of Folium's, which
  splice raw text into JavaScript template literals.
- Deterministic: branca's random element ids are replaced by a counter while
  the page is built, so identical input gives byte-identical files.
- Fast: Folium renders the page once per kind of map (about 20 ms); each map
  is that page with its own data, so 10,000 maps cost a JSON dump each.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import re
from collections.abc import Iterator
from pathlib import Path

import folium
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template
from markupsafe import escape

from build_scripts import schema as s
from build_scripts.base.settings import TILES
from build_scripts.base.text import html_json
from build_scripts.pages.mapdata import EMBED_DIR, MapFlow, MapPlace, MapSpec

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

# Styles of the map document: a legend box, visible keyboard focus on the map and its markers, and
# controls kept clear of the phone's rounded corners.
MAP_CSS = (
    ".map-legend{background:rgba(255,255,255,.95);padding:2px 8px;font:12px/1.5 sans-serif;color:#212121;"
    "border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:16em}"
    ".leaflet-container:focus-visible{outline:3px solid #1a237e;outline-offset:-3px}"
    ".leaflet-container .map-place:focus,.leaflet-container .map-place:focus-visible{stroke:#000;"
    "stroke-width:5px;stroke-opacity:1;outline:none}"
    ".leaflet-control-scale{margin-bottom:8px!important}"
    ".leaflet-control-scale-line{font:11px/1.3 sans-serif;white-space:nowrap;color:#212121}"
    ".leaflet-control-layers{font:13px/1.4 sans-serif;color:#212121}"
    ".leaflet-control-attribution{font-size:11px}"
    ".marker-cluster:focus-visible{outline:3px solid #1a237e}"
)


def text_for_js_html(value: object) -> str:
    """Text that Leaflet will set as innerHTML: HTML-escaped, with ` $ and \\ neutralised too."""
    return str(escape(str(value))).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


@contextlib.contextmanager
def deterministic_ids() -> Iterator[None]:
    """Number branca elements 0, 1, 2, ... while a map is built, instead of random ids."""
    counter = itertools.count()
    original = Element.__dict__["_generate_id"]
    # mypy sees a bound method where the class holds a classmethod object; swapping that object is the point.
    Element._generate_id = classmethod(  # type: ignore[method-assign,assignment]
        lambda cls: f"{next(counter):08x}")
    try:
        yield
    finally:
        Element._generate_id = original  # type: ignore[method-assign]


class DataLayers(MacroElement):
    """Draws the places and flows of the map's JSON data block with Leaflet.

    The data is inert JSON in a ``<script type="application/json">`` element;
    every text in it is HTML-escaped in Python, and Leaflet receives it as a
    string, so no card text is ever parsed as script.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var data = JSON.parse(document.getElementById("map-data").textContent);
          var places = data.cluster ? L.markerClusterGroup({maxClusterRadius: 40}) : L.featureGroup();
          function activate(event) {  // Enter or Space on a focused marker opens its popup
            if (event.key === "Enter" || event.key === " ") { event.preventDefault(); this.openPopup(); }
          }
          data.places.forEach(function (p) {
            var marker = L.circleMarker([p.lat, p.lon], p.style);
            marker.bindTooltip(p.tooltip, {sticky: true});
            marker.bindPopup(p.popup, {maxWidth: 320});
            marker.on("add", function () {  // a keyboard stop with a name, each time it is drawn
              var el = marker.getElement();
              el.setAttribute("tabindex", "0");
              el.setAttribute("role", "button");
              el.setAttribute("aria-label", p.label);
              L.DomEvent.on(el, "keydown", activate, marker);
            });
            places.addLayer(marker);
          });
          if (data.cluster) {
            places.on("animationend", nameClusters);
            map.on("moveend", nameClusters);
          }
          function nameClusters() {
            document.querySelectorAll(".marker-cluster").forEach(function (el) {
              el.setAttribute("role", "button");
              el.setAttribute("aria-label", el.textContent.trim() + " places grouped here; press Enter to zoom in");
            });
          }
          places.addTo(map);
          var flows = L.featureGroup();
          data.flows.forEach(function (f) {
            var line = L.polyline(f.points, f.style);
            line.bindTooltip(f.tooltip, {sticky: true});
            line.bindPopup(f.popup, {maxWidth: 320});
            flows.addLayer(line);
            f.arrows.forEach(function (a) { flows.addLayer(L.polyline(a, f.arrow)); });
          });
          if (data.flows.length) { flows.addTo(map); }
          if (data.cluster) {
            L.control.layers(null, {"Places": places, "Flows of goods and data": flows},
                             {collapsed: false, position: "topright"}).addTo(map);
          }
          if (data.legend) {  // a Leaflet control: corners stack their controls, so none overlaps another
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
              var div = L.DomUtil.create("div", "map-legend leaflet-control");
              div.id = "map-legend";
              div.setAttribute("role", "group");
              div.setAttribute("aria-label", "Legend");
              div.innerHTML = data.legend;
              return div;
            };
            legend.addTo(map);
          }
          if (data.credit) { map.attributionControl.setPrefix(data.credit); }
          nameClusters();
          function fit() {  // keep every marker clear of the map's edges and of the controls in its corners
            var box = map.getContainer().getBoundingClientRect(), gap = 24;
            var pad = {top: gap, right: gap, bottom: gap, left: gap};
            document.querySelectorAll(".leaflet-control-container .leaflet-control").forEach(function (el) {
              var r = el.getBoundingClientRect();
              if (el.closest(".leaflet-left") && el.closest(".leaflet-top")) {
                pad.left = Math.max(pad.left, r.right - box.left + 12);
              }
              else if (el.closest(".leaflet-top")) { pad.top = Math.max(pad.top, r.bottom - box.top + 12); }
              else { pad.bottom = Math.max(pad.bottom, box.bottom - r.top + 12); }
            });
            if (data.bounds) {
              map.fitBounds(data.bounds, {paddingTopLeft: [pad.left, pad.top],
                                          paddingBottomRight: [pad.right, pad.bottom]});
            } else {
              map.setView(data.center, data.zoom);
              var dy = (pad.top - pad.bottom) / 2, dx = (pad.left - pad.right) / 2;
              map.panBy([-dx, -dy], {animate: false});
            }
          }
          fit();
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca 0.8's MacroElement.__init__ is unannotated
        self._name = "DataLayers"


def _local_assets(element: JSCSSMixin, root: str, js: list[tuple[str, str]], css: list[tuple[str, str]]) -> None:
    """Point Folium's default scripts and styles at the site's own copies (and drop the rest)."""
    element.default_js = [(name, root + path) for name, path in js]
    element.default_css = [(name, root + path) for name, path in css]


def _entity_href(root: str, entity_id: str) -> str:
    """The only links in map popups: to entity pages, by id (validated: letters, digits, hyphens)."""
    if not s.SLUG_RE.match(entity_id):
        raise ValueError(f"not an entity id: {entity_id!r}")
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


def _flow_data(flow: MapFlow, root: str) -> dict[str, object]:
    colour = FLOW_COLOURS.get(flow.type, "#37474f")
    status = s.CLAIM_STATUSES[flow.status].label
    label = f"{flow.subject_name} {s.RELATION_TYPES[flow.type].label} {flow.target_name}"
    detail = f" ({flow.goods})" if flow.goods else ""
    style: dict[str, object] = {"color": colour, "weight": STATUS_WEIGHTS[flow.status], "opacity": 0.85}
    if STATUS_DASHES[flow.status]:
        style["dashArray"] = STATUS_DASHES[flow.status]
    return {
        "points": [list(p) for p in flow.points],
        "style": style,
        "arrow": {"color": colour, "weight": STATUS_WEIGHTS[flow.status], "opacity": 0.85},
        "arrows": [_arrowhead(a, b) for a, b in itertools.pairwise(flow.points)],
        "tooltip": text_for_js_html(f"{label}{detail}. Status: {status}."),
        "popup": (f'<a href="{_entity_href(root, flow.subject)}" target="_top">{text_for_js_html(flow.subject_name)}'
                  f"</a> {text_for_js_html(s.RELATION_TYPES[flow.type].label)} "
                  f'<a href="{_entity_href(root, flow.target)}" target="_top">{text_for_js_html(flow.target_name)}'
                  f"</a>{text_for_js_html(detail)}<br><small>Status: {text_for_js_html(status)}</small>"),
    }


def _swatch(css: str) -> str:
    return f'<span aria-hidden="true" style="display:inline-block;vertical-align:middle;{css}"></span> '


def _legend(spec: MapSpec) -> str:
    rows = []
    for kind in sorted({f.type for f in spec.flows}):
        colour = FLOW_COLOURS.get(kind, "#37474f")
        rows.append(f'<div>{_swatch(f"width:22px;border-top:3px solid {colour}")}'
                    f'{text_for_js_html(s.RELATION_TYPES[kind].label)}</div>')
    for status in sorted({f.status for f in spec.flows}):
        dash = "dashed" if status == "alleged" else "dotted" if status == "disputed" else "solid"
        rows.append(f'<div>{_swatch(f"width:22px;border-top:3px {dash} #37474f")}'
                    f'{text_for_js_html(s.CLAIM_STATUSES[status].label)}</div>')
    if any(p.precision == "country" for p in spec.places):
        rows.append(f'<div>{_swatch("width:14px;height:14px;border-radius:50%;border:2px dashed #1565c0")}'
                    'country-level place, drawn at the capital</div>')
    return "".join(rows)


def place_label(place: MapPlace) -> str:
    """The marker's accessible name, plain text (set with setAttribute, never parsed as HTML)."""
    precision = s.PRECISIONS[place.precision].label.lower()
    where = f"{precision}, drawn at {place.capital}" if place.capital else precision
    names = ", ".join(n for _, n, _ in place.entities)
    return f"{place.name} ({where})" + (f": {names}" if names else "")


def map_data(spec: MapSpec) -> dict[str, object]:
    """Everything one map shows, as JSON-ready data with all text escaped."""
    root = "../" * spec.path.count("/")
    places: list[dict[str, object]] = []
    # Country-level rings first, so that a city marker at the capital stays on top and clickable.
    for place in sorted(spec.places, key=lambda p: p.precision != "country"):
        country = place.precision == "country"
        style: dict[str, object] = {"radius": (13 if country else 9 if place.focus else 7),
                       "color": "#d84315" if place.focus else "#1565c0",
                       "weight": 2, "fill": True, "fillOpacity": 0.15 if country else 0.7, "className": "map-place"}
        if country:
            style["dashArray"] = "4 3"
        places.append({"lat": place.latitude, "lon": place.longitude, "style": style, "label": place_label(place),
                       "tooltip": _place_tooltip(place), "popup": _place_popup(place, root)})
    points = [(p.latitude, p.longitude) for p in spec.places]
    data: dict[str, object] = {"cluster": spec.overview, "places": places,
                               "flows": [_flow_data(f, root) for f in spec.flows], "legend": _legend(spec),
                               "bounds": None, "center": [20.0, 0.0], "zoom": 2}
    if spec.page and spec.path.startswith(f"{EMBED_DIR}/"):  # an embed names and links its page on this site
        data["credit"] = (f'<a href="{root}{spec.page}" target="_blank" rel="noopener">'
                          f"{text_for_js_html(spec.title)}</a>")
    if len(set(points)) > 1:
        data["bounds"] = [[min(p[0] for p in points), min(p[1] for p in points)],
                          [max(p[0] for p in points), max(p[1] for p in points)]]
    elif points:
        data["center"] = list(points[0])
        data["zoom"] = ZOOM_BY_PRECISION.get(spec.places[0].precision, 9)
    return data


# Slots in the shell page that each map fills. They are found once, in the shell as Folium
# rendered it (no card text in it), and filled by position: card text in a title or in the
# data can never be taken for a slot, whatever it contains.
_TITLE = "@@MAP-TITLE@@"
_DATA = "@@MAP-DATA@@"


@functools.cache
def shell(depth: int, overview: bool) -> str:
    """The Folium page for maps at this folder depth, rendered once and reused for every map."""
    root = "../" * depth
    with deterministic_ids():
        fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=False, location=[20, 0], zoom_start=2)
        js = [("leaflet", f"{VENDOR_DIR}/leaflet/leaflet.js")]
        css = [("leaflet_css", f"{VENDOR_DIR}/leaflet/leaflet.css")]
        if overview:  # marker clustering, after Leaflet itself
            cluster = f"{VENDOR_DIR}/leaflet.markercluster/"
            js.append(("markercluster_js", cluster + "leaflet.markercluster.js"))
            css += [("markercluster_css", cluster + "MarkerCluster.css"),
                    ("markercluster_default_css", cluster + "MarkerCluster.Default.css")]
        _local_assets(fmap, root, js, css)
        folium.TileLayer(tiles=TILES.url, attr=TILES.attribution, name="Map", max_zoom=TILES.max_zoom,
                         referrer_policy=TILES.referrer_policy, control=False).add_to(fmap)
        figure = fmap.get_root()
        assert isinstance(figure, Figure)  # a Map always sits in a Figure (get_root is typed as Element)
        figure.title = _TITLE
        figure.header.add_child(Element(f"<style>{MAP_CSS}</style>"))
        figure.html.add_child(Element(
            f'<script type="application/json" id="map-data">{_DATA}</script>'))
        DataLayers().add_to(fmap)
        html = figure.render()
    # Readers may zoom (no user-scalable=no, no maximum-scale) and screen readers know the language.
    html = re.sub(r'<meta name="viewport" content="[^"]*" */?>',
                  '<meta name="viewport" content="width=device-width, initial-scale=1">', html, count=1)
    html = html.replace("<html>", '<html lang="en">', 1)
    return "\n".join(line.rstrip() for line in html.splitlines()) + "\n"


def _shell_parts(depth: int, overview: bool) -> tuple[str, str, str]:
    """The shell split around its two slots: before the title, between title and data, after."""
    page = shell(depth, overview)
    before_title, rest = page.split(_TITLE)  # exactly one of each: a ValueError here is a bug
    between, after = rest.split(_DATA)
    return before_title, between, after


def render_map(spec: MapSpec) -> str:
    before_title, between, after = _shell_parts(spec.path.count("/"), spec.overview)
    return before_title + str(escape(spec.title)) + between + html_json(map_data(spec), compact=True) + after


def vendor_assets() -> dict[str, bytes]:
    """Leaflet files to serve from the site, by path under docs/."""
    return {path: source.read_bytes() for path, source in VENDOR_FILES.items()}

