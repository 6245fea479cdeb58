"""Stage 4: what the overview pages show: indexes by kind, the overview map, and more."""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup, escape

from build_scripts import schema as s
from build_scripts.model import analysis
from build_scripts.model.entities import Investigation, PartialDate
from build_scripts.pages import contexts, network, rows
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
    if kind_name == "source":
        header = ("Source", "Publisher", "Date", "Claims resting on it")
        table = tuple((md_link(e.name, f"{PREFIX}{e.id}.md"), e.publisher or "not named",
                       e.date.human() if e.date else "not given", str(len(inv.citing.get(e.id, ()))))
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


def all_pages(inv: Investigation, maps: Mapping[str, MapSpec]) -> list[Page]:
    derived = analysis.derive(inv)
    pages = [contexts.entity_page(inv, derived, e, maps.get(e.id)) for e in inv.entities.values()]
    pages.extend(browse_page(inv, k) for k in s.KINDS)
    pages.append(overview_map_page(inv, maps[""]))
    pages += [sanctions_page(inv), timeline_page(inv, derived), network_page(inv, derived),
              paths_page(inv, derived), countries_page(inv), unsanctioned_page(inv), tags_page(),
              downloads_page(inv)]
    return pages


# --- investigative overviews --------------------------------------------------------------------

UNNAMED_AUTHORITY = "Authority not named in the reports"


def sanctions_page(inv: Investigation) -> Page:
    """Every entity with a sanctions entry against every authority.

    The table is HTML with a ``data-label`` on every cell, so that on a phone each row stacks
    into a card that names every column (site.css); no column hides off-screen.
    """
    subjects = sorted({x.subject for e in inv.entities.values() for x in e.sanctions},
                      key=lambda i: inv.name(i).casefold())
    authorities = sorted({x.authority or "" for e in inv.entities.values() for x in e.sanctions},
                         key=lambda a: (a == "", inv.name(a).casefold() if a else ""))
    header = tuple((md_link(inv.name(a), f"{PREFIX}{a}.md") if a else md_text(UNNAMED_AUTHORITY),
                    escape(inv.name(a) if a else UNNAMED_AUTHORITY)) for a in authorities)
    table, cited = [], []
    for subject in subjects:
        cells = []
        for authority in authorities:
            found = [x for x in inv.entities[subject].sanctions if (x.authority or "") == authority]
            cells.append(Markup("<br>").join(
                sanction_badge(x.status) + (Markup(" ") + md_text(when(x.date) or "") if x.date else Markup(""))
                + (md_text(f", ended {x.end.human()}") if x.end else Markup("")) + Markup(" ") + cite(x.sources)
                for x in found) if found else Markup("—"))
            cited.extend(src for x in found for src in x.sources)
        table.append((link(inv, subject, PREFIX), tuple(zip(cells, (label for _, label in header), strict=True))))
    context = {"meta": front_matter("Sanctions by jurisdiction", boost=LIST_SEARCH_BOOST), "header": header,
               "table": tuple(table),
               "unnamed": any(a == "" for a in authorities), "unnamed_label": UNNAMED_AUTHORITY,
               "footnotes": footnotes(inv, cited, prefix=PREFIX),
               "terms": tuple((t.label, t.doc) for t in s.SANCTION_STATUSES.values())}
    return Page(f"{BROWSE_DIR}/sanctions.md", "sanctions.md.j2", context)


def timeline_page(inv: Investigation, derived: analysis.Derived) -> Page:
    """One heading per year, one per month; entries whose month is not given close their year."""
    years: dict[int, dict[str, list]] = {}
    for entry in derived.timeline:
        parts = entry.date.parts
        heading = show_date(PartialDate(f"{parts[0]}-{parts[1]:02d}")) if len(parts) > 1 else "Month not given"
        years.setdefault(parts[0], {}).setdefault(heading, []).append(rows.timeline_row(inv, entry, PREFIX))
    cited = [src for months in years.values() for items in months.values() for row in items for src in row.sources]
    context = {"meta": front_matter("Timeline", boost=LIST_SEARCH_BOOST),
               "years": tuple((y, tuple((h, tuple(items)) for h, items in m.items())) for y, m in years.items()),
               "footnotes": footnotes(inv, cited, prefix=PREFIX)}
    return Page(f"{BROWSE_DIR}/timeline.md", "timeline.md.j2", context)


MAX_NETWORK_NODES = 150


def network_page(inv: Investigation, derived: analysis.Derived) -> Page:
    """The whole network, or its best-connected parties when it is too large to read."""
    degree = {n: len(rs) for n, rs in derived.touching.items()}
    shown = set(sorted(degree, key=lambda n: (-degree[n], n))[:MAX_NETWORK_NODES])
    edges = tuple(r for e in inv.entities.values() for r in e.relations if r.subject in shown and r.target in shown)
    graph = rows.graph(inv, shown, edges, "Network of the investigation", f"../../{ENTITY_DIR}/")
    context = {"meta": front_matter("Network", boost=LIST_SEARCH_BOOST),
               "svg": network.svg(graph, layout="force") if shown else None,
               "count": len(degree), "shown": len(shown), "links": len(edges)}
    return Page(f"{BROWSE_DIR}/network.md", "network.md.j2", context)


MAX_PATHS_LISTED = 500


def paths_page(inv: Investigation, derived: analysis.Derived) -> Page:
    """Every chain, longest first; capped so that the page stays readable at scale."""
    ranked = sorted(derived.paths, key=lambda p: (-len(p.nodes), p.relations))
    items = tuple(rows.path_row(inv, p, PREFIX) for p in ranked[:MAX_PATHS_LISTED])
    context = {"meta": front_matter("Supply chains", boost=LIST_SEARCH_BOOST), "paths": items, "total": len(ranked),
               "footnotes": footnotes(inv, [src for row in items for src in row.sources], prefix=PREFIX)}
    return Page(f"{BROWSE_DIR}/supply-chains.md", "paths.md.j2", context)


def countries_page(inv: Investigation) -> Page:
    by_country: dict[str, list] = {}
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
