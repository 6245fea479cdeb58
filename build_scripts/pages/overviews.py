"""Stage 4: what the overview pages show: indexes by kind, the overview map, and more."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from build_scripts import schema as s
from build_scripts.model import analysis
from build_scripts.model.entities import Entity, Investigation, PartialDate, Relation, Sanction
from build_scripts.model.history import History
from build_scripts.pages import contexts, corrections, network, rows
from build_scripts.pages.kit import (
    BROWSE_DIR,
    ENTITY_DIR,
    LIST_SEARCH_BOOST,
    Page,
    cite,
    country_name,
    footnotes,
    front_matter,
    link,
    map_view,
    sanction_badge,
    show_date,
    when,
)
from build_scripts.pages.mapdata import MapSpec
from build_scripts.pages.markup import md_link, md_text

PREFIX = f"../{ENTITY_DIR}/"


def browse_page(inv: Investigation, kind_name: str) -> Page:
    """The index of one kind; for sources, a bibliography with the number of claims each supports."""
    kind = s.KINDS[kind_name]
    items = sorted(inv.of_kind(kind_name), key=lambda e: (e.name.casefold(), e.id))
    header: tuple[str, ...]
    table: tuple[tuple[str, ...], ...]
    if kind_name == "source":
        header = ("Source", "Publisher", "Date", "Claims resting on it")
        table = tuple((md_link(e.name, f"{PREFIX}{e.id}.md"), e.publisher or "not named",
                       show_date(e.date) if e.date else "not given", str(len(inv.citing.get(e.id, ()))))
                      for e in items)
    else:
        header = ("Name", "Country")
        table = tuple((md_link(e.name, f"{PREFIX}{e.id}.md"), country_name(e.country) or "") for e in items)
    context = {"meta": front_matter(kind.plural, boost=LIST_SEARCH_BOOST), "title": kind.plural, "doc": kind.doc,
               "header": header,
               "table": table}
    return Page(f"{BROWSE_DIR}/{kind.folder}.md", "browse.md.j2", context)


def overview_map_page(inv: Investigation, spec: MapSpec) -> Page:
    context = {"meta": front_matter("Map of the investigation", boost=LIST_SEARCH_BOOST),
               "map": map_view(inv, spec, f"{BROWSE_DIR}/map", prefix=f"../{ENTITY_DIR}/"),
               "legend": tuple((s.CLAIM_STATUSES[st].label, s.CLAIM_STATUSES[st].doc)
                               for st in sorted({f.status for f in spec.flows}))}
    return Page(f"{BROWSE_DIR}/map.md", "map.md.j2", context)


@dataclass(frozen=True)
class Plan:
    """What every page needs, worked out once: entity pages can then be made one by one, in any
    process that holds the plan (the pipeline makes them in forked processes)."""

    inv: Investigation
    maps: Mapping[str, MapSpec]
    history: History | None
    derived: analysis.Derived
    diagrams: Mapping[str, network.Diagram]
    entity_ids: tuple[str, ...]

    def entity_page(self, index: int) -> Page:
        entity = self.inv.entities[self.entity_ids[index]]
        return contexts.entity_page(self.inv, self.derived, entity, self.maps.get(entity.id), history=self.history,
                                    diagram=self.diagrams.get(entity.id))

    def other_pages(self) -> list[Page]:
        inv, derived = self.inv, self.derived
        pages = [embed_page(d, f"../../../{ENTITY_DIR}/") for d in self.diagrams.values()]
        pages.extend(browse_page(inv, k) for k in s.KINDS)
        pages.append(overview_map_page(inv, self.maps[""]))
        pages += [sanctions_page(inv), timeline_page(inv, derived), *network_pages(inv),
                  paths_page(inv, derived), countries_page(inv), unsanctioned_page(inv), tags_page(),
                  downloads_page(inv), corrections.corrections_page(inv, self.history)]
        return pages


def plan(inv: Investigation, maps: Mapping[str, MapSpec], history: History | None = None) -> Plan:
    """``history`` (from git) adds corrections and updates, else pages say it is missing."""
    derived = analysis.derive(inv)
    return Plan(inv, maps, history, derived, entity_diagrams(inv, derived), tuple(inv.entities))


def all_pages(inv: Investigation, maps: Mapping[str, MapSpec], history: History | None = None) -> list[Page]:
    """Every page, entity pages first."""
    site = plan(inv, maps, history)
    return [site.entity_page(i) for i in range(len(site.entity_ids))] + site.other_pages()


# --- investigative overviews --------------------------------------------------------------------

UNNAMED_AUTHORITY = "Authority not named in the reports"


MATRIX_MAX_AUTHORITIES = 8  # more authorities than this: one column of entries per party, not a matrix


def sanctions_page(inv: Investigation) -> Page:
    """Every entity with a sanctions entry against every authority.

    With up to MATRIX_MAX_AUTHORITIES authorities the table is a matrix, party by authority. With
    more, a matrix would be mostly dashes, too wide to read and quadratic in size (hundreds of
    columns in a large investigation), so each party gets one cell listing its entries, each
    naming its authority. The table is HTML with a ``data-label`` on every cell, so that on a
    phone each row stacks into a card that names every column (site.css); no column hides off-screen.
    """
    by_subject: dict[str, dict[str, list[Sanction]]] = {}
    for subject in {x.subject for e in inv.entities.values() for x in e.sanctions}:
        for x in inv.entities[subject].sanctions:
            by_subject.setdefault(subject, {}).setdefault(x.authority or "", []).append(x)
    subjects = sorted(by_subject, key=lambda i: inv.name(i).casefold())
    authorities = sorted({a for found in by_subject.values() for a in found},
                         key=lambda a: (a == "", inv.name(a).casefold() if a else ""))
    rank = {a: n for n, a in enumerate(authorities)}
    matrix = len(authorities) <= MATRIX_MAX_AUTHORITIES

    def authority_name(a: str) -> Markup:
        return md_link(inv.name(a), f"{PREFIX}{a}.md") if a else md_text(UNNAMED_AUTHORITY)

    def entries(found: list[Sanction]) -> Markup:
        return Markup("<br>").join(
            sanction_badge(x.status) + (Markup(" ") + md_text(when(x.date) or "") if x.date else Markup(""))
            + (md_text(f", ended {show_date(x.end)}") if x.end else Markup("")) + Markup(" ") + cite(x.sources)
            for x in found)

    header = tuple((authority_name(a), escape(inv.name(a) if a else UNNAMED_AUTHORITY)) for a in authorities) \
        if matrix else ((md_text("Sanctions entries"), escape("Sanctions entries")),)
    table: list[tuple[Markup, tuple[tuple[Markup, Markup], ...]]] = []
    cited: list[str] = []
    for subject in subjects:
        found = by_subject[subject]
        own = sorted(found, key=rank.__getitem__)  # this party's authorities, in the table's order
        cited.extend(src for a in own for x in found[a] for src in x.sources)
        if matrix:
            cells = tuple(entries(found[a]) if a in found else Markup("—") for a in authorities)
        else:
            cells = (Markup("<br>").join(authority_name(a) + Markup(": ") + entries(found[a]) for a in own),)
        table.append((link(inv, subject, PREFIX), tuple(zip(cells, (label for _, label in header), strict=True))))
    context = {"meta": front_matter("Sanctions by jurisdiction", boost=LIST_SEARCH_BOOST), "header": header,
               "table": tuple(table), "matrix": matrix, "authorities": len(authorities),
               "unnamed": any(a == "" for a in authorities), "unnamed_label": UNNAMED_AUTHORITY,
               "footnotes": footnotes(inv, cited, prefix=PREFIX),
               "terms": tuple((t.label, t.doc) for t in s.SANCTION_STATUSES.values())}
    return Page(f"{BROWSE_DIR}/sanctions.md", "sanctions.md.j2", context)


def timeline_page(inv: Investigation, derived: analysis.Derived) -> Page:
    """One heading per year, one per month; entries whose month is not given close their year."""
    years: dict[int, dict[str, list[rows.TimelineRow]]] = {}
    for entry in derived.timeline:
        parts = entry.date.parts
        heading = show_date(PartialDate(f"{parts[0]}-{parts[1]:02d}")) if len(parts) > 1 else "Month not given"
        years.setdefault(parts[0], {}).setdefault(heading, []).append(rows.timeline_row(inv, entry, PREFIX))
    cited = [src for months in years.values() for items in months.values() for row in items for src in row.sources]
    context = {"meta": front_matter("Timeline", boost=LIST_SEARCH_BOOST),
               "years": tuple((y, tuple((h, tuple(items)) for h, items in m.items())) for y, m in years.items()),
               "footnotes": footnotes(inv, cited, prefix=PREFIX)}
    return Page(f"{BROWSE_DIR}/timeline.md", "timeline.md.j2", context)


MAX_NETWORK_NODES = 150  # the whole network is drawn up to this many parties
OVERVIEW_NODES = 60  # above it, the overview and each filtered view draw this many, best connected first
EMBED_DIR = "embed/network"


@dataclass(frozen=True)
class NetworkView:
    """One view of the whole network: every relation, or those of one status or relation group."""

    slug: str  # "" for the unfiltered view
    label: str  # "all relations", "disputed relations", "Supply and trade"
    relations: tuple[Relation, ...]


def _views(inv: Investigation) -> list[NetworkView]:
    every = tuple(r for e in inv.entities.values() for r in e.relations if r.subject != r.target)
    views = [NetworkView("", "all relations", every)]
    for status, term in s.CLAIM_STATUSES.items():
        views.append(NetworkView(status, f"{term.label.lower()} relations only",
                                 tuple(r for r in every if r.status == status)))
    for group in dict.fromkeys(t.group for t in s.RELATION_TYPES.values()):
        slug = "-".join(group.lower().replace(" and ", " ").split())
        views.append(NetworkView(slug, f"{group.lower()} only",
                                 tuple(r for r in every if s.RELATION_TYPES[r.type].group == group)))
    return [v for v in views if v.relations or not v.slug]


def _view_graph(inv: Investigation, view: NetworkView) -> tuple[network.Graph | None, int, int]:
    """The view's graph (bounded), the number of parties it has and the number drawn."""
    degree: dict[str, int] = {}
    for r in view.relations:
        for n in dict.fromkeys((r.subject, r.target, *r.via)):
            degree[n] = degree.get(n, 0) + 1
    limit = MAX_NETWORK_NODES if len(degree) <= MAX_NETWORK_NODES else OVERVIEW_NODES
    shown = set(sorted(degree, key=lambda n: (-degree[n], n))[:limit])
    edges = tuple(r for r in view.relations if r.subject in shown and r.target in shown)
    if not edges:
        return None, len(degree), 0
    title = "Network of the investigation" + (f": {view.label}" if view.slug else "")
    # "--" never occurs in an entity id, so these never clash with entities' embeds
    embed = f"{EMBED_DIR}/all--{view.slug}/" if view.slug else f"{EMBED_DIR}/"
    graph = rows.graph(inv, shown, edges, title, f"../../{ENTITY_DIR}/", key="network-diagram", embed=embed)
    return graph, len(degree), len(shown)


def network_pages(inv: Investigation) -> list[Page]:
    """The whole network, one page per filter (status, relation group), and an embed of each.

    Up to MAX_NETWORK_NODES parties every view is drawn whole; above, each draws its
    OVERVIEW_NODES best-connected parties and says so, and the downloads hold everything.
    """
    views = _views(inv)
    built = [(_view_graph(inv, v), v) for v in views]
    graphs = [g for (g, _, _), _ in built if g is not None]
    laid = iter(network.layout_many(graphs))
    filters = tuple((v.label, md_link(v.label, f"network-{v.slug}.md" if v.slug else "network.md"), v.slug)
                    for v in views)
    pages = []
    for (graph, count, shown), view in built:
        diagram = next(laid) if graph is not None else None
        path = f"{BROWSE_DIR}/network-{view.slug}.md" if view.slug else f"{BROWSE_DIR}/network.md"
        meta = front_matter("Network" + (f": {view.label}" if view.slug else ""), boost=LIST_SEARCH_BOOST)
        meta["hide"] = ["navigation", "toc"]  # the drawing gets the page's whole width
        context = {"meta": meta, "diagram": diagram, "count": count, "shown": shown,
                   "links": len(diagram.relations) if diagram else 0, "label": view.label, "slug": view.slug,
                   "filters": filters, "embed_url": network.site_url() + diagram.embed if diagram else "",
                   "bound": MAX_NETWORK_NODES}
        pages.append(Page(path, "network.md.j2", context))
        if diagram is not None:
            pages.append(embed_page(diagram, f"../../{ENTITY_DIR}/" if not view.slug else f"../../../{ENTITY_DIR}/"))
    return pages


def embed_page(diagram: network.Diagram, prefix: str) -> Page:
    """A stand-alone page with one diagram, for newsrooms' iframes: the site's own CSS, no script."""
    rebased = network.rebase(diagram, prefix)
    depth = diagram.embed.count("/")
    return Page(f"{diagram.embed}index.html", "embed_network.html.j2",
                {"diagram": rebased, "root": "../" * depth, "page": network.site_url()})


def entity_diagrams(inv: Investigation, derived: analysis.Derived,
                    entity_ids: Iterable[str] | None = None) -> dict[str, network.Diagram]:
    """Every entity's neighbourhood diagram (or those of ``entity_ids``), laid out in a few Graphviz runs."""
    graphs = {}
    for entity_id in sorted(inv.entities if entity_ids is None else entity_ids):
        graph = rows.neighbourhood_graph(inv, derived, entity_id, embed=f"{EMBED_DIR}/{entity_id}/")
        if graph is not None:
            graphs[entity_id] = graph
    return dict(zip(graphs, network.layout_many(list(graphs.values())), strict=True))


MAX_PATHS_LISTED = 500


def paths_page(inv: Investigation, derived: analysis.Derived) -> Page:
    """Every chain, longest first; capped so that the page stays readable at scale."""
    ranked = sorted(derived.paths, key=lambda p: (-len(p.nodes), p.relations))
    items = tuple(rows.path_row(inv, p, PREFIX) for p in ranked[:MAX_PATHS_LISTED])
    context = {"meta": front_matter("Supply chains", boost=LIST_SEARCH_BOOST), "paths": items, "total": len(ranked),
               "footnotes": footnotes(inv, [src for row in items for src in row.sources], prefix=PREFIX)}
    return Page(f"{BROWSE_DIR}/supply-chains.md", "paths.md.j2", context)


def countries_page(inv: Investigation) -> Page:
    by_country: dict[str, list[Entity]] = {}
    for entity in inv.entities.values():
        if entity.kind != "source":
            by_country.setdefault(entity.country or "", []).append(entity)
    groups = tuple(
        (country_name(code) or "No country given", code,
         tuple(link(inv, e.id, PREFIX) for e in sorted(items, key=lambda e: e.name.casefold())))
        for code, items in sorted(by_country.items(), key=lambda kv: (kv[0] == "", country_name(kv[0]) or "")))
    return Page(f"{BROWSE_DIR}/countries.md", "countries.md.j2",
                {"meta": front_matter("By country", boost=LIST_SEARCH_BOOST), "groups": groups})


def unsanctioned_page(inv: Investigation) -> Page:
    """Parties named in the reporting that no authority lists (listed or delisted)."""
    items = tuple(
        (link(inv, e.id, PREFIX), country_name(e.country),
         "; ".join(s.SANCTION_STATUSES[x.status].label.lower() + (f" by {inv.name(x.authority)}" if x.authority else "")
                   for x in e.sanctions) or None)
        for e in sorted(inv.entities.values(), key=lambda e: e.name.casefold())
        if e.kind in s.PARTY_KINDS and not e.unnamed and not any(x.status in ("listed", "delisted")
                                                                    for x in e.sanctions))
    return Page(f"{BROWSE_DIR}/not-sanctioned.md", "unsanctioned.md.j2",
                {"meta": front_matter("Named but not sanctioned", boost=LIST_SEARCH_BOOST), "items": items})


def tags_page() -> Page:
    return Page(f"{BROWSE_DIR}/tags.md", "tags.md.j2", {"meta": front_matter("By tag", boost=LIST_SEARCH_BOOST)})


def downloads_page(inv: Investigation) -> Page:
    relations = sum(len(e.relations) for e in inv.entities.values())
    files = (
        ("entities.json", "every card, normalised: one JSON object per entity, with its relations and sanctions",
         len(inv.entities)),
        ("entities.csv", "one row per entity", len(inv.entities)),
        ("relations.csv", "one row per relation, with the ids of its source cards", relations),
        ("locations.geojson", "every place as a GeoJSON point, with the entities based there",
         len(inv.of_kind("location"))),
        ("entities.ftm.json", "FollowTheMoney entity JSON lines, for Aleph, OpenSanctions tools and followthemoney",
         None),
    )
    rows_ = tuple((md_link(name, f"../data/{name}"), what, f"{count:,}" if count is not None else "")
                  for name, what, count in files)
    return Page(f"{BROWSE_DIR}/downloads.md", "downloads.md.j2",
                {"meta": front_matter("Downloads", boost=LIST_SEARCH_BOOST), "files": rows_})
