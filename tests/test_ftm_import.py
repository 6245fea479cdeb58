"""import-ftm at the edge: every malformed line located, no traceback, nothing written unless all is well."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_scripts import cli
from build_scripts.cards.validate import validate_dir
from build_scripts.tools.ftm_import import import_lines

GOOD = {"id": "acme", "schema": "Company", "properties": {"name": ["Acme"], "country": ["cn"]}}
PLACE = {"id": "port", "schema": "Address", "properties": {"name": ["Port"], "latitude": ["1.5"],
                                                            "longitude": ["2"]}}
SUMMARY = "3 problems in in.json; nothing written (fix them, or use --keep-going to import the other lines)"


def lines(*items: object) -> str:
    return "".join((item if isinstance(item, str) else json.dumps(item)) + "\n" for item in items)


def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.json"
    path.write_text(lines(
        GOOD,
        PLACE,
        ["a", "list"],
        {"id": "p-1", "schema": "Person", "properties": {"name": ["Ivan Example"]}},
        {"id": "dock", "schema": "Address", "properties": {"name": ["Dock"], "latitude": ["12,5"],
                                                          "longitude": ["3"]}},
        {"id": "own-1", "schema": "Ownership", "properties": {"owner": ["p-1"], "asset": ["acme"]}},
        {"id": "x", "schema": "Company", "properties": {"name": "Acme"}},
    ), encoding="utf-8")
    return path


def test_three_malformed_lines_are_located_under_python_O(tmp_path):
    bad_file(tmp_path)
    done = subprocess.run([sys.executable, "-O", "-m", "build_scripts", "import-ftm", "in.json", "out"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "in.json:3: expected a JSON object (an FtM entity), got a list",
        "in.json:5: properties.latitude: '12,5' is not a number",
        "in.json:7: properties.name: expected a list of strings, got a string",
        SUMMARY,
    ]
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert list(tmp_path.iterdir()) == [tmp_path / "in.json"]  # nothing written, not even a temporary folder


def test_keep_going_writes_the_good_lines_and_still_fails(tmp_path):
    bad_file(tmp_path)
    done = run_cli("import-ftm", "in.json", "out", "--keep-going", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[:3] == [
        "in.json:3: expected a JSON object (an FtM entity), got a list",
        "in.json:5: properties.latitude: '12,5' is not a number",
        "in.json:7: properties.name: expected a list of strings, got a string"]
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.yaml")) == [
        "companies/acme.yaml", "locations/port.yaml", "people/p-1.yaml", "sources/imported-ftm-data.yaml"]
    assert validate_dir(tmp_path / "out").ok
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_each_kind_of_malformed_line_has_its_message():
    data = b"\n".join([
        b"\xff\xfe{}",
        b"{\"id\": 1, \"schema\": \"Company\"}",
        b"{\"id\": \"a\", \"schema\": null, \"properties\": []}",
        b"{\"id\": \"b\", \"schema\": \"Company\", \"properties\": {\"name\": [\"B\", 2, null]}}",
        b"[" * 100_000 + b"]" * 100_000,
        b"1" * 5000,
        json.dumps(GOOD).encode(),
        json.dumps(GOOD).encode(),
        json.dumps({"id": "c", "schema": "Address", "properties": {"name": ["C"], "latitude": ["1e999"],
                                                                   "longitude": ["200"]}}).encode(),
        json.dumps({"id": "d", "schema": "Article", "properties": {"name": ["D"], "publishedAt": ["soon"]}}).encode(),
    ])
    report = import_lines(data)
    assert [(p.line, p.message) for p in report.problems] == [
        (1, "not UTF-8 text (byte 0xff at column 1)"),
        (2, "id: expected a non-empty string, got a number"),
        (3, "schema: expected the name of an FtM schema, got null"),
        (3, "properties: expected an object, got a list"),
        (4, "properties.name[1]: expected a string, got a number"),
        (4, "properties.name[2]: expected a string, got null"),
        (5, "not valid JSON here (nested too deeply)"),
        (6, report.problems[7].message),
        (8, "id: 'acme' is already the id of line 7"),
        (9, "properties.latitude: '1e999' is not a finite number"),
        (9, "properties.longitude: '200' is out of range; it must be between -180 and 180"),
        (10, "properties.publishedAt: 'soon' is not a date"),
    ]
    assert report.problems[7].message.startswith("not valid JSON here (Exceeds the limit")


def test_one_slug_function_for_imported_ids(tmp_path):
    (tmp_path / "in.json").write_text(lines({"id": "Société Générale", "schema": "Company",
                                             "properties": {"name": ["Société Générale"]}}), encoding="utf-8")
    done = run_cli("import-ftm", "in.json", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "companies" / "societe-generale.yaml").exists()


# --- property-based: any input, never a traceback --------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20)
property_values = st.one_of(json_values, st.lists(st.text(max_size=20), max_size=3),
                            st.lists(st.sampled_from(["12,5", "1e999", "-", "91", "2023-13-40", "zz", ""]),
                                     min_size=1, max_size=2))
entities = st.fixed_dictionaries({
    "id": st.one_of(st.text(max_size=12), json_values),
    "schema": st.sampled_from(["Company", "Person", "Address", "Article", "Ownership", "Sanction", "Vessel",
                               "EconomicActivity", "PublicBody"]) | json_values,
    "properties": st.dictionaries(
        st.sampled_from(["name", "latitude", "longitude", "country", "alias", "publishedAt", "owner", "asset",
                         "entity", "authority", "proof", "startDate", "customsAmount", "language", "topics"]),
        property_values, max_size=6) | json_values,
})
raw_lines = st.one_of(
    entities.map(lambda e: json.dumps(e).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=40).filter(lambda b: b"\n" not in b),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(4000, 6000).map(lambda n: b"9" * n),
    st.just(json.dumps(GOOD).encode()),
    st.just(json.dumps(PLACE).encode()),
)
LOCATED = re.compile(r"^in\.json:(\d+): \S")


@given(st.lists(raw_lines, min_size=1, max_size=8))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], max_examples=150,
          deadline=None)
def test_any_input_gives_located_messages_or_cards_never_a_traceback(tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "in.json").write_bytes(b"\n".join(raw))
    err = io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = cli.main(["import-ftm", "in.json", "out"])
    messages = err.getvalue().splitlines()
    assert status in (0, 1)
    located = [m for m in messages if LOCATED.match(m)]
    assert all(1 <= int(LOCATED.match(m)[1]) <= len(raw) for m in located)  # type: ignore[index]
    if status == 1:
        assert located and messages[-1].endswith("nothing written (fix them, or use --keep-going to import "
                                                 "the other lines)")
        assert sorted(p.name for p in folder.iterdir()) == ["in.json"]
    else:
        assert located == [] and (folder / "out").is_dir()
        assert validate_dir(folder / "out").ok


def test_the_round_trip_input_imports_cleanly(tmp_path):
    from build_scripts.export import ftm
    from build_scripts.model import entities as model
    text = ftm.export_lines(model.build(validate_dir(ROOT / "entities").cards))
    report = import_lines(text)
    assert report.problems == [] and report.lines() == []


def test_claims_keep_their_public_ids_through_export_and_import(cards):
    from build_scripts.export import ftm
    from build_scripts.model import entities as model
    cards.source()
    cards.write("public-bodies/treasury.yaml", "name: Treasury\n")
    cards.write("companies/b.yaml", "name: B\n")
    cards.write("companies/acme.yaml", """
        name: Acme
        relations:
          - {id: first-deal, type: contract, target: b, status: reported, sources: [src]}
          - {type: supplied, target: b, status: reported, date: 2023, sources: [src]}
        sanctions:
          - {id: listing, authority: treasury, status: listed, sources: [src]}
        """)
    inv = model.build(validate_dir(cards.root).cards)
    lines = [json.loads(line)["id"] for line in ftm.export_lines(inv).splitlines()]
    assert {"acme.relations.first-deal", "acme.relations.supplied-b-2023", "acme.sanctions.listing"} <= set(lines)
    acme = import_lines(ftm.export_lines(inv)).cards["acme"][1]
    assert [r.get("id") for r in acme["relations"]] == ["first-deal", "supplied-b-2023"]
    assert acme["sanctions"][0]["id"] == "listing"
