"""Stable public ids for claims: relations, sanctions and events.

A claim's public id is ``<card>/<list>/<id>``, e.g. ``poly-technologies/relations/supplied-rosoboronexport-2022-08-31``.
It appears in the CSV and JSON downloads, the FollowTheMoney lines and the page anchors, so it
must not change when an editor reorders a card's lists or edits a claim's other fields.

- An explicit ``id:`` in the card wins.
- Otherwise the id is made from what identifies the claim:

  relation   type, target and date (or start): ``supplied-rosoboronexport-2022-08``
  sanction   authority and program: ``us-treasury-russia-harmful-foreign-activities``
             (not its status: a listing that is later delisted keeps its id)
  event      its date: ``2023-03``

- When two claims of one list would get the same id, each gets a short hash suffix of the
  fields that tell them apart (for relations: end, goods, end use, value, via, role; for
  sanctions: status, date and end; for events: the summary), e.g. ``2023-03-5f2a9c``.

So reordering a list, or editing notes, sources, statuses of relations, replies or reasons,
never changes an id. Editing the fields an id is made from does; so does adding a claim that
collides with an existing one (both then take suffixes). Give ``id:`` to pin an id for good.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from build_scripts.base.text import slugify
from build_scripts.schema import PartialDate

MAX_BASE = 60  # characters of the readable part of a derived id

Claim = Mapping[str, Any]


def date_iso(value: object) -> str | None:
    """The ISO text of a checked date value (derived or not), or None."""
    return value.iso if isinstance(value, PartialDate) else None


def _slug(*parts: object) -> str:
    text = " ".join(str(p) for p in parts if p not in (None, ""))
    return slugify(text)[:MAX_BASE].strip("-")


def _hash(value: object) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:6]


def relation_base(r: Claim) -> str:
    return _slug(r.get("type"), r.get("target"), date_iso(r.get("date") or r.get("start"))) or "relation"


def relation_detail(r: Claim) -> object:
    return [date_iso(r.get("end")), r.get("goods"), r.get("end_use"), r.get("value"), r.get("via"), r.get("role")]


def sanction_base(d: Claim) -> str:
    return _slug(d.get("authority") or "authority-not-named", d.get("program")) or "sanction"


def sanction_detail(d: Claim) -> object:
    return [d.get("status"), date_iso(d.get("date")), date_iso(d.get("end"))]


def event_base(e: Claim) -> str:
    return _slug(date_iso(e.get("date"))) or "event"


def event_detail(e: Claim) -> object:
    return [" ".join(str(e.get("summary", "")).split())]


def assign(claims: Sequence[Claim], base: Callable[[Claim], str], detail: Callable[[Claim], object]) -> list[str]:
    """The id of each claim of one list, in the list's order."""
    explicit = {c["id"] for c in claims if c.get("id")}
    bases = [None if c.get("id") else base(c) for c in claims]
    counts = Counter(b for b in bases if b is not None)
    out: list[str] = []
    taken = set(explicit)
    for claim, stem in zip(claims, bases, strict=True):
        if stem is None:
            out.append(str(claim["id"]))
            continue
        candidate = stem
        if counts[stem] > 1 or stem in explicit:
            candidate = f"{stem}-{_hash(detail(claim))}"
        number = 2
        unique = candidate
        while unique in taken:  # claims identical in every identifying field: numbered in list order
            unique = f"{candidate}-{number}"
            number += 1
        taken.add(unique)
        out.append(unique)
    return out


def relation_ids(items: Sequence[Claim]) -> list[str]:
    return assign(items, relation_base, relation_detail)


def sanction_ids(items: Sequence[Claim]) -> list[str]:
    return assign(items, sanction_base, sanction_detail)


def event_ids(items: Sequence[Claim]) -> list[str]:
    return assign(items, event_base, event_detail)


CLAIM_IDS: dict[str, Callable[[Sequence[Claim]], list[str]]] = {
    "relations": relation_ids, "sanctions": sanction_ids, "events": event_ids}


def anchor(key: str) -> str:
    """The HTML anchor of a claim on a page: ``claim-<card>--<list>--<id>``."""
    return "claim-" + key.replace("/", "--")
