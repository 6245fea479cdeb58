"""Chronology and tables readers can trust: one order for partial dates, replies after their claims,
one heading per year, each statement once, replies worded about claims; tables that work on a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT
from test_site import article, text_of

from build_scripts.cards.validate import validate_dir
from build_scripts.model import analysis
from build_scripts.model import entities as model
from build_scripts.model.entities import PartialDate
from build_scripts.pages import kit, overviews
from build_scripts.render.pages import render_pages


@pytest.fixture(scope="module")
def seed() -> model.Investigation:
    return model.build(validate_dir(ROOT / "entities").cards)


def test_a_dated_day_sorts_inside_its_month_and_the_month_alone_after_its_days() -> None:
    dates = ["2023-03", "2023", "2023-03-01", "2022-12-31", "2023-02", "2023-03-31", "2024-01-01"]
    ordered = sorted(dates, key=lambda d: analysis.date_order(PartialDate(d)))
    assert ordered == ["2022-12-31", "2023-02", "2023-03-01", "2023-03-31", "2023-03", "2023", "2024-01-01"]


def test_a_reply_comes_after_the_claim_it_answers(seed: model.Investigation) -> None:
    entries = analysis.timeline(seed)
    position = {(e.kind, e.key): i for i, e in enumerate(entries)}
    for i, entry in enumerate(entries):
        if entry.kind == "reply":
            for key in entry.answers:
                claim_at = position.get(("sanction", key), position.get(("relation", key)))
                if claim_at is not None:
                    assert claim_at < i, (entry, key)
    january = [e for e in entries if e.date.iso.startswith("2023-01")]
    assert [(e.kind, e.key) for e in january] == [
        ("sanction", "spacety-china/sanctions/us-sanctions-2023"),
        ("sanction", "spacety-luxembourg/sanctions/us-sanctions-2023"),
        ("reply", "spacety-luxembourg/sanctions/us-sanctions-2023")]


def test_timeline_is_one_total_order(seed: model.Investigation) -> None:
    entries = analysis.timeline(seed)
    keys = [analysis.timeline_order(seed, e) for e in entries]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_a_statement_attached_to_several_claims_is_shown_once(seed: model.Investigation) -> None:
    replies = [e for e in analysis.timeline(seed) if e.kind == "reply" and e.response_by == "spacety-luxembourg"]
    (reply,) = replies
    assert reply.answers == ("spacety-china/relations/imagery-to-terra-tech",
                             "spacety-luxembourg/sanctions/us-sanctions-2023")
    # worded as on the claim about the replier itself
    assert reply.key == "spacety-luxembourg/sanctions/us-sanctions-2023"


def test_timeline_page_has_one_heading_per_year_and_labels_partial_dates(seed_site: Path) -> None:
    body = article(seed_site, "browse/timeline/index.html")
    headings = re.findall(r"<h([23]) id=\"[^\"]*\">([^<]+)", body)
    years = [text for level, text in headings if level == "2" and text != "Sources"]
    assert years == ["2022", "2023"]
    assert ("3", "2022") not in headings and ("3", "Month not given") in headings
    page = text_of(seed_site, "browse/timeline/index.html")
    reply = ("1 March 2023 (date derived: Bloomberg gives the day as March 1 without a year; the year is from "
             "the report's 2023 copyright line.): Ministry of Foreign Affairs of China replied")
    not_listed = ("March 2023 (day not given; date derived: Bloomberg says that two months after the US sanctions "
                  "of January the EU had yet to act; the year is from the report's 2023 copyright line.): "
                  "Spacety China: Not listed by European Union")
    assert page.index(reply) < page.index(not_listed)
    assert ("2022 (month not given; date derived: The Journal says \"late last year\"; its report dates from 2023 "
            "by our reckoning.): Sinno Electronics: Designated by US Department of the Treasury") in page
    assert page.count("Said in a statement that it had had no ties with Russia") == 1
    assert "Its Luxembourg arm said" not in page  # the other card's wording of the same statement


def test_replies_given_are_worded_about_the_claims_and_only_on_the_repliers_page(seed_site: Path) -> None:
    own = text_of(seed_site, "entities/spacety-luxembourg/index.html")
    assert ("Replies given¶ To the claim that Spacety China transferred data to Terra Tech (alleged); "
            "the designation of Spacety Luxembourg by United States government (January 2023 (derived: Bloomberg "
            "says the statement was issued at the time of the US sanctions, which it places in January; the year "
            "is from its copyright line.)): Said in a statement") in own
    china = text_of(seed_site, "entities/spacety-china/index.html")
    assert "Replied to claims on these pages" not in china
    assert ("Replies given¶ To the claim that Spacety China transferred data to Terra Tech (alleged); "
            "the designation of Spacety China by United States government: Did not immediately reply") in china
    assert "Replies given" not in text_of(seed_site, "entities/terra-tech/index.html")


def test_date_display_goes_through_one_function(monkeypatch: pytest.MonkeyPatch, seed: model.Investigation) -> None:
    from build_scripts.pages import rows
    monkeypatch.setattr(kit, "show_date", lambda date, say_missing=False: f"<{date.iso}|{say_missing}>")
    entry = next(e for e in analysis.timeline(seed) if e.date.iso == "2023-03-01")
    assert rows.timeline_row(seed, entry).when == "<2023-03-01|True>"
    assert kit.when(PartialDate("2022-08")) == "<2022-08|False>"
    event = next(e for entity in seed.entities.values() for e in entity.events)
    assert rows.event_rows(seed, (event,))[0].when == f"<{event.date.iso}|False>"


def test_the_timeline_and_the_pages_word_a_derived_date_alike() -> None:
    derived = PartialDate("2023-03", derived="two months after the listing")
    assert kit.show_date(derived) == "March 2023 (derived: two months after the listing)"
    assert kit.show_date(derived, say_missing=True) == (
        "March 2023 (day not given; date derived: two months after the listing)")
    assert kit.show_date(PartialDate("2023-03-01"), say_missing=True) == "1 March 2023"
    assert kit.show_date(PartialDate("2022"), say_missing=True) == "2022 (month not given)"


# --- tables ---------------------------------------------------------------------------------------

def test_sanctions_overview_explains_the_unnamed_authority(seed: model.Investigation, seed_site: Path) -> None:
    page = overviews.sanctions_page(seed)
    labels = [label for _, label in page.context["header"]]
    assert labels[-1] == "Authority not named in the reports" and "not named" not in labels
    text = text_of(seed_site, "browse/sanctions/index.html")
    assert ('The column "Authority not named in the reports" holds sanctions that the reports record without '
            "saying which government imposed them") in text
    body = article(seed_site, "browse/sanctions/index.html")
    assert '<td data-label="Authority not named in the reports">' in body
    assert body.count('<th data-label="Party" scope="row">') == len(page.context["table"])


def test_sanctions_overview_lists_entries_per_party_when_authorities_are_many(
        seed: model.Investigation, monkeypatch: pytest.MonkeyPatch) -> None:
    matrix = overviews.sanctions_page(seed).context
    monkeypatch.setattr(overviews, "MATRIX_MAX_AUTHORITIES", len(matrix["header"]) - 1)
    listed = overviews.sanctions_page(seed).context
    assert not listed["matrix"] and listed["authorities"] == len(matrix["header"])
    assert [label for _, label in listed["header"]] == ["Sanctions entries"]
    assert [party for party, _ in listed["table"]] == [party for party, _ in matrix["table"]]
    assert listed["footnotes"] == matrix["footnotes"]
    for (_, by_authority), (_, ((entries, _),)) in zip(matrix["table"], listed["table"], strict=True):
        # the same entries, each now led by its authority's name
        expected = [f"{name}: {cell}" for (name, _), (cell, _) in zip(matrix["header"], by_authority, strict=True)
                    if cell != "—"]
        assert entries == "<br>".join(expected)
    text = render_pages([overviews.sanctions_page(seed)])["browse/sanctions.md"]
    assert f"The cards name {len(matrix['header'])} authorities, too\nmany for one column each" in text
    assert "A dash means" not in text


def test_entity_sanctions_table_labels_every_cell(seed_site: Path) -> None:
    body = article(seed_site, "entities/spacety-china/index.html")
    for label in ("Status", "Date", "Program", "Sources"):
        assert f'<td data-label="{label}"' in body
    assert '<td class="basis" data-label="Stated basis">' in body


def test_supply_chains_show_each_links_status_and_the_weakest(seed_site: Path) -> None:
    text = text_of(seed_site, "browse/supply-chains/index.html")
    assert ("Disputed Fujian Nanan Baofeng Electronic Co. → Unnamed Uzbek state-owned defense firm → "
            "Rosoboronexport → RB-531BE communications-jamming vehicle") in text
    assert "Links: Fujian Nanan Baofeng Electronic Co. supplied goods to Rosoboronexport: disputed." in text
    assert ("Links: Spacety China transferred data to Terra Tech: alleged; "
            "Terra Tech transferred data to Wagner Group: alleged.") in text


@pytest.mark.browser
@pytest.mark.parametrize("page_path", ["entities/spacety-china/", "browse/sanctions/"])
def test_sanctions_tables_fit_the_screen_at_both_widths(seed_site: Path, page_path: str) -> None:
    from conftest import ARGS, CHROMIUM
    from conftest import serve_folder as serve
    from playwright.sync_api import sync_playwright
    server, url = serve(seed_site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for width in (1366, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url + page_path, wait_until="load")
                geometry = page.evaluate("""() => {
                  const box = document.querySelector('.stack-table');
                  const cells = [...box.querySelectorAll('tbody td, tbody th')].map(c => c.getBoundingClientRect());
                  const basis = box.querySelector('td.basis');
                  return {right: box.getBoundingClientRect().right, viewport: innerWidth,
                          maxRight: Math.max(...cells.map(c => c.right)),
                          basis: basis ? basis.getBoundingClientRect().width : null,
                          labels: getComputedStyle(box.querySelector('tbody td'), '::before').content};
                }""")
                page.close()
                assert geometry["maxRight"] <= geometry["right"] + 1 <= geometry["viewport"] + 1, (width, geometry)
                if width == 390:  # cards: every cell names its column
                    assert geometry["labels"] not in ("none", "normal", ""), geometry
                elif geometry["basis"] is not None:
                    assert geometry["basis"] >= 200, geometry  # "Stated basis" gets room to be read
            browser.close()
    finally:
        server.shutdown()
