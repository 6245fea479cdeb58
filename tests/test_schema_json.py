"""The JSON Schema and the validator agree, card by card.

Editors' tools read a card as YAML 1.2 and check it against the JSON Schema;
``validate`` checks it against the same schema definition. For every example
below (valid and invalid), and for every seed and fixture card, both must
reach the same verdict. Checks that need the whole graph (references,
duplicate ids) and the order of start and end dates are the validator's
alone and are left out here.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, ROOT

from build_scripts import schema as s
from build_scripts.cards.loader import load_card
from build_scripts.cards.validate import _CardChecker, scalar_kind
from build_scripts.schema import jsonschema as schema_json

SCHEMA_DOCS = ROOT / "docs" / schema_json.SCHEMA_DIR


def as_editors_see_it(node: yaml.Node):
    """The JSON value a YAML 1.2 language server makes of a node."""
    if isinstance(node, yaml.MappingNode):
        return {k.value: as_editors_see_it(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [as_editors_see_it(v) for v in node.value]
    kind = scalar_kind(node)
    if kind == "null":
        return None
    if kind == "bool":
        return node.value.lower() == "true"
    if kind == "int":
        return int(node.value, 0)
    if kind == "float":
        return float(node.value.replace(".inf", "inf").replace(".nan", "nan").replace(".Inf", "inf")
                     .replace(".INF", "inf").replace(".NaN", "nan").replace(".NAN", "nan"))
    return node.value


def verdicts(path: Path, kind: str) -> tuple[bool, bool]:
    card, problems = load_card(path, s.KINDS[kind].folder)
    assert card is not None, problems
    checker = _CardChecker(card, path.stem)
    checker.check(s.CARD_RECORDS[kind], card.root, ())
    validator_ok = not checker.problems
    validator = jsonschema.Draft202012Validator(schema_json.card_schema(kind),
                                                format_checker=jsonschema.FormatChecker())
    schema_ok = validator.is_valid(as_editors_see_it(card.root))
    return validator_ok, schema_ok


BASE = {"company": "name: Acme\n", "location": "name: X\nlatitude: 1\nlongitude: 2\nprecision: city\n",
        "source": "name: S\ntype: report\n"}
REL = "relations:\n  - {type: supplied, target: b, status: reported, sources: [s]%s}\n"
EXAMPLES = [
    # (kind, extra YAML, valid?)
    ("company", "", True),
    ("company", "country: CN\n", True),
    ("company", "country: NO\n", True),
    ("company", "country: cn\n", False),
    ("company", "country: XX\n", False),
    ("company", "aliases: [A, {name: B, lang: zh}]\n", True),
    ("company", "aliases: [A, A]\n", True),  # records and text mixed: not deduplicated by either
    ("company", "tags: [a, a]\n", False),
    ("company", "tags: [Dual Use]\n", False),
    ("company", "tags: [2023]\n", False),
    ("company", "unnamed: true\n", True),
    ("company", "unnamed: True\n", True),
    ("company", "unnamed: yes\n", False),
    ("company", "summary: ''\n", False),
    ("company", "summary: '   '\n", False),
    ("company", "summary: |\n  two\n  lines\n", True),
    ("company", "summary: 'tab\there'\n", False),
    ("company", "colour: red\n", False),
    ("company", "name2: x\n", False),
    ("company", "identifiers: [{scheme: lei, value: ABC}]\n", True),
    ("company", "identifiers: [{scheme: lei}]\n", False),
    ("company", REL % "", True),
    ("company", REL % ", date: 2023", True),
    ("company", REL % ", date: 2023-02", True),
    ("company", REL % ", date: 2024-02-29", True),
    ("company", REL % ", date: 2023-02-29", False),
    ("company", REL % ", date: 2023-13", False),
    ("company", REL % ", date: 23-01-01", False),
    ("company", REL % ", date: 2023, start: 2022", False),
    ("company", REL % ", value: {amount: 1e6, currency: USD}", True),
    ("company", REL % ", value: {amount: 1_000, currency: USD}", False),
    ("company", REL % ", value: {amount: -1, currency: USD}", False),
    ("company", REL % ", value: {amount: 5, currency: usd}", False),
    ("company", REL % ", value: {amount: .inf, currency: USD}", False),
    ("company", "relations:\n  - {type: supplied, target: b, status: maybe, sources: [s]}\n", False),
    ("company", "relations:\n  - {type: supplied, target: b, status: reported, sources: []}\n", False),
    ("company", "relations:\n  - {type: supplied, status: reported, sources: [s]}\n", False),
    ("company", "relations:\n  - {type: owns, target: B, status: reported, sources: [s]}\n", False),
    ("company", "sanctions:\n  - {status: listed, date: 2023-01, sources: [s]}\n", True),
    ("company", "sanctions:\n  - {status: listed, end: 2024, sources: [s], responses: [{by: b, summary: No.,"
                " sources: [s]}]}\n", True),
    ("company", "events:\n  - {date: 2022-04, summary: Left Russia., status: reported, sources: [s]}\n", True),
    ("company", "events:\n  - {summary: Left Russia., status: reported, sources: [s]}\n", False),
    ("location", "", True),
    ("location", "latitude: 91\n", False),
    ("location", "longitude: -180\n", True),
    ("location", "precision: town\n", False),
    ("source", "url: https://example.org/a_(b)?q=1#x\n", True),
    ("source", "url: HTTP://EXAMPLE.ORG\n", True),
    ("source", "url: javascript:alert(1)\n", False),
    ("source", "url: 'https://e.org/<script>'\n", False),
    ("source", "url: https://\n", False),
    ("source", "date: 2023\n", True),
    ("source", "date: {value: 2023-03, derived: two months after the January listing}\n", True),
    ("source", "date: {value: 2023-03}\n", False),
    ("source", "date: {value: 2023-03, derived: ''}\n", False),
    ("source", "authors: [A, B]\n", True),
    ("source", "based_on: [a, a]\n", False),
    # derived dates: a date and its basis, nothing else
    ("company", REL % ", date: {value: 2023-03, derived: two weeks before the report}", True),
    ("company", REL % ", date: {value: 2023-03}", False),
    ("company", REL % ", date: {value: 2023-03, derived: ''}", False),
    ("company", REL % ", date: {value: 2023-13, derived: x}", False),
    ("company", REL % ", date: {value: 2023, derived: x, note: y}", False),
    ("company", REL % ", date: {value: {value: 2023, derived: x}, derived: y}", False),
    ("source", "date: {value: 2023, derived: from the byline}\n", True),
    # citations that retell other outlets
    ("company", "relations:\n  - {type: supplied, target: b, status: reported, sources: [{source: s, retells: [t]}]}\n",
     True),
    ("company", "relations:\n  - {type: supplied, target: b, status: reported, sources: [{source: s, retells: []}]}\n",
     False),
    ("company", "relations:\n  - {type: supplied, target: b, status: reported, sources: [{source: s}]}\n", False),
    ("company", "relations:\n  - {type: supplied, target: b, status: reported, sources: [{source: S, retells: [t]}]}"
                "\n", False),
    # item ids and source text files
    ("company", REL % ", id: shipment-2022", True),
    ("company", REL % ", id: Shipment 2022", False),
    ("source", "text_file: notes/src.txt\n", True),
    ("source", "text_file: ''\n", False),
    ("company", "events:\n  - {date: 2022, summary: S., status: reported, sources: [{source: s, retells: [t]}]}\n",
     True),
    ("company", "events:\n  - {date: 2022, summary: S., status: reported, sources: [{source: s}]}\n", False),
]


def merge(base: str, extra: str) -> str:
    keys = {line.split(":")[0] for line in extra.splitlines() if line and not line.startswith(" ")}
    kept = [line for line in base.splitlines() if line.split(":")[0] not in keys]
    return "\n".join(kept) + "\n" + extra


@pytest.mark.parametrize("kind, extra, valid", EXAMPLES)
def test_schema_and_validator_agree_on_examples(tmp_path, kind, extra, valid):
    path = tmp_path / "card.yaml"
    path.write_text(merge(BASE[kind], extra), encoding="utf-8")
    assert verdicts(path, kind) == (valid, valid)


def every_card():
    for root in (ROOT / "entities", FIXTURES / "mini", FIXTURES / "hostile"):
        for path in sorted(root.rglob("*.yaml")):
            yield path, s.FOLDER_KINDS[path.parent.name]


@pytest.mark.parametrize("path, kind", list(every_card()), ids=lambda v: getattr(v, "stem", v))
def test_schema_accepts_every_valid_card(path, kind):
    assert verdicts(path, kind) == (True, True)


def test_committed_schemas_are_generated_from_the_schema():
    for rel, text in schema_json.schema_files().items():
        assert (ROOT / "docs" / rel).read_text(encoding="utf-8") == text, f"regenerate {rel}"


def test_every_seed_card_points_editors_at_its_schema():
    for path, kind in every_card():
        if path.is_relative_to(ROOT / "entities"):
            assert path.read_text(encoding="utf-8").splitlines()[0] == schema_json.modeline(kind), path


def test_schema_is_valid_json_schema_with_descriptions():
    for kind in s.CARD_RECORDS:
        schema = schema_json.card_schema(kind)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert all(p.get("description") for p in schema["properties"].values())
        assert json.loads(json.dumps(schema)) == schema
