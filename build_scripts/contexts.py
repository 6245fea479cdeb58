"""Stage 4: what each page shows, computed in Python.

A context holds only ready-to-print values: plain card text (which the
renderer escapes on output) or :class:`Markup` built here from escaped parts.
Templates decide layout, never content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pycountry
from markupsafe import Markup, escape

from . import schema as s
from .mapdata import MapSpec
from .markup import md_link, md_text, render_summary
from .settings import MAP_HEIGHT_PX, TILES
from .model import Entity, Investigation, Money, PartialDate, Relation, Response, Sanction

ENTITY_DIR = "entities"
BROWSE_DIR = "browse"


@dataclass(frozen=True)
class Page:
    """A page to write: its path under docs/, its template and its context."""

    path: str
    template: str
    context: Mapping


def country_name(code: str | None) -> str | None:
    if not code:
        return None
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or country.name if country else code


def front_matter(title: str, description: str | None = None, tags: tuple[str, ...] = ()) -> dict:
    """Front matter for MkDocs; the theme prints ``title`` raw, so it is HTML-escaped here."""
    meta: dict = {"title": str(escape(title))}
    if description:
        meta["description"] = str(escape(" ".join(description.split())[:300]))
    if tags:
        meta["tags"] = list(tags)
    return meta


def _link(inv: Investigation, entity_id: str, prefix: str = "") -> Markup:
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


def money(value: Money) -> str:
    qualifier = {"about": "about ", "more-than": "more than ", "less-than": "less than "}.get(
        value.qualifier or "", "")
    amount = f"{value.amount:,.0f}" if float(value.amount).is_integer() else f"{value.amount:,.2f}"
    return f"{qualifier}{value.currency} {amount}"


def when(date: PartialDate | None, start: PartialDate | None = None, end: PartialDate | None = None) -> str | None:
    if date:
        return date.human()
    if start and end:
        return f"{start.human()} to {end.human()}"
    if start:
        return f"from {start.human()}"
    if end:
        return f"until {end.human()}"
    return None


@dataclass(frozen=True)
class ResponseRow:
    who: Markup
    role: str | None
    when: str | None
    summary: str
    quote: str | None
    sources: tuple[str, ...]

    @property
    def cites(self) -> Markup:
        return cite(self.sources)


@dataclass(frozen=True)
class ClaimRow:
    """One relation as seen from one page."""

    lead: Markup  # "supplied goods to [Rosoboronexport](...)"
    when: str | None
    details: tuple[tuple[str, object], ...]  # (label, value) pairs
    status: Markup
    sources: tuple[str, ...]
    responses: tuple[ResponseRow, ...]

    @property
    def cites(self) -> Markup:
        return cite(self.sources)


def _responses(inv: Investigation, responses: tuple[Response, ...]) -> tuple[ResponseRow, ...]:
    return tuple(
        ResponseRow(who=_link(inv, r.by), role=r.role, when=r.date.human() if r.date else None,
                    summary=r.summary, quote=r.quote, sources=r.sources)
        for r in responses
    )


def _claim_row(inv: Investigation, relation: Relation, page_id: str) -> ClaimRow:
    kind = s.RELATION_TYPES[relation.type]
    if relation.subject == page_id:
        lead = Markup(f"{md_text(kind.label.capitalize())} {_link(inv, relation.target)}")
    elif relation.target == page_id:
        lead = Markup(f"{md_text(kind.inverse.capitalize())} {_link(inv, relation.subject)}")
    else:  # the page is an intermediary
        lead = Markup(f"{_link(inv, relation.subject)} {md_text(kind.label)} {_link(inv, relation.target)}"
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
        details.append(("Via", Markup(", ").join(_link(inv, v) for v in others)))
    if relation.role:
        details.append(("Role", relation.role))
    if relation.note:
        details.append(("Note", relation.note))
    return ClaimRow(lead=lead, when=when(relation.date, relation.start, relation.end), details=tuple(details),
                    status=status_badge(relation.status), sources=relation.sources,
                    responses=_responses(inv, relation.responses))


def _relation_groups(inv: Investigation, entity: Entity) -> tuple[tuple[str, tuple[ClaimRow, ...]], ...]:
    """Outgoing, incoming and intermediary relations, grouped by the vocabulary's groups."""
    related = list(entity.relations) + list(inv.incoming.get(entity.id, ())) + \
        list(inv.intermediary_in.get(entity.id, ()))
    groups: dict[str, list[ClaimRow]] = {}
    order = list(dict.fromkeys(t.group for t in s.RELATION_TYPES.values()))
    for relation in sorted(related, key=lambda r: (order.index(s.RELATION_TYPES[r.type].group),
                                                   (r.date or r.start or PartialDate("9999")).iso, r.key)):
        groups.setdefault(s.RELATION_TYPES[relation.type].group, []).append(
            _claim_row(inv, relation, entity.id))
    return tuple((group, tuple(rows)) for group, rows in groups.items())


@dataclass(frozen=True)
class SanctionRow:
    authority: object
    status: Markup
    when: str | None
    program: str | None
    reason: str | None
    sources: tuple[str, ...]
    responses: tuple[ResponseRow, ...]

    @property
    def cites(self) -> Markup:
        return cite(self.sources)


def _sanction_row(inv: Investigation, sanction: Sanction, subject_view: bool = True) -> SanctionRow:
    if subject_view:
        authority = _link(inv, sanction.authority) if sanction.authority else "Authority not named in the sources"
    else:
        authority = _link(inv, sanction.subject)
    period = when(sanction.date) if not sanction.end else when(None, sanction.date, sanction.end)
    return SanctionRow(authority=authority, status=sanction_badge(sanction.status), when=period,
                       program=sanction.program, reason=sanction.reason, sources=sanction.sources,
                       responses=_responses(inv, sanction.responses))


@dataclass(frozen=True)
class MapView:
    """A map embedded in a page, and the plain-text list of what it shows."""

    iframe: Markup
    places: tuple[Markup, ...]
    flows: tuple[Markup, ...]
    unmapped: tuple[str, ...]


def map_view(inv: Investigation, spec: MapSpec, page_path: str, prefix: str = "") -> MapView:
    depth = page_path.count("/") + 1  # pages are served as folder/index.html
    src = "../" * depth + spec.path
    iframe = Markup(f'<iframe class="entity-map" src="{escape(src)}" title="{escape(spec.title)}" '
                    f'loading="lazy" height="{MAP_HEIGHT_PX}" style="width:100%;border:0" '
                    f'referrerpolicy="{escape(TILES.referrer_policy)}"></iframe>')
    places = []
    for place in spec.places:
        text = Markup(f"{_link(inv, place.id, prefix)} ({md_text(s.PRECISIONS[place.precision].label.lower())})")
        members = [Markup(f"{_link(inv, e, prefix)}") + (Markup(" (country only)") if by_country else Markup(""))
                   for e, _, by_country in place.entities]
        places.append(text + (Markup(": ") + Markup(", ").join(members) if members else Markup("")))
    flows = []
    for flow in spec.flows:
        route = Markup(" → ").join(md_text(inv.name(p)) for p in flow.places)
        goods = Markup(", ") + md_text(flow.goods) if flow.goods else Markup("")
        flows.append(Markup(f"{_link(inv, flow.subject, prefix)} {md_text(s.RELATION_TYPES[flow.type].label)} "
                            f"{_link(inv, flow.target, prefix)}: {route}{goods} ") + status_badge(flow.status))
    return MapView(iframe, tuple(places), tuple(flows), spec.unmapped)


def footnotes(inv: Investigation, source_ids: list[str], prefix: str = "") -> tuple[Markup, ...]:
    """Footnote definitions for every source cited on a page, in first-cited order."""
    notes = []
    for source_id in dict.fromkeys(source_ids):
        source = inv.entities[source_id]
        parts = [md_link(source.name, f"{prefix}{source_id}.md")]
        byline = ", ".join(p for p in (source.publisher, source.date.human() if source.date else None) if p)
        if byline:
            parts.append(md_text(byline))
        if source.url:
            parts.append(md_link("original", source.url))
        notes.append(Markup(f"[^{source_id}]: ") + Markup(". ").join(parts) + Markup("."))
    return tuple(notes)


def _page_sources(groups, sanctions) -> list[str]:
    """Every source cited on the page, in reading order."""
    ids: list[str] = []
    for row in [r for _, rows in groups for r in rows] + list(sanctions):
        ids.extend(row.sources)
        for response in row.responses:
            ids.extend(response.sources)
    return ids


def _aliases(entity: Entity) -> tuple[str, ...]:
    out = []
    for alias in entity.aliases:
        notes = ", ".join(n for n in (alias.lang, alias.note) if n)
        out.append(f"{alias.name} ({notes})" if notes else alias.name)
    return tuple(out)


def entity_page(inv: Investigation, entity: Entity, spec: MapSpec | None = None) -> Page:
    kind = s.KINDS[entity.kind]
    groups = _relation_groups(inv, entity)
    sanctions = tuple(_sanction_row(inv, x) for x in entity.sanctions)
    decided = tuple(_sanction_row(inv, x, subject_view=False) for x in inv.sanctions_by.get(entity.id, ()))
    answered = tuple(
        Markup(f"{_link(inv, inv.claims[key].subject)}") for key in inv.responses_by.get(entity.id, ()))
    context = {
        "meta": front_matter(entity.name, entity.summary, entity.tags),
        "id": entity.id,
        "name": entity.name,
        "kind": kind.label,
        "kind_index": md_link(kind.plural, f"../{BROWSE_DIR}/{kind.folder}.md"),
        "country": country_name(entity.country),
        "country_code": entity.country,
        "unnamed": entity.unnamed,
        "aliases": _aliases(entity),
        "summary": render_summary(entity.summary) if entity.summary else None,
        "identifiers": tuple((i.scheme, i.value) for i in entity.identifiers),
        "tags": entity.tags,
        "sanctions": sanctions,
        "decided": decided,
        "groups": groups,
        "answered": tuple(dict.fromkeys(answered)),
        "places": tuple(_link(inv, p) for p in entity.locations),
        "card_path": entity.card_path,
        "coordinates": None,
        "is_source": False,
        "map": map_view(inv, spec, f"{ENTITY_DIR}/{entity.id}") if spec else None,
    }
    cited = _page_sources(groups, sanctions + decided)
    if entity.kind == "location":
        context.update(_location_context(inv, entity))
    if entity.kind == "source":
        context.update(_source_context(inv, entity))
        cited = list(entity.based_on) + cited
    context["footnotes"] = footnotes(inv, [c for c in cited if c != entity.id])
    return Page(f"{ENTITY_DIR}/{entity.id}.md", "entity.md.j2", context)


def _location_context(inv: Investigation, place: Entity) -> dict:
    return {
        "coordinates": Markup(f"{place.latitude:.4f}, {place.longitude:.4f}"),  # numbers, not card text
        "precision": s.PRECISIONS[place.precision].label.lower() if place.precision else None,
        "parent": _link(inv, place.parent) if place.parent else None,
        "within": tuple(_link(inv, c) for c in inv.children.get(place.id, ())),
        "based_here": tuple(_link(inv, e) for e in inv.located_here.get(place.id, ())),
    }


def _claim_summary(inv: Investigation, key: str) -> Markup:
    claim = inv.claims[key]
    if isinstance(claim, Relation):
        label = s.RELATION_TYPES[claim.type].label
        text = Markup(f"{_link(inv, claim.subject)} {md_text(label)} {_link(inv, claim.target)}")
        moment = when(claim.date, claim.start, claim.end)
    else:
        by = f" by {inv.name(claim.authority)}" if claim.authority else ""
        text = Markup(f"{_link(inv, claim.subject)}: {md_text(s.SANCTION_STATUSES[claim.status].label.lower() + by)}")
        moment = when(claim.date)
    return text + (Markup(" ") + md_text(f"({moment})") if moment else Markup(""))


def _source_context(inv: Investigation, source: Entity) -> dict:
    return {
        "is_source": True,
        "title": source.title,
        "publisher": source.publisher,
        "source_type": s.SOURCE_TYPES[source.source_type].label if source.source_type else None,
        "date": source.date.human() if source.date else None,
        "authors": ", ".join(source.authors) or None,
        "url": md_link(source.url, source.url) if source.url else None,
        "archive_url": md_link(source.archive_url, source.archive_url) if source.archive_url else None,
        "based_on": cite(source.based_on) if source.based_on else None,
        "supports": tuple(_claim_summary(inv, key) for key in inv.citing.get(source.id, ())),
    }


def browse_page(inv: Investigation, kind_name: str) -> Page:
    kind = s.KINDS[kind_name]
    rows = sorted(inv.of_kind(kind_name), key=lambda e: (e.name.casefold(), e.id))
    items = tuple(
        (md_link(e.name, f"../{ENTITY_DIR}/{e.id}.md"), country_name(e.country),
         e.publisher if kind_name == "source" else None)
        for e in rows
    )
    context = {"meta": front_matter(kind.plural), "title": kind.plural, "doc": kind.doc, "items": items,
               "is_source": kind_name == "source"}
    return Page(f"{BROWSE_DIR}/{kind.folder}.md", "browse.md.j2", context)


def overview_map_page(inv: Investigation, spec: MapSpec) -> Page:
    context = {"meta": front_matter("Map of the investigation"),
               "map": map_view(inv, spec, f"{BROWSE_DIR}/map", prefix=f"../{ENTITY_DIR}/"),
               "legend": tuple((s.CLAIM_STATUSES[st].label, s.CLAIM_STATUSES[st].doc)
                               for st in sorted({f.status for f in spec.flows}))}
    return Page(f"{BROWSE_DIR}/map.md", "map.md.j2", context)


def all_pages(inv: Investigation, maps: Mapping[str, MapSpec]) -> list[Page]:
    pages = [entity_page(inv, e, maps.get(e.id)) for e in inv.entities.values()]
    pages.extend(browse_page(inv, k) for k in s.KINDS)
    pages.append(overview_map_page(inv, maps[""]))
    return pages
