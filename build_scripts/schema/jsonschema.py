"""JSON Schema (draft 2020-12) for each kind of card, generated from ``schema``.

Editors' tools (VS Code's YAML extension, via the ``yaml-language-server``
comment at the top of each card) use it to complete fields and flag mistakes
while typing. It checks each card on its own; what needs the whole graph
(references, duplicate ids) and the order of start and end dates are checked
by ``validate`` only.
"""

from __future__ import annotations

import json

from build_scripts import schema as s

SCHEMA_DIR = "schema"  # under docs/, so the site serves the schemas too


def json_type(typ: object) -> dict[str, object]:
    """The JSON Schema of a schema type: value types give their own fragment; containers are built here."""
    if isinstance(typ, s.ListOf):
        out: dict[str, object] = {"type": "array", "items": json_type(typ.item)}
        if typ.min_items:
            out["minItems"] = typ.min_items
        if typ.unique and isinstance(typ.item, (s.Text, s.Slug, s.Ref)):
            out["uniqueItems"] = True
        return out
    if isinstance(typ, s.TextOrRecord):
        text = typ.record.field_named(typ.text_field)
        assert text is not None  # the schema names one of its own fields
        return {"anyOf": [json_type(text.type), json_type(typ.record)]}
    if isinstance(typ, s.Record):
        out = {"type": "object", "additionalProperties": False,
               "properties": {f.name: {**json_type(f.type), "description": f.doc} for f in typ.fields}}
        required = [f.name for f in typ.fields if f.required]
        if required:
            out["required"] = required
        if typ.field_named("date") and typ.field_named("start"):
            out["not"] = {"required": ["date", "start"]}
        if typ.doc:
            out["description"] = typ.doc
        return out
    if isinstance(typ, s.ValueType):
        if typ.mapping_form:  # a plain value, or its mapping form
            return {"oneOf": [typ.json_schema(), json_type(s.FORMS[typ.mapping_form])]}
        return typ.json_schema()
    raise TypeError(f"no JSON Schema for {typ!r}")


def card_schema(kind: str) -> dict[str, object]:
    record = s.CARD_RECORDS[kind]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{kind}.schema.json",
        "title": f"{s.KINDS[kind].label} card",
        **json_type(record),
    }


def schema_files() -> dict[str, str]:
    """Schema file text by path under docs/."""
    return {f"{SCHEMA_DIR}/{kind}.schema.json": json.dumps(card_schema(kind), indent=2, ensure_ascii=False) + "\n"
            for kind in s.CARD_RECORDS}


def modeline(kind: str) -> str:
    """The comment that points editors' tools at a card's schema, from entities/<folder>/<id>.yaml."""
    return f"# yaml-language-server: $schema=../../docs/{SCHEMA_DIR}/{kind}.schema.json"
