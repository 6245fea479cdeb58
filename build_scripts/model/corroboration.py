"""Who reported a claim, and who only retold it.

An outlet is credited only for the claims its own report makes. A citation that says
``{source: X, retells: [A, B]}`` counts, for that claim, as A and B (X is listed as having
retold them). A source card with ``based_on`` repeats another wholesale, so wherever it is
cited without ``retells`` it counts as what it is based on (transitively); the per-citation
``retells`` takes precedence over ``based_on``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from build_scripts.model.entities import Citation, Investigation


def root_sources(inv: Investigation, source_id: str) -> tuple[str, ...]:
    """The sources a source ultimately rests on: itself, or what it repeats (transitively)."""
    out, stack, seen = [], [source_id], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        based_on = inv.entities[current].based_on
        if based_on:
            stack.extend(based_on)
        else:
            out.append(current)
    return tuple(sorted(out))


def outlet(inv: Investigation, source_id: str) -> str:
    """The name readers know a source's outlet by: its publisher, else the source's own name."""
    source = inv.entities[source_id]
    return source.publisher or source.name


@dataclass(frozen=True)
class Corroboration:
    reported_by: tuple[str, ...]  # ids of the sources whose own reporting supports the claim, sorted
    retold_by: tuple[str, ...]  # ids of cited sources that only retell others' reporting, sorted

    @property
    def count(self) -> int:
        """Independent reporting sources (not outlets: see ``publishers``)."""
        return len(self.reported_by)


def corroboration(inv: Investigation, citations: Iterable[Citation | str]) -> Corroboration:
    reported: set[str] = set()
    retold: set[str] = set()
    for item in citations:
        citation = item if isinstance(item, Citation) else Citation(item)
        originals = citation.retells or inv.entities[citation.source].based_on
        if not originals:
            reported.add(citation.source)
            continue
        retold.add(citation.source)
        for original in originals:
            reported.update(root_sources(inv, original))
    return Corroboration(tuple(sorted(reported)), tuple(sorted(retold - reported)))


def _names(inv: Investigation, source_ids: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    skip = set(exclude)
    return sorted({outlet(inv, s) for s in source_ids} - skip, key=str.casefold)


def publishers(inv: Investigation, found: Corroboration) -> tuple[str, ...]:
    """The outlets that reported the claim themselves, by name, sorted."""
    return tuple(_names(inv, found.reported_by))


def retellers(inv: Investigation, found: Corroboration) -> tuple[str, ...]:
    """The outlets that only retold it, leaving out any that also reported it themselves."""
    return tuple(_names(inv, found.retold_by, exclude=publishers(inv, found)))


def and_list(names: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(names)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def sentence(inv: Investigation, citations: Iterable[Citation | str]) -> str:
    """'reported by AP and Bloomberg, retold by Forbes'."""
    found = corroboration(inv, citations)
    text = f"reported by {and_list(publishers(inv, found))}"
    retold = retellers(inv, found)
    return text + (f", retold by {and_list(retold)}" if retold else "")
