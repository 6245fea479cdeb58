"""Claim-level rows shared by entity pages and overview pages.

The plain-language sanctions sentence, events, timeline entries, supply-chain
paths and network graphs, each built from escaped parts.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from markupsafe import Markup

from build_scripts import schema as s
from build_scripts.model import analysis
from build_scripts.model.entities import Event, Investigation, PartialDate, Relation, Sanction
from build_scripts.pages import kit
from build_scripts.pages.kit import Cited, cite, claim_anchor, corroboration_text, link, status_badge, when
from build_scripts.pages.markup import md_text
from build_scripts.pages.network import Edge, Graph, Node
from build_scripts.pages.network import Relation as GraphRelation

# --- sanctions in one sentence ------------------------------------------------------------------


def _authority(inv: Investigation, sanction: Sanction, prefix: str) -> Markup:
    if sanction.authority:
        return link(inv, sanction.authority, prefix)
    return md_text("an authority the sources do not name")


def sanction_clause(inv: Investigation, sanction: Sanction, prefix: str = "", cites: bool = True) -> Markup:
    """One sanction as a clause a reader can quote, with its sources unless ``cites`` is false."""
    who = _authority(inv, sanction, prefix)
    date = kit.show_date(sanction.date) if sanction.date else None
    if not date:
        at = Markup("")
    else:  # "in March 2023", "on 1 March 2023"
        at = md_text(f" in {date}") if sanction.date and len(sanction.date.parts) < 3 else md_text(f" on {date}")
    program = md_text(f" under the {sanction.program} program") if sanction.program else Markup("")
    if sanction.status == "listed":
        text = Markup(f"Designated by {who}{at}{program}")
    elif sanction.status == "delisted":
        until = md_text(f", delisted in {kit.show_date(sanction.end)}") if sanction.end else md_text(", since delisted")
        text = Markup(f"Designated by {who}{at}{program}{until}")
    elif sanction.status == "proposed":
        as_of = md_text(f" as of {date}") if date else Markup("")
        text = Markup(f"Not listed by {who}{as_of}, though a listing was proposed or urged")
    else:
        as_of = md_text(f" as of {date}") if date else Markup("")
        text = Markup(f"Considered by {who}, which had not listed it{as_of}")
    return text + Markup(" ") + cite(sanction.sources) if cites else text


def sanctions_sentence(inv: Investigation, sanctions: tuple[Sanction, ...], prefix: str = "") -> Markup | None:
    if not sanctions:
        return None
    return Markup(". ").join(sanction_clause(inv, x, prefix) for x in sanctions) + Markup(".")


# --- events and timeline ------------------------------------------------------------------------

@dataclass(frozen=True)
class EventRow(Cited):
    when: str
    summary: str
    status: Markup
    sources: tuple[str, ...]
    anchor: Markup | None = None
    corroboration: str | None = None  # 'reported by ..., retold by ...'


def event_rows(inv: Investigation, events: tuple[Event, ...]) -> tuple[EventRow, ...]:
    return tuple(EventRow(kit.show_date(e.date), e.summary, status_badge(e.status), e.sources, claim_anchor(e.key),
                          corroboration_text(inv, e.citations or e.sources))
                 for e in sorted(events, key=lambda e: e.date.iso))


@dataclass(frozen=True)
class TimelineRow(Cited):
    date: PartialDate
    text: Markup
    status: Markup | None
    sources: tuple[str, ...]

    @property
    def when(self) -> str:
        """The date as the list prints it: a month or a year alone says that the day is not given,
        and a derived date gives its basis."""
        return kit.show_date(self.date, say_missing=True)


def claim_phrase(inv: Investigation, key: str, prefix: str = "") -> Markup:
    """A claim named in words, for 'replied to ...': whose claim, about what, and how established."""
    claim = inv.claims[key]
    subject = link(inv, claim.subject, prefix)
    if isinstance(claim, Relation):
        label = s.RELATION_TYPES[claim.type].label
        status = s.CLAIM_STATUSES[claim.status].label.lower()
        return Markup(f"the claim that {subject} {md_text(label)} {link(inv, claim.target, prefix)} ({status})")
    if isinstance(claim, Sanction):
        who = _authority(inv, claim, prefix)
        if claim.status in ("listed", "delisted"):
            return Markup(f"the designation of {subject} by {who}")
        if claim.status == "proposed":
            return Markup(f"the proposal that {who} list {subject}")
        return Markup(f"{who}'s decision not to list {subject}")
    return Markup(f"the account on {subject}'s page that ") + md_text(claim.summary)


def replies_to(inv: Investigation, keys: tuple[str, ...], prefix: str = "") -> Markup:
    return Markup("; ").join(claim_phrase(inv, k, prefix) for k in keys)


def timeline_row(inv: Investigation, entry: analysis.TimelineEntry, prefix: str = "") -> TimelineRow:
    claim = inv.claims[entry.key]
    if entry.kind == "reply":
        if isinstance(claim, Event):  # replies are recorded on relations and sanctions only
            raise ValueError(f"timeline reply {entry.key!r} points at an event; events take no replies")
        response = next(r for r in claim.responses if r.by == entry.response_by and r.date == entry.date)
        text = (Markup(f"{link(inv, response.by, prefix)} replied to {replies_to(inv, entry.answers, prefix)}: ")
                + md_text(response.summary))
        return TimelineRow(entry.date, text, None, response.sources)
    if isinstance(claim, Relation):
        label = s.RELATION_TYPES[claim.type].label
        goods = md_text(f" ({claim.goods})") if claim.goods else Markup("")
        text = Markup(f"{link(inv, claim.subject, prefix)} {md_text(label)} {link(inv, claim.target, prefix)}{goods}")
        return TimelineRow(entry.date, text, status_badge(claim.status), claim.sources)
    if isinstance(claim, Sanction):
        if entry.kind == "delisting":
            text = Markup(f"{link(inv, claim.subject, prefix)}: delisted")
        else:
            text = Markup(f"{link(inv, claim.subject, prefix)}: ") + sanction_clause(inv, claim, prefix, cites=False)
        return TimelineRow(entry.date, text, None, claim.sources)
    text = Markup(f"{link(inv, claim.subject, prefix)}: ") + md_text(claim.summary)
    return TimelineRow(entry.date, text, status_badge(claim.status), claim.sources)


# --- supply-chain paths --------------------------------------------------------------------------

@dataclass(frozen=True)
class PathRow(Cited):
    text: Markup
    sources: tuple[str, ...]
    links: Markup = field(default_factory=Markup)  # each link's status, in words
    weakest: Markup = field(default_factory=Markup)  # the badge of the chain's least established link


STATUS_STRENGTH = ("official", "reported", "alleged", "disputed")  # strongest first


def path_row(inv: Investigation, path: analysis.Path, prefix: str = "", here: str | None = None) -> PathRow:
    steps = [Markup(f"**{md_text(inv.name(node))}**") if node == here else link(inv, node, prefix)
             for node in path.nodes]
    if path.end_use:
        steps.append(md_text(path.end_use))
    sources = tuple(dict.fromkeys(src for key in path.relations for src in inv.claims[key].sources))
    claims = [inv.claims[key] for key in path.relations]
    links = md_text("; ".join(
        f"{inv.name(c.subject)} {s.RELATION_TYPES[c.type].label} {inv.name(c.target)}: "  # type: ignore[union-attr]
        f"{s.CLAIM_STATUSES[c.status].label.lower()}" for c in claims))
    weakest = max((c.status for c in claims), key=STATUS_STRENGTH.index)
    return PathRow(Markup(" → ").join(steps), sources, links, status_badge(weakest))


MAX_NODES = 40

# --- network graphs -----------------------------------------------------------------------------

def graph(inv: Investigation, nodes: set[str], edges: tuple[Relation, ...], title: str, href_prefix: str, *,
          focus: str | None = None, key: str = "network-diagram", embed: str = "") -> Graph:
    """The relations among ``nodes``: one edge per hop (a relation through intermediaries draws each
    hop), one row per relation for the text equivalent."""
    graph_nodes = tuple(Node(n, inv.name(n), inv.entities[n].kind, f"{href_prefix}{n}/", n == focus)
                        for n in sorted(nodes))
    graph_edges: list[Edge] = []
    relations: list[GraphRelation] = []
    for r in sorted(edges, key=lambda r: r.key):
        if r.subject == r.target:
            continue
        status = s.CLAIM_STATUSES[r.status].label.lower()
        label = s.RELATION_TYPES[r.type].label
        via = tuple(v for v in r.via if v in nodes)
        through = f" through {', '.join(inv.name(v) for v in r.via)}" if r.via else ""
        date = when(r.date, r.start, r.end) or ""
        description = f"{inv.name(r.subject)} {label} {inv.name(r.target)}{through}, {status}"
        description += f", {date}" if date else ""
        relations.append(GraphRelation(r.subject, r.target, tuple(r.via), r.type, label, r.status, date,
                                       description))
        hops = [r.subject, *via, r.target]
        graph_edges.extend(Edge(a, b, r.type, r.status, description, date, len(relations) - 1)
                           for a, b in itertools.pairwise(hops) if a != b)
    return Graph(title, graph_nodes, tuple(graph_edges), tuple(relations), key, embed)


def neighbourhood_graph(inv: Investigation, derived: analysis.Derived, entity_id: str,
                        embed: str = "") -> Graph | None:
    """One hop around the entity, or two when one hop shows too little."""
    nodes, edges = analysis.neighbourhood(derived.touching, entity_id, hops=1)
    if len(nodes) < 6:
        wider = analysis.neighbourhood(derived.touching, entity_id, hops=2)
        if len(wider[0]) <= MAX_NODES:
            nodes, edges = wider
    if len(nodes) < 2:
        return None
    if len(nodes) > MAX_NODES:  # a hub: keep its busiest neighbours, readable at this size
        busiest = sorted(nodes - {entity_id}, key=lambda n: (-len(derived.touching.get(n, ())), n))
        nodes = {entity_id, *busiest[:MAX_NODES - 1]}
        edges = tuple(r for r in edges if r.subject in nodes and r.target in nodes)
    return graph(inv, nodes, edges, f"Network around {inv.name(entity_id)}", "../", focus=entity_id,
                 key="network-diagram", embed=embed)
