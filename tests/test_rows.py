"""The plain-language sanctions sentence, for every status and date precision."""

from __future__ import annotations

import pytest

from build_scripts.model import entities as model
from build_scripts.model.entities import Citation, PartialDate, Sanction
from build_scripts.pages import rows


@pytest.fixture
def inv() -> model.Investigation:
    from build_scripts.cards.validate import CheckedCard
    cards = [CheckedCard("ofac", "public-body", "x", {"name": "US Treasury"}),
             CheckedCard("eu", "public-body", "x", {"name": "European Union"}),
             CheckedCard("firm", "company", "x", {"name": "Firm"}),
             CheckedCard("src", "source", "x", {"name": "S", "type": "report"})]
    return model.build(cards)


def sanction(status: str, authority: str | None = "ofac", date: str | None = None, end: str | None = None,
             program: str | None = None) -> Sanction:
    return Sanction("firm/sanctions/0", "firm", status, (Citation("src"),), authority=authority, program=program,
                    date=PartialDate(date) if date else None, end=PartialDate(end) if end else None)


@pytest.mark.parametrize("args, text", [
    (("listed", "ofac", "2023-01"), "Designated by [US Treasury](ofac.md) in January 2023 [^src]"),
    (("listed", "ofac", "2023-01-26"), "Designated by [US Treasury](ofac.md) on 26 January 2023 [^src]"),
    (("listed", "ofac"), "Designated by [US Treasury](ofac.md) [^src]"),
    (("listed", None, "2022"), "Designated by an authority the sources do not name in 2022 [^src]"),
    (("delisted", "ofac", "2019", "2021-06"),
     "Designated by [US Treasury](ofac.md) in 2019, delisted in June 2021 [^src]"),
    (("delisted", "ofac", "2019"), "Designated by [US Treasury](ofac.md) in 2019, since delisted [^src]"),
    (("proposed", "eu", "2023-03"),
     "Not listed by [European Union](eu.md) as of March 2023, though a listing was proposed or urged [^src]"),
    (("not-listed", "eu", "2023"), "Considered by [European Union](eu.md), which had not listed it as of 2023 [^src]"),
])
def test_sanction_clauses(inv, args, text):
    assert rows.sanction_clause(inv, sanction(*args)) == text


def test_program_is_named(inv):
    clause = rows.sanction_clause(inv, sanction("listed", "ofac", "2023", program="RUSSIA-EO14024"))
    assert clause == "Designated by [US Treasury](ofac.md) in 2023 under the RUSSIA-EO14024 program [^src]"


def test_sentence_joins_clauses(inv):
    both = (sanction("listed", "ofac", "2023-01"), sanction("proposed", "eu", "2023-03"))
    assert rows.sanctions_sentence(inv, both) == (
        "Designated by [US Treasury](ofac.md) in January 2023 [^src]. Not listed by [European Union](eu.md) "
        "as of March 2023, though a listing was proposed or urged [^src].")
    assert rows.sanctions_sentence(inv, ()) is None


def test_an_event_reads_in_the_timeline_and_takes_no_reply() -> None:
    from build_scripts.cards.validate import CheckedCard
    from build_scripts.model import analysis
    event = {"date": PartialDate("2023-05"), "summary": "Closed its Moscow office", "status": "reported",
             "sources": [Citation("src")]}
    inv = model.build([CheckedCard("firm", "company", "x", {"name": "Firm", "events": [event]}),
                       CheckedCard("src", "source", "x", {"name": "S", "type": "report"})])
    entry = next(e for e in analysis.timeline(inv) if e.kind == "event")
    row = rows.timeline_row(inv, entry)
    assert (str(row.text), row.sources) == ("[Firm](firm.md): Closed its Moscow office", ("src",))
    reply = analysis.TimelineEntry(PartialDate("2023-06"), "reply", entry.key, "firm", ("firm",),
                                   response_by="firm", answers=(entry.key,))
    with pytest.raises(ValueError, match=f"timeline reply '{entry.key}' points at an event; events take no replies"):
        rows.timeline_row(inv, reply)
