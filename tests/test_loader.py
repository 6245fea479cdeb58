"""The loader turns every kind of broken or hostile file into a located problem."""

from __future__ import annotations

import os

import pytest

from build_scripts.cards.loader import MAX_CARD_BYTES, discover, load_card


def problems_of(cards, relpath: str, text) -> list[str]:
    path = cards.write(relpath, text)
    card, problems = load_card(path, "companies")
    assert (card is None) == bool(problems)
    return [str(p) for p in problems]


def test_valid_card_keeps_positions(cards):
    path = cards.write("companies/acme.yaml", "name: Acme\ncountry: CN\n")
    card, problems = load_card(path, "companies")
    assert problems == []
    key, value = card.root.value[1]
    assert (key.value, value.value) == ("country", "CN")
    assert (value.start_mark.line, value.start_mark.column) == (1, 9)
    assert card.display == "cards/companies/acme.yaml"


def test_syntax_error_names_line_and_column(cards):
    assert problems_of(cards, "companies/x.yaml", "name: x\n  bad: [\n") == [
        "cards/companies/x.yaml:2:6: YAML syntax error: mapping values are not allowed in this context"]


def test_tabs_in_indentation(cards):
    assert problems_of(cards, "companies/x.yaml", "name: x\naliases:\n\t- y\n") == [
        "cards/companies/x.yaml:3:1: tab character in indentation; indent with spaces"]


def test_duplicate_keys_are_errors_not_last_wins(cards):
    assert problems_of(cards, "companies/x.yaml", "name: a\ncountry: CN\nname: b\n") == [
        "cards/companies/x.yaml:3:1: name: duplicate key 'name' (first given on line 1); keep one"]


def test_duplicate_keys_in_nested_mapping(cards):
    text = "name: a\nrelations:\n  - type: owns\n    type: supplied\n"
    assert problems_of(cards, "companies/x.yaml", text) == [
        "cards/companies/x.yaml:4:5: relations[0].type: duplicate key 'type' (first given on line 3); keep one"]


def test_byte_order_mark(cards):
    assert problems_of(cards, "companies/x.yaml", b"\xef\xbb\xbfname: x\n") == [
        "cards/companies/x.yaml:1:1: file starts with a byte-order mark; save it as UTF-8 without BOM"]


def test_not_utf8(cards):
    assert problems_of(cards, "companies/x.yaml", b"name: ok\nsummary: caf\xe9\n") == [
        "cards/companies/x.yaml:2:13: file is not valid UTF-8 (byte 0xe9); save it as UTF-8"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(cards, text):
    assert problems_of(cards, "companies/x.yaml", text) == [
        "cards/companies/x.yaml:1:1: file is empty; a card is a mapping of field: value"]


@pytest.mark.parametrize("text, shape", [("- a\n- b\n", "a list"), ("just text\n", "a single value")])
def test_top_level_must_be_mapping(cards, text, shape):
    assert problems_of(cards, "companies/x.yaml", text) == [
        f"cards/companies/x.yaml:1:1: a card must be a mapping of field: value, not {shape}"]


def test_anchors_and_aliases_refused(cards):
    assert problems_of(cards, "companies/x.yaml", "name: &n x\naliases: [*n]\n") == [
        "cards/companies/x.yaml:1:7: YAML anchor '&n' is not allowed in cards; write the value out in full"]


def test_alias_expansion_bomb_refused_quickly(cards):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    assert problems_of(cards, "companies/x.yaml", bomb) == [
        "cards/companies/x.yaml:1:4: YAML anchor '&a' is not allowed in cards; write the value out in full"]


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system", "!custom"])
def test_unknown_tags_refused(cards, tag):
    assert problems_of(cards, "companies/x.yaml", f"name: x\nsummary: {tag} ['echo hi']\n") == [
        f"cards/companies/x.yaml:2:10: summary: YAML tag '{tag}' is not allowed; "
        "cards hold plain text, numbers, lists and mappings"]


def test_two_documents(cards):
    assert problems_of(cards, "companies/x.yaml", "name: a\n---\nname: b\n") == [
        "cards/companies/x.yaml:2:1: YAML syntax error: but found another document"]


def test_size_limit(cards):
    size = MAX_CARD_BYTES + 1
    assert problems_of(cards, "companies/x.yaml", "name: " + "a" * (size - 7) + "\n") == [
        f"cards/companies/x.yaml:1:1: file is {size} bytes, over the limit of {MAX_CARD_BYTES}; "
        "split it or shorten the text"]


def test_deep_nesting(cards):
    text = "name: x\nsummary: " + "[" * 40 + "]" * 40 + "\n"
    problems = problems_of(cards, "companies/x.yaml", text)
    assert problems == ["cards/companies/x.yaml:2:42: summary" + "[0]" * 32 + ": nested more than 32 levels deep"]


def test_nesting_beyond_the_parser_recursion_limit(cards):
    text = "name: x\nsummary: " + "[" * 20000 + "]" * 20000 + "\n"
    assert problems_of(cards, "companies/x.yaml", text) == [
        "cards/companies/x.yaml:1:1: nested too deeply; cards allow 32 levels"]


def test_symlinks_refused(cards, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: secret\n")
    link = cards.root / "companies" / "x.yaml"
    link.parent.mkdir()
    os.symlink(secret, link)
    card, problems = load_card(link, "companies")
    assert card is None
    assert [str(p) for p in problems] == [
        "cards/companies/x.yaml:1:1: symbolic links are not allowed as cards; commit a regular file"]


def test_discover_sorted_and_flags_yml(cards):
    cards.write("companies/b.yaml", "name: b\n")
    cards.write("companies/a.yaml", "name: a\n")
    cards.write("companies/c.yml", "name: c\n")
    cards.write("companies/README.md", "notes\n")
    paths, problems = discover(cards.root)
    assert [p.name for p in paths] == ["a.yaml", "b.yaml"]
    assert [str(p) for p in problems] == [
        "cards/companies/c.yml:1:1: cards use the '.yaml' extension; rename this file to 'c.yaml'"]
