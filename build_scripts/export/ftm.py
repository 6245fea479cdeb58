"""FollowTheMoney (FtM): the investigation as FtM entity JSON lines.

The mapping is the schema's: each kind names its FtM schema (``Kind.ftm_schema``),
each relation type its FtM schema and the properties for its two ends
(``RelationType.ftm_schema``, ``ftm_subject``, ``ftm_target``, ``ftm_marker``), each
field its FtM property (``Field.ftm``), and each value type how its values are
written (``to_ftm``). ``tools.ftm_import`` reads the same mapping the other way,
so export -> import -> export gives the same lines. What FtM cannot hold
(replies, intermediaries, place precision, "based on" between sources) is left out.

The few rules that depend on values rather than fields are here, named:
identifier schemes, the claim status of economic activities (which have no
status property), roles, customs amounts and sanction authorities (FtM holds a name).

Line format: {"id", "schema", "properties": {name: [values]}}, one per line, sorted. A claim's
line id is its stable public id (``model.ids``) with dots, so import keeps the claim's id.
"""

from __future__ import annotations

import json
from typing import Any

from build_scripts import schema as s
from build_scripts.model.entities import Entity, Investigation, Relation, value_of

ENTITY_SCHEMATA = {kind: info.ftm_schema for kind, info in s.KINDS.items()}
KIND_OF_SCHEMA = {v: k for k, v in ENTITY_SCHEMATA.items()}
IDENTIFIER_PROPS = {"lei": "leiCode", "ogrn": "ogrnCode", "inn": "innCode", "registration": "registrationNumber",
                    "tax": "taxNumber", "id": "idNumber", "imo": "imoNumber", "swift": "swiftBic"}
SCHEME_OF_PROP = {v: k for k, v in IDENTIFIER_PROPS.items()}
STATUS_PREFIX = "Claim status: "  # EconomicActivity has no status property: its description carries it
ROLE_SCHEMATA = ("Membership", "Representation", "Employment")  # where a relation's role is FtM's role
CUSTOMS_CURRENCY = "USD"  # EconomicActivity.customsAmount is in US dollars


def ftm_values(typ: object, value: Any) -> list[str]:
    """A field's value as FtM property values."""
    if value is None:
        return []
    if isinstance(typ, s.ListOf):
        return [v for item in value for v in ftm_values(typ.item, item)]
    if isinstance(typ, s.TextOrRecord):
        field = typ.record.field_named(typ.text_field)
        assert field is not None  # the schema names one of its own fields
        return ftm_values(field.type, value_of(value, field))
    if isinstance(typ, s.Record):
        return []  # records have no FtM property of their own
    assert isinstance(typ, s.ValueType)
    return typ.to_ftm(value)


def properties(record: s.Record, obj: object, ftm_schema: str) -> dict[str, list[str]]:
    """The FtM properties of a model object, from its record's fields' FtM mappings."""
    props: dict[str, list[str]] = {}
    for field in record.fields:
        prop = field.ftm_property(ftm_schema)
        if prop is None or not field.public:
            continue
        values = ftm_values(field.type, value_of(obj, field))
        if values:
            props.setdefault(prop, []).extend(values)
    return props


def claim_line_id(key: str) -> str:
    """The FtM id of a claim: its stable public id with dots, e.g. 'acme.relations.supplied-x-2023'."""
    return key.replace("/", ".")


def claim_id_from_line(line_id: object, card_id: str, kind: str) -> str | None:
    """The claim id in a line id written by ``claim_line_id`` for this card, else None."""
    prefix = f"{card_id}.{kind}."
    rest = str(line_id)[len(prefix):] if str(line_id).startswith(prefix) else ""
    return rest if s.SLUG_RE.match(rest) else None


def _relation_line(r: Relation) -> dict[str, object]:
    kind = s.RELATION_TYPES[r.type]
    schema = kind.ftm_schema
    props = {kind.ftm_subject: [r.subject], kind.ftm_target: [r.target], **properties(s.RELATION, r, schema)}
    if schema == "EconomicActivity":
        props["description"] = [f"{STATUS_PREFIX}{props.pop('status')[0]}"]
        if r.value and r.value.currency == CUSTOMS_CURRENCY:
            props["customsAmount"] = s.Number().to_ftm(r.value.amount)
    if r.role and schema in ROLE_SCHEMATA and not kind.ftm_marker:
        props["role"] = [r.role]
    if kind.ftm_marker:
        props[kind.ftm_marker[0]] = [kind.ftm_marker[1]]
    return {"id": claim_line_id(r.key), "schema": schema, "properties": props}


def _entity_line(e: Entity) -> dict[str, object]:
    schema = ENTITY_SCHEMATA[e.kind]
    props = properties(s.CARD_RECORDS[e.kind], e, schema)
    for identifier in e.identifiers:
        props.setdefault(IDENTIFIER_PROPS.get(identifier.scheme, "registrationNumber"), []).append(identifier.value)
    return {"id": e.id, "schema": schema, "properties": props}


def entity_lines(inv: Investigation) -> list[dict[str, Any]]:
    lines = []
    for e in inv.entities.values():
        lines.append(_entity_line(e))
        lines.extend(_relation_line(r) for r in e.relations)
        for x in e.sanctions:
            props = {"entity": [e.id], **({"authority": [inv.name(x.authority)]} if x.authority else {}),
                     **properties(s.SANCTION, x, "Sanction")}
            lines.append({"id": claim_line_id(x.key), "schema": "Sanction", "properties": props})
    return sorted(lines, key=lambda line: str(line["id"]))


def export_lines(inv: Investigation) -> str:
    return "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in entity_lines(inv))
