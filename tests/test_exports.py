"""Open data files: standard parsers read them, counts match the cards, rows carry their sources."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import ROOT

from build_scripts.cards.validate import validate_dir
from build_scripts.export import data as exports
from build_scripts.model import entities as model


@pytest.fixture(scope="module")
def seed() -> model.Investigation:
    return model.build(validate_dir(ROOT / "entities").cards)


@pytest.fixture(scope="module")
def files(seed) -> dict[str, str]:
    return exports.data_files(seed)


def test_every_file_parses_and_counts_match_the_cards(seed, files):
    entities = json.loads(files["data/entities.json"])
    assert [e["id"] for e in entities] == list(seed.entities)
    rows = list(csv.DictReader(io.StringIO(files["data/entities.csv"])))
    assert [r["id"] for r in rows] == list(seed.entities)
    relations = list(csv.DictReader(io.StringIO(files["data/relations.csv"])))
    assert len(relations) == sum(len(e.relations) for e in seed.entities.values())
    geo = json.loads(files["data/locations.geojson"])
    assert geo["type"] == "FeatureCollection"
    assert {f["id"] for f in geo["features"]} == {e.id for e in seed.of_kind("location")}
    lines = [json.loads(line) for line in files["data/entities.ftm.json"].splitlines()]
    assert {line["id"] for line in lines} >= set(seed.entities)
    assert len([f for f in files if f.startswith("data/entities/")]) == len(seed.entities)


def test_relation_rows_carry_their_source_ids(files):
    relations = list(csv.DictReader(io.StringIO(files["data/relations.csv"])))
    key = "poly-technologies/relations/navigation-equipment-to-rosoboronexport"
    poly = next(r for r in relations if r["key"] == key)
    assert (poly["subject"], poly["type"], poly["target"], poly["date"], poly["sources"], poly["status"]) == (
        "poly-technologies", "supplied", "rosoboronexport", "2022-08-31", "wsj-russian-customs-records", "reported")
    assert all(r["sources"] for r in relations)


def test_geojson_points_are_longitude_first(files):
    geo = json.loads(files["data/locations.geojson"])
    changsha = next(f for f in geo["features"] if f["id"] == "changsha")
    assert changsha["geometry"]["coordinates"] == [112.9388, 28.2282]
    assert changsha["properties"]["entities"] == ["spacety-china"]


def test_csv_cells_cannot_run_as_spreadsheet_formulas():
    text = exports._csv(["a", "b", "c"], [["=HYPERLINK(\"http://x\")", "-1", "@SUM(A1)"]])
    assert text.splitlines()[1] == "\"'=HYPERLINK(\"\"http://x\"\")\",-1,'@SUM(A1)"


def test_entity_json_is_the_normalised_card(files):
    record = json.loads(files["data/entities/spacety-china.json"])
    assert record["kind"] == "company" and record["page"] == "entities/spacety-china/"
    assert record["sanctions"][0]["date"] == "2023-01"
    assert record["sanctions"][0]["date_derived"].startswith('Bloomberg says "in January" without a year')
    assert record["relations"][0]["sources"] == ["bloomberg-us-urges-eu-sanction-spacety"]


def test_site_serves_the_downloads(seed_site: Path):
    for name in ("entities.json", "entities.csv", "relations.csv", "locations.geojson", "entities.ftm.json"):
        assert (seed_site / "data" / name).stat().st_size > 100
    page = (seed_site / "browse" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../data/relations.csv"' in page


def test_the_editors_text_file_of_a_source_is_never_published(cards):
    cards.write("sources/ap.yaml", "name: AP report\ntype: news-report\ntext_file: ap-2023.txt\n")
    inv = model.build(validate_dir(cards.root).cards)
    assert inv.entities["ap"].text_file == "ap-2023.txt"
    files = exports.data_files(inv)
    assert not [name for name, text in files.items() if "ap-2023.txt" in text]
