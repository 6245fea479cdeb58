"""Derived facts for readers, computed once from the model (corroboration: ``corroboration``).

- supply-chain paths: chains of goods or data that end at a military end user,
  a battlefield or a stated military end use;
- the timeline of every dated claim, reply and event;
- the neighbourhood of an entity, for network diagrams.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from build_scripts import schema as s
from build_scripts.model.entities import Event, Investigation, PartialDate, Relation, Response, Sanction

# --- supply-chain paths ------------------------------------------------------------------------

@dataclass(frozen=True)
class Path:
    """A chain of parties; ``end`` is a battlefield (location id) or a stated end use (text)."""

    parties: tuple[str, ...]
    relations: tuple[str, ...]  # keys of the relations along the chain
    end_place: str | None = None
    end_use: str | None = None

    @property
    def nodes(self) -> tuple[str, ...]:
        return self.parties + ((self.end_place,) if self.end_place else ())


def _moves(inv: Investigation) -> dict[str, list[Relation]]:
    out: dict[str, list[Relation]] = {}
    for entity in inv.entities.values():
        for relation in entity.relations:
            if s.RELATION_TYPES[relation.type].moves:
                out.setdefault(entity.id, []).append(relation)
    return out


MAX_HOPS = 4  # relations in one chain; longer chains are cut here
MAX_PATHS_PER_START = 50  # bounds the search on dense graphs


def supply_paths(inv: Investigation, max_hops: int = MAX_HOPS) -> tuple[Path, ...]:
    """Chains of goods or data, three nodes or more, that end at a military end.

    A chain starts at a party that receives nothing and follows relations that
    move goods or data (through their intermediaries). It ends where a party
    operates in a place (a battlefield), where the last relation states a
    military end use, or at a party marked as a military end user.
    """
    moves = _moves(inv)
    receivers = {r.target for rs in moves.values() for r in rs}
    paths: list[Path] = []

    found_here = 0

    def walk(parties: list[str], keys: list[str]) -> None:
        nonlocal found_here
        if found_here >= MAX_PATHS_PER_START:
            return
        here = inv.entities[parties[-1]]
        if keys:
            last = inv.claims[keys[-1]]
            ends = [Path(tuple(parties), tuple(keys), end_place=r.target)
                    for r in here.relations if r.type == "operated-in"]
            if not ends and isinstance(last, Relation) and last.end_use:
                ends = [Path(tuple(parties), tuple(keys), end_use=last.end_use)]
            if not ends and here.military_end_user:
                ends = [Path(tuple(parties), tuple(keys))]
            ends = [p for p in ends if len(p.nodes) + (1 if p.end_use else 0) >= 3]
            paths.extend(ends)
            found_here += len(ends)
        if len(keys) < max_hops:
            for relation in moves.get(here.id, ()):
                if relation.target not in parties:
                    walk(parties + list(relation.via) + [relation.target], [*keys, relation.key])

    for start in sorted(set(moves) - receivers):
        found_here = 0
        walk([start], [])
    prefixes = {p.relations[:n] for p in paths for n in range(1, len(p.relations))}
    return tuple(p for p in paths if p.relations not in prefixes)


def paths_through(paths: Iterable[Path]) -> dict[str, tuple[Path, ...]]:
    """Each entity (or battlefield) id -> the paths passing through it."""
    out: dict[str, list[Path]] = {}
    for path in paths:
        for node in dict.fromkeys(path.nodes):
            out.setdefault(node, []).append(path)
    return {k: tuple(v) for k, v in out.items()}


# --- timeline ----------------------------------------------------------------------------------

def date_order(date: PartialDate) -> tuple[int, int, int]:
    """Where a partial date sorts: a day inside its month; a month-only date after the days of that
    month; a year-only date after every month of that year. One total order for every list."""
    parts = date.parts
    return (parts[0], parts[1] if len(parts) > 1 else 13, parts[2] if len(parts) > 2 else 32)


@dataclass(frozen=True)
class TimelineEntry:
    date: PartialDate
    kind: str  # relation, sanction, delisting, reply, event
    key: str  # claim key (for a reply: the claim whose card holds the wording shown)
    subject: str
    entities: tuple[str, ...]  # every entity the entry concerns
    response_by: str | None = None
    answers: tuple[str, ...] = ()  # for a reply: every claim it answers, in order


def _replies(inv: Investigation) -> list[TimelineEntry]:
    """Dated replies, each statement once: one that answers several claims (same party, date and
    sources) is shown once, worded as on the claim about the replier itself when there is one."""
    groups: dict[tuple[str, str, tuple[str, ...]], list[tuple[str, Response]]] = {}
    for key, claim in inv.claims.items():
        for response in getattr(claim, "responses", ()):
            if response.date:
                groups.setdefault((response.by, response.date.iso, response.sources), []).append((key, response))
    entries = []
    for (by, _, _), found in groups.items():
        own = [kr for kr in found if inv.claims[kr[0]].subject == by]
        key, response = (own or found)[0]
        answers = tuple(k for k, _ in found)
        subjects = tuple(dict.fromkeys(inv.claims[k].subject for k in answers))
        entries.append(TimelineEntry(response.date, "reply", key, inv.claims[key].subject,  # type: ignore[arg-type]
                                     (by, *subjects), response_by=by, answers=answers))
    return entries


_RANK = {"relation": 0, "event": 0, "sanction": 0, "delisting": 1, "reply": 2}


def _claim_date(inv: Investigation, key: str) -> PartialDate | None:
    claim = inv.claims[key]
    if isinstance(claim, Relation):
        return claim.date or claim.start
    return claim.date


def timeline_order(inv: Investigation, entry: TimelineEntry) -> tuple[tuple[int, int, int], int, str]:
    """Oldest first (see date_order); a reply never before a claim it answers, and after the
    claims of its own date."""
    at = date_order(entry.date)
    if entry.kind == "reply":
        answered = [date_order(d) for d in (_claim_date(inv, k) for k in entry.answers) if d]
        at = max([at, *answered])
    return (at, _RANK[entry.kind], entry.key)


def timeline(inv: Investigation) -> tuple[TimelineEntry, ...]:
    entries: list[TimelineEntry] = []
    for key, claim in inv.claims.items():
        if isinstance(claim, Relation):
            date = claim.date or claim.start
            if date:
                entries.append(TimelineEntry(date, "relation", key, claim.subject,
                                             (claim.subject, claim.target, *claim.via)))
        elif isinstance(claim, Sanction):
            if claim.date:
                entries.append(TimelineEntry(claim.date, "sanction", key, claim.subject,
                                             (claim.subject,) + ((claim.authority,) if claim.authority else ())))
            if claim.end:
                entries.append(TimelineEntry(claim.end, "delisting", key, claim.subject, (claim.subject,)))
        elif isinstance(claim, Event):
            entries.append(TimelineEntry(claim.date, "event", key, claim.subject, (claim.subject,)))
    entries.extend(_replies(inv))
    return tuple(sorted(entries, key=lambda e: timeline_order(inv, e)))


# --- network -----------------------------------------------------------------------------------

def _touching(inv: Investigation) -> dict[str, list[Relation]]:
    """Entity id -> relations it takes part in (as subject, target or intermediary)."""
    out: dict[str, list[Relation]] = {}
    for entity in inv.entities.values():
        for relation in entity.relations:
            for node in dict.fromkeys((relation.subject, relation.target, *relation.via)):
                out.setdefault(node, []).append(relation)
    return out


def neighbourhood(touching: Mapping[str, tuple[Relation, ...]], entity_id: str,
                  hops: int = 1) -> tuple[set[str], tuple[Relation, ...]]:
    """Entities within ``hops`` links of ``entity_id``, and the relations among them."""
    nodes, frontier = {entity_id}, {entity_id}
    for _ in range(hops):
        frontier = {n for f in frontier for r in touching.get(f, ())
                    for n in (r.subject, r.target, *r.via)} - nodes
        nodes |= frontier
    edges = {r.key: r for n in nodes for r in touching.get(n, ()) if r.subject in nodes and r.target in nodes}
    return nodes, tuple(edges[k] for k in sorted(edges))


# --- everything, once ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Derived:
    paths: tuple[Path, ...]
    paths_through: Mapping[str, tuple[Path, ...]]
    timeline: tuple[TimelineEntry, ...]
    timeline_of: Mapping[str, tuple[TimelineEntry, ...]]
    touching: Mapping[str, tuple[Relation, ...]]


def derive(inv: Investigation) -> Derived:
    """All derived data, each computed in one pass over the investigation."""
    paths = supply_paths(inv)
    entries = timeline(inv)
    timeline_of: dict[str, list[TimelineEntry]] = {}
    for entry in entries:
        for entity_id in dict.fromkeys(entry.entities):
            timeline_of.setdefault(entity_id, []).append(entry)
    return Derived(
        paths=paths, paths_through=MappingProxyType(paths_through(paths)), timeline=entries,
        timeline_of=MappingProxyType({k: tuple(v) for k, v in timeline_of.items()}),
        touching=MappingProxyType({k: tuple(v) for k, v in _touching(inv).items()}),
    )
