"""The card schema: the one definition that validation, the JSON Schema,
the editor guide's field reference and the exports all read.

Everything here is declarative data. ``validate`` interprets it; nothing in
this module looks at a card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 80


# --- value types ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    """Plain text, shown as written (never as HTML or Markdown)."""

    max_length: int = 300
    multiline: bool = False


@dataclass(frozen=True)
class Markdown:
    """Markdown text; raw HTML is shown as text, images are not allowed."""

    max_length: int = 20_000


@dataclass(frozen=True)
class Slug:
    """A lowercase word or words joined by hyphens, e.g. ``dual-use``."""


@dataclass(frozen=True)
class Date:
    """An ISO 8601 date: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, as a source states it; or a
    mapping ``{value: YYYY-MM, derived: "the basis"}`` for a date worked out from the sources."""


DERIVED_BASIS_MAX = 300


@dataclass(frozen=True)
class Country:
    """An ISO 3166-1 alpha-2 country code, e.g. ``CN``."""


@dataclass(frozen=True)
class Currency:
    """An ISO 4217 currency code, e.g. ``USD``."""


@dataclass(frozen=True)
class Url:
    """An absolute ``http`` or ``https`` URL."""


@dataclass(frozen=True)
class Number:
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Boolean:
    """``true`` or ``false``."""


@dataclass(frozen=True)
class Enum:
    values: tuple[str, ...]


@dataclass(frozen=True)
class Ref:
    """The id of another card, of one of ``kinds``."""

    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Citation:
    """A source id, or ``{source: ID, retells: [IDS]}``: for this claim the cited source only
    retells the reporting of the sources in ``retells``."""


@dataclass(frozen=True)
class ListOf:
    item: object
    min_items: int = 0
    unique: bool = True


@dataclass(frozen=True)
class Record:
    name: str
    fields: tuple[Field, ...]
    doc: str = ""

    def field_named(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class TextOrRecord:
    """Either plain text or a record whose ``text_field`` holds that text."""

    record: Record
    text_field: str


@dataclass(frozen=True)
class Field:
    name: str
    type: object
    doc: str
    required: bool = False
    example: str = ""


# --- vocabularies ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    name: str
    folder: str
    label: str
    plural: str
    ftm_schema: str
    doc: str


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("company", "companies", "Company", "Companies", "Company",
         "A business: a manufacturer, trader, retailer or state-owned enterprise."),
    Kind("organization", "organizations", "Organization", "Organizations", "Organization",
         "A group that is neither a company nor a state body: an NGO, a think tank, a militia, an alliance."),
    Kind("public-body", "public-bodies", "Public body", "Public bodies", "PublicBody",
         "A state institution: a ministry, agency, military unit, embassy or international authority."),
    Kind("person", "people", "Person", "People", "Person",
         "A named individual."),
    Kind("location", "locations", "Place", "Places", "Address",
         "A place on the map: a country, a city, a port, a battlefield."),
    Kind("source", "sources", "Source", "Sources", "Article",
         "A document that claims rest on: a news report, a filing, an official statement, a dataset."),
)}
FOLDER_KINDS = {k.folder: k.name for k in KINDS.values()}
PARTY_KINDS = ("company", "organization", "public-body", "person")


@dataclass(frozen=True)
class RelationType:
    name: str
    label: str  # "<subject> <label> <target>"
    inverse: str  # "<target> <inverse> <subject>"
    group: str
    doc: str
    ftm_schema: str
    target_kinds: tuple[str, ...] = PARTY_KINDS
    moves: bool = False  # goods or data travel from subject to target: drawn as a flow on maps


RELATION_TYPES: dict[str, RelationType] = {r.name: r for r in (
    RelationType("owns", "owns", "owned by", "Ownership and control",
                 "The subject holds shares in, or otherwise owns, the target.", "Ownership"),
    RelationType("subsidiary-of", "subsidiary of", "parent of", "Ownership and control",
                 "The subject is a subsidiary or affiliate controlled by the target.", "Ownership"),
    RelationType("unit-of", "unit of", "has unit", "Ownership and control",
                 "The subject is a department, unit or arm of the target.", "Membership"),
    RelationType("acted-for", "acted on behalf of", "represented by", "Ownership and control",
                 "The subject acted as agent, front or representative for the target.", "Representation"),
    RelationType("supplied", "supplied goods to", "received goods from", "Supply and trade",
                 "The subject supplied or shipped goods to the target (customs records, contracts, deliveries).",
                 "EconomicActivity", moves=True),
    RelationType("transferred-data", "transferred data to", "received data from", "Supply and trade",
                 "The subject passed data, imagery or other information to the target.", "UnknownLink",
                 moves=True),
    RelationType("contract", "had a contract with", "had a contract with", "Agreements",
                 "The subject and the target were parties to a contract or collaboration.", "UnknownLink"),
    RelationType("member-of", "member of", "has member", "Agreements",
                 "The subject is a member of the target (an alliance, an association, a group).", "Membership"),
    RelationType("works-for", "works for", "employs", "People",
                 "The subject is employed by, or speaks for, the target; give the role.", "Employment"),
    RelationType("operated-in", "operated in", "scene of operations by", "Places",
                 "The subject operated, fought or did business at the target place.", "UnknownLink",
                 target_kinds=("location",)),
)}


@dataclass(frozen=True)
class Term:
    name: str
    label: str
    doc: str


CLAIM_STATUSES: dict[str, Term] = {t.name: t for t in (
    Term("official", "Official",
         "Established by a government designation, a regulatory filing or a court record."),
    Term("reported", "Reported",
         "An outlet's own finding from documents it reviewed, such as customs records."),
    Term("alleged", "Alleged",
         "Attributed to unnamed officials or to one party, not independently established."),
    Term("disputed", "Disputed",
         "Denied or contested by the subject, or contradicted by other sources."),
)}

SANCTION_STATUSES: dict[str, Term] = {t.name: t for t in (
    Term("listed", "Listed", "Designated under the program and in force."),
    Term("delisted", "Delisted", "Designated, then removed from the list."),
    Term("proposed", "Proposed or urged", "Proposed for listing or urged by another government; not in force."),
    Term("not-listed", "Considered, not listed", "Considered by the authority, which has not listed the subject."),
)}

SOURCE_TYPES: dict[str, Term] = {t.name: t for t in (
    Term("news-report", "News report", "An article by a news outlet."),
    Term("filing", "Filing", "A regulatory, corporate or court filing."),
    Term("official-statement", "Official statement", "A statement, designation notice or transcript from an authority."),
    Term("report", "Report", "A research or NGO report."),
    Term("dataset", "Dataset", "A body of records such as customs data."),
)}

PRECISIONS: dict[str, Term] = {t.name: t for t in (
    Term("country", "Country", "The point stands for a whole country."),
    Term("region", "Region", "The point stands for a region or province."),
    Term("city", "City", "The point stands for a city or town."),
    Term("site", "Site", "The point marks a specific site: a port, a plant, a building, a front line."),
)}

VALUE_QUALIFIERS = ("about", "more-than", "less-than")


# --- records -----------------------------------------------------------------------------------

_SOURCES = Field("sources", ListOf(Citation(), min_items=1),
                 "Ids of the source cards that support this, at least one. When a source only retells "
                 "another outlet's reporting for this claim, write {source: ID, retells: [ID of the original]}.",
                 required=True, example="[wsj-2023-customs-records]")

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
), doc="A reply, denial or comment by the subject of a claim, shown beside the claim.")

_CLAIM_ID = Field("id", Slug(),
                  "A stable public id for this claim, unique in this list, e.g. 'supplied-rosoboronexport-2022'. "
                  "Optional: without it the id is derived from what identifies the claim.")

_RESPONSES = Field("responses", ListOf(RESPONSE, unique=False),
                   "Replies to this claim; each is shown beside it.")
_STATUS = Field("status", Enum(tuple(CLAIM_STATUSES)),
                "How established the claim is: official, reported, alleged or disputed.", required=True)

RELATION = Record("relation", (
    _CLAIM_ID,
    Field("type", Enum(tuple(RELATION_TYPES)), "What kind of link this is; see the vocabulary.", required=True),
    Field("target", Ref(PARTY_KINDS + ("location",)), "Id of the other party (or place).", required=True),
    _STATUS,
    Field("date", Date(), "When it happened, for a single event. Use start/end for a period."),
    Field("start", Date(), "When it began."),
    Field("end", Date(), "When it ended."),
    Field("goods", Text(max_length=500), "What was supplied, shipped or transferred."),
    Field("end_use", Text(max_length=500), "What the goods were for, where the source says: a weapon, a vehicle."),
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
    _CLAIM_ID,
    Field("authority", Ref(("public-body", "organization")),
          "Id of the designating authority (e.g. us-treasury). Leave out only if the sources do not say."),
    Field("program", Text(), "The sanctions program, as the authority names it."),
    Field("status", Enum(tuple(SANCTION_STATUSES)),
          "listed, delisted, proposed (or urged) or not-listed (considered, not listed).", required=True),
    Field("date", Date(), "When the status took effect or was reported (listing, proposal, decision)."),
    Field("end", Date(), "When a listing ended (delisted)."),
    Field("reason", Text(max_length=1000, multiline=True), "The stated basis, in our words."),
    _SOURCES,
    _RESPONSES,
), doc="A sanctions designation, proposal or decision not to list.")

EVENT = Record("event", (
    _CLAIM_ID,
    Field("date", Date(), "When it happened, as precisely as the source says.", required=True),
    Field("summary", Text(max_length=1000, multiline=True), "What happened, in our words.", required=True),
    _STATUS,
    _SOURCES,
), doc="A dated event in the entity's story that is not a link to another card, e.g. a policy change.")

IDENTIFIER = Record("identifier", (
    Field("scheme", Slug(), "The register: e.g. 'lei', 'ogrn', 'uscc', 'fcc-grantee'.", required=True),
    Field("value", Text(max_length=100), "The identifier exactly as registered.", required=True),
), doc="A registry identifier. Never invent one: add it only when a source gives it.")

ALIAS = TextOrRecord(Record("alias", (
    Field("name", Text(), "The other name.", required=True),
    Field("lang", Slug(), "Language of the name as an ISO 639-1 code: zh, ru, en."),
    Field("note", Text(), "Where the name comes from, e.g. 'registered name'."),
), doc="Another name: plain text, or a mapping with a language."), "name")

_NAME = Field("name", Text(), "The name readers know it by.", required=True, example="Spacety China")
_ALIASES = Field("aliases", ListOf(ALIAS), "Other names, e.g. the registered name in Chinese (with lang: zh).")
_COUNTRY = Field("country", Country(), "ISO 3166-1 alpha-2 code of the country it belongs to: CN, RU, US.")
_SUMMARY = Field("summary", Markdown(), "A short account in our own words. Markdown; no raw HTML.")
_TAGS = Field("tags", ListOf(Slug()), "Topic tags, lowercase with hyphens: satellite-imagery, drones.")
_UNNAMED = Field("unnamed", Boolean(),
                 "true when the sources describe the party without naming it; the page says so.")
_END_USER = Field("military_end_user", Boolean(),
                  "true for an armed force, military buyer or arms maker where supply chains end.")

PARTY_FIELDS = (
    _NAME, _ALIASES, _COUNTRY, _SUMMARY, _TAGS, _UNNAMED, _END_USER,
    Field("identifiers", ListOf(IDENTIFIER), "Registry identifiers given by a source."),
    Field("locations", ListOf(Ref(("location",))), "Ids of the places it is based or active in."),
    Field("relations", ListOf(RELATION, unique=False), "Typed, sourced links to other cards."),
    Field("sanctions", ListOf(SANCTION, unique=False), "Designations, proposals and decisions not to list."),
    Field("events", ListOf(EVENT, unique=False), "Dated events that are not links to other cards."),
    Field("distinct_from", ListOf(Ref(PARTY_KINDS)),
          "Ids of cards with similar names that are known to be different parties; silences the "
          "near-duplicate warning for them."),
)

LOCATION_FIELDS = (
    _NAME, _ALIASES, _COUNTRY, _SUMMARY, _TAGS,
    Field("latitude", Number(minimum=-90, maximum=90), "Latitude in decimal degrees, -90 to 90.", required=True),
    Field("longitude", Number(minimum=-180, maximum=180), "Longitude in decimal degrees, -180 to 180.",
          required=True),
    Field("precision", Enum(tuple(PRECISIONS)), "What the point stands for: country, region, city or site.",
          required=True),
    Field("parent", Ref(("location",)), "Id of the place this one lies within, e.g. a port within a city."),
)

SOURCE_FIELDS = (
    Field("name", Text(max_length=300),
          "A short description in our words, used as its name on the site.", required=True,
          example="WSJ review of Russian customs records"),
    Field("title", Text(max_length=500), "The headline or title exactly as published, when known."),
    Field("publisher", Text(), "Who published it: the outlet, agency or court. Leave out if unknown."),
    Field("type", Enum(tuple(SOURCE_TYPES)), "news-report, filing, official-statement, report or dataset.",
          required=True),
    Field("date", Date(), "Publication date, only as precisely as known."),
    Field("authors", ListOf(Text()), "Bylines, one per item."),
    Field("url", Url(), "Where it was published. Never guess one: leave it out if unknown."),
    Field("archive_url", Url(), "A permanent copy, e.g. in the Wayback Machine."),
    Field("language", Slug(), "ISO 639-1 code of its language: en, zh, ru, uk."),
    Field("text_file", Text(max_length=200),
          "File name of the editors' copy of the source's text (never published), "
          "checked by make check-sources."),
    Field("based_on", ListOf(Ref(("source",))),
          "Ids of sources this one only repeats; it then does not count as independent corroboration."),
    _SUMMARY, _TAGS,
)

CARD_RECORDS: dict[str, Record] = {
    **{kind: Record(kind, PARTY_FIELDS, doc=KINDS[kind].doc) for kind in PARTY_KINDS},
    "location": Record("location", LOCATION_FIELDS, doc=KINDS["location"].doc),
    "source": Record("source", SOURCE_FIELDS, doc=KINDS["source"].doc),
}
