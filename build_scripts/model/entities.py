"""Stage 3: the investigation as plain, immutable data.

Built from cards that passed validation. Every cross-reference index
(backlinks, intermediaries, citations, places) is computed here once, in a
single pass over the cards, so later stages never scan all cards per card.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from build_scripts import schema as s
from build_scripts.cards.validate import CheckedCard
from build_scripts.model import ids
from build_scripts.schema import Citation, PartialDate

__all__ = ["Alias", "Citation", "Entity", "Event", "Identifier", "Investigation", "Money", "PartialDate",
           "Relation", "Response", "Sanction", "build", "entity_from_card", "fields_of", "value_of"]

# Each class below holds the fields of one schema record (tests/test_contract.py checks that
# they agree); entity_from_card fills them from the schema, never field by field.


class HasCitations:
    """Something with citations; ``sources`` gives the cited source ids, in order."""

    citations: tuple[Citation, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(c.source for c in self.citations)


@dataclass(frozen=True)
class Alias:
    name: str
    lang: str | None = None
    note: str | None = None
    extra: tuple[tuple[str, object], ...] = ()  # fields without an attribute yet: see fields_of


@dataclass(frozen=True)
class Identifier:
    scheme: str
    value: str
    extra: tuple[tuple[str, object], ...] = ()  # fields without an attribute yet: see fields_of


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str
    qualifier: str | None = None
    extra: tuple[tuple[str, object], ...] = ()  # fields without an attribute yet: see fields_of


@dataclass(frozen=True)
class Response(HasCitations):
    by: str
    summary: str
    citations: tuple[Citation, ...]
    role: str | None = None
    date: PartialDate | None = None
    quote: str | None = None
    extra: tuple[tuple[str, object], ...] = ()  # fields without an attribute yet: see fields_of


@dataclass(frozen=True)
class Relation(HasCitations):
    """A claim that ``subject`` is linked to ``target``; ``key`` is unique site-wide."""

    key: str
    subject: str
    type: str
    target: str
    status: str
    citations: tuple[Citation, ...]
    id: str | None = None
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
    extra: tuple[tuple[str, object], ...] = ()  # fields without an attribute yet: see fields_of


@dataclass(frozen=True)
class Sanction(HasCitations):
    key: str
    subject: str
    status: str
    citations: tuple[Citation, ...]
    id: str | None = None
    authority: str | None = None
    program: str | None = None
    date: PartialDate | None = None
    end: PartialDate | None = None
    reason: str | None = None
    responses: tuple[Response, ...] = ()
    extra: tuple[tuple[str, object], ...] = ()  # fields without an attribute yet: see fields_of


@dataclass(frozen=True)
class Event(HasCitations):
    key: str
    subject: str
    date: PartialDate
    summary: str
    status: str
    citations: tuple[Citation, ...]
    id: str | None = None
    extra: tuple[tuple[str, object], ...] = ()  # fields without an attribute yet: see fields_of


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
    distinct_from: tuple[str, ...] = ()
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
    text_file: str | None = None  # the editors' copy of the source text; never exported
    extra: tuple[tuple[str, object], ...] = ()  # fields without an attribute yet: see fields_of


# The model class of each nested record, by record name.
RECORD_CLASSES: dict[str, type] = {"alias": Alias, "identifier": Identifier, "value": Money,
                                   "response": Response}
# The model class of each claim list on a card, by field name.
CLAIM_CLASSES: dict[str, type] = {"relations": Relation, "sanctions": Sanction, "events": Event}


def _convert(typ: object, value: Any) -> object:
    """A checked card value as the model holds it: lists as tuples, records as their classes."""
    if isinstance(typ, s.ListOf):
        return tuple(_convert(typ.item, v) for v in value)
    if isinstance(typ, s.TextOrRecord):
        return _convert(typ.record, value)
    if isinstance(typ, s.Record):
        cls = RECORD_CLASSES[typ.name]
        return cls(**fields_of(typ, value, cls))
    return value  # value types already give the model's value (str, number, PartialDate, Citation)


def fields_of(record: s.Record, data: Mapping[str, Any], cls: type) -> dict[str, object]:
    """Keyword arguments for ``cls``, the model class of ``record``, from a card's checked values.

    A field the class has no attribute for (one just added to the schema) goes into ``extra``.
    """
    declared = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, object] = {}
    extra: list[tuple[str, object]] = []
    for spec in record.fields:
        if spec.name in data:
            value = _convert(spec.type, data[spec.name])
            if spec.attribute in declared:
                values[spec.attribute] = value
            else:
                extra.append((spec.attribute, value))
    if extra:
        values["extra"] = tuple(extra)
    return values


def value_of(obj: object, spec: s.Field) -> Any:
    """The value of a schema field on a model object: its attribute, or its entry in ``extra``."""
    if hasattr(obj, spec.attribute):
        return getattr(obj, spec.attribute)
    return dict(getattr(obj, "extra", ())).get(spec.attribute)


def entity_from_card(card: CheckedCard) -> Entity:
    record = s.CARD_RECORDS[card.kind]
    values = fields_of(record, {k: v for k, v in card.data.items() if k not in s.CLAIM_RECORDS}, Entity)
    for name, claim_record in s.CLAIM_RECORDS.items():
        if name in card.data:
            items: Any = card.data[name]
            values[name] = tuple(
                CLAIM_CLASSES[name](key=f"{card.id}/{name}/{claim_id}", subject=card.id,
                                    **fields_of(claim_record, item, CLAIM_CLASSES[name]))
                for claim_id, item in zip(ids.CLAIM_IDS[name](items), items, strict=True))
    return Entity(id=card.id, kind=card.kind, card_path=card.display, **values)  # type: ignore[arg-type]


def _freeze(index: dict[str, list[Any]]) -> Mapping[str, tuple[Any, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in sorted(index.items())})


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


class EntityCache:
    """Entities made from cards by earlier builds, reused for the very same card objects.

    The validator's ``CardCache`` hands back the same ``CheckedCard`` for a file that did not
    change, so the preview, which keeps both, makes entities anew only for the edited cards.
    """

    def __init__(self) -> None:
        self._made: dict[int, tuple[CheckedCard, Entity]] = {}

    def entities(self, cards: Iterable[CheckedCard]) -> list[Entity]:
        made: dict[int, tuple[CheckedCard, Entity]] = {}
        for card in cards:
            hit = self._made.get(id(card))
            made[id(card)] = hit if hit is not None and hit[0] is card else (card, entity_from_card(card))
        self._made = made  # cards no longer given are forgotten
        return [entity for _, entity in made.values()]


def build(cards: Iterable[CheckedCard], cache: EntityCache | None = None) -> Investigation:
    """The investigation from validated cards, with every index filled in one pass; ``cache``
    reuses the entities of cards it has seen."""
    made = cache.entities(cards) if cache is not None else [entity_from_card(c) for c in cards]
    entities = {e.id: e for e in sorted(made, key=lambda e: e.id)}
    incoming: dict[str, list[Any]] = {}
    via: dict[str, list[Any]] = {}
    located: dict[str, list[Any]] = {}
    children: dict[str, list[Any]] = {}
    citing: dict[str, list[Any]] = {}
    claims: dict[str, Relation | Sanction | Event] = {}
    responses_by: dict[str, list[Any]] = {}
    sanctions_by: dict[str, list[Any]] = {}
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
