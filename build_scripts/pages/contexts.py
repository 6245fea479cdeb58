"""Stage 4: what each entity page shows, computed in Python.

A context holds only ready-to-print values: plain card text (which the
renderer escapes on output) or :class:`Markup` built from escaped parts.
Templates decide layout, never content.
"""

from __future__ import annotations

from markupsafe import Markup

from build_scripts import schema as s
from build_scripts.model import analysis, corroboration
from build_scripts.model.entities import Entity, Investigation, PartialDate, Response
from build_scripts.model.history import History, card_path
from build_scripts.pages import corrections, network, rows, search
from build_scripts.pages.jsonld import jsonld
from build_scripts.pages.kit import (
    BROWSE_DIR,
    ENTITY_DIR,
    ClaimRow,
    Page,
    SanctionRow,
    cite,
    claim_row,
    claim_summary,
    country_name,
    entity_search_boost,
    footnotes,
    front_matter,
    link,
    map_view,
    sanction_row,
    show_date,
)
from build_scripts.pages.mapdata import MapSpec
from build_scripts.pages.markup import md_link, md_text, render_summary

MAX_PATHS_ON_PAGE = 5  # the rest are on the supply-chains page
MAX_TIMELINE_ON_PAGE = 25  # the rest are on the timeline page


def _relation_groups(inv: Investigation, entity: Entity) -> tuple[tuple[str, tuple[ClaimRow, ...]], ...]:
    """Outgoing, incoming and intermediary relations, grouped by the vocabulary's groups."""
    related = inv.related(entity.id)
    groups: dict[str, list[ClaimRow]] = {}
    order = list(dict.fromkeys(t.group for t in s.RELATION_TYPES.values()))
    for relation in sorted(related, key=lambda r: (order.index(s.RELATION_TYPES[r.type].group),
                                                   (r.date or r.start or PartialDate("9999")).iso, r.key)):
        groups.setdefault(s.RELATION_TYPES[relation.type].group, []).append(
            claim_row(inv, relation, entity.id))
    return tuple((group, tuple(claims)) for group, claims in groups.items())


def _page_sources(groups: tuple[tuple[str, tuple[ClaimRow, ...]], ...],
                  sanctions: tuple[SanctionRow, ...]) -> list[str]:
    """Every source cited on the page, in reading order."""
    ids: list[str] = []
    claimed: list[ClaimRow | SanctionRow] = [claim for _, claims in groups for claim in claims]
    for row in [*claimed, *sanctions]:
        ids.extend(row.sources)
        for response in row.responses:
            ids.extend(response.sources)
    return ids


def _replies_given(inv: Investigation, replier: str) -> tuple[Markup, ...]:
    """What this party answered, worded about the claims; one statement answering several claims
    (same date and sources) is listed once with all of them."""
    statements: dict[tuple[PartialDate | None, tuple[str, ...]], tuple[list[str], Response]] = {}
    for key in inv.responses_by.get(replier, ()):
        for response in getattr(inv.claims[key], "responses", ()):
            if response.by == replier:
                found = statements.setdefault((response.date, response.sources), ([], response))
                if key not in found[0]:
                    found[0].append(key)
                if inv.claims[key].subject == replier:  # worded as on the claim about the replier itself
                    statements[(response.date, response.sources)] = (found[0], response)
    out = []
    for keys, response in statements.values():
        date = md_text(f" ({show_date(response.date)})") if response.date else Markup("")
        out.append(Markup(f"To {rows.replies_to(inv, tuple(keys))}{date}: ") + md_text(response.summary)
                   + Markup(" ") + cite(response.sources))
    return tuple(out)


def _aliases(entity: Entity) -> tuple[str, ...]:
    out = []
    for alias in entity.aliases:
        notes = ", ".join(n for n in (alias.lang, alias.note) if n)
        out.append(f"{alias.name} ({notes})" if notes else alias.name)
    return tuple(out)


def entity_page(inv: Investigation, derived: analysis.Derived, entity: Entity, spec: MapSpec | None = None, *,
                history: History | None = None,
                diagram: network.Diagram | None = None) -> Page:
    """``diagram``: the entity's network diagram if laid out already (see overviews.entity_diagrams)."""
    kind = s.KINDS[entity.kind]
    groups = _relation_groups(inv, entity)
    events = rows.event_rows(inv, entity.events)
    dated = derived.timeline_of.get(entity.id, ())
    timeline = tuple(rows.timeline_row(inv, e) for e in dated[:MAX_TIMELINE_ON_PAGE])
    through = derived.paths_through.get(entity.id, ())
    paths = tuple(rows.path_row(inv, p, here=entity.id) for p in through[:MAX_PATHS_ON_PAGE])
    if diagram is None:
        graph = rows.neighbourhood_graph(inv, derived, entity.id, embed=f"embed/network/{entity.id}/")
        diagram = network.layout(graph) if graph else None
    sanctions = tuple(sanction_row(inv, x) for x in entity.sanctions)
    decided = tuple(sanction_row(inv, x, subject_view=False) for x in inv.sanctions_by.get(entity.id, ()))
    answered = _replies_given(inv, entity.id)
    summary = render_summary(entity.summary) if entity.summary else None
    supplied = tuple(dict.fromkeys(r.goods for r in entity.relations if r.goods and s.RELATION_TYPES[r.type].moves))
    sanctions_sentence = rows.sanctions_sentence(inv, entity.sanctions)
    context: dict[str, object] = {
        "meta": {**front_matter(entity.name, entity.summary, entity.tags,
                                 boost=entity_search_boost(entity.name)),
                 "jsonld": jsonld(inv, entity)},
        "id": entity.id,
        "name": entity.name,
        "kind": kind.label,
        "kind_index": md_link(kind.plural, f"../{BROWSE_DIR}/{kind.folder}.md"),
        "country": country_name(entity.country),
        "country_code": entity.country,
        "unnamed": entity.unnamed,
        "aliases": _aliases(entity),
        "supplied": supplied,
        "summary": summary,
        "identifiers": tuple((i.scheme, i.value) for i in entity.identifiers),
        "tags": entity.tags,
        "sanctions_sentence": sanctions_sentence,
        "sanctions": sanctions,
        "decided": decided,
        "events": events,
        "timeline": timeline,
        "more_timeline": max(0, len(dated) - MAX_TIMELINE_ON_PAGE),
        "paths": paths,
        "more_paths": max(0, len(through) - MAX_PATHS_ON_PAGE),
        "network": diagram,
        "network_embed": network.site_url() + diagram.embed if diagram else "",
        "groups": groups,
        "answered": answered,
        "places": tuple(link(inv, p) for p in entity.locations),
        "card_path": entity.card_path,
        "coordinates": None,
        "is_source": False,
        "map": map_view(inv, spec, f"{ENTITY_DIR}/{entity.id}") if spec else None,
        "history": corrections.entity_history(card_path(kind.folder, entity.id), history),
    }
    # The decisions table prints each decision's sources, not the replies to it (those are on the
    # subject's page), so only its own sources are footnoted here.
    cited = _page_sources(groups, sanctions) + [src for row in decided for src in row.sources] + [
        src for row in events + timeline + paths for src in row.sources] + [
        src for key in inv.responses_by.get(entity.id, ()) for r in getattr(inv.claims[key], "responses", ())
        if r.by == entity.id for src in r.sources]
    if entity.kind == "location":
        context.update(_location_context(inv, entity))
    if entity.kind == "source":
        context.update(_source_context(inv, entity))
        cited = list(entity.based_on) + cited
    context["footnotes"] = footnotes(inv, [c for c in cited if c != entity.id])
    records = search.entity_entries(entity, summary=summary, supplied=supplied, groups=groups,
                                    sanctions_sentence=sanctions_sentence, events=events)
    return Page(f"{ENTITY_DIR}/{entity.id}.md", "entity.md.j2", context, search=records)


def _location_context(inv: Investigation, place: Entity) -> dict[str, object]:
    return {
        "coordinates": Markup(f"{place.latitude:.4f}, {place.longitude:.4f}"),  # numbers, not card text
        "precision": s.PRECISIONS[place.precision].label.lower() if place.precision else None,
        "parent": link(inv, place.parent) if place.parent else None,
        "within": tuple(link(inv, c) for c in inv.children.get(place.id, ())),
        "based_here": tuple(link(inv, e) for e in inv.located_here.get(place.id, ())),
    }


def _retelling(inv: Investigation, key: str, source_id: str) -> Markup:
    """' (retelling the reporting of Bloomberg)' when this claim cites the source as a retelling."""
    claim = inv.claims[key]
    citations = list(claim.citations) + [c for r in getattr(claim, "responses", ()) for c in r.citations]
    retells = dict.fromkeys(o for c in citations if c.source == source_id for o in c.retells)
    if not retells:
        return Markup("")
    names = corroboration.and_list(sorted({corroboration.outlet(inv, o) for o in retells}, key=str.casefold))
    return md_text(f" (retelling the reporting of {names})")


def _source_context(inv: Investigation, source: Entity) -> dict[str, object]:
    return {
        "is_source": True,
        "title": source.title,
        "publisher": source.publisher,
        "source_type": s.SOURCE_TYPES[source.source_type].label if source.source_type else None,
        "date": show_date(source.date) if source.date else None,
        "authors": ", ".join(source.authors) or None,
        "url": md_link(source.url, source.url) if source.url else None,
        "archive_url": md_link(source.archive_url, source.archive_url) if source.archive_url else None,
        "based_on": cite(source.based_on) if source.based_on else None,
        "supports": tuple(claim_summary(inv, key) + _retelling(inv, key, source.id)
                          for key in inv.citing.get(source.id, ())),
    }
