"""check-sources: quotes must be verbatim in a cited source's text; our text must not copy a source's."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from build_scripts.tools.check_sources import SourceText, check_sources, normalise

WSJ_TEXT = """WASHINGTON—Customs records show that the company shipped telescoping antennas
to an Uzbek state-owned defense firm in August 2022, according to a review of the data.
“This report lacks factual basis and is inconsistent with the facts,” a spokesman said.
"""
BLOOMBERG_TEXT = """The firm’s general manager said it had “no commercial relationship” with the group
and that it sold only civilian imagery to paying customers around the world.
"""


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "wsj.txt").write_text(WSJ_TEXT, encoding="utf-8")
    (folder / "bloomberg.txt").write_text(BLOOMBERG_TEXT, encoding="utf-8")
    return folder


def write_cards(cards, quote: str = "This report lacks factual basis and is inconsistent with the facts.",
                note: str = "Customs data reviewed by the paper.", quote_source: str = "wsj",
                summary: str = "A radio maker that the paper says sold antennas abroad.") -> None:
    cards.write("sources/wsj.yaml", "name: WSJ review of customs records\npublisher: The Wall Street Journal\n"
                                    "type: news-report\ntext_file: wsj.txt\n")
    cards.write("sources/bloomberg.yaml", "name: Bloomberg on imagery\npublisher: Bloomberg\ntype: news-report\n"
                                          "text_file: bloomberg.txt\n")
    cards.write("sources/ap.yaml", "name: AP on drones\npublisher: AP\ntype: news-report\n")
    cards.write("companies/buyer.yaml", "name: Buyer\n")
    cards.write("companies/seller.yaml", f"""
        name: Seller
        summary: {summary}
        relations:
          - type: supplied
            target: buyer
            status: reported
            note: {note}
            sources: [wsj]
            responses:
              - by: seller
                summary: Denied the report.
                quote: {quote}
                sources: [{quote_source}]
        """)


def findings(cards, texts: Path) -> list[str]:
    report, problems = check_sources(cards.root, texts)
    assert problems == ()
    return [str(f) for f in report.findings]


def test_clean_cards_pass_and_sources_without_text_are_counted(cards, texts):
    write_cards(cards)
    report, problems = check_sources(cards.root, texts)
    assert (problems, report.findings) == ((), [])
    assert (report.texts, report.without_text_file, report.quotes_checked) == (2, 1, 1)
    assert report.fields_checked > 5


def test_a_changed_quote_is_caught(cards, texts):
    write_cards(cards, quote="This report lacks any factual basis and is inconsistent with the facts.")
    assert findings(cards, texts) == [
        "cards/companies/seller.yaml:12:16: relations[0].responses[0].quote: not found in the text of the cited "
        "sources (wsj); quote exactly or cite the source that says it",
    ]


def test_a_quote_cited_to_the_wrong_source_says_which_source_has_it(cards, texts):
    write_cards(cards, quote_source="bloomberg")
    assert findings(cards, texts) == [
        "cards/companies/seller.yaml:12:16: relations[0].responses[0].quote: not found in the text of the cited "
        "sources (bloomberg) but in the text of wsj; cite the source that says it",
    ]


def test_a_nine_word_copied_passage_is_caught(cards, texts):
    write_cards(cards, note="The paper says the company shipped telescoping antennas to an Uzbek state-owned firm.")
    assert findings(cards, texts) == [
        "cards/companies/seller.yaml:7:11: relations[0].note: 9 words copied from wsj (“…the company shipped "
        "telescoping antennas to an Uzbek state-owned…”); write it in your own words or move it into a quote",
    ]


def test_seven_words_in_a_row_are_our_own(cards, texts):
    write_cards(cards, note="The paper says the company shipped telescoping antennas to a buyer.")
    assert findings(cards, texts) == []


def test_a_card_summary_is_checked_against_every_source_cited_on_the_card(cards, texts):
    write_cards(cards, quote="no commercial relationship", quote_source="bloomberg",
                summary="Said it sold only civilian imagery to paying customers around the world.")
    assert findings(cards, texts) == [
        "cards/companies/seller.yaml:2:10: summary: 11 words copied from bloomberg (“…it sold only civilian "
        "imagery to paying customers around the world…”); write it in your own words or move it into a quote",
    ]


def test_a_missing_text_file_is_reported(cards, texts):
    write_cards(cards)
    (texts / "bloomberg.txt").unlink()
    assert findings(cards, texts) == [
        f"cards/sources/bloomberg.yaml:4:12: text_file: 'bloomberg.txt' is not in {texts}; add the text there "
        "or correct the file name",
    ]


def test_quotes_normalise_marks_dashes_and_space_but_keep_case():
    text = SourceText.of("He said: “It’s a dual‑use item — nothing\n more,” and left.")
    assert normalise("“It’s — it”") == "\"It's - it\""
    assert text.contains_quote("\"It's a dual-use item - nothing more.\"".strip('"'))
    assert text.contains_quote("It's a dual-use item … more")
    assert not text.contains_quote("it's a dual-use item")


def test_cli_exit_codes_and_output(cards, texts):
    write_cards(cards)
    done = run_cli("check-sources", str(texts), "--cards", "cards", cwd=cards.root.parent)
    assert done.returncode == 0, done.stderr
    assert "note: 1 source without text_file skipped" in done.stderr
    write_cards(cards, quote="Words nobody said.")
    done = run_cli("check-sources", str(texts), "--cards", "cards", cwd=cards.root.parent)
    assert done.returncode == 1
    assert done.stdout == ("cards/companies/seller.yaml:12:16: relations[0].responses[0].quote: not found in the "
                           "text of the cited sources (wsj); quote exactly or cite the source that says it\n")
    done = run_cli("check-sources", "nowhere", "--cards", "cards", cwd=cards.root.parent)
    assert done.returncode == 1 and "nowhere: no such folder of source texts" in done.stderr
