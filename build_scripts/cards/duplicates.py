"""Near-duplicate names across cards: a warning, not an error.

Names and aliases are normalised (case, punctuation, accents, company
suffixes such as Co., Ltd., Corp., JSC or AO, simple plurals). Two parties are
flagged when a normalised name of one equals one of the other, or when all
the words of one (two words at least) appear in the other: "Fujian Baofeng
Electronics Co." against "Fujian Nanan Baofeng Electronic Co.". Candidates
come from an index of words, so the check stays fast at thousands of cards.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from build_scripts.base.problems import Problem
from build_scripts.schema import PARTY_KINDS

SUFFIXES = frozenset([
    "co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc", "plc",
    "sa", "ag", "gmbh", "bv", "nv", "jsc", "ojsc", "pjsc", "cjsc", "ao", "oao", "pao", "zao", "ooo",
    "holding", "holdings", "group", "the", "of", "and",
])


def words(name: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", text)  # S.A. -> sa, U.S. -> us
    out: list[str] = []
    for word in re.findall(r"[a-z0-9]+", text):
        if word in SUFFIXES:
            continue
        plural = len(word) > 4 and word.endswith("s") and not word.endswith("ss")
        out.append(word[:-1] if plural else word)
    return tuple(out)


@dataclass(frozen=True)
class Named:
    card_id: str
    display: str
    line: int
    column: int
    name: str
    words: frozenset[str]


def near_duplicates(names: list[Named], distinct: dict[str, set[str]]) -> list[Problem]:
    """A warning for each pair of different cards whose names look alike."""
    by_word: dict[str, list[int]] = {}
    for index, named in enumerate(names):
        for word in named.words:
            by_word.setdefault(word, []).append(index)
    warnings: dict[tuple[str, str], Problem] = {}
    for named in names:
        if not named.words:
            continue
        rarest = min(named.words, key=lambda w: (len(by_word[w]), w))
        for other_index in by_word[rarest]:
            other = names[other_index]
            if other.card_id == named.card_id or other.card_id in distinct.get(named.card_id, ()) \
                    or named.card_id in distinct.get(other.card_id, ()):
                continue
            same = named.words == other.words
            contained = len(named.words) >= 2 and named.words < other.words
            if not (same or contained):
                continue
            first, second = sorted((named, other), key=lambda n: (n.display, n.name))
            key = (first.card_id, second.card_id)
            if key in warnings:
                continue
            warnings[key] = Problem(
                first.display, first.line, first.column, "name",
                f"warning: '{first.name}' looks like '{second.name}' in {second.display}; if they are the same "
                f"party, merge the cards; if not, add distinct_from: [{second.card_id}] to this card")
    return sorted(warnings.values())


class CardFields(Protocol):
    """What this check reads of a validated card (``validate.CheckedCard``, which imports this module)."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def display(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...  # card fields as validated: text, numbers, lists, mappings


def party_names(
    cards: Iterable[CardFields], positions: Mapping[str, tuple[int, int]]
) -> tuple[list[Named], dict[str, set[str]]]:
    """Every name and alias of every party card, and the pairs declared distinct."""
    names: list[Named] = []
    distinct: dict[str, set[str]] = {}
    for card in cards:
        if card.kind not in PARTY_KINDS or card.data.get("unnamed"):
            continue
        line, column = positions.get(card.id, (1, 1))
        labels: list[str] = [card.data["name"], *(a["name"] for a in card.data.get("aliases", ()))]
        for label in dict.fromkeys(labels):
            names.append(Named(card.id, card.display, line, column, label, frozenset(words(label))))
        distinct[card.id] = set(card.data.get("distinct_from", ()))
    return names, distinct
