"""The card schema: the one definition that validation, the model, the exports (JSON, CSV,
GeoJSON, FollowTheMoney both ways), the JSON Schema, the field reference and the card
skeleton all read.

- :mod:`.types`: value types (each parses, describes, exemplifies, exports itself) and the
  value classes :class:`PartialDate` and :class:`Citation`;
- :mod:`.vocab`: kinds of card, relation types, statuses, source types, precisions;
- :mod:`.records`: fields and records, with each field's model, export and FtM mapping.

Everything here is declarative. ``cards.validate`` interprets it; nothing here looks at a card.
"""

from __future__ import annotations

from build_scripts.base.text import MAX_ID_LENGTH, SLUG_RE
from build_scripts.schema.records import (
    ALIAS,
    CARD_RECORDS,
    CITATION,
    CLAIM_RECORDS,
    DERIVED_DATE,
    EVENT,
    FORMS,
    IDENTIFIER,
    LOCATION_FIELDS,
    PARTY_FIELDS,
    RELATION,
    RESPONSE,
    SANCTION,
    SOURCE_FIELDS,
    VALUE,
    Field,
    ListOf,
    Record,
    TextOrRecord,
    card_fields,
    walk,
)
from build_scripts.schema.types import (
    MONTHS,
    Boolean,
    Citation,
    Cites,
    Country,
    Currency,
    Date,
    Enum,
    Invalid,
    Language,
    Markdown,
    Number,
    PartialDate,
    Ref,
    Slug,
    Text,
    Url,
    ValueType,
)
from build_scripts.schema.vocab import (
    CLAIM_STATUSES,
    FOLDER_KINDS,
    KINDS,
    PARTY_KINDS,
    PRECISIONS,
    RELATION_TYPES,
    SANCTION_STATUSES,
    SOURCE_TYPES,
    VALUE_QUALIFIERS,
    Kind,
    RelationType,
    Term,
)

__all__ = [
    "ALIAS",
    "CARD_RECORDS",
    "CITATION",
    "CLAIM_RECORDS",
    "CLAIM_STATUSES",
    "DERIVED_DATE",
    "EVENT",
    "FOLDER_KINDS",
    "FORMS",
    "IDENTIFIER",
    "KINDS",
    "LOCATION_FIELDS",
    "MAX_ID_LENGTH",
    "MONTHS",
    "PARTY_FIELDS",
    "PARTY_KINDS",
    "PRECISIONS",
    "RELATION",
    "RELATION_TYPES",
    "RESPONSE",
    "SANCTION",
    "SANCTION_STATUSES",
    # ids
    "SLUG_RE",
    "SOURCE_FIELDS",
    "SOURCE_TYPES",
    "VALUE",
    "VALUE_QUALIFIERS",
    "Boolean",
    "Citation",
    "Cites",
    "Country",
    "Currency",
    "Date",
    "Enum",
    # fields and records
    "Field",
    "Invalid",
    # vocabularies
    "Kind",
    "Language",
    "ListOf",
    "Markdown",
    "Number",
    "PartialDate",
    "Record",
    "Ref",
    "RelationType",
    "Slug",
    "Term",
    "Text",
    "TextOrRecord",
    "Url",
    # value types and value classes
    "ValueType",
    "card_fields",
    "walk",
]
