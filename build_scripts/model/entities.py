"""Stage 3: the investigation as plain, immutable data.

Built from cards that passed validation. Every cross-reference index
(backlinks, intermediaries, citations, places) is computed here once, in a
single pass over the cards, so later stages never scan all cards per card.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from build_scripts.cards.validate import CheckedCard
from build_scripts.model import ids

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True, order=True)
class PartialDate:
    """An ISO 8601 date of year, month or day precision.

    ``derived`` is the basis of a date worked out from the sources rather than stated by
    one (``None`` when a source states it); it does not take part in comparisons.
    """

    iso: str
    derived: str | None = field(default=None, compare=False)

    @property
    def parts(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.iso.split("-"))

    @property
    def year(self) -> int:
        return self.parts[0]

    def human(self) -> str:
        """'2023', 'January 2023' or '31 August 2022'."""
        parts = self.parts
        if len(parts) == 1:
            return str(parts[0])
        if len(parts) == 2:
            return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
        return f"{parts[2]} {_MONTHS[parts[1] - 1]} {parts[0]}"


    def described(self) -> str:
        """The human date, with the basis of a derived one: 'March 2023 (derived: ...)'."""
        return f"{self.human()} (derived: {self.derived})" if self.derived else self.human()


def _date(value: str | dict[str, Any] | None) -> PartialDate | None:
    """A date from a checked card value: plain text, or ``{value, derived}``."""
    return _given_date(value) if value else None


def _given_date(value: str | dict[str, Any]) -> PartialDate:
    if isinstance(value, dict):
        return PartialDate(str(value["value"]), str(value["derived"]))
    return PartialDate(value)


@dataclass(frozen=True)
class Alias:
    name: str
    lang: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Identifier:
    scheme: str
    value: str


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str
    qualifier: str | None = None


@dataclass(frozen=True)
class Citation:
    """A cited source; ``retells`` names the sources whose reporting it only retells for this claim."""

    source: str
    retells: tuple[str, ...] = ()


def _citations(items: Iterable[str | dict[str, Any]]) -> tuple[Citation, ...]:
    return tuple(Citation(i["source"], tuple(i["retells"])) if isinstance(i, dict) else Citation(i)
                 for i in items)


def _source_ids(items: Iterable[str | dict[str, Any]]) -> tuple[str, ...]:
    return tuple(i["source"] if isinstance(i, dict) else i for i in items)


@dataclass(frozen=True)
class Response:
    by: str
    summary: str
    sources: tuple[str, ...]  # ids of the cited sources
    role: str | None = None
    date: PartialDate | None = None
    quote: str | None = None
    citations: tuple[Citation, ...] = ()  # the same, with what each retells


@dataclass(frozen=True)
class Relation:
    """A claim that ``subject`` is linked to ``target``; ``key`` is unique site-wide."""

    key: str
    subject: str
    type: str
    target: str
    status: str
    sources: tuple[str, ...]
    date: PartialDate | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    goods: str | None = None
    end_use: str | None = None
    value: Money | None = None
    via: tuple[str, ...] = ()
    origin: str | None = None
    destination: str | None = None
    role: str | None = None
    note: str | None = None
    responses: tuple[Response, ...] = ()
    citations: tuple[Citation, ...] = ()
    id: str | None = None  # the editor's id for the claim, when given


@dataclass(frozen=True)
class Sanction:
    key: str
    subject: str
    status: str
    sources: tuple[str, ...]
    authority: str | None = None
    program: str | None = None
    date: PartialDate | None = None
    end: PartialDate | None = None
    reason: str | None = None
    responses: tuple[Response, ...] = ()
    citations: tuple[Citation, ...] = ()
    id: str | None = None  # the editor's id for the claim, when given


@dataclass(frozen=True)
class Event:
    key: str
    subject: str
    date: PartialDate
    summary: str
    status: str
    sources: tuple[str, ...]
    citations: tuple[Citation, ...] = ()
    id: str | None = None  # the editor's id for the claim, when given


@dataclass(frozen=True)
class Entity:
    """One card. Fields that a kind does not have stay empty."""

    id: str
    kind: str
    name: str
    card_path: str
    aliases: tuple[Alias, ...] = ()
    country: str | None = None
    summary: str | None = None
    tags: tuple[str, ...] = ()
    unnamed: bool = False
    military_end_user: bool = False
    identifiers: tuple[Identifier, ...] = ()
    locations: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    sanctions: tuple[Sanction, ...] = ()
    events: tuple[Event, ...] = ()
    # places
    latitude: float | None = None
    longitude: float | None = None
    precision: str | None = None
    parent: str | None = None
    # sources
    title: str | None = None
    publisher: str | None = None
    source_type: str | None = None
    date: PartialDate | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None
    archive_url: str | None = None
    language: str | None = None
    based_on: tuple[str, ...] = ()
    text_file: str | None = None  # the editors' copy of its text; never published


@dataclass(frozen=True)
class Investigation:
    """All entities and the indexes between them."""

    entities: Mapping[str, Entity]
    incoming: Mapping[str, tuple[Relation, ...]]  # target id -> relations pointing at it
    intermediary_in: Mapping[str, tuple[Relation, ...]]  # id -> relations passing via it
    located_here: Mapping[str, tuple[str, ...]]  # location id -> entity ids
    children: Mapping[str, tuple[str, ...]]  # location id -> places within it
    citing: Mapping[str, tuple[str, ...]]  # source id -> keys of claims citing it
    claims: Mapping[str, Relation | Sanction | Event]  # claim key -> claim
    responses_by: Mapping[str, tuple[str, ...]]  # entity id -> keys of claims it answered
    sanctions_by: Mapping[str, tuple[Sanction, ...]]  # authority id -> sanctions it decided
    country_places: Mapping[str, str]  # country code -> id of the country-precision place card

    def place_of(self, entity_id: str) -> tuple[str | None, bool]:
        """Where to put an entity on a map: its first place, else its country's place card.

        Returns (location id or None, True when only the country is known).
        """
        entity = self.entities[entity_id]
        if entity.kind == "location":
            return entity.id, False
        if entity.locations:
            return entity.locations[0], False
        place = self.country_places.get(entity.country or "")
        return place, place is not None

    def related(self, entity_id: str) -> tuple[Relation, ...]:
        """Relations the entity takes part in: its own, those aimed at it, those passing via it."""
        return (self.entities[entity_id].relations + self.incoming.get(entity_id, ())
                + self.intermediary_in.get(entity_id, ()))

    def of_kind(self, kind: str) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities.values() if e.kind == kind)

    def name(self, entity_id: str) -> str:
        return self.entities[entity_id].name


def _responses(items: Iterable[dict]) -> tuple[Response, ...]:
    return tuple(
        Response(by=r["by"], summary=r["summary"], sources=_source_ids(r["sources"]), role=r.get("role"),
                 date=_date(r.get("date")), quote=r.get("quote"), citations=_citations(r["sources"]))
        for r in items
    )


def _relation(subject: str, claim_id: str, r: dict) -> Relation:
    value = r.get("value")
    return Relation(
        key=f"{subject}/relations/{claim_id}", subject=subject, type=r["type"], target=r["target"],
        status=r["status"], sources=_source_ids(r["sources"]), citations=_citations(r["sources"]),
        date=_date(r.get("date")),
        start=_date(r.get("start")), end=_date(r.get("end")), goods=r.get("goods"),
        end_use=r.get("end_use"),
        value=Money(value["amount"], value["currency"], value.get("qualifier")) if value else None,
        via=tuple(r.get("via", ())), origin=r.get("origin"), destination=r.get("destination"), role=r.get("role"),
        note=r.get("note"),
        responses=_responses(r.get("responses", ())), id=r.get("id"),
    )


def _sanction(subject: str, claim_id: str, d: dict) -> Sanction:
    return Sanction(
        key=f"{subject}/sanctions/{claim_id}", subject=subject, status=d["status"], sources=_source_ids(d["sources"]),
        citations=_citations(d["sources"]),
        authority=d.get("authority"), program=d.get("program"), date=_date(d.get("date")),
        end=_date(d.get("end")), reason=d.get("reason"), responses=_responses(d.get("responses", ())),
        id=d.get("id"),
    )


def entity_from_card(card: CheckedCard) -> Entity:
    d = card.data
    relations, sanctions, events = d.get("relations", []), d.get("sanctions", []), d.get("events", [])
    return Entity(
        id=card.id, kind=card.kind, name=d["name"], card_path=card.display,
        aliases=tuple(Alias(a["name"], a.get("lang"), a.get("note")) for a in d.get("aliases", ())),
        country=d.get("country"), summary=d.get("summary"), tags=tuple(d.get("tags", ())),
        unnamed=d.get("unnamed", False), military_end_user=d.get("military_end_user", False),
        identifiers=tuple(Identifier(i["scheme"], i["value"]) for i in d.get("identifiers", ())),
        locations=tuple(d.get("locations", ())),
        relations=tuple(_relation(card.id, i, r) for i, r in zip(ids.relation_ids(relations), relations, strict=True)),
        sanctions=tuple(_sanction(card.id, i, x) for i, x in zip(ids.sanction_ids(sanctions), sanctions, strict=True)),
        events=tuple(Event(f"{card.id}/events/{i}", card.id, _given_date(e["date"]), e["summary"], e["status"],
                           _source_ids(e["sources"]), _citations(e["sources"]), e.get("id"))
                     for i, e in zip(ids.event_ids(events), events, strict=True)),
        latitude=d.get("latitude"), longitude=d.get("longitude"), precision=d.get("precision"),
        parent=d.get("parent"), title=d.get("title"), publisher=d.get("publisher"), source_type=d.get("type"),
        date=_date(d.get("date")), authors=tuple(d.get("authors", ())), url=d.get("url"),
        archive_url=d.get("archive_url"), language=d.get("language"), based_on=tuple(d.get("based_on", ())),
        text_file=d.get("text_file"),
    )


def _freeze(index: dict[str, list]) -> Mapping[str, tuple]:
    return MappingProxyType({k: tuple(v) for k, v in sorted(index.items())})


def build(cards: Iterable[CheckedCard]) -> Investigation:
    """The investigation from validated cards, with every index filled in one pass."""
    entities = {e.id: e for e in sorted((entity_from_card(c) for c in cards), key=lambda e: e.id)}
    incoming: dict[str, list] = {}
    via: dict[str, list] = {}
    located: dict[str, list] = {}
    children: dict[str, list] = {}
    citing: dict[str, list] = {}
    claims: dict[str, Relation | Sanction | Event] = {}
    responses_by: dict[str, list] = {}
    sanctions_by: dict[str, list] = {}
    country_places: dict[str, str] = {}

    def cite(claim: Relation | Sanction | Event) -> None:
        claims[claim.key] = claim
        sources = list(claim.sources)
        for response in getattr(claim, "responses", ()):
            sources.extend(response.sources)
            if claim.key not in responses_by.get(response.by, ()):
                responses_by.setdefault(response.by, []).append(claim.key)
        for source in dict.fromkeys(sources):
            citing.setdefault(source, []).append(claim.key)

    for entity in entities.values():
        for place in entity.locations:
            located.setdefault(place, []).append(entity.id)
        if entity.parent:
            children.setdefault(entity.parent, []).append(entity.id)
        if entity.precision == "country" and entity.country:
            country_places.setdefault(entity.country, entity.id)
        for relation in entity.relations:
            incoming.setdefault(relation.target, []).append(relation)
            for middle in relation.via:
                via.setdefault(middle, []).append(relation)
            cite(relation)
        for sanction in entity.sanctions:
            if sanction.authority:
                sanctions_by.setdefault(sanction.authority, []).append(sanction)
            cite(sanction)
        for event in entity.events:
            cite(event)
    return Investigation(
        entities=MappingProxyType(entities), incoming=_freeze(incoming), intermediary_in=_freeze(via),
        located_here=_freeze(located), children=_freeze(children), citing=_freeze(citing),
        claims=MappingProxyType(claims), responses_by=_freeze(responses_by), sanctions_by=_freeze(sanctions_by),
        country_places=MappingProxyType(dict(sorted(country_places.items()))),
    )
