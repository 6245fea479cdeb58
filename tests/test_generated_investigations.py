"""Whole investigations generated from the schema: whatever the validator accepts, the generator renders.

Hypothesis draws every kind of card with any of its fields (events, sanctions, replies,
values, aliases as text or records, identifiers, via, origin and destination), filled
from the schema in ``build_scripts.schema`` so that new fields are covered without
touching this file. Text mixes arbitrary Unicode with Markdown, HTML and YAML syntax,
script payloads and the placeholders of Python-Markdown, its extensions, Jinja and
the generator itself. The cards are written as real YAML files; ``validate`` must
accept them and generation must never raise. A few are built into a whole site with
``mkdocs build --strict``, and no page may carry a link a reader's browser would run.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import yaml
from conftest import build_site, make_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fastpages import CONFIGS, EXTENSIONS, Plain, assert_same, takes_fast_path

from build_scripts import schema as s
from build_scripts.base.urls import safe_url
from build_scripts.cards.validate import scalar_kind, validate_dir
from build_scripts.export import data as exports
from build_scripts.model import entities as model
from build_scripts.pages import mapdata, overviews
from build_scripts.render import maps
from build_scripts.render.pages import render_pages
from build_scripts.schema.jsonschema import modeline
from build_scripts.tools.mdpages import Converter

# Sequences that mean something to Markdown, HTML, YAML, Jinja, MkDocs or the generator.
NASTY = (
    "///Footnotes Go Here///", "[TOC]", "{: #x .y onclick=alert(1) }", "{{ config.site_name }}", "{% raw %}",
    "{#", "<!-- more -->", "<!-- search: exclude -->", "@@MAP-DATA@@", "@@MAP-TITLE@@", "klzzwxh:0",
    "wzxhzdk:0", "<script>window.__pwned=1</script>", '<img src=x onerror="alert(1)">', '<div markdown="1">',
    "</div>", "[x](javascript:alert(1))", "[x](&#106;avascript:alert(1))", "[x](java&Tab;script:1)",
    "[x][r]\n\n[r]: data:text/html,x\n", "<x@example.org>", "<https://example.org>", "*[HTML]: x",
    "!!! note", "??? note", "[^1]", "[^1]: note", "---", "...", "key: value", "- item", "1. item", "# h",
    "| a | b |", "```", "`", "~~~", "\\", "&amp;", "&#106;", "&NewLine;", "[[[", "]]]", "((", "))", "*", "**",
    "_", "__", "> ", "- - - - - - - - - - - - x", "> > > > > > > > > > > x", "\n\n", "\n    code\n", "'", '"',
    ": ", " #", "%", "@", "!", "|", "&", "<", ">", "\u2028", "\u00a0", "🙂", "长沙", "ﷺ", "\u202e", "\u200b",
    "java\u00adscript:", "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)",
)
ALPHABET = st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="\ufeff")
URLS = ("https://example.org/", "http://example.org/a_(b)?q=1&r=2#x", "https://xn--r8jz45g.jp/%E3%83%91",
        "https://example.org/%3Cscript%3E", "https://example.org/?q=&copy=1&region=2", "https://e.org/;a=b,c")
COUNTRIES = ("CN", "RU", "US", "HK", "DE")
CURRENCIES = ("USD", "EUR", "CNY")


def text(max_length: int, multiline: bool) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(NASTY), st.text(ALPHABET, min_size=1, max_size=12))
    drawn = st.one_of(piece, st.tuples(piece, piece, piece).map("".join))
    if not multiline:
        drawn = drawn.map(lambda t: t.replace("\n", " "))
    long = st.sampled_from("[*_<`\\").map(lambda c: c * max_length)  # at the limit, one character repeated
    return st.one_of(drawn, drawn, long).map(lambda t: t.strip()[:max_length].strip()).filter(bool)


class Ids:
    """The ids of every card in the investigation being drawn, by kind."""

    def __init__(self, by_kind: dict[str, list[str]]) -> None:
        self.by_kind = by_kind

    def of(self, kinds: tuple[str, ...], exclude: str | None = None) -> list[str]:
        return sorted(i for k in kinds for i in self.by_kind.get(k, ()) if i != exclude)


@st.composite
def value_of(draw: st.DrawFn, typ: object, ids: Ids, card_id: str, field: str) -> object:
    """A valid value of a schema type (None when none can be drawn, e.g. no card to refer to)."""
    if isinstance(typ, s.Text):
        return draw(text(min(typ.max_length, 300), typ.multiline))
    if isinstance(typ, s.Markdown):
        return draw(text(min(typ.max_length, 2000), True))
    if isinstance(typ, s.Slug):
        return draw(st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}\Z"))
    if isinstance(typ, s.Date):
        day = draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
        return day.isoformat()[:draw(st.sampled_from((4, 7, 10)))]  # YYYY, YYYY-MM or YYYY-MM-DD
    if isinstance(typ, s.Country):
        return draw(st.sampled_from(COUNTRIES))
    if isinstance(typ, s.Currency):
        return draw(st.sampled_from(CURRENCIES))
    if isinstance(typ, s.Url):
        return draw(st.sampled_from(URLS))
    if isinstance(typ, s.Number):
        low = typ.minimum if typ.minimum is not None else -1e9
        high = typ.maximum if typ.maximum is not None else 1e9
        return draw(st.one_of(st.integers(int(low), int(high)),
                              st.floats(low, high, allow_nan=False, allow_infinity=False)))
    if isinstance(typ, s.Boolean):
        return draw(st.booleans())
    if isinstance(typ, s.Enum):
        return draw(st.sampled_from(typ.values))
    if isinstance(typ, s.Ref):
        # A card may not refer to itself (a reply may); places and sources must not loop.
        choices = ids.of(typ.kinds, exclude=None if field == "by" else card_id)
        if field in ("parent", "based_on"):
            choices = [i for i in choices if i < card_id]
        return draw(st.sampled_from(choices)) if choices else None
    if isinstance(typ, s.ListOf):
        items = draw(st.lists(value_of(typ.item, ids, card_id, field), min_size=typ.min_items, max_size=2))
        items = [i for i in items if i is not None]
        if typ.unique:
            items = [i for n, i in enumerate(items) if not isinstance(i, str) or i not in items[:n]]
        ids_given = [i.get("id") for i in items if isinstance(i, dict) and i.get("id") is not None]
        if len(ids_given) != len(set(ids_given)):  # items of a list need their own ids: drop the repeats
            items = [i for n, i in enumerate(items) if not isinstance(i, dict) or i.get("id") is None
                     or i.get("id") not in [j.get("id") for j in items[:n] if isinstance(j, dict)]]
        return items if len(items) >= max(typ.min_items, 1) else None
    if isinstance(typ, s.TextOrRecord):
        if draw(st.booleans()):
            return draw(value_of(typ.record.field_named(typ.text_field).type, ids, card_id, typ.text_field))
        return draw(value_of(typ.record, ids, card_id, field))
    if isinstance(typ, s.Record):
        return draw(record(typ, ids, card_id))
    raise AssertionError(f"no strategy for {typ!r}: add one")


@st.composite
def record(draw: st.DrawFn, typ: s.Record, ids: Ids, card_id: str) -> dict | None:
    values: dict = {}
    for spec in typ.fields:
        if spec.required or draw(st.booleans()):
            value = draw(value_of(spec.type, ids, card_id, spec.name))
            if value is None:
                if spec.required:
                    return None
                continue
            values[spec.name] = value
    # Cross-field rules: one date or a period, never ending before it starts; targets by type.
    if "date" in values and "start" in values:
        del values["start"]
    begin = values.get("start") or values.get("date")
    if "end" in values and begin and values["end"][:4] <= begin[:10][:4]:
        values["end"] = str(int(begin[:4]) + 1)
    if typ is s.RELATION:
        kinds = s.RELATION_TYPES[values["type"]].target_kinds
        targets = ids.of(kinds, exclude=card_id)
        if not targets:
            return None
        values["target"] = draw(st.sampled_from(targets))
    return values


@st.composite
def investigations(draw: st.DrawFn) -> dict[str, tuple[str, dict]]:
    by_kind = {kind: [f"{kind}-{n}" for n in range(draw(st.sampled_from((1, 1, 2))))] for kind in s.KINDS}
    ids = Ids(by_kind)
    cards: dict[str, tuple[str, dict]] = {}
    for kind, kind_ids in by_kind.items():
        for card_id in kind_ids:
            data = draw(record(s.CARD_RECORDS[kind], ids, card_id))
            assert data is not None  # every kind has a card of every kind to refer to
            cards[card_id] = (kind, data)
    return cards


class CardDumper(yaml.SafeDumper):
    """PyYAML writes YAML 1.1; text that YAML 1.2 (editors' tools, the validator) reads as a number,
    a boolean or null, such as ``1e100``, is quoted, as an editor must quote it."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    plain = yaml.ScalarNode("tag:yaml.org,2002:str", value)
    style = "'" if scalar_kind(plain) != "str" else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


CardDumper.add_representer(str, _represent_text)


def write(cards: dict[str, tuple[str, dict]], folder: Path) -> None:
    for card_id, (kind, data) in cards.items():
        path = folder / s.KINDS[kind].folder / f"{card_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.dump(data, Dumper=CardDumper, sort_keys=False, allow_unicode=True, width=80)
        path.write_text(modeline(kind) + "\n" + text, encoding="utf-8")


def generate_in_memory(cards_dir: Path) -> dict[str, str]:
    """Everything ``generate`` renders from the cards, without writing it: the pages, by path."""
    validation = validate_dir(cards_dir)
    assert validation.ok, "\n".join(str(p) for p in validation.problems)
    inv = model.build(validation.cards)
    specs = mapdata.all_maps(inv)
    pages = render_pages(overviews.all_pages(inv, specs))
    for spec in specs.values():
        maps.render_map(spec)
    assert len(exports.data_files(inv)) > len(inv.entities)
    return pages


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(investigations())
def test_every_valid_investigation_generates(cards):
    """... and every entity page converts to the same HTML with or without Python-Markdown."""
    with tempfile.TemporaryDirectory() as folder:
        write(cards, Path(folder))
        pages = generate_in_memory(Path(folder))
    assert len(pages) > len(cards)
    known = frozenset(pages)
    fast, plain = Converter(EXTENSIONS, CONFIGS, known), Plain(known)
    for path in sorted(p for p in pages if p.startswith("entities/")):
        assert takes_fast_path(pages[path]), path
        assert_same(fast.convert(path, pages[path]), plain.convert(path, pages[path]), path)


class Urls(HTMLParser):
    """Every URL attribute a browser would follow or load."""

    ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"})

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value or "" for name, value in attrs if name in self.ATTRIBUTES]


@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(investigations())
def test_some_valid_investigations_build_into_a_strict_site_without_live_script(cards):
    folder = Path(tempfile.mkdtemp())
    try:
        write(cards, folder / "cards")
        project = make_project(folder / "project", folder / "cards")
        first = sorted(i for i in cards if cards[i][0] == "company")[0]
        (project / "docs" / "index.md").write_text(f"# Test\n\n[First](entities/{first}.md)\n", encoding="utf-8")
        done = build_site(project)
        assert done.returncode == 0, done.stdout + done.stderr
        shutil.move(project / "site", project / "site-html")
        done = build_site(project, engine="mkdocs")  # the all-MkDocs build, strict, of the same cards
        assert done.returncode == 0, done.stdout + done.stderr
        for page in [*(project / "site" / "entities").glob("*/index.html"),
                     *(project / "site-html" / "entities").glob("*/index.html")]:
            parser = Urls()
            parser.feed(page.read_text(encoding="utf-8"))
            unsafe = [u for u in parser.found
                      if not safe_url(u) or re.match(r"\s*(javascript|data|vbscript):", u, re.IGNORECASE)]
            assert unsafe == [], (page, unsafe)
    finally:
        shutil.rmtree(folder)
