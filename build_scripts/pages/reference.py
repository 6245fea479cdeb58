"""Pages generated from the schema itself: the vocabulary and the field reference.

Because they are rendered from ``schema``, they cannot drift from what the
validator accepts.
"""

from __future__ import annotations

from build_scripts import schema as s
from build_scripts.pages.kit import Page, front_matter

REFERENCE_DIR = "reference"


def type_name(typ: object) -> str:
    """A short description of a value type, for the field reference."""
    if isinstance(typ, s.Text):
        return "text" if not typ.multiline else "text (may span lines)"
    if isinstance(typ, s.Markdown):
        return "Markdown"
    if isinstance(typ, s.Slug):
        return "lowercase-word"
    if isinstance(typ, s.Date):
        return "date (YYYY, YYYY-MM or YYYY-MM-DD; or {value: date, derived: basis} for a date worked out)"
    if isinstance(typ, s.Country):
        return "country code (ISO 3166-1 alpha-2)"
    if isinstance(typ, s.Currency):
        return "currency code (ISO 4217)"
    if isinstance(typ, s.Url):
        return "http(s) URL"
    if isinstance(typ, s.Number):
        return "number"
    if isinstance(typ, s.Boolean):
        return "true or false"
    if isinstance(typ, s.Enum):
        return "one of: " + ", ".join(typ.values)
    if isinstance(typ, s.Citation):
        return "id of a source card, or {source: id, retells: [ids]}"
    if isinstance(typ, s.Ref):
        return "id of a " + " or ".join(s.KINDS[k].label.lower() for k in typ.kinds) + " card"
    if isinstance(typ, s.ListOf):
        return f"list of {type_name(typ.item)}"
    if isinstance(typ, s.Record):
        return f"{typ.name} (see below)"
    if isinstance(typ, s.TextOrRecord):
        return f"text, or {type_name(typ.record)}"
    raise TypeError(f"no description for {typ!r}")


def nested_records() -> list[s.Record]:
    """Every record type reachable from the cards, each once, in reading order."""
    found: dict[str, s.Record] = {}

    def visit(typ: object) -> None:
        if isinstance(typ, s.ListOf):
            visit(typ.item)
        elif isinstance(typ, s.TextOrRecord):
            visit(typ.record)
        elif isinstance(typ, s.Record):
            if typ.name not in found:
                found[typ.name] = typ
                for field in typ.fields:
                    visit(field.type)

    for record in s.CARD_RECORDS.values():
        for field in record.fields:
            visit(field.type)
    return list(found.values())


def _rows(record: s.Record) -> tuple[tuple[str, str, str, str], ...]:
    return tuple((f.name, "yes" if f.required else "", type_name(f.type), f.doc) for f in record.fields)


def fields_page() -> Page:
    cards = tuple(
        (s.KINDS[kind].label, s.KINDS[kind].folder, record.doc, _rows(record))
        for kind, record in s.CARD_RECORDS.items()
    )
    nested = tuple((record.name, record.doc, _rows(record)) for record in nested_records())
    return Page(f"{REFERENCE_DIR}/fields.md", "fields.md.j2",
                {"meta": front_matter("Card field reference"), "cards": cards, "nested": nested})


def vocabulary_page() -> Page:
    relations = tuple((r.name, r.label, r.inverse, r.group, r.doc) for r in s.RELATION_TYPES.values())
    terms = (
        ("Claim status", tuple((t.name, t.label, t.doc) for t in s.CLAIM_STATUSES.values())),
        ("Sanction status", tuple((t.name, t.label, t.doc) for t in s.SANCTION_STATUSES.values())),
        ("Source type", tuple((t.name, t.label, t.doc) for t in s.SOURCE_TYPES.values())),
        ("Place precision", tuple((t.name, t.label, t.doc) for t in s.PRECISIONS.values())),
        ("Kind of card", tuple((k.name, k.label, f"{k.doc} Cards live in entities/{k.folder}/.")
                               for k in s.KINDS.values())),
    )
    return Page(f"{REFERENCE_DIR}/vocabulary.md", "vocabulary.md.j2",
                {"meta": front_matter("Vocabulary"), "relations": relations, "terms": terms})


def reference_pages() -> list[Page]:
    return [fields_page(), vocabulary_page()]
