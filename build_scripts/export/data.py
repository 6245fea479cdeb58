"""Open data: the investigation as JSON, CSV, GeoJSON and FollowTheMoney, under data/.

Every record, column and property is derived from the schema (``schema.records``):
a field's value type says how its value is written (``columns``/``cells`` for CSV,
``json_items`` for JSON); fields marked ``public=False`` are never written. Output
is sorted and written with fixed formatting, so the same cards give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from build_scripts import schema as s
from build_scripts.export import ftm
from build_scripts.model.entities import Entity, Investigation, value_of

DATA_DIR = "data"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ENTITY_EXTRA = ("id", "kind")  # before the card's fields
ENTITY_LINK = "page"  # after them
CLAIM_EXTRA = ("key", "subject")


def _empty(value: object) -> bool:
    return value is None or value is False or value in ((), "")


# --- JSON ----------------------------------------------------------------------------------------

def _json_value(typ: object, value: Any) -> object:
    if isinstance(typ, s.ListOf):
        return [_json_value(typ.item, v) for v in value]
    if isinstance(typ, s.TextOrRecord):
        return _json_value(typ.record, value)
    if isinstance(typ, s.Record):
        return record_json(typ, value)
    assert isinstance(typ, s.ValueType)
    return typ.to_json(value)


def record_json(record: s.Record, obj: object) -> dict[str, object]:
    """The public, non-empty fields of a model object as JSON data, keyed by field name."""
    out: dict[str, object] = {k: getattr(obj, k) for k in CLAIM_EXTRA if hasattr(obj, k)}
    for field in record.fields:
        value = value_of(obj, field)
        if not field.public or _empty(value):
            continue
        if isinstance(field.type, s.ValueType):
            out.update(field.type.json_items(field.name, value))
        else:
            out[field.name] = _json_value(field.type, value)
    return out


def entity_record(entity: Entity) -> dict[str, object]:
    return {"id": entity.id, "kind": entity.kind, **record_json(s.CARD_RECORDS[entity.kind], entity),
            ENTITY_LINK: f"entities/{entity.id}/"}


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --- CSV -----------------------------------------------------------------------------------------

def _in_csv(field: s.Field) -> bool:
    """Public fields, except lists of records that have no short form (claims get their own file)."""
    typ = field.type
    item = typ.item if isinstance(typ, s.ListOf) else None
    record = item.record if isinstance(item, s.TextOrRecord) else item
    return field.public and not (isinstance(record, s.Record) and not record.csv_label)


def columns(typ: object, name: str) -> tuple[str, ...]:
    """The CSV columns of a field: one, two for a date (with its basis), one per field of a record."""
    if isinstance(typ, s.Record):
        return tuple(c for f in typ.fields if f.public for c in columns(f.type, f"{name}_{f.name}"))
    if isinstance(typ, s.ValueType):
        return typ.columns(name)
    return (name,)


def _label(typ: object, value: Any) -> str:
    """An item of a list, in one CSV cell."""
    if isinstance(typ, s.TextOrRecord):
        typ = typ.record
    if isinstance(typ, s.Record):
        return ":".join(str(value_of(value, f)) for f in typ.fields if f.name in typ.csv_label)
    assert isinstance(typ, s.ValueType)
    return str(typ.cell(value))


def cells(typ: object, value: Any) -> tuple[object, ...]:
    width = len(columns(typ, "x"))
    if value is None:
        return (None,) * width
    if isinstance(typ, s.ListOf):
        return ([_label(typ.item, v) for v in value],)
    if isinstance(typ, s.Record):
        return tuple(c for f in typ.fields if f.public for c in cells(f.type, value_of(value, f)))
    assert isinstance(typ, s.ValueType)
    return typ.cells(value)


def _cell(value: object) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with a leading '."""
    if value is None:
        return ""
    text = "; ".join(str(v) for v in value) if isinstance(value, (tuple, list)) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()


def entity_fields() -> tuple[s.Field, ...]:
    return tuple(f for f in s.card_fields() if _in_csv(f))


def entity_columns() -> list[str]:
    return [*ENTITY_EXTRA, *(c for f in entity_fields() for c in columns(f.type, f.name)), ENTITY_LINK]


def claim_columns(record: s.Record) -> list[str]:
    return [*CLAIM_EXTRA, *(c for f in record.fields if _in_csv(f) for c in columns(f.type, f.name))]


def entities_csv(inv: Investigation) -> str:
    fields = entity_fields()
    rows = [[e.id, e.kind, *(c for f in fields for c in cells(f.type, value_of(e, f))),
             f"entities/{e.id}/"] for e in inv.entities.values()]
    return _csv(entity_columns(), rows)


def relations_csv(inv: Investigation) -> str:
    fields = [f for f in s.RELATION.fields if _in_csv(f)]
    rows = [[r.key, r.subject, *(c for f in fields for c in cells(f.type, value_of(r, f)))]
            for entity in inv.entities.values() for r in entity.relations]
    return _csv(claim_columns(s.RELATION), rows)


# --- GeoJSON -------------------------------------------------------------------------------------

GEOMETRY_FIELDS = ("latitude", "longitude")


def locations_geojson(inv: Investigation) -> str:
    record = s.CARD_RECORDS["location"]
    features = []
    for e in inv.of_kind("location"):
        properties = {k: v for k, v in record_json(record, e).items() if k not in GEOMETRY_FIELDS}
        properties.update(entities=list(inv.located_here.get(e.id, ())), page=f"entities/{e.id}/")
        features.append({"type": "Feature", "id": e.id,
                         "geometry": {"type": "Point", "coordinates": [e.longitude, e.latitude]},
                         "properties": properties})
    return _json({"type": "FeatureCollection", "features": features})


def data_files(inv: Investigation) -> dict[str, str]:
    """Every download, by path under docs/."""
    records = [entity_record(e) for e in inv.entities.values()]
    files = {
        f"{DATA_DIR}/entities.json": _json(records),
        f"{DATA_DIR}/entities.csv": entities_csv(inv),
        f"{DATA_DIR}/relations.csv": relations_csv(inv),
        f"{DATA_DIR}/locations.geojson": locations_geojson(inv),
        f"{DATA_DIR}/entities.ftm.json": ftm.export_lines(inv),
    }
    files.update({f"{DATA_DIR}/entities/{r['id']}.json": _json(r) for r in records})
    return files
