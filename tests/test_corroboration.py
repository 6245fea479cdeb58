"""Corroboration: an outlet is credited for the claims its own report makes; retellings count as the original."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from build_scripts.cards.validate import validate_dir
from build_scripts.model import corroboration as c
from build_scripts.model import entities as model
from build_scripts.pages import mapdata, overviews
from build_scripts.render import pages as render

MINI = Path(__file__).parent / "fixtures" / "mini"


def build(cards) -> model.Investigation:
    validation = validate_dir(cards.root)
    assert validation.ok, validation.problems
    return model.build(validation.cards)


def outlets(cards) -> None:
    cards.write("sources/ap.yaml", "name: AP on drones\npublisher: the AP\ntype: news-report\n")
    cards.write("sources/bloomberg.yaml", "name: Bloomberg on drones\npublisher: Bloomberg\ntype: news-report\n")
    cards.write("sources/forbes.yaml", "name: Forbes roundup\npublisher: Forbes\ntype: news-report\n")
    cards.write("sources/unsigned.yaml", "name: An unsigned roundup\ntype: news-report\nbased_on: [bloomberg]\n")
    cards.write("companies/buyer.yaml", "name: Buyer\n")


def seller(cards, sources: str) -> model.Relation:
    cards.write("companies/seller.yaml", f"""
        name: Seller
        relations:
          - type: supplied
            target: buyer
            status: alleged
            sources: {sources}
        """)
    return build(cards).entities["seller"].relations[0]


@pytest.mark.parametrize("sources, reported, retold, text", [
    ("[ap, bloomberg]", ("ap", "bloomberg"), (), "reported by Bloomberg and the AP"),
    ("[ap, {source: forbes, retells: [bloomberg]}]", ("ap", "bloomberg"), ("forbes",),
     "reported by Bloomberg and the AP, retold by Forbes"),
    ("[{source: forbes, retells: [ap, bloomberg]}]", ("ap", "bloomberg"), ("forbes",),
     "reported by Bloomberg and the AP, retold by Forbes"),
    # based_on: a source that repeats another wholesale counts as the original; its name stands in
    # for the missing publisher
    ("[unsigned]", ("bloomberg",), ("unsigned",), "reported by Bloomberg, retold by An unsigned roundup"),
    # the per-citation retells takes precedence over based_on
    ("[{source: unsigned, retells: [ap]}]", ("ap",), ("unsigned",),
     "reported by the AP, retold by An unsigned roundup"),
    ("[forbes]", ("forbes",), (), "reported by Forbes"),
])
def test_who_reported_and_who_retold(cards, sources, reported, retold, text):
    outlets(cards)
    relation = seller(cards, sources)
    inv = build(cards)
    found = c.corroboration(inv, relation.citations)
    assert (found.reported_by, found.retold_by, found.count) == (reported, retold, len(reported))
    assert c.sentence(inv, relation.citations) == text


def test_an_outlet_retelling_itself_is_not_listed_as_a_reteller(cards):
    outlets(cards)
    cards.write("sources/bloomberg-later.yaml", "name: Bloomberg follow-up\npublisher: Bloomberg\n"
                                                "type: news-report\n")
    relation = seller(cards, "[{source: bloomberg-later, retells: [bloomberg]}, {source: forbes, retells: [ap]}]")
    assert c.sentence(build(cards), relation.citations) == "reported by Bloomberg and the AP, retold by Forbes"


def test_pages_say_who_reported_and_who_retold(cards):
    outlets(cards)
    seller(cards, "[ap, {source: forbes, retells: [bloomberg]}]")
    card = cards.root / "companies" / "seller.yaml"
    card.write_text(card.read_text() + "events:\n  - {date: 2024, summary: Closed., status: reported, "
                    "sources: [{source: unsigned, retells: [ap]}]}\nsanctions:\n  - {status: proposed, "
                    "sources: [unsigned]}\n")
    inv = build(cards)
    pages = {p.path: p for p in overviews.all_pages(inv, mapdata.all_maps(inv))}
    texts = render.render_pages([pages["entities/seller.md"], pages["entities/forbes.md"]])
    assert "    - Corroboration: reported by Bloomberg and the AP, retold by Forbes\n" in texts["entities/seller.md"]
    assert "independent publisher" not in texts["entities/seller.md"]
    assert "Closed. <span" in texts["entities/seller.md"]
    assert "[^unsigned] (reported by the AP, retold by An unsigned roundup)\n" in texts["entities/seller.md"]
    assert ('<td data-label="Sources" markdown="span">[^unsigned] (reported by Bloomberg, retold by An unsigned '
            "roundup)</td>") in texts["entities/seller.md"]  # the sanctions table
    assert "(retelling the reporting of Bloomberg)" in texts["entities/forbes.md"]


def test_mini_retelling_counts_as_the_daily():
    inv = model.build(validate_dir(MINI).cards)
    found = c.corroboration(inv, ("daily-report", "repeat-report"))
    assert (found.reported_by, found.retold_by) == (("daily-report",), ("repeat-report",))
    assert c.sentence(inv, ("repeat-report",)) == "reported by The Daily, retold by The Echo"


def test_seed_retelling_counts_as_bloomberg():
    inv = model.build(validate_dir(ROOT / "entities").cards)
    assert c.sentence(inv, ("ukrainska-pravda-satellite-imagery",)) == (
        "reported by Bloomberg, retold by UP")  # UP: the only name its text gives


def test_json_names_what_a_citation_retells(cards):
    import json

    from build_scripts.export import data as exports

    outlets(cards)
    seller(cards, "[ap, {source: forbes, retells: [bloomberg]}]")
    files = exports.data_files(build(cards))
    relation = json.loads(files["data/entities/seller.json"])["relations"][0]
    assert relation["sources"] == ["ap", {"source": "forbes", "retells": ["bloomberg"]}]  # the card's own form
    cards.write("companies/buyer.yaml", "name: Buyer\nrelations:\n  - {type: contract, target: seller, "
                                        "status: reported, sources: [ap, bloomberg]}\n")
    files = exports.data_files(build(cards))
    assert json.loads(files["data/entities/buyer.json"])["relations"][0]["sources"] == ["ap", "bloomberg"]
    assert files["data/entities.json"].count('"retells"') == 1
    assert '"citations"' not in files["data/entities.json"]  # one form, no copy of sources
