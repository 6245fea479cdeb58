"""Near-duplicate names: warned with both paths, silenced by distinct_from."""

from __future__ import annotations

from conftest import run_cli

from build_scripts.cards.duplicates import words
from build_scripts.cards.validate import validate_dir


def test_words_drop_case_punctuation_suffixes_and_plurals():
    assert words("Fujian Baofeng Electronics Co.") == ("fujian", "baofeng", "electronic")
    assert words("JSC «Rosoboronexport»") == ("rosoboronexport",)
    assert words("AVIC International Holding Corp.") == ("avic", "international")
    assert words("Société Générale S.A.") == ("societe", "generale")


def test_similar_names_are_warned_with_both_paths(cards):
    cards.write("companies/fujian-nanan-baofeng.yaml", "name: Fujian Nanan Baofeng Electronic Co.\n")
    cards.write("companies/fujian-baofeng.yaml", "name: Fujian Baofeng Electronics Co.\n")
    cards.write("companies/acme.yaml", "name: Acme\naliases: [ACME Ltd]\n")
    cards.write("organizations/acme-jsc.yaml", "name: JSC Acme\n")
    result = validate_dir(cards.root)
    assert result.ok
    assert [str(w) for w in result.warnings] == [
        "cards/companies/acme.yaml:1:7: name: warning: 'Acme' looks like 'JSC Acme' in "
        "cards/organizations/acme-jsc.yaml; if they are the same party, merge the cards; if not, add "
        "distinct_from: [acme-jsc] to this card",
        "cards/companies/fujian-baofeng.yaml:1:7: name: warning: 'Fujian Baofeng Electronics Co.' looks like "
        "'Fujian Nanan Baofeng Electronic Co.' in cards/companies/fujian-nanan-baofeng.yaml; if they are the same "
        "party, merge the cards; if not, add distinct_from: [fujian-nanan-baofeng] to this card",
    ]


def test_distinct_from_silences_the_warning_and_unrelated_names_pass(cards):
    cards.write("companies/a.yaml", "name: Spacety China\n")
    cards.write("companies/b.yaml", "name: Spacety Luxembourg\n")
    cards.write("companies/c.yaml", "name: Acme Trading\ndistinct_from: [d]\n")
    cards.write("companies/d.yaml", "name: Acme Trading Co.\n")
    assert validate_dir(cards.root).warnings == ()


def test_warnings_do_not_fail_validation(tmp_path):
    for card_id, name in (("a", "Acme"), ("b", "Acme Ltd")):
        (tmp_path / "entities" / "companies").mkdir(parents=True, exist_ok=True)
        (tmp_path / "entities" / "companies" / f"{card_id}.yaml").write_text(f"name: {name}\n")
    done = run_cli("validate", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stderr.startswith("entities/companies/a.yaml:1:7: name: warning: 'Acme' looks like 'Acme Ltd'")
