"""Shared building blocks for page contexts: links, badges, citations, claim rows, map views.

Everything returned is either plain card text (escaped by the renderer on
output) or :class:`Markup` built here from escaped parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pycountry
from markupsafe import Markup, escape

from build_scripts import schema as s
from build_scripts.base.settings import MAP_HEIGHT_PX, SITE_URL, TILES
from build_scripts.model import corroboration, ids
from build_scripts.model.entities import (
    Citation,
    Investigation,
    Money,
    PartialDate,
    Relation,
    Response,
    Sanction,
)
from build_scripts.pages.mapdata import MapSpec, embed_spec
from build_scripts.pages.markup import md_link, md_text

if TYPE_CHECKING:
    from build_scripts.pages.search import SearchEntry

ENTITY_DIR = "entities"
BROWSE_DIR = "browse"


@dataclass(frozen=True)
class Page:
    """A page to write: its path under docs/, its template and its context; ``search``, when
    given, holds the page's search records (pages/search.py), made instead of indexing its HTML."""

    path: str
    template: str
    context: Mapping[str, object]
    search: tuple[SearchEntry, ...] | None = None


def country_name(code: str | None) -> str | None:
    if not code:
        return None
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or country.name if country else code


ENTITY_SEARCH_BOOST = 3.0  # an entity's own page outranks every page that merely mentions it
LIST_SEARCH_BOOST = 0.2  # overviews and indexes list many entities; they never outrank their pages


def entity_search_boost(name: str) -> float:
    """An entity page's search weight: shorter names weigh more, so that "China" finds the page
    named China before "Ministry of Foreign Affairs of China" (Material's search switches lunr's
    length normalisation off, so every title weighs the same whatever its length). Tuned on the
    seed investigation: tests/test_search.py types every name and alias into the search box."""
    return round(ENTITY_SEARCH_BOOST * (1 + 0.5 / max(1, len(name.split()))), 4)


def front_matter(title: str, description: str | None = None, tags: tuple[str, ...] = (),
                 boost: float | None = None) -> dict[str, object]:
    """Front matter for MkDocs; the theme prints ``title`` raw, so it is HTML-escaped here.

    ``boost`` sets the page's weight in Material's search (``search: boost:``)."""
    meta: dict[str, object] = {"title": str(escape(title))}
    if boost is not None:
        meta["search"] = {"boost": boost}
    if description:
        meta["description"] = str(escape(" ".join(description.split())[:300]))
    if tags:
        meta["tags"] = list(tags)
    return meta


def link(inv: Investigation, entity_id: str, prefix: str = "") -> Markup:
    """A Markdown link to an entity page, from a page in the same folder unless ``prefix`` says."""
    return md_link(inv.name(entity_id), f"{prefix}{entity_id}.md")


def status_badge(status: str) -> Markup:
    term = s.CLAIM_STATUSES[status]
    return Markup(f'<span class="claim-status claim-status--{status}" title="{escape(term.doc)}">'
                  f'{escape(term.label)}</span>')


def sanction_badge(status: str) -> Markup:
    term = s.SANCTION_STATUSES[status]
    return Markup(f'<span class="sanction-status sanction-status--{status}" title="{escape(term.doc)}">'
                  f'{escape(term.label)}</span>')


def cite(sources: tuple[str, ...]) -> Markup:
    """Footnote references, numbered by Markdown in order of first use on the page."""
    return Markup("".join(f"[^{source}]" for source in sources))


class Cited:
    """A row citing sources: ``cites`` prints their footnote references, numbered on the page."""

    sources: tuple[str, ...]

    @property
    def cites(self) -> Markup:
        return cite(self.sources)


def money(value: Money) -> str:
    qualifier = {"about": "about ", "more-than": "more than ", "less-than": "less than "}.get(
        value.qualifier or "", "")
    amount = f"{value.amount:,.0f}" if float(value.amount).is_integer() else f"{value.amount:,.2f}"
    return f"{qualifier}{value.currency} {amount}"


def show_date(date: PartialDate, *, say_missing: bool = False) -> str:
    """How a date reads on a page: '2023', 'January 2023' or '31 August 2022', and a derived date with
    its basis: 'March 2023 (derived: basis)'. Every date that pages print passes through here, so a
    marker is added in one place. With ``say_missing`` (the timeline, where partial dates sit among
    days) a month or a year alone also says what is not given, in the same parenthesis:
    'March 2023 (day not given; date derived: basis)'."""
    if not say_missing:
        return date.described()
    parts = date.parts
    notes = [] if len(parts) == 3 else ["day not given"] if len(parts) == 2 else ["month not given"]
    if date.derived:
        notes.append(f"date derived: {date.derived}")
    return date.human() + (f" ({'; '.join(notes)})" if notes else "")


def when(date: PartialDate | None, start: PartialDate | None = None, end: PartialDate | None = None) -> str | None:
    if date:
        return show_date(date)
    if start and end:
        return f"{show_date(start)} to {show_date(end)}"
    if start:
        return f"from {show_date(start)}"
    if end:
        return f"until {show_date(end)}"
    return None


@dataclass(frozen=True)
class ResponseRow(Cited):
    who: Markup
    role: str | None
    when: str | None
    summary: str
    quote: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ClaimRow(Cited):
    """One relation as seen from one page."""

    lead: Markup  # "supplied goods to [Rosoboronexport](...)"
    when: str | None
    details: tuple[tuple[str, object], ...]  # (label, value) pairs
    status: Markup
    sources: tuple[str, ...]
    responses: tuple[ResponseRow, ...]
    corroboration: str
    anchor: Markup | None = None  # the claim's anchor, from its stable public id


def corroboration_text(inv: Investigation, citations: tuple[Citation | str, ...]) -> str:
    """Who reported the claim and who only retold it, by outlet: 'reported by AP, retold by Forbes'."""
    return corroboration.sentence(inv, citations)


def responses(inv: Investigation, responses: tuple[Response, ...]) -> tuple[ResponseRow, ...]:
    return tuple(
        ResponseRow(who=link(inv, r.by), role=r.role, when=show_date(r.date) if r.date else None,
                    summary=r.summary, quote=r.quote, sources=r.sources)
        for r in responses
    )


def claim_row(inv: Investigation, relation: Relation, page_id: str) -> ClaimRow:
    kind = s.RELATION_TYPES[relation.type]
    if relation.subject == page_id:
        lead = Markup(f"{md_text(kind.label.capitalize())} {link(inv, relation.target)}")
    elif relation.target == page_id:
        lead = Markup(f"{md_text(kind.inverse.capitalize())} {link(inv, relation.subject)}")
    else:  # the page is an intermediary
        lead = Markup(f"{link(inv, relation.subject)} {md_text(kind.label)} {link(inv, relation.target)}"
                      f" {md_text('via this party')}")
    details: list[tuple[str, object]] = []
    if relation.goods:
        details.append(("Goods", relation.goods))
    if relation.end_use:
        details.append(("End use", relation.end_use))
    if relation.value:
        details.append(("Value", money(relation.value)))
    others = [v for v in relation.via if v != page_id]
    if others:
        details.append(("Via", Markup(", ").join(link(inv, v) for v in others)))
    if relation.role:
        details.append(("Role", relation.role))
    if relation.note:
        details.append(("Note", relation.note))
    return ClaimRow(lead=lead, when=when(relation.date, relation.start, relation.end), details=tuple(details),
                    status=status_badge(relation.status), sources=relation.sources,
                    responses=responses(inv, relation.responses),
                    corroboration=corroboration_text(inv, relation.citations or relation.sources),
                    anchor=claim_anchor(relation.key))


@dataclass(frozen=True)
class SanctionRow(Cited):
    authority: object
    status: Markup
    when: str | None
    program: str | None
    reason: str | None
    sources: tuple[str, ...]
    responses: tuple[ResponseRow, ...]
    anchor: Markup | None = None
    corroboration: str | None = None  # 'reported by ..., retold by ...'


def claim_anchor(key: str) -> Markup:
    """An empty element carrying the claim's stable anchor, so that readers can link to a claim."""
    return Markup(f'<span id="{escape(ids.anchor(key))}"></span>')


def sanction_row(inv: Investigation, sanction: Sanction, subject_view: bool = True) -> SanctionRow:
    if subject_view:
        authority = link(inv, sanction.authority) if sanction.authority else "Authority not named in the sources"
    else:
        authority = link(inv, sanction.subject)
    period = when(sanction.date) if not sanction.end else when(None, sanction.date, sanction.end)
    return SanctionRow(authority=authority, status=sanction_badge(sanction.status), when=period,
                       program=sanction.program, reason=sanction.reason, sources=sanction.sources,
                       responses=responses(inv, sanction.responses), anchor=claim_anchor(sanction.key),
                       corroboration=corroboration_text(inv, sanction.citations or sanction.sources))


@dataclass(frozen=True)
class MapView:
    """A map embedded in a page, and the plain-text list of what it shows."""

    iframe: Markup
    places: tuple[Markup, ...]
    flows: tuple[Markup, ...]
    unmapped: tuple[str, ...]
    embed: Markup = field(default_factory=Markup)  # an <iframe> snippet for other sites, shown as code


def map_view(inv: Investigation, spec: MapSpec, page_path: str, prefix: str = "") -> MapView:
    depth = page_path.count("/") + 1  # pages are served as folder/index.html
    src = "../" * depth + spec.path
    iframe = Markup(f'<iframe class="entity-map" src="{escape(src)}" title="{escape(spec.title)}" '
                    f'loading="lazy" height="{MAP_HEIGHT_PX}" style="width:100%;border:0" '
                    f'referrerpolicy="{escape(TILES.referrer_policy)}"></iframe>')
    places = []
    for place in spec.places:
        text = Markup(f"{link(inv, place.id, prefix)} ({md_text(s.PRECISIONS[place.precision].label.lower())})")
        members = [Markup(f"{link(inv, e, prefix)}") + (Markup(" (country only)") if by_country else Markup(""))
                   for e, _, by_country in place.entities]
        places.append(text + (Markup(": ") + Markup(", ").join(members) if members else Markup("")))
    flows = []
    for flow in spec.flows:
        route = Markup(" → ").join(md_text(inv.name(p)) for p in flow.places)
        goods = Markup(", ") + md_text(flow.goods) if flow.goods else Markup("")
        flows.append(Markup(f"{link(inv, flow.subject, prefix)} {md_text(s.RELATION_TYPES[flow.type].label)} "
                            f"{link(inv, flow.target, prefix)}: {route}{goods} ") + status_badge(flow.status))
    snippet = (f'<iframe src="{escape(SITE_URL + embed_spec(spec).path)}" title="{escape(spec.title)}" '
               f'width="100%" height="{MAP_HEIGHT_PX}" style="border:0" loading="lazy" '
               f'referrerpolicy="{escape(TILES.referrer_policy)}"></iframe>')
    embed = Markup('<details class="embed" data-search-exclude="1"><summary>Embed this map</summary>\n'
                   '<p>Copy this HTML into your page. The map loads nothing from third parties but its map tiles.</p>\n'
                   '<pre><code>{}</code></pre>\n</details>').format(snippet)
    return MapView(iframe, tuple(places), tuple(flows), spec.unmapped, embed)


def footnotes(inv: Investigation, source_ids: list[str], prefix: str = "") -> tuple[Markup, ...]:
    """Footnote definitions for every source cited on a page, in first-cited order."""
    notes = []
    for source_id in dict.fromkeys(source_ids):
        source = inv.entities[source_id]
        parts = [md_link(source.name, f"{prefix}{source_id}.md")]
        byline = ", ".join(p for p in (source.publisher, show_date(source.date) if source.date else None) if p)
        if byline:
            parts.append(md_text(byline))
        if source.url:
            parts.append(md_link("original", source.url))
        notes.append(Markup(f"[^{source_id}]: ") + Markup(". ").join(parts) + Markup("."))
    return tuple(notes)


def claim_summary(inv: Investigation, key: str) -> Markup:
    """One line naming a claim (a relation, a sanction or an event) and when it happened."""
    claim = inv.claims[key]
    if isinstance(claim, Relation):
        label = s.RELATION_TYPES[claim.type].label
        text = Markup(f"{link(inv, claim.subject)} {md_text(label)} {link(inv, claim.target)}")
        moment = when(claim.date, claim.start, claim.end)
    elif isinstance(claim, Sanction):
        by = f" by {inv.name(claim.authority)}" if claim.authority else ""
        text = Markup(f"{link(inv, claim.subject)}: {md_text(s.SANCTION_STATUSES[claim.status].label.lower() + by)}")
        moment = when(claim.date)
    else:  # an event in the subject's story
        text = Markup(f"{link(inv, claim.subject)}: {md_text(claim.summary)}")
        moment = when(claim.date)
    return text + (Markup(" ") + md_text(f"({moment})") if moment else Markup(""))
