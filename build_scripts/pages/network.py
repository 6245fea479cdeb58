"""Network diagrams as inline SVG, laid out at build time (no diagram library, no CDN).

The layout is a deterministic force-directed one (Fruchterman-Reingold,
started from a circle in sorted order), so identical input gives identical
SVG. Nodes link to their pages; every label and title is XML-escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from build_scripts import schema as s

KIND_COLOURS = {"company": "#1565c0", "organization": "#6a1b9a", "public-body": "#2e7d32", "person": "#ef6c00",
                "location": "#546e7a"}
EDGE_COLOURS = {"supplied": "#b71c1c", "transferred-data": "#4a148c"}
DASHES = {"alleged": "6 4", "disputed": "2 4"}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    href: str
    focus: bool = False


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    type: str
    status: str
    title: str


@dataclass(frozen=True)
class Graph:
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def _components(graph: Graph) -> list[list[str]]:
    """Connected components, largest first, each sorted."""
    adjacency: dict[str, set[str]] = {n.id: set() for n in graph.nodes}
    for edge in graph.edges:
        adjacency[edge.source].add(edge.target)
        adjacency[edge.target].add(edge.source)
    seen: set[str] = set()
    components = []
    for start in sorted(adjacency):
        if start in seen:
            continue
        stack, members = [start], []
        seen.add(start)
        while stack:
            node = stack.pop()
            members.append(node)
            for other in sorted(adjacency[node] - seen):
                seen.add(other)
                stack.append(other)
        components.append(sorted(members))
    return sorted(components, key=lambda c: (-len(c), c[0]))


def _force_layout(nodes: list[str], links: list[tuple[str, str]], iterations: int = 200) -> dict[str, list[float]]:
    """Fruchterman-Reingold in a unit square, from a deterministic circle (vectorised)."""
    import numpy as np

    count = len(nodes)
    if count == 1:
        return {nodes[0]: [0.0, 0.0]}
    angle = 2 * np.pi * np.arange(count) / count
    pos = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    index = {n: i for i, n in enumerate(nodes)}
    pairs = np.array([(index[a], index[b]) for a, b in links], dtype=int).reshape(-1, 2)
    k = 1.0 / np.sqrt(count)
    temperature = 0.1
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist2 = np.maximum((delta ** 2).sum(axis=2), 1e-6)
        np.fill_diagonal(dist2, np.inf)
        move = (delta * (k * k / dist2)[:, :, None]).sum(axis=1)
        if len(pairs):
            d = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            pull = d * (np.sqrt((d ** 2).sum(axis=1)) / k)[:, None]
            np.add.at(move, pairs[:, 0], -pull)
            np.add.at(move, pairs[:, 1], pull)
        length = np.maximum(np.sqrt((move ** 2).sum(axis=1)), 1e-9)
        pos += move / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature = max(0.001, temperature * 0.97)
    return {n: [float(pos[i, 0]), float(pos[i, 1])] for i, n in enumerate(nodes)}


def radial_layout(graph: Graph, width: float, height: float) -> dict[str, tuple[float, float]]:
    """The focus in the middle, its neighbours on a ring, theirs on an outer ring, in O(n)."""
    focus = next((n.id for n in graph.nodes if n.focus), sorted(n.id for n in graph.nodes)[0])
    neighbours: dict[str, set[str]] = {n.id: set() for n in graph.nodes}
    for edge in graph.edges:
        neighbours[edge.source].add(edge.target)
        neighbours[edge.target].add(edge.source)
    labels = {n.id: n.label.casefold() for n in graph.nodes}
    ring1 = sorted(neighbours[focus] - {focus}, key=lambda n: (labels[n], n))
    parent = {}
    for i, node in enumerate(ring1):
        for other in sorted(neighbours[node]):
            if other != focus and other not in ring1:
                parent.setdefault(other, i)
    ring2 = sorted((n for n in neighbours if n != focus and n not in ring1),
                   key=lambda n: (parent.get(n, len(ring1)), labels[n], n))
    cx, cy = width / 2, height / 2
    pos = {focus: (cx, cy)}
    rings = [(ring1, 0.5), (ring2, 1.0)] if ring2 else [(ring1, 1.0)]
    for ring, scale in rings:
        for i, node in enumerate(ring):
            angle = -math.pi / 2 + 2 * math.pi * (i + (0.5 if scale == 1.0 and ring2 else 0)) / len(ring)
            pos[node] = (round(cx + math.cos(angle) * (cx - 100) * scale, 1),
                         round(cy + math.sin(angle) * (cy - 28) * scale, 1))
    return pos


def force_layout(graph: Graph, width: float, max_height: float = 1400) -> tuple[dict[str, tuple[float, float]], float]:
    """Positions in a canvas ``width`` wide, and the height the layout needs.

    Each connected component is laid out on its own, in a box whose side grows
    with the square root of its size; boxes are packed in rows.
    """
    links = [(e.source, e.target) for e in graph.edges if e.source != e.target]
    components = _components(graph)
    total = sum(len(c) for c in components)
    row_width = max(math.sqrt(total) * 1.6, math.sqrt(len(components[0])) if components else 1)
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for members in components:
        side = math.sqrt(len(members))
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        member_set = set(members)
        pos = _force_layout(members, [(a, b) for a, b in links if a in member_set])
        xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
        span_x, span_y = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1
        for n, p in pos.items():
            fx = (p[0] - min(xs)) / span_x if len(members) > 1 else 0.5
            fy = (p[1] - min(ys)) / span_y if len(members) > 1 else 0.5
            placed[n] = (x + 0.15 + fx * (side - 0.3), y + 0.15 + fy * (side - 0.3))
        x += side
        row_height = max(row_height, side)
    used_width = max((p[0] for p in placed.values()), default=1) + 0.15
    used_height = y + row_height
    margin_x, margin_y = 90, 24
    scale = (width - 2 * margin_x) / max(used_width, 1e-9)
    height = round(min(max(used_height * scale, 160), max_height) + 2 * margin_y)
    scale_y = (height - 2 * margin_y) / max(used_height, 1e-9)
    return ({n: (round(margin_x + p[0] * scale, 1), round(margin_y + p[1] * min(scale, scale_y), 1))
             for n, p in placed.items()}, height)


def svg(graph: Graph, width: int = 760, max_height: int = 1400, layout: str = "radial") -> Markup:
    """The graph as an accessible inline SVG, one line per element, no blank lines.

    ``radial`` suits the neighbourhood of one focus node; ``force`` a whole network.
    """
    if layout == "radial":
        height = min(max_height, 380)
        pos = radial_layout(graph, width, height)
    else:
        pos, height = force_layout(graph, width, max_height)
    out = [f'<svg class="network" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(graph.title)}" font-size="11" font-family="sans-serif" '
           f'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">',
           f"<title>{escape(graph.title)}</title>",
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="20" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#607d8b"/></marker></defs>']
    for edge in graph.edges:
        (x1, y1), (x2, y2) = pos[edge.source], pos[edge.target]
        dash = f' stroke-dasharray="{DASHES[edge.status]}"' if edge.status in DASHES else ""
        out.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{EDGE_COLOURS.get(edge.type, "#90a4ae")}"'
                   f' stroke-width="1.6"{dash} marker-end="url(#arrow)"><title>{escape(edge.title)}</title></line>')
    for node in sorted(graph.nodes, key=lambda n: n.id):
        x, y = pos[node.id]
        radius = 9 if node.focus else 6
        label = node.label if len(node.label) <= 28 else node.label[:27] + "…"
        ring = ' stroke="#d84315" stroke-width="3"' if node.focus else ""
        # xlink:href, not href: Material's instant navigation rewrites every [href], which SVG links forbid.
        out.append(f'<a xlink:href="{escape(node.href)}"><title>{escape(node.label)} '
                   f'({escape(s.KINDS[node.kind].label)})</title>'
                   f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{KIND_COLOURS.get(node.kind, "#78909c")}"'
                   f'{ring}/>'
                   f'<text x="{x}" y="{round(y - radius - 4, 1)}" text-anchor="middle">{escape(label)}</text></a>')
    out.append("</svg>")
    # Labels repeat names found elsewhere on the page: keep them out of the search index.
    return Markup('<div class="network-diagram" data-search-exclude="1">' + "".join(out) + "</div>")
