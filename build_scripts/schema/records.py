"""Fields and records: what each kind of card holds, and how each field is exported.

A :class:`Field` names its value type, its meaning, and where its value goes:
the model attribute (``attr``, default the field's name), whether it is
published (``public``), and the FollowTheMoney property it maps to (``ftm``:
one property, or one per FtM schema). The model, the exports, FtM in both
directions, the field reference, the JSON Schema and the card skeleton all read
these records, so a field added here reaches all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from build_scripts.schema.types import (
    Boolean,
    Cites,
    Country,
    Currency,
    Date,
    Enum,
    Language,
    Markdown,
    Number,
    Ref,
    Slug,
    Text,
    Url,
)
from build_scripts.schema.vocab import (
    CLAIM_STATUSES,
    KINDS,
    PARTY_KINDS,
    PRECISIONS,
    RELATION_TYPES,
    SANCTION_STATUSES,
    SOURCE_TYPES,
    VALUE_QUALIFIERS,
)

FtmMapping = str | tuple[tuple[str, str], ...] | None  # a property, or (FtM schema, property) pairs; "*" for any


@dataclass(frozen=True)
class Field:
    name: str
    type: object
    doc: str
    required: bool = False
    example: str = ""
    attr: str = ""  # the model's attribute, when it differs from the name
    public: bool = True  # False: kept by the model, never exported
    ftm: FtmMapping = None
    missing: str = ""  # the message when a required field is missing, if not the usual one

    @property
    def attribute(self) -> str:
        return self.attr or self.name

    def ftm_property(self, ftm_schema: str) -> str | None:
        """The FtM property this field maps to in entities of ``ftm_schema``, if any."""
        if self.ftm is None or isinstance(self.ftm, str):
            return self.ftm
        by_schema = dict(self.ftm)
        return by_schema.get(ftm_schema, by_schema.get("*"))


@dataclass(frozen=True)
class Record:
    name: str
    fields: tuple[Field, ...]
    doc: str = ""
    csv_label: tuple[str, ...] = ()  # fields joined with ':' to stand for an item in a CSV cell

    def field_named(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class ListOf:
    item: object
    min_items: int = 0
    unique: bool = True
    unique_by: str | None = None  # for lists of records: the field whose values must differ


@dataclass(frozen=True)
class TextOrRecord:
    """Either plain text or a record whose ``text_field`` holds that text."""

    record: Record
    text_field: str


# --- the mapping forms of value types ------------------------------------------------------------

DERIVED_DATE = Record("derived date", (
    Field("value", Date(derivable=False), "The date as worked out: YYYY, YYYY-MM or YYYY-MM-DD.", required=True),
    Field("derived", Text(max_length=500),
          "How it was worked out, in words a reader can check, e.g. 'two weeks before the 14 March report'.",
          required=True, missing="derived date needs its basis: add 'derived: <how it was worked out>'"),
), doc="A date no source gives, worked out from what they do give; the site shows it as derived, with "
       "its basis.")

CITATION = Record("citation", (
    Field("source", Ref(("source",)), "Id of the source card cited.", required=True),
    Field("retells", ListOf(Ref(("source",)), min_items=1),
          "Ids of the sources whose reporting this one only retells.", required=True),
), doc="A source that only retells other outlets' reporting: it is cited, but it does not count as "
       "independent corroboration.")

FORMS: dict[str, Record] = {DERIVED_DATE.name: DERIVED_DATE, CITATION.name: CITATION}


def walk(typ: object, visit: Callable[[object], None]) -> None:
    """Call ``visit`` on ``typ`` and on every type nested in it (list items, record fields, mapping forms)."""
    visit(typ)
    if isinstance(typ, ListOf):
        walk(typ.item, visit)
    elif isinstance(typ, TextOrRecord):
        walk(typ.record, visit)
    elif isinstance(typ, Record):
        for field in typ.fields:
            walk(field.type, visit)
    else:
        form = getattr(typ, "mapping_form", None)
        if form:
            walk(FORMS[form], visit)


# --- records -------------------------------------------------------------------------------------

_SOURCES = Field("sources", ListOf(Cites(), min_items=1),
                 "Sources that support this, at least one: each a source card's id, or "
                 "{source: <id>, retells: [<ids>]} when it only retells other outlets' reporting.",
                 required=True, example="[wsj-2023-customs-records]", attr="citations", ftm="proof")
_ID = Field("id", Slug(), "A stable id for this item, unique within its list in the card, e.g. "
                          "'shipment-2022'. Links to it keep working when items are reordered.")

VALUE = Record("value", (
    Field("amount", Number(minimum=0, maximum=1e15), "The amount, digits only: 1200000.", required=True),
    Field("currency", Currency(), "ISO 4217 code of the currency: USD, EUR, CNY.", required=True),
    Field("qualifier", Enum(VALUE_QUALIFIERS),
          "Set when the source gives a bound or an estimate: about, more-than, less-than."),
), doc="A money value as the source gives it.")

RESPONSE = Record("response", (
    Field("by", Ref(PARTY_KINDS), "Id of the entity (or person) who answered.", required=True),
    Field("role", Text(), "The capacity they answered in, e.g. 'general manager'."),
    Field("date", Date(), "When they answered, as precisely as the source says."),
    Field("summary", Text(max_length=1000, multiline=True),
          "What they said, in our words.", required=True),
    Field("quote", Text(max_length=500, multiline=True), "A short quotation, exactly as published."),
    _SOURCES,
), doc="A reply, denial or comment by the subject of a claim, shown beside the claim.", csv_label=("by",))

_RESPONSES = Field("responses", ListOf(RESPONSE, unique=False),
                   "Replies to this claim; each is shown beside it.")
_STATUS = Field("status", Enum(tuple(CLAIM_STATUSES)),
                "How established the claim is: official, reported, alleged or disputed.", required=True,
                ftm="status")

RELATION = Record("relation", (
    _ID,
    Field("type", Enum(tuple(RELATION_TYPES)), "What kind of link this is; see the vocabulary.", required=True),
    Field("target", Ref((*PARTY_KINDS, "location")), "Id of the other party (or place).", required=True),
    _STATUS,
    Field("date", Date(), "When it happened, for a single event. Use start/end for a period.", ftm="date"),
    Field("start", Date(), "When it began.", ftm="startDate"),
    Field("end", Date(), "When it ended.", ftm="endDate"),
    Field("goods", Text(max_length=500), "What was supplied, shipped or transferred.",
          ftm=(("EconomicActivity", "goodsDescription"), ("*", "description"))),
    Field("end_use", Text(max_length=500), "What the goods were for, where the source says: a weapon, a vehicle.",
          ftm="summary"),
    Field("value", VALUE, "The money value, as the source gives it."),
    Field("via", ListOf(Ref(PARTY_KINDS)), "Ids of intermediaries the goods or data passed through."),
    Field("origin", Ref(("location",)),
          "Where goods or data left from, when a source says. Maps default to the subject's place."),
    Field("destination", Ref(("location",)),
          "Where goods or data went, when a source says. Maps default to the target's place."),
    Field("role", Text(), "For works-for, member-of and acted-for: the role, e.g. 'spokesperson'."),
    Field("note", Text(max_length=1000, multiline=True), "Anything a reader needs to weigh the claim."),
    _SOURCES,
    _RESPONSES,
), doc="A typed, sourced link from this card to another.")

SANCTION = Record("sanction", (
    _ID,
    Field("authority", Ref(("public-body", "organization")),
          "Id of the designating authority (e.g. us-treasury). Leave out only if the sources do not say."),
    Field("program", Text(), "The sanctions program, as the authority names it.", ftm="program"),
    Field("status", Enum(tuple(SANCTION_STATUSES)),
          "listed, delisted, proposed (or urged) or not-listed (considered, not listed).", required=True,
          ftm="status"),
    Field("date", Date(), "When the status took effect or was reported (listing, proposal, decision).",
          ftm="startDate"),
    Field("end", Date(), "When a listing ended (delisted).", ftm="endDate"),
    Field("reason", Text(max_length=1000, multiline=True), "The stated basis, in our words.", ftm="reason"),
    _SOURCES,
    _RESPONSES,
), doc="A sanctions designation, proposal or decision not to list.")

EVENT = Record("event", (
    _ID,
    Field("date", Date(), "When it happened, as precisely as the source says.", required=True),
    Field("summary", Text(max_length=1000, multiline=True), "What happened, in our words.", required=True),
    _STATUS,
    _SOURCES,
), doc="A dated event in the entity's story that is not a link to another card, e.g. a policy change.")

IDENTIFIER = Record("identifier", (
    Field("scheme", Slug(), "The register: e.g. 'lei', 'ogrn', 'uscc', 'fcc-grantee'.", required=True),
    Field("value", Text(max_length=100), "The identifier exactly as registered.", required=True),
), doc="A registry identifier. Never invent one: add it only when a source gives it.",
    csv_label=("scheme", "value"))

ALIAS = TextOrRecord(Record("alias", (
    Field("name", Text(), "The other name.", required=True),
    Field("lang", Language(), "Language of the name as an ISO 639-1 code: zh, ru, en."),
    Field("note", Text(), "Where the name comes from, e.g. 'registered name'."),
), doc="Another name: plain text, or a mapping with a language.", csv_label=("name",)), "name")

_NAME = Field("name", Text(), "The name readers know it by.", required=True, example="Spacety China", ftm="name")
_ALIASES = Field("aliases", ListOf(ALIAS), "Other names, e.g. the registered name in Chinese (with lang: zh).",
                 ftm="alias")
_COUNTRY = Field("country", Country(), "ISO 3166-1 alpha-2 code of the country it belongs to: CN, RU, US.",
                 ftm="country")
_SUMMARY = Field("summary", Markdown(), "A short account in our own words. Markdown; no raw HTML.", ftm="summary")
_TAGS = Field("tags", ListOf(Slug()), "Topic tags, lowercase with hyphens: satellite-imagery, drones.")
_UNNAMED = Field("unnamed", Boolean(),
                 "true when the sources describe the party without naming it; the page says so.")
_END_USER = Field("military_end_user", Boolean(ftm_value="mil"),
                  "true for an armed force, military buyer or arms maker where supply chains end.", ftm="topics")

PARTY_FIELDS = (
    _NAME, _ALIASES, _COUNTRY, _SUMMARY, replace(_TAGS, ftm="keywords"), _UNNAMED, _END_USER,
    Field("identifiers", ListOf(IDENTIFIER), "Registry identifiers given by a source."),
    Field("locations", ListOf(Ref(("location",))), "Ids of the places it is based or active in.",
          ftm="addressEntity"),
    Field("relations", ListOf(RELATION, unique=False, unique_by="id"), "Typed, sourced links to other cards."),
    Field("sanctions", ListOf(SANCTION, unique=False, unique_by="id"),
          "Designations, proposals and decisions not to list."),
    Field("events", ListOf(EVENT, unique=False, unique_by="id"), "Dated events that are not links to other cards."),
    Field("distinct_from", ListOf(Ref(PARTY_KINDS)),
          "Ids of cards with similar names that are known to be different parties; silences the "
          "near-duplicate warning for them."),
)

LOCATION_FIELDS = (
    _NAME, replace(_ALIASES, ftm=None), _COUNTRY, _SUMMARY, _TAGS,
    Field("latitude", Number(minimum=-90, maximum=90), "Latitude in decimal degrees, -90 to 90.", required=True,
          ftm="latitude"),
    Field("longitude", Number(minimum=-180, maximum=180), "Longitude in decimal degrees, -180 to 180.",
          required=True, ftm="longitude"),
    Field("precision", Enum(tuple(PRECISIONS)), "What the point stands for: country, region, city or site.",
          required=True),
    Field("parent", Ref(("location",)), "Id of the place this one lies within, e.g. a port within a city."),
)

SOURCE_FIELDS = (
    Field("name", Text(max_length=300),
          "A short description in our words, used as its name on the site.", required=True,
          example="WSJ review of Russian customs records", ftm="name"),
    Field("title", Text(max_length=500), "The headline or title exactly as published, when known.", ftm="title"),
    Field("publisher", Text(), "Who published it: the outlet, agency or court. Leave out if unknown.",
          ftm="publisher"),
    Field("type", Enum(tuple(SOURCE_TYPES)), "news-report, filing, official-statement, report or dataset.",
          required=True, attr="source_type"),
    Field("date", Date(), "Publication date, only as precisely as known.", ftm="publishedAt"),
    Field("authors", ListOf(Text()), "Bylines, one per item.", ftm="author"),
    Field("url", Url(), "Where it was published. Never guess one: leave it out if unknown.", ftm="sourceUrl"),
    Field("archive_url", Url(), "A permanent copy, e.g. in the Wayback Machine."),
    Field("language", Language(), "ISO 639-1 code of its language: en, zh, ru, uk.", ftm="language"),
    Field("based_on", ListOf(Ref(("source",))),
          "Ids of sources this one only repeats; it then does not count as independent corroboration."),
    _SUMMARY, _TAGS,
    Field("text_file", Text(max_length=200),
          "File name of the source's text as the editors keep it (e.g. a saved copy of the article), "
          "for checking claims against it; never published.", public=False),
)

CARD_RECORDS: dict[str, Record] = {
    **{kind: Record(kind, PARTY_FIELDS, doc=KINDS[kind].doc) for kind in PARTY_KINDS},
    "location": Record("location", LOCATION_FIELDS, doc=KINDS["location"].doc),
    "source": Record("source", SOURCE_FIELDS, doc=KINDS["source"].doc),
}
CLAIM_RECORDS = {"relations": RELATION, "sanctions": SANCTION, "events": EVENT}


def card_fields() -> tuple[Field, ...]:
    """Every card field of every kind, each name once, in reading order (the entity's columns)."""
    seen: dict[str, Field] = {}
    for record in CARD_RECORDS.values():
        for field in record.fields:
            seen.setdefault(field.name, field)
    return tuple(seen.values())
