"""JSON Schema (draft 2020-12) for each kind of card, generated from ``schema``.

Editors' tools (VS Code's YAML extension, via the ``yaml-language-server``
comment at the top of each card) use it to complete fields and flag mistakes
while typing. It checks each card on its own; what needs the whole graph
(references, duplicate ids) and the order of start and end dates are checked
by ``validate`` only.
"""

from __future__ import annotations

import json

import pycountry

from build_scripts import schema as s

SCHEMA_DIR = "schema"  # under docs/, so the site serves the schemas too
_URL_CHARS = r"A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%"
_NO_CONTROL = "[\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f]"


def _text(max_length: int, multiline: bool) -> dict:
    line = "[^\\n]" if not multiline else "[\\s\\S]"
    return {"type": "string", "maxLength": max_length,
            "pattern": f"^\\s*{line}*\\S{line}*\\s*$", "not": {"pattern": _NO_CONTROL}}


def json_type(typ: object) -> dict:
    if isinstance(typ, s.Text):
        return _text(typ.max_length, typ.multiline)
    if isinstance(typ, s.Markdown):
        return _text(typ.max_length, True)
    if isinstance(typ, (s.Slug, s.Ref)):
        out = {"type": "string", "pattern": s.SLUG_RE.pattern}
        if isinstance(typ, s.Ref):
            out["description"] = "id of a " + " or ".join(s.KINDS[k].label.lower() for k in typ.kinds) + " card"
        return out
    if isinstance(typ, s.Date):
        plain = [
            {"type": "integer", "minimum": 0, "maximum": 9999},
            {"type": "string", "pattern": "^[0-9]{4}(-(0[1-9]|1[0-2]))?$"},
            {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"},
        ]
        derived = {"type": "object", "additionalProperties": False, "required": ["value", "derived"],
                   "description": "A date worked out from the sources, with its basis.",
                   "properties": {"value": {"anyOf": plain},
                                  "derived": _text(s.DERIVED_BASIS_MAX, False)}}
        return {"anyOf": [*plain, derived]}
    if isinstance(typ, s.Citation):
        ref = json_type(s.Ref(("source",)))
        return {"anyOf": [ref, {
            "type": "object", "additionalProperties": False, "required": ["source", "retells"],
            "description": "A source that, for this claim, only retells the reporting of the sources in retells.",
            "properties": {"source": ref, "retells": {"type": "array", "items": ref, "minItems": 1,
                                                      "uniqueItems": True}}}]}
    if isinstance(typ, s.Country):
        return {"type": "string", "enum": sorted(c.alpha_2 for c in pycountry.countries)}
    if isinstance(typ, s.Currency):
        return {"type": "string", "enum": sorted(c.alpha_3 for c in pycountry.currencies)}
    if isinstance(typ, s.Url):
        return {"type": "string",
                "pattern": f"^[Hh][Tt][Tt][Pp][Ss]?://[{_URL_CHARS.replace('/?#', '')}]+([/?#][{_URL_CHARS}]*)?$"}
    if isinstance(typ, s.Number):
        out = {"type": "number"}
        if typ.minimum is not None:
            out["minimum"] = typ.minimum
        if typ.maximum is not None:
            out["maximum"] = typ.maximum
        return out
    if isinstance(typ, s.Boolean):
        return {"type": "boolean"}
    if isinstance(typ, s.Enum):
        return {"type": "string", "enum": list(typ.values)}
    if isinstance(typ, s.ListOf):
        out = {"type": "array", "items": json_type(typ.item)}
        if typ.min_items:
            out["minItems"] = typ.min_items
        if typ.unique and isinstance(typ.item, (s.Text, s.Slug, s.Ref, s.Citation)):
            out["uniqueItems"] = True
        return out
    if isinstance(typ, s.TextOrRecord):
        text = typ.record.field_named(typ.text_field).type
        return {"anyOf": [json_type(text), json_type(typ.record)]}
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
    raise TypeError(f"no JSON Schema for {typ!r}")


def card_schema(kind: str) -> dict:
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
