"""Date provenance: wherever a derived date is shown, readers see that it is derived and on what basis."""

from __future__ import annotations

import csv
import io
import json

import pytest

from build_scripts.cards.validate import validate_dir
from build_scripts.export import data as exports
from build_scripts.model import entities as model
from build_scripts.pages import mapdata, overviews
from build_scripts.render import pages as render

BASIS = "two months after the January listing"


def write_cards(cards) -> None:
    cards.write("sources/ap.yaml", """
        name: AP on drones
        publisher: the AP
        type: news-report
        date: {value: 2023-04, derived: "the month of the events it reports as last week"}
        """)
    cards.write("companies/buyer.yaml", "name: Buyer\n")
    cards.write("public-bodies/treasury.yaml", "name: Treasury\n")
    cards.write("companies/seller.yaml", f"""
        name: Seller
        relations:
          - type: supplied
            target: buyer
            status: reported
            date: {{value: 2023-03, derived: "{BASIS}"}}
            sources: [ap]
          - type: contract
            target: buyer
            status: reported
            date: 2023-01
            sources: [ap]
        sanctions:
          - authority: treasury
            status: listed
            date: {{value: 2023-05-02, derived: "the day after the notice"}}
            sources: [ap]
        events:
          - date: {{value: 2024, derived: "the year of the filing"}}
            summary: Closed its office.
            status: reported
            sources: [ap]
        """)


@pytest.fixture
def site_pages(cards) -> dict[str, str]:
    write_cards(cards)
    validation = validate_dir(cards.root)
    assert validation.ok, validation.problems
    inv = model.build(validation.cards)
    return render.render_pages(overviews.all_pages(inv, mapdata.all_maps(inv)))


def test_entity_page_shows_the_basis_of_each_derived_date(site_pages):
    page = site_pages["entities/seller.md"]
    assert f"**Supplied goods to [Buyer](buyer.md)** · March 2023 (derived: {BASIS}) ·" in page
    assert "**Had a contract with [Buyer](buyer.md)** · January 2023 ·" in page  # stated: no marker
    assert '<td data-label="Date" markdown="span">2 May 2023 (derived: the day after the notice)</td>' \
        in page  # sanctions table
    assert "Designated by [Treasury](treasury.md) on 2 May 2023 (derived: the day after the notice)" in page
    assert "- <span id=\"claim-seller--events--2024\"></span>2024 (derived: the year of the filing): Closed" in page
    # its timeline reads like the site's timeline: what is not given, then the basis
    assert f"- **March 2023 (day not given; date derived: {BASIS})**: [Seller](seller.md) supplied goods to" in page
    assert "- **January 2023 (day not given)**: [Seller](seller.md) had a contract with" in page
    assert "AP on drones](ap.md). the AP, April 2023 (derived: the month of the events it reports as last week)" \
        in page  # footnote
    source = site_pages["entities/ap.md"]
    assert "- Date: April 2023 (derived: the month of the events it reports as last week)" in source


def test_timeline_marks_derived_dates(site_pages):
    timeline = site_pages["browse/timeline.md"]
    line = next(x for x in timeline.splitlines() if "supplied goods to" in x)
    assert line.startswith(f"- **March 2023 (day not given; date derived: {BASIS})**: [Seller]")
    stated = next(x for x in timeline.splitlines() if "had a contract with" in x)
    assert "derived" not in stated
    sanctions = site_pages["browse/sanctions.md"]
    assert "2 May 2023 (derived: the day after the notice)" in sanctions


def test_csv_and_json_carry_the_basis_beside_the_date(cards):
    write_cards(cards)
    files = exports.data_files(model.build(validate_dir(cards.root).cards))
    relations = list(csv.DictReader(io.StringIO(files["data/relations.csv"])))
    header = files["data/relations.csv"].splitlines()[0].split(",")
    for name in ("date", "start", "end"):  # each date's basis right beside it, once
        assert header[header.index(name) + 1] == f"{name}_derived"
    assert len(header) == len(set(header))
    by_type = {r["type"]: r for r in relations}
    assert (by_type["supplied"]["date"], by_type["supplied"]["date_derived"]) == ("2023-03", BASIS)
    assert (by_type["contract"]["date"], by_type["contract"]["date_derived"]) == ("2023-01", "")
    entities = {r["id"]: r for r in csv.DictReader(io.StringIO(files["data/entities.csv"]))}
    assert entities["ap"]["date_derived"] == "the month of the events it reports as last week"
    seller = json.loads(files["data/entities/seller.json"])
    supplied = next(r for r in seller["relations"] if r["type"] == "supplied")
    assert (supplied["date"], supplied["date_derived"]) == ("2023-03", BASIS)
    assert "date_derived" not in next(r for r in seller["relations"] if r["type"] == "contract")
