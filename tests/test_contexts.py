"""Page contexts: what each page says, computed in Python."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_scripts.cards.validate import validate_dir
from build_scripts.model import analysis
from build_scripts.model import entities as model
from build_scripts.pages import contexts
from build_scripts.pages import kit as pagekit

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def inv() -> model.Investigation:
    return model.build(validate_dir(MINI).cards)


def entity_context(inv: model.Investigation, entity_id: str) -> pagekit.Page:
    return contexts.entity_page(inv, analysis.derive(inv), inv.entities[entity_id])


def test_claim_seen_from_each_side(inv):
    subject = entity_context(inv, "acme-china").context
    target = entity_context(inv, "buyer-ru").context
    middle = entity_context(inv, "middleman").context
    (_, rows), = [g for g in subject["groups"] if g[0] == "Supply and trade"]
    assert rows[0].lead == "Supplied goods to [Buyer RU](buyer-ru.md)"
    assert target["groups"][0][1][0].lead == "Received goods from [Acme China](acme-china.md)"
    assert middle["groups"][0][1][0].lead == (
        "[Acme China](acme-china.md) supplied goods to [Buyer RU](buyer-ru.md) via this party")


def test_claim_details_status_and_reply(inv):
    page = entity_context(inv, "acme-china").context
    row = page["groups"][0][1][0]
    assert row.when == "31 August 2022"
    assert dict(row.details) == {"Goods": "radio [parts]", "End use": "jamming vehicle",
                                 "Value": "more than USD 1,200,000",
                                 "Via": "[Unnamed middleman](middleman.md)"}
    assert "Disputed</span>" in row.status
    assert row.cites == "[^daily-report][^repeat-report]"
    reply = row.responses[0]
    assert (reply.who, reply.role, reply.when, reply.quote) == (
        "[Jane Doe](jane-doe.md)", "general manager", "September 2022", "We never made them.")


def test_footnotes_list_each_cited_source_once_in_first_use_order(inv):
    page = entity_context(inv, "acme-china").context
    assert page["footnotes"] == (
        "[^daily-report]: [Daily report on radios](daily-report.md). The Daily, February 2023. "
        "[original](https://example.org/radios).",
        "[^repeat-report]: [A retelling of the Daily's report](repeat-report.md). The Echo.",
    )


def test_source_page_lists_claims_resting_on_it(inv):
    page = entity_context(inv, "daily-report").context
    assert page["supports"] == (
        "[Acme China](acme-china.md) supplied goods to [Buyer RU](buyer-ru.md) (31 August 2022)",
        "[Acme China](acme-china.md): listed by Treasury (January 2023)",
        "[Jane Doe](jane-doe.md) works for [Acme China](acme-china.md)",
    )
    repeat = entity_context(inv, "repeat-report").context
    assert repeat["based_on"] == "[^daily-report]"
    assert repeat["footnotes"][0].startswith("[^daily-report]: [Daily report on radios]")


def test_location_context(inv):
    page = entity_context(inv, "port-city").context
    assert page["coordinates"] == "31.2304, 121.4737"
    assert page["within"] == ("[Dock 7](dock.md)",)
    assert page["based_here"] == ("[Acme China](acme-china.md)",)


def test_front_matter_escapes_what_the_theme_prints_raw():
    meta = pagekit.front_matter("<script>x</script>", "a  \n b", ("t",))
    assert meta == {"title": "&lt;script&gt;x&lt;/script&gt;", "description": "a b", "tags": ["t"]}


@pytest.mark.parametrize("value, text", [
    (model.Money(1200000, "USD"), "USD 1,200,000"),
    (model.Money(2.5, "EUR", "about"), "about EUR 2.50"),
])
def test_money(value, text):
    assert pagekit.money(value) == text


def test_when():
    d = model.PartialDate
    assert pagekit.when(None, d("2022-04"), d("2022-10")) == "April 2022 to October 2022"
    assert pagekit.when(None, d("2022"), None) == "from 2022"
    assert pagekit.when(None) is None


def test_authority_page_lists_its_decisions(inv):
    page = entity_context(inv, "treasury").context
    assert [row.authority for row in page["decided"]] == ["[Acme China](acme-china.md)"]


def test_every_footnote_a_page_defines_is_referenced_on_it(tmp_path):
    """A reply to a sanction cites its own source; the authority's page lists the decision but not the
    reply, so it must not footnote the reply's source (an unreferenced footnote fails the strict build)."""
    import re
    import shutil

    from build_scripts.pages import overviews
    from build_scripts.pages.mapdata import all_maps
    from build_scripts.render.pages import render_pages

    cards = tmp_path / "cards"
    shutil.copytree(MINI, cards)
    card = cards / "companies" / "acme-china.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace(
        "    reason: Supplying the buyer.\n    sources: [daily-report]\n",
        "    reason: Supplying the buyer.\n    sources: [daily-report]\n    responses:\n"
        "      - {by: acme-china, summary: Said so., sources: [repeat-report]}\n"), encoding="utf-8")
    inv = model.build(validate_dir(cards).cards)
    pages = render_pages(overviews.all_pages(inv, all_maps(inv)))
    treasury = str(pages["entities/treasury.md"])
    assert "[^daily-report]:" in treasury and "[^repeat-report]" not in treasury
    for path, text in pages.items():
        if not path.endswith(".md"):
            continue
        body = str(text)
        for name in re.findall(r"^\[\^([^\]]+)\]:", body, flags=re.M):
            assert re.search(rf"\[\^{re.escape(name)}\](?!:)", body), (path, name)
