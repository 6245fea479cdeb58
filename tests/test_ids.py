"""Stable public ids: reordering a card's lists or editing a claim's other fields keeps every id."""

from __future__ import annotations

import csv
import io
import json

from build_scripts.cards.validate import validate_dir
from build_scripts.export import data as exports
from build_scripts.model import entities as model
from build_scripts.model import ids
from build_scripts.pages import mapdata, overviews
from build_scripts.render import pages as render

RELATIONS = [
    "  - {type: supplied, target: buyer, status: reported, date: 2023-01, goods: chips, sources: [src]}\n",
    "  - {type: supplied, target: buyer, status: reported, date: 2023-01, goods: radios, sources: [src]}\n",
    "  - {type: supplied, target: buyer, status: reported, date: 2023-05, sources: [src]}\n",
    "  - {type: contract, target: buyer, status: alleged, sources: [src], note: NOTE}\n",
    "  - {id: pinned, type: supplied, target: buyer, status: reported, date: 2024, sources: [src]}\n",
]
SANCTIONS = [
    "  - {authority: treasury, program: Russia-related, status: listed, date: 2023-01, sources: [src]}\n",
    "  - {authority: treasury, program: Cyber, status: delisted, date: 2022, end: 2023, sources: [src]}\n",
    "  - {status: proposed, sources: [src]}\n",
]
EVENTS = [
    "  - {date: 2023-02, summary: Opened an office., status: reported, sources: [src]}\n",
    "  - {date: 2023-02, summary: Hired staff., status: reported, sources: [src]}\n",
    "  - {date: 2024-06, summary: Closed., status: reported, sources: [src]}\n",
]


def write_seller(cards, order: list[int], note: str = "A note.") -> None:
    body = "name: Seller\nrelations:\n"
    body += "".join(RELATIONS[i % len(RELATIONS)].replace("NOTE", note) for i in order)
    body += "sanctions:\n" + "".join(SANCTIONS[i % len(SANCTIONS)] for i in order if i < len(SANCTIONS))
    body += "events:\n" + "".join(EVENTS[i % len(EVENTS)] for i in order if i < len(EVENTS))
    cards.write("companies/seller.yaml", body)


def public_ids(cards) -> dict[str, object]:
    """Every place a claim id is public: keys, CSV, JSON, per-entity JSON, FtM lines, page anchors."""
    validation = validate_dir(cards.root)
    assert validation.ok, validation.problems
    inv = model.build(validation.cards)
    files = exports.data_files(inv)
    seller = json.loads(files["data/entities/seller.json"])
    everything = json.loads(files["data/entities.json"])
    ftm = [json.loads(line)["id"] for line in files["data/entities.ftm.json"].splitlines()]
    page = render.render_pages([p for p in overviews.all_pages(inv, mapdata.all_maps(inv))
                                if p.path == "entities/seller.md"])["entities/seller.md"]
    return {
        "keys": sorted(inv.claims),
        "csv": sorted(r["key"] for r in csv.DictReader(io.StringIO(files["data/relations.csv"]))),
        "json": sorted(x["key"] for e in everything for part in ("relations", "sanctions", "events")
                       for x in e.get(part, ())),
        "entity json": sorted(x["key"] for part in ("relations", "sanctions", "events") for x in seller.get(part, ())),
        "ftm": sorted(i for i in ftm if i.startswith("seller.")),
        "anchors": sorted(a for a in (ids.anchor(k) for k in inv.claims) if f'id="{a}"' in page),
    }


def setup(cards) -> None:
    cards.source()
    cards.write("companies/buyer.yaml", "name: Buyer\n")
    cards.write("public-bodies/treasury.yaml", "name: Treasury\n")


def test_ids_are_derived_from_what_identifies_the_claim(cards):
    setup(cards)
    write_seller(cards, [0, 1, 2, 3, 4])
    found = public_ids(cards)
    relations = [k for k in found["keys"] if "/relations/" in k]
    assert relations == sorted([
        f"seller/relations/supplied-buyer-2023-01-{ids._hash([None, 'chips', None, None, None, None])}",
        f"seller/relations/supplied-buyer-2023-01-{ids._hash([None, 'radios', None, None, None, None])}",
        "seller/relations/supplied-buyer-2023-05",
        "seller/relations/contract-buyer",
        "seller/relations/pinned",
    ])
    assert [k for k in found["keys"] if "/sanctions/" in k] == [
        "seller/sanctions/authority-not-named", "seller/sanctions/treasury-cyber",
        "seller/sanctions/treasury-russia-related"]
    assert [k for k in found["keys"] if "/events/" in k] == sorted([
        f"seller/events/2023-02-{ids._hash(['Opened an office.'])}",
        f"seller/events/2023-02-{ids._hash(['Hired staff.'])}", "seller/events/2024-06"])
    for where in ("csv", "entity json", "json"):
        assert set(found[where]) <= set(found["keys"]) and found[where], where
    assert found["anchors"] == sorted(ids.anchor(k) for k in found["keys"])
    assert found["ftm"] == sorted(k.replace("/", ".") for k in found["keys"] if "/events/" not in k)


def test_reordering_a_cards_lists_keeps_every_public_id(cards):
    setup(cards)
    write_seller(cards, [0, 1, 2, 3, 4])
    before = public_ids(cards)
    write_seller(cards, [4, 3, 2, 1, 0])
    assert public_ids(cards) == before
    write_seller(cards, [2, 0, 4, 1, 3])
    assert public_ids(cards) == before


def test_editing_a_note_keeps_every_public_id(cards):
    setup(cards)
    write_seller(cards, [0, 1, 2, 3, 4])
    before = public_ids(cards)
    write_seller(cards, [0, 1, 2, 3, 4], note="A corrected note; longer than before")
    assert public_ids(cards) == before


def test_editing_what_identifies_a_claim_changes_only_its_id(cards):
    setup(cards)
    write_seller(cards, [0, 1, 2, 3, 4])
    before = set(public_ids(cards)["keys"])
    RELATIONS[2] = RELATIONS[2].replace("2023-05", "2023-06")
    try:
        write_seller(cards, [0, 1, 2, 3, 4])
        after = set(public_ids(cards)["keys"])
    finally:
        RELATIONS[2] = RELATIONS[2].replace("2023-06", "2023-05")
    assert before - after == {"seller/relations/supplied-buyer-2023-05"}
    assert after - before == {"seller/relations/supplied-buyer-2023-06"}
