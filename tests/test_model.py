"""The model: immutable entities and the indexes between them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from build_scripts.cards.validate import validate_dir
from build_scripts.model import entities as model

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def inv() -> model.Investigation:
    result = validate_dir(MINI)
    assert result.ok, result.problems
    return model.build(result.cards)


def test_entities_sorted_and_typed(inv):
    assert list(inv.entities) == sorted(inv.entities)
    acme = inv.entities["acme-china"]
    assert acme.kind == "company" and acme.country == "CN"
    assert acme.aliases[0] == model.Alias("艾克米", "zh", "registered name")
    assert acme.aliases[1] == model.Alias("Acme Co.")


def test_relations_carry_everything(inv):
    relation = inv.entities["acme-china"].relations[0]
    assert relation.key == "acme-china/relations/supplied-buyer-ru-2022-08-31"
    assert relation.value == model.Money(1200000, "USD", "more-than")
    assert relation.via == ("middleman",)
    assert relation.date == model.PartialDate("2022-08-31")
    assert relation.responses[0].by == "jane-doe"


def test_indexes(inv):
    relation = inv.entities["acme-china"].relations[0]
    assert inv.incoming["buyer-ru"] == (relation,)
    assert inv.intermediary_in["middleman"] == (relation,)
    assert inv.located_here["port-city"] == ("acme-china",)
    assert inv.children["port-city"] == ("dock",)
    assert inv.citing["daily-report"] == ("acme-china/relations/supplied-buyer-ru-2022-08-31",
                                          "acme-china/sanctions/treasury-russia-related",
                                          "jane-doe/relations/works-for-acme-china")
    assert inv.citing["repeat-report"] == ("acme-china/relations/supplied-buyer-ru-2022-08-31",)
    assert inv.responses_by["jane-doe"] == ("acme-china/relations/supplied-buyer-ru-2022-08-31",)
    assert [s.subject for s in inv.sanctions_by["treasury"]] == ["acme-china"]


def test_model_is_immutable(inv):
    with pytest.raises(dataclasses.FrozenInstanceError):
        inv.entities["acme-china"].name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        inv.entities["x"] = None  # type: ignore[index]


@pytest.mark.parametrize("iso, human", [("2023", "2023"), ("2023-01", "January 2023"),
                                        ("2022-08-31", "31 August 2022")])
def test_partial_dates(iso, human):
    assert model.PartialDate(iso).human() == human


def test_partial_dates_sort_by_text():
    dates = [model.PartialDate(d) for d in ("2023-01", "2022-12-31", "2023")]
    assert [d.iso for d in sorted(dates)] == ["2022-12-31", "2023", "2023-01"]


def test_an_entity_cache_remakes_only_edited_cards(tmp_path):
    import shutil

    from build_scripts.cards.validate import CardCache

    cards = tmp_path / "cards"
    shutil.copytree(MINI, cards)
    checked, made = CardCache(), model.EntityCache()
    first = model.build(validate_dir(cards, checked).cards, made)
    path = cards / "companies" / "acme-china.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Acme China", "name: Acme China Ltd"),
                    encoding="utf-8")
    validation = validate_dir(cards, checked)
    second = model.build(validation.cards, made)
    assert second == model.build(validation.cards)  # the same investigation a fresh build gives
    assert second.entities["acme-china"].name == "Acme China Ltd"
    assert all(second.entities[i] is first.entities[i] for i in first.entities if i != "acme-china")
    assert len(made._made) == len(validation.cards)
