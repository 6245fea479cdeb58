"""A synthetic but realistic investigation, for benchmarks and scale tests.

Kinds in roughly the proportions of a real investigation, about four sourced
relations per party, sanctions for some, places for a share of parties,
replies and intermediaries now and then. Deterministic for a given seed, and
valid by construction (a test runs `validate` on it).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeAlias

import yaml

from build_scripts import schema as s
from build_scripts.schema.jsonschema import modeline

SYLLABLES = ("ka", "lo", "mir", "zen", "tor", "vel", "an", "dro", "sil", "qua", "ber", "nix", "hal", "pet", "ru",
             "sto", "gar", "lin", "mo", "vek", "ta", "rin", "bo", "cel", "dun", "fa", "gor", "hem", "ix", "jal")
COUNTRIES = ("CN", "RU", "HK", "AE", "TR", "UZ", "KZ", "US", "DE", "IN", "BY", "AM", "KG", "IR", "KP")
GOODS = ("microchips", "navigation modules", "drone components", "machine tools", "optics", "radio parts",
         "ball bearings", "satellite imagery", "thermal cameras", "antennas", "nitrocellulose", "servers")
END_USES = ("communications-jamming vehicle", "attack drones", "cruise missiles", "armoured vehicles", None, None)
PUBLISHERS = ("The Daily Ledger", "Global Wire", "Northern Review", "Customs Watch", "Open Records Project",
              "Evening Standard Times", "Policy Monitor")
SHARES = (("company", 0.55), ("organization", 0.07), ("public-body", 0.06), ("person", 0.14),
          ("location", 0.06), ("source", 0.12))
MOVING = ("supplied", "supplied", "supplied", "transferred-data")
OTHER = ("owns", "subsidiary-of", "contract", "acted-for", "member-of")

CardValue: TypeAlias = "str | int | float | bool | Sequence[CardValue] | Mapping[str, CardValue]"
CardData: TypeAlias = dict[str, CardValue]  # one card's fields, as written to YAML


def _word(number: int) -> str:
    out = ""
    while True:
        out = SYLLABLES[number % len(SYLLABLES)] + out
        number //= len(SYLLABLES)
        if not number:
            return out.capitalize()


def _date(rng: random.Random) -> str:
    year = rng.randint(2019, 2025)
    return rng.choice((f"{year}", f"{year}-{rng.randint(1, 12):02d}",
                       f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))


def synthesize(entities: int, seed: int) -> dict[str, tuple[str, CardData]]:
    """Card data by id: (kind, fields)."""
    rng = random.Random(seed)
    counts = {kind: max(3, round(entities * share)) for kind, share in SHARES}
    counts["company"] = max(3, counts["company"] + entities - sum(counts.values()))  # at least 3 of each kind
    ids: dict[str, list[str]] = {}
    cards: dict[str, tuple[str, CardData]] = {}
    serial = 0
    for kind, count in counts.items():
        for _ in range(count):
            serial += 1
            name = f"{_word(serial * 7919 % 900_000 + 900)} {_word(rng.randrange(30 ** 2))}"
            card_id = f"{kind[:3]}-{serial:06d}"
            ids.setdefault(kind, []).append(card_id)
            cards[card_id] = (kind, {"name": name})
    parties = [i for k in s.PARTY_KINDS for i in ids[k]]
    for card_id in ids["source"]:
        card = cards[card_id][1]
        card.update(publisher=rng.choice(PUBLISHERS), type=rng.choice(tuple(s.SOURCE_TYPES)), date=_date(rng),
                    url=f"https://example.org/{card_id}")
        card["name"] = f"{card['publisher']} on {card['name']}"
    for card_id in ids["location"]:
        cards[card_id][1].update(country=rng.choice(COUNTRIES), latitude=round(rng.uniform(-50, 65), 4),
                                 longitude=round(rng.uniform(-120, 150), 4), precision="city")
    for card_id in parties:
        kind, card = cards[card_id]
        card["country"] = rng.choice(COUNTRIES)
        card["summary"] = (f"{card['name']} appears in {rng.randint(2, 40)} customs records and "
                           f"{rng.randint(1, 5)} reports. *Synthetic* card for benchmarks.")
        card["tags"] = sorted(set(rng.sample(("drones", "chips", "imagery", "customs", "shipping", "finance"), 2)))
        if rng.random() < 0.4:
            card["locations"] = [rng.choice(ids["location"])]
        relations: list[CardData] = []
        for _ in range(max(0, round(rng.gauss(4, 1.5)))):
            target = rng.choice(parties)
            if target == card_id:
                continue
            moving = rng.random() < 0.6
            relation: CardData = {"type": rng.choice(MOVING if moving else OTHER), "target": target,
                                  "status": rng.choice(("official", "reported", "reported", "alleged", "disputed"))}
            sources = sorted(set(rng.sample(ids["source"], rng.choice((1, 1, 2)))))
            relation["sources"] = sources
            if rng.random() < 0.7:
                relation["date"] = _date(rng)
            if moving:
                relation["goods"] = rng.choice(GOODS)
                end_use = rng.choice(END_USES)
                if end_use:
                    relation["end_use"] = end_use
                if rng.random() < 0.3:
                    relation["value"] = {"amount": rng.randrange(10_000, 5_000_000, 1000), "currency": "USD"}
                if rng.random() < 0.1:
                    middle = rng.choice(parties)
                    if middle not in (card_id, target):
                        relation["via"] = [middle]
            if rng.random() < 0.15:
                relation["responses"] = [{"by": target if rng.random() < 0.5 else card_id,
                                          "summary": "Denied the claim in a statement.",
                                          "sources": [sources[0]]}]
            relations.append(relation)
        if relations:
            card["relations"] = relations
        if rng.random() < 0.1:
            authorities = [i for i in ids["public-body"] if i != card_id]  # no body sanctions itself
            sanction: CardData = {"authority": rng.choice(authorities),
                                  "status": rng.choice(("listed", "listed", "proposed", "delisted")),
                                  "date": _date(rng), "sources": [rng.choice(ids["source"])]}
            card["sanctions"] = [sanction]
            if sanction["status"] == "delisted":
                sanction["end"] = "2026"
        if kind in ("organization", "public-body") and rng.random() < 0.3:
            card["military_end_user"] = True
    return cards


def write_cards(cards: dict[str, tuple[str, CardData]], out: Path) -> int:
    for card_id, (kind, data) in cards.items():
        folder = out / s.KINDS[kind].folder
        folder.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
        (folder / f"{card_id}.yaml").write_text(modeline(kind) + "\n" + text, encoding="utf-8")
    return len(cards)
