"""FollowTheMoney: export, import with a report, exact round trip, and a site built from FtM data."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import FIXTURES, ROOT, build_site, make_project, run_cli

from build_scripts.cards.validate import validate_dir
from build_scripts.export import ftm
from build_scripts.model import entities as model


def export_of(cards: Path) -> str:
    result = validate_dir(cards)
    assert result.ok, result.problems
    return ftm.export_lines(model.build(result.cards))


def test_export_maps_kinds_and_relations_onto_ftm_schemata():
    lines = {line["id"]: line for line in map(json.loads, export_of(ROOT / "entities").splitlines())}
    assert lines["spacety-china"]["schema"] == "Company"
    assert lines["us-treasury"]["schema"] == "PublicBody"
    assert lines["changsha"]["properties"]["latitude"] == ["28.2282"]
    assert lines["wsj-russian-customs-records"]["schema"] == "Article"
    shipment = next(line for line in lines.values() if line["schema"] == "EconomicActivity"
                    and line["properties"]["sender"] == ["poly-technologies"])
    assert shipment["properties"]["proof"] == ["wsj-russian-customs-records"]
    sanction = next(line for line in lines.values() if line["schema"] == "Sanction"
                    and line["properties"]["entity"] == ["spacety-china"] and "listed" in line["properties"]["status"])
    assert sanction["properties"]["authority"] == ["United States government"]  # Bloomberg names no agency
    assert lines["wagner-group"]["properties"]["topics"] == ["mil"]


def test_round_trip_gives_the_same_lines(tmp_path):
    first = export_of(ROOT / "entities")
    (tmp_path / "seed.ftm.json").write_text(first)
    done = run_cli("import-ftm", "seed.ftm.json", "cards", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # nothing the export wrote was left behind
    assert export_of(tmp_path / "cards") == first


def test_import_reports_what_it_cannot_map_and_a_site_builds_from_it(tmp_path):
    done = run_cli("import-ftm", str(FIXTURES / "ftm" / "small.ftm.json"), "cards", cwd=tmp_path)
    assert done.returncode == 0
    source = str(FIXTURES / "ftm" / "small.ftm.json")
    assert done.stderr.splitlines() == [
        f"{source}: 1 entity of schema Vessel not imported: no matching kind of card",
        f"{source}: 1 value of Company.incorporationDate not imported: no matching field",
        f"{source}: 1 value of Ownership.percentage not imported: no matching field",
        f"{source}: 1 value of Person.nationality not imported: no matching field",
    ]
    cards = tmp_path / "cards"
    result = validate_dir(cards)
    assert result.ok, result.problems
    inv = model.build(result.cards)
    assert inv.entities["p-1"].relations[0].target == "acme"
    assert inv.entities["acme"].sanctions[0].authority == "office-of-foreign-assets-control"
    assert inv.entities["acme"].identifiers[0].value == "5493001KJTIIGC8Y1R12"
    project = make_project(tmp_path / "site-project", cards)
    (project / "docs" / "index.md").write_text("# Imported\n\n[Acme](entities/acme.md)\n")
    built = build_site(project)
    assert built.returncode == 0, built.stderr
    page = (project / "site" / "entities" / "acme" / "index.html").read_text(encoding="utf-8")
    assert "Acme Trading Ltd" in page and "office-of-foreign-assets-control" in page


def test_import_refuses_a_non_empty_folder_and_reports_bad_lines(tmp_path):
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "x").write_text("")
    (tmp_path / "in.json").write_text("not json\n")
    assert run_cli("import-ftm", "in.json", "cards", cwd=tmp_path).returncode == 1
    done = run_cli("import-ftm", "in.json", "new", cwd=tmp_path)
    assert (done.returncode, done.stderr.splitlines()) == (1, [
        "in.json:1: not valid JSON (Expecting value at column 1)",
        "1 problem in in.json; nothing written (fix them, or use --keep-going to import the other lines)"])
    assert not (tmp_path / "new").exists()


def test_entity_pages_carry_json_ld(seed_site):
    html = (seed_site / "entities" / "spacety-china" / "index.html").read_text(encoding="utf-8")
    head = html[:html.index("</head>")]
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, flags=re.S)
    data = json.loads(block)
    assert (data["@type"], data["name"], data["identifier"]) == ("Organization", "Spacety China", "spacety-china")
    source = (seed_site / "entities" / "wsj-russian-customs-records" / "index.html").read_text(encoding="utf-8")
    article = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', source, flags=re.S)[1])
    assert article["@type"] == "NewsArticle" and article["author"][0]["name"] == "Ian Talley"
