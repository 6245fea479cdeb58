"""The schema drives the model and the exports: their fields and columns are the schema's.

Every expectation here is derived from the schema itself, never written out, so these
tests fail when the model or an export forgets a field or invents one. The last test
adds a throwaway field to the schema and follows it through validation, the model,
the exports, FollowTheMoney both ways, the JSON Schema, the field reference and the
card skeleton: adding a field is a change in one place.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest
from conftest import ROOT

from build_scripts import schema as s
from build_scripts.cards.validate import validate_dir
from build_scripts.export import data as exports
from build_scripts.export import ftm
from build_scripts.model import entities as model
from build_scripts.pages import reference
from build_scripts.render import pages as render
from build_scripts.schema import jsonschema
from build_scripts.tools import ftm_import, scaffold

STRUCTURAL = {"extra"}  # every model class: fields added to the schema before a typed attribute


def records_by_name() -> dict[str, s.Record]:
    found: dict[str, s.Record] = {}
    for record in s.CARD_RECORDS.values():
        s.walk(record, lambda t: found.setdefault(t.name, t) if isinstance(t, s.Record) else None)
    return found


def attributes(fields: tuple[s.Field, ...]) -> set[str]:
    return {f.attribute for f in fields}


def declared(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def test_entity_fields_are_the_card_fields():
    assert declared(model.Entity) == attributes(s.card_fields()) | {"id", "kind", "card_path"} | STRUCTURAL


@pytest.mark.parametrize("name", list(s.CLAIM_RECORDS))
def test_claim_fields_are_the_record_fields(name):
    assert declared(model.CLAIM_CLASSES[name]) == attributes(s.CLAIM_RECORDS[name].fields) | {"key", "subject"} | \
        STRUCTURAL


def test_every_nested_record_has_a_model_class_with_its_fields():
    nested = {name: record for name, record in records_by_name().items()
              if name not in s.CARD_RECORDS and record not in s.CLAIM_RECORDS.values() and name not in s.FORMS}
    assert set(nested) == set(model.RECORD_CLASSES)
    for name, record in nested.items():
        assert declared(model.RECORD_CLASSES[name]) == attributes(record.fields) | STRUCTURAL, name


# --- exports -------------------------------------------------------------------------------------

def expected_columns(typ: object, name: str) -> list[str]:
    """A field's CSV columns, by the schema's rules: a date and its derived basis, a record's fields."""
    if isinstance(typ, s.Record):
        return [c for f in typ.fields if f.public for c in expected_columns(f.type, f"{name}_{f.name}")]
    if isinstance(typ, s.Date):
        return [name, f"{name}_derived"]
    return [name]


def own_file(field: s.Field) -> bool:
    """Lists of records without a short form (relations, sanctions, events) are not entity columns."""
    item = field.type.item if isinstance(field.type, s.ListOf) else None
    return isinstance(item, s.Record) and not item.csv_label


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return exports.data_files(model.build(validate_dir(ROOT / "entities").cards))


def test_entity_columns_are_the_public_card_fields(files):
    header = next(csv.reader(io.StringIO(files["data/entities.csv"])))
    fields = [f for f in s.card_fields() if f.public and not own_file(f)]
    assert header == ["id", "kind", *(c for f in fields for c in expected_columns(f.type, f.name)), "page"]
    assert not [f.name for f in s.card_fields() if not f.public and f.name in header]


def test_relation_columns_are_the_relation_fields(files):
    header = next(csv.reader(io.StringIO(files["data/relations.csv"])))
    fields = [f for f in s.RELATION.fields if f.public and not own_file(f)]
    assert header == ["key", "subject", *(c for f in fields for c in expected_columns(f.type, f.name))]


def json_keys(fields: tuple[s.Field, ...]) -> set[str]:
    return {key for f in fields if f.public
            for key in ([f.name, f"{f.name}_derived"] if isinstance(f.type, s.Date) else [f.name])}


def test_json_records_hold_only_schema_fields(files):
    for record in json.loads(files["data/entities.json"]):
        assert set(record) <= json_keys(s.CARD_RECORDS[record["kind"]].fields) | {"id", "kind", "page"}
        for name, claim in s.CLAIM_RECORDS.items():
            for item in record.get(name, ()):
                assert set(item) <= json_keys(claim.fields) | {"key", "subject"}


def test_geojson_properties_are_the_place_fields(files):
    allowed = json_keys(s.CARD_RECORDS["location"].fields) - {"latitude", "longitude"} | {"entities", "page"}
    for feature in json.loads(files["data/locations.geojson"])["features"]:
        assert set(feature["properties"]) <= allowed


def test_ftm_properties_come_from_the_fields(files):
    for line in map(json.loads, files["data/entities.ftm.json"].splitlines()):
        kind = ftm.KIND_OF_SCHEMA.get(line["schema"])
        if kind is None:
            continue
        mapped = {f.ftm_property(line["schema"]) for f in s.CARD_RECORDS[kind].fields}
        assert set(line["properties"]) <= mapped | set(ftm.SCHEME_OF_PROP), line["id"]


# --- the four additions, end to end ----------------------------------------------------------------

def test_derived_dates_citations_and_text_files_in_model_and_exports(cards):
    cards.write("sources/wire.yaml", "name: Wire\ntype: news-report\ntext_file: wire-2023.txt\n")
    cards.write("sources/paper.yaml", "name: Paper\ntype: news-report\ndate: {value: 2023-03, derived: from x}\n")
    cards.write("companies/b.yaml", "name: B\n")
    cards.write("companies/acme.yaml", """
        name: Acme
        relations:
          - id: deal
            type: contract
            target: b
            status: reported
            date: {value: 2023-02, derived: a month before the report}
            sources: [wire, {source: paper, retells: [wire]}]
        """)
    inv = model.build(validate_dir(cards.root).cards)
    relation = inv.entities["acme"].relations[0]
    assert relation.citations == (model.Citation("wire"), model.Citation("paper", ("wire",)))
    assert relation.sources == ("wire", "paper") and relation.id == "deal"
    assert relation.date == model.PartialDate("2023-02", derived="a month before the report")
    assert inv.entities["wire"].text_file == "wire-2023.txt"
    assert inv.citing["wire"] == ("acme/relations/deal",)  # the claim's stable id (model.ids)
    files = exports.data_files(inv)
    row = next(csv.DictReader(io.StringIO(files["data/relations.csv"])))
    assert (row["id"], row["date"], row["date_derived"], row["sources"]) == (
        "deal", "2023-02", "a month before the report", "wire; paper (retells wire)")
    record = json.loads(files["data/entities/acme.json"])["relations"][0]
    assert record["sources"] == ["wire", {"source": "paper", "retells": ["wire"]}]
    assert record["date_derived"] == "a month before the report"
    assert json.loads(files["data/entities/paper.json"])["date_derived"] == "from x"
    assert not [path for path, text in files.items() if "wire-2023.txt" in text]


# --- adding a field: one place ---------------------------------------------------------------------

FOUNDED = s.Field("founded", s.Date(), "When the company was founded, as precisely as a source says.",
                  ftm="incorporationDate")


@pytest.fixture
def founded(monkeypatch):
    """The schema with a throwaway field added to company cards: the one change a new field needs."""
    record = s.CARD_RECORDS["company"]
    monkeypatch.setitem(s.CARD_RECORDS, "company", s.Record(record.name, (*record.fields, FOUNDED), record.doc))


def test_a_field_added_to_the_schema_reaches_everything(cards, founded):
    cards.write("companies/acme.yaml", "name: Acme\nfounded: 2011-02-30\n")
    assert [str(p) for p in validate_dir(cards.root).problems] == [
        "cards/companies/acme.yaml:2:10: founded: invalid date '2011-02-30' (day is out of range for month); "
        "write YYYY, YYYY-MM or YYYY-MM-DD"]
    cards.write("companies/acme.yaml", "name: Acme\nfounded: {value: 2011, derived: ten years before the filing}\n")
    inv = model.build(validate_dir(cards.root).cards)
    acme = inv.entities["acme"]
    assert model.value_of(acme, FOUNDED) == model.PartialDate("2011", derived="ten years before the filing")

    files = exports.data_files(inv)
    row = next(csv.DictReader(io.StringIO(files["data/entities.csv"])))
    assert (row["founded"], row["founded_derived"]) == ("2011", "ten years before the filing")
    record = json.loads(files["data/entities/acme.json"])
    assert (record["founded"], record["founded_derived"]) == ("2011", "ten years before the filing")
    line = json.loads(files["data/entities.ftm.json"].splitlines()[0])
    assert line["properties"]["incorporationDate"] == ["2011"]
    imported = ftm_import.import_lines(files["data/entities.ftm.json"])
    assert imported.cards["acme"][1]["founded"] == "2011" and imported.lines() == []

    schema = jsonschema.card_schema("company")
    assert schema["properties"]["founded"]["oneOf"][1]["required"] == ["value", "derived"]  # type: ignore[index]
    page = render.render_page(render.environment(), reference.fields_page())
    assert "| founded |" in page
    assert "# founded: 2023-01" in scaffold.skeleton("company", "Acme")
