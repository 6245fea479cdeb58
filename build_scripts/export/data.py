"""Open data: the investigation as JSON, CSV, GeoJSON and FollowTheMoney, under data/.

Everything is derived from the model, sorted, and written with fixed
formatting, so the same cards give the same bytes.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json

from build_scripts.export import ftm
from build_scripts.model.entities import Entity, Investigation, PartialDate

DATA_DIR = "data"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: object) -> object:
    """Model values as JSON-ready data: dates as ISO strings, empty values dropped."""
    if isinstance(value, PartialDate):
        return value.iso
    if dataclasses.is_dataclass(value):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item in (None, (), False, ""):
                continue
            out[f.name] = _plain(item)
            if isinstance(item, PartialDate) and item.derived:  # a date worked out, with its basis
                out[f"{f.name}_derived"] = item.derived
        return out
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _citations_only_when_retelling(value: object) -> None:
    """Drop ``citations`` that only repeat ``sources``: kept where a citation names what it retells."""
    if isinstance(value, dict):
        citations = value.get("citations")
        if isinstance(citations, list) and not any("retells" in c for c in citations):
            del value["citations"]
        for item in value.values():
            _citations_only_when_retelling(item)
    elif isinstance(value, list):
        for item in value:
            _citations_only_when_retelling(item)


def entity_record(entity: Entity) -> dict[str, object]:
    record = _plain(entity)
    assert isinstance(record, dict)
    _citations_only_when_retelling(record)
    record.pop("card_path", None)
    record.pop("text_file", None)  # the editors' copy of a source's text is never published
    record["page"] = f"entities/{entity.id}/"
    return record


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


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


ENTITY_COLUMNS = ["id", "kind", "name", "aliases", "country", "tags", "locations", "unnamed", "latitude",
                  "longitude", "publisher", "date", "date_derived", "url", "summary", "page"]
# A *_derived column holds the basis of a date worked out from the sources; empty when a source states it.
RELATION_COLUMNS = ["key", "subject", "type", "target", "status", "date", "date_derived", "start", "start_derived",
                    "end", "end_derived", "goods", "end_use",
                    "value_amount", "value_currency", "value_qualifier", "via", "origin", "destination", "sources",
                    "responses"]


def _date_cells(date: PartialDate | None) -> tuple[str | None, str | None]:
    """A date's two cells: the ISO date, and the basis when it was worked out rather than stated."""
    return (date.iso, date.derived) if date else (None, None)


def entities_csv(inv: Investigation) -> str:
    rows = [[e.id, e.kind, e.name, [a.name for a in e.aliases], e.country, e.tags, e.locations,
             "yes" if e.unnamed else "", e.latitude, e.longitude, e.publisher, *_date_cells(e.date),
             e.url, " ".join((e.summary or "").split()), f"entities/{e.id}/"]
            for e in inv.entities.values()]
    return _csv(ENTITY_COLUMNS, rows)


def relations_csv(inv: Investigation) -> str:
    rows = []
    for entity in inv.entities.values():
        for r in entity.relations:
            rows.append([r.key, r.subject, r.type, r.target, r.status, *_date_cells(r.date),
                         *_date_cells(r.start), *_date_cells(r.end), r.goods, r.end_use,
                         r.value.amount if r.value else None, r.value.currency if r.value else None,
                         r.value.qualifier if r.value else None, r.via, r.origin, r.destination, r.sources,
                         [resp.by for resp in r.responses]])
    return _csv(RELATION_COLUMNS, rows)


def locations_geojson(inv: Investigation) -> str:
    features = [{
        "type": "Feature", "id": e.id,
        "geometry": {"type": "Point", "coordinates": [e.longitude, e.latitude]},
        "properties": {"name": e.name, "precision": e.precision, "country": e.country, "parent": e.parent,
                       "entities": list(inv.located_here.get(e.id, ())), "page": f"entities/{e.id}/"},
    } for e in inv.of_kind("location")]
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
