"""`import-ftm FILE OUT`: cards from FollowTheMoney (FtM) entity JSON lines.

The input is checked at the edge: every line that is not an FtM entity of the
expected shape is reported with its line number and what is wrong
(``FILE:LINE: message``), and nothing is written unless the whole import
succeeds (``keep_going`` writes the good lines' cards and still reports the
bad ones). The cards are written into a temporary folder that is renamed into
place, so ``OUT`` either holds the whole import or does not exist.

The mapping is the schema's, read the other way round from ``export.ftm``
(kinds' and relation types' FtM schemata, fields' FtM properties, value types'
``from_ftm``); what our cards cannot hold is counted in the report, never
dropped silently.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from build_scripts import schema as s
from build_scripts.base.text import slugify
from build_scripts.export.ftm import (
    KIND_OF_SCHEMA,
    ROLE_SCHEMATA,
    SCHEME_OF_PROP,
    STATUS_PREFIX,
    claim_id_from_line,
)
from build_scripts.schema.jsonschema import modeline

IMPORTED_SOURCE = "imported-ftm-data"
MAX_SLUG = 60
SANCTION_ONLY = ("entity", "authority", "listingDate")


@dataclass(frozen=True)
class LineProblem:
    """Something wrong with one input line: ``FILE:LINE: message`` when printed with the file name."""

    line: int
    message: str


@dataclass(frozen=True)
class Entry:
    """One well-formed FtM entity and the line it came from."""

    line: int
    id: str
    schema: str
    properties: dict[str, list[str]]


@dataclass
class ImportReport:
    cards: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # id -> (kind, card data)
    problems: list[LineProblem] = field(default_factory=list)  # malformed input: the import fails
    notes: list[str] = field(default_factory=list)  # well-formed input our cards cannot hold
    skipped_schemata: Counter[str] = field(default_factory=Counter)
    skipped_properties: Counter[str] = field(default_factory=Counter)  # "Schema.property"

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """What was not imported, in words (for well-formed input)."""
        out = [f"{count} entit{'y' if count == 1 else 'ies'} of schema {name} not imported: no matching kind of card"
               for name, count in sorted(self.skipped_schemata.items())]
        out += [f"{count} value{'s' if count != 1 else ''} of {prop} not imported: no matching field"
                for prop, count in sorted(self.skipped_properties.items())]
        return self.notes + out


# --- reading lines -------------------------------------------------------------------------------

def _shape(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    return "null"


def _entry(number: int, raw: bytes) -> tuple[Entry | None, list[LineProblem]]:
    """The entity on one line, or the problems that stop it."""
    def problem(message: str) -> tuple[None, list[LineProblem]]:
        return None, [LineProblem(number, message)]

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return problem(f"not UTF-8 text (byte 0x{raw[err.start]:02x} at column {err.start + 1})")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        return problem(f"not valid JSON ({err.msg} at column {err.colno})")
    except RecursionError:
        return problem("not valid JSON here (nested too deeply)")
    except ValueError as err:  # e.g. an integer with more digits than Python converts
        return problem(f"not valid JSON here ({err})")
    if not isinstance(value, dict):
        return problem(f"expected a JSON object (an FtM entity), got {_shape(value)}")
    problems = []
    entity_id, schema, props = value.get("id"), value.get("schema"), value.get("properties", {})
    if not isinstance(entity_id, str) or not entity_id.strip():
        problems.append(LineProblem(number, f"id: expected a non-empty string, got {_shape(entity_id)}"))
    if not isinstance(schema, str) or not schema.strip():
        problems.append(LineProblem(number, f"schema: expected the name of an FtM schema, got {_shape(schema)}"))
    if not isinstance(props, dict):
        problems.append(LineProblem(number, f"properties: expected an object, got {_shape(props)}"))
        props = {}
    for name, values in props.items():
        if not isinstance(values, list):
            problems.append(LineProblem(number, f"properties.{name}: expected a list of strings, got {_shape(values)}"))
            continue
        for index, item in enumerate(values):
            if not isinstance(item, str):
                problems.append(LineProblem(number, f"properties.{name}[{index}]: expected a string, "
                                                    f"got {_shape(item)}"))
    if problems:
        return None, problems
    return Entry(number, str(entity_id), str(schema), props), []


def read_entries(data: bytes) -> tuple[list[Entry], list[LineProblem]]:
    entries: list[Entry] = []
    problems: list[LineProblem] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        entry, found = _entry(number, raw.rstrip(b"\r"))
        problems.extend(found)
        if entry is None:
            continue
        if entry.id in first_line:
            problems.append(LineProblem(number, f"id: '{entry.id}' is already the id of line {first_line[entry.id]}"))
            continue
        first_line[entry.id] = number
        entries.append(entry)
    return entries, problems


# --- mapping -------------------------------------------------------------------------------------

def _slug(raw: str, taken: dict[str, str]) -> str:
    base = slugify(raw, MAX_SLUG) or "entity"
    slug, n = base, 2
    while slug in taken.values():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _card_value(value: object) -> object:
    """A typed value as a card writes it."""
    if isinstance(value, s.PartialDate):
        return value.iso
    if isinstance(value, s.Citation):
        return value.source
    return value


class _Mapper:
    """Turns entries into card data, collecting problems by line."""

    def __init__(self, report: ImportReport, ids: dict[str, str]) -> None:
        self.report = report
        self.ids = ids  # FtM id -> card id

    def value(self, entry: Entry, spec: s.Field, values: list[str]) -> object:
        """A card field's value from FtM property values; None when there is nothing to import."""
        typ = spec.type
        prop = spec.ftm_property(entry.schema)
        if isinstance(typ, s.ListOf):
            item = typ.item
            if isinstance(item, s.TextOrRecord):
                text = item.record.field_named(item.text_field)
                assert text is not None  # the schema names one of its own fields
                item = text.type
            found = [v for v in (self.one(entry, prop, item, text) for text in values) if v is not None]
            return list(dict.fromkeys(found)) or None
        if isinstance(typ, s.Boolean):
            return True if any(typ.from_ftm(v) for v in values) else None
        return self.one(entry, prop, typ, values[0]) if values else None

    def one(self, entry: Entry, prop: str | None, typ: object, text: str) -> object:
        assert isinstance(typ, s.ValueType)
        if typ.ftm_type == "entity":  # an FtM entity id: the id its card got; links to others are dropped
            return self.ids.get(text)
        value = typ.from_ftm(text)
        if isinstance(value, s.Invalid):
            self.report.problems.append(LineProblem(entry.line, f"properties.{prop}: {value.message}"))
            return None
        return _card_value(value)

    def fields(self, entry: Entry, record: s.Record, skip: tuple[str, ...] = ()) -> dict[str, object]:
        out: dict[str, object] = {}
        for spec in record.fields:
            if spec.name in skip:
                continue
            prop = spec.ftm_property(entry.schema)
            if prop and entry.properties.get(prop):
                value = self.value(entry, spec, entry.properties[prop])
                if value is not None:
                    out[spec.name] = value
        return out


def _first(props: dict[str, list[str]], name: str) -> str | None:
    values = props.get(name)
    return values[0] if values else None


def _used(record: s.Record, schema: str) -> set[str]:
    return {p for p in (f.ftm_property(schema) for f in record.fields) if p}


def _entity_card(mapper: _Mapper, entry: Entry, card_id: str) -> tuple[str, dict[str, Any]]:
    kind = KIND_OF_SCHEMA[entry.schema]
    props = entry.properties
    record = s.CARD_RECORDS[kind]
    used = _used(record, entry.schema) | {"full"} | (set(SCHEME_OF_PROP) if kind in s.PARTY_KINDS else set())
    for prop, values in props.items():
        if prop not in used:
            mapper.report.skipped_properties[f"{entry.schema}.{prop}"] += len(values)
    card: dict[str, Any] = {"name": (props.get("name") or props.get("title") or props.get("full") or [card_id])[0]}
    card.update(mapper.fields(entry, record))
    if kind == "location":
        card.setdefault("precision", "site")
    elif kind == "source":
        card.setdefault("type", "news-report")
    else:
        identifiers = [{"scheme": SCHEME_OF_PROP[p], "value": v} for p in sorted(SCHEME_OF_PROP)
                       for v in props.get(p, ())]
        if identifiers:
            card["identifiers"] = identifiers
    ordered = {f.name: card[f.name] for f in record.fields if f.name in card}
    return kind, ordered


def _candidates(schema: str) -> list[tuple[str, s.RelationType]]:
    """Relation types mapped to an FtM schema, the ones told apart by a marker first."""
    found = [(name, kind) for name, kind in s.RELATION_TYPES.items() if kind.ftm_schema == schema]
    return sorted(found, key=lambda c: c[1].ftm_marker is None)


def _relation(mapper: _Mapper, entry: Entry) -> bool:
    """Import a link; True when it needed the placeholder source."""
    props, schema = entry.properties, entry.schema
    candidates = _candidates(schema)
    used = _used(s.RELATION, schema) | {"status", "description", "role", "customsAmount"}
    for _, kind in candidates:
        used |= {kind.ftm_subject, kind.ftm_target} | ({kind.ftm_marker[0]} if kind.ftm_marker else set())
    for prop, values in props.items():
        if prop not in used:
            mapper.report.skipped_properties[f"{schema}.{prop}"] += len(values)
    for name, kind in candidates:
        if kind.ftm_marker and kind.ftm_marker[1] not in props.get(kind.ftm_marker[0], ()):
            continue
        subject = _first(props, kind.ftm_subject)
        target = _first(props, kind.ftm_target)
        if subject not in mapper.ids or target not in mapper.ids:
            mapper.report.notes.append(f"{schema} {entry.id}: {kind.ftm_subject} or {kind.ftm_target} is not an "
                                       "imported entity; link not imported")
            return False
        relation: dict[str, Any] = {"type": name, "target": mapper.ids[target]}
        claim_id = claim_id_from_line(entry.id, mapper.ids[subject], "relations")
        if claim_id:  # a line we exported: the claim keeps its public id
            relation["id"] = claim_id
        relation.update(mapper.fields(entry, s.RELATION, skip=("status",)))
        # Statuses outside our vocabulary (FtM's are free text) read as "reported".
        described = [d[len(STATUS_PREFIX):] for d in props.get("description", ()) if d.startswith(STATUS_PREFIX)]
        status = (props.get("status") or described or ["reported"])[0]
        relation["status"] = status if status in s.CLAIM_STATUSES else "reported"
        if relation.get("goods", "").startswith(STATUS_PREFIX):
            del relation["goods"]
        if "date" in relation:
            relation.pop("start", None)
            relation.pop("end", None)
        if props.get("customsAmount"):
            amount = s.Number(minimum=0).from_ftm(props["customsAmount"][0])
            if isinstance(amount, s.Invalid):
                mapper.report.problems.append(LineProblem(entry.line, f"properties.customsAmount: {amount.message}"))
            else:
                relation["value"] = {"amount": amount, "currency": "USD"}
        if props.get("role") and schema in ROLE_SCHEMATA and not kind.ftm_marker:
            relation["role"] = props["role"][0]
        needs_source = not relation.get("sources")
        relation["sources"] = relation.get("sources") or [IMPORTED_SOURCE]
        ordered = {f.name: relation[f.name] for f in s.RELATION.fields if f.name in relation}
        mapper.report.cards[mapper.ids[subject]][1].setdefault("relations", []).append(ordered)
        return needs_source
    return False


def _sanction(mapper: _Mapper, entry: Entry, names: dict[str, str]) -> bool:
    props = entry.properties
    for prop, values in props.items():
        if prop not in _used(s.SANCTION, "Sanction") | set(SANCTION_ONLY):
            mapper.report.skipped_properties[f"Sanction.{prop}"] += len(values)
    subject = _first(props, "entity")
    if subject not in mapper.ids:
        mapper.report.notes.append("Sanction: its entity is not an imported entity; sanction not imported")
        return False
    if not props.get("startDate") and props.get("listingDate"):
        props = {**props, "startDate": props["listingDate"]}
    sanction: dict[str, Any] = mapper.fields(Entry(entry.line, entry.id, entry.schema, props), s.SANCTION,
                                                   skip=("status",))
    status = _first(props, "status")  # FtM's status is free text
    sanction["status"] = status if status in s.SANCTION_STATUSES else ("delisted" if "end" in sanction else "listed")
    authority = _first(props, "authority")
    if authority:
        if authority not in names:
            authority_id = _slug(authority, mapper.ids)
            mapper.ids[authority_id] = authority_id
            names[authority] = authority_id
            mapper.report.cards[authority_id] = ("public-body", {"name": authority})
        sanction["authority"] = names[authority]
    claim_id = claim_id_from_line(entry.id, mapper.ids[subject], "sanctions")
    if claim_id:
        sanction["id"] = claim_id
    needs_source = not sanction.get("sources")
    sanction["sources"] = sanction.get("sources") or [IMPORTED_SOURCE]
    ordered = {f.name: sanction[f.name] for f in s.SANCTION.fields if f.name in sanction}
    mapper.report.cards[mapper.ids[subject]][1].setdefault("sanctions", []).append(ordered)
    return needs_source


def import_entries(entries: list[Entry], report: ImportReport) -> None:
    ids: dict[str, str] = {}
    for entry in entries:
        if entry.schema in KIND_OF_SCHEMA:
            ids[entry.id] = _slug(entry.id, ids)
    for entry in entries:  # a place without coordinates cannot be a place card
        if entry.schema == "Address" and not (entry.properties.get("latitude") and entry.properties.get("longitude")):
            ids.pop(entry.id, None)
            report.notes.append(f"Address {entry.id}: no latitude and longitude; not imported as a place")
    mapper = _Mapper(report, ids)
    names: dict[str, str] = {}
    for entry in entries:
        card_id = ids.get(entry.id)
        if card_id is None or entry.schema not in KIND_OF_SCHEMA:
            continue
        before = len(report.problems)
        kind, card = _entity_card(mapper, entry, card_id)
        if len(report.problems) > before:
            del ids[entry.id]  # a malformed entity is not imported; links to it are reported
            continue
        names[card["name"]] = card_id
        report.cards[card_id] = (kind, card)
    needs_source = False
    for entry in entries:
        if entry.schema in KIND_OF_SCHEMA:
            continue
        if entry.schema == "Sanction":
            needs_source |= _sanction(mapper, entry, names)
        elif _candidates(entry.schema):
            needs_source |= _relation(mapper, entry)
        else:
            report.skipped_schemata[entry.schema] += 1
    if needs_source:
        report.cards[IMPORTED_SOURCE] = ("source", {
            "name": "Imported FollowTheMoney data", "type": "dataset",
            "summary": "Cited for links that the imported data gave no source for; check and replace it."})


def import_lines(data: bytes | str) -> ImportReport:
    """Cards from FtM entity JSON lines; malformed lines are located problems, never exceptions."""
    report = ImportReport()
    entries, report.problems = read_entries(data.encode("utf-8") if isinstance(data, str) else data)
    import_entries(entries, report)
    report.problems.sort(key=lambda p: p.line)  # stable: a line's problems keep their order
    return report


# --- writing -------------------------------------------------------------------------------------

def write_cards(report: ImportReport, out: Path) -> int:
    """Write the cards as YAML files under ``out`` (new or empty), one folder per kind; all or nothing.

    The files go into a temporary folder beside ``out`` that is renamed into place at the end.
    """
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        for card_id, (kind, data) in sorted(report.cards.items()):
            folder = staging / s.KINDS[kind].folder
            folder.mkdir(exist_ok=True)
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
            with open(folder / f"{card_id}.yaml", "x", encoding="utf-8") as handle:
                handle.write(modeline(kind) + "\n" + text)
        if out.is_dir():
            out.rmdir()  # only an empty folder: the caller checks
        os.replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(report.cards)


__all__ = ["IMPORTED_SOURCE", "Entry", "ImportReport", "LineProblem", "import_lines",
           "read_entries", "write_cards"]
