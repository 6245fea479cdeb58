"""Network diagrams: graphs laid out by Graphviz, as data for the render stage to print.

Layout is Graphviz's ``neato`` (stress majorisation from a fixed seed) with
``overlap=prism`` removing overlaps between node boxes that include their
labels, and ``splines=true`` routing every edge around the other nodes'
boxes. Graphviz never sees card text: nodes are named ``n0``, ``n1``... and
sized from an estimate of their label's width. The result is a
:class:`Diagram` in CSS pixels (one SVG unit is one pixel at natural size);
``render/templates/diagram.html.j2`` prints it. Identical input gives
identical output; nothing is cached.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from build_scripts import schema as s
from build_scripts.base.settings import SITE_URL

FONT_SIZE = 13.0  # SVG units; the page never draws the SVG below MIN_SCALE of its natural width
MIN_FONT_PX = 11.0
MIN_SCALE = MIN_FONT_PX / FONT_SIZE
LINE_HEIGHT = 15.0
LABEL_GAP = 3.0  # between a circle and its label
RADIUS, FOCUS_RADIUS = 7.0, 10.0
PAD = 4.0  # around each node's box; Graphviz keeps SEP more between boxes
SEP = 8
MARGIN = 8.0  # around the drawing
WRAP = 22  # characters per label line before wrapping at a space
TIMEOUT = 120  # seconds for one Graphviz run
BATCH = 200  # graphs per Graphviz run

KIND_COLOURS = {"company": "#1565c0", "organization": "#6a1b9a", "public-body": "#2e7d32", "person": "#ef6c00",
                "location": "#546e7a", "source": "#78909c"}
GROUP_COLOURS = {"Ownership and control": "#37474f", "Supply and trade": "#c62828", "Agreements": "#00838f",
                 "People": "#ad1457", "Places": "#6d4c41"}
DASHES = {"official": "", "reported": "9 5", "alleged": "1.5 4.5", "disputed": "12 4 1.5 4"}
STATUS_WIDTH = {"official": 2.2, "reported": 2.0, "alleged": 2.4, "disputed": 2.0}


def site_url() -> str:
    """The published address as mkdocs.yml reads it (CI sets SITE_URL), for embed snippets."""
    return SITE_URL


class DiagramError(Exception):
    """Graphviz is missing or failed; the message says what to do."""


# --- the graph, before layout --------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    href: str
    focus: bool = False


@dataclass(frozen=True)
class Edge:
    """One line of the drawing: a relation, or one hop of it when it went through intermediaries."""

    source: str
    target: str
    type: str
    status: str
    title: str  # the relation in words, with its status
    date: str = ""
    relation: int = 0  # index into Graph.relations


@dataclass(frozen=True)
class Relation:
    """A row of the diagram's text equivalent."""

    subject: str
    target: str
    via: tuple[str, ...]
    type: str
    label: str  # the relation type in words: "supplied goods to"
    status: str
    date: str
    description: str


@dataclass(frozen=True)
class Graph:
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    relations: tuple[Relation, ...] = ()
    key: str = "network-diagram"  # a page-unique id: element ids in the SVG start with it
    embed: str = ""  # the stand-alone page's path under docs/, if any


# --- the laid-out diagram ------------------------------------------------------------------------

@dataclass(frozen=True)
class Box:
    x: float  # left
    y: float  # top
    width: float
    height: float

    def overlaps(self, other: Box) -> bool:
        return (self.x < other.x + other.width and other.x < self.x + self.width
                and self.y < other.y + other.height and other.y < self.y + self.height)


@dataclass(frozen=True)
class PlacedNode:
    id: str
    label: str
    lines: tuple[str, ...]
    kind: str
    kind_label: str
    href: str
    focus: bool
    x: float
    y: float
    radius: float
    colour: str
    label_box: Box

    @property
    def line_ys(self) -> tuple[float, ...]:
        """Baselines of the label's lines."""
        top = self.label_box.y
        return tuple(round(top + (i + 1) * LINE_HEIGHT - 3.5, 1) for i in range(len(self.lines)))


@dataclass(frozen=True)
class PlacedEdge:
    source: str
    target: str
    type: str
    group: str
    status: str
    date: str
    description: str
    relation: int
    points: tuple[tuple[float, float], ...]  # a cubic Bézier spline: start, then three points per piece
    colour: str
    dash: str
    width: float

    @property
    def d(self) -> str:
        """The SVG path data."""
        (x0, y0), rest = self.points[0], self.points[1:]
        pieces = [f"M{x0:.1f},{y0:.1f}"]
        for i in range(0, len(rest), 3):
            pieces.append("C" + " ".join(f"{x:.1f},{y:.1f}" for x, y in rest[i:i + 3]))
        return "".join(pieces)

    def sample(self, per_piece: int = 16) -> list[tuple[float, float]]:
        """Points along the spline, for geometry checks."""
        out = [self.points[0]]
        for i in range(0, len(self.points) - 1, 3):
            p0, p1, p2, p3 = self.points[i:i + 4]
            for k in range(1, per_piece + 1):
                t = k / per_piece
                a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
                out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                            a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
        return out


@dataclass(frozen=True)
class LegendEntry:
    kind: str  # "node", "group" or "status"
    key: str
    label: str
    colour: str = ""
    dash: str = ""


@dataclass(frozen=True)
class Diagram:
    key: str
    title: str
    width: float
    height: float
    nodes: tuple[PlacedNode, ...]
    edges: tuple[PlacedEdge, ...]
    relations: tuple[Relation, ...]
    legend: tuple[LegendEntry, ...]
    names: dict[str, tuple[str, str]]  # node id -> (name, href), for the table
    embed: str = ""

    @property
    def min_width(self) -> int:
        """The narrowest the page may draw it so that labels stay at MIN_FONT_PX or larger."""
        return math.ceil(self.width * MIN_SCALE)


# --- label metrics -------------------------------------------------------------------------------

_NARROW = set("ijlI.,:;'|!()[]{}")
_SEMI = set("frt -/\"1")
_WIDE = set("mwMW@%")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """A generous estimate of ``text``'s width in a sans-serif font (DejaVu Sans is the widest common one)."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.34
        elif char in _SEMI:
            em += 0.44
        elif char in _WIDE:
            em += 0.98
        elif char.isupper() or char.isdigit() or not char.isascii():
            em += 0.74
        else:
            em += 0.62
    return em * size * 1.04


def wrap(label: str, width: int = WRAP) -> tuple[str, ...]:
    """The label in lines of about ``width`` characters, broken at spaces; never cut."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines) or ("",)


# --- Graphviz ------------------------------------------------------------------------------------

def _node_size(node: Node) -> tuple[float, float, float, tuple[str, ...]]:
    """Radius, box width and box height (centred on the circle, label below) and the label's lines."""
    radius = FOCUS_RADIUS if node.focus else RADIUS
    lines = wrap(node.label)
    label_w = max(text_width(line) for line in lines)
    half_h = radius + LABEL_GAP + LINE_HEIGHT * len(lines)
    return radius, max(label_w, 2 * radius) + 2 * PAD, 2 * (half_h + PAD), lines


def _dot(graph: Graph, index: int) -> str:
    ids = {n.id: f"n{i}" for i, n in enumerate(graph.nodes)}
    out = [f"digraph g{index} {{",
           f'graph [overlap=prism, overlap_scaling=0, sep="+{SEP}", esep="+{SEP // 2}", splines=true, '
           'start=1, epsilon=0.0001, outputorder=edgesfirst];',
           'node [shape=box, fixedsize=true, label=""];', "edge [arrowhead=none, len=0.3];"]
    for node in graph.nodes:
        _, width, height, _ = _node_size(node)
        out.append(f"{ids[node.id]} [width={width / 72:.4f}, height={height / 72:.4f}];")
    for edge in graph.edges:
        out.append(f"{ids[edge.source]} -> {ids[edge.target]};")
    out.append("}")
    return "\n".join(out)


def _neato() -> str:
    found = shutil.which("neato")
    if not found:
        raise DiagramError("Graphviz is needed to lay out network diagrams and 'neato' was not found; "
                           "run `make system-deps` as root, or: sudo apt-get install graphviz")
    return found


def _run(graphs: Sequence[Graph], offset: int) -> list[dict[str, Any]]:
    text = "\n".join(_dot(g, offset + i) for i, g in enumerate(graphs))
    try:
        done = subprocess.run([_neato(), "-Tjson"], input=text, capture_output=True, text=True,
                              timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise DiagramError(f"Graphviz took more than {TIMEOUT} s to lay out {len(graphs)} diagrams") from error
    if done.returncode != 0:
        raise DiagramError(f"Graphviz failed (exit {done.returncode}): {done.stderr.strip()[:500]}")
    decoder, at, raw = json.JSONDecoder(), 0, done.stdout
    out: list[dict[str, Any]] = []
    while True:
        while at < len(raw) and raw[at].isspace():
            at += 1
        if at >= len(raw):
            break
        obj, at = decoder.raw_decode(raw, at)
        out.append(obj)
    if len(out) != len(graphs):
        raise DiagramError(f"Graphviz returned {len(out)} layouts for {len(graphs)} diagrams")
    return out


def _points(text: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",")[:2] for p in text.split() if p[:2] not in ("e,", "s,"))]


def _toward(a: tuple[float, float], b: tuple[float, float], distance: float) -> tuple[float, float]:
    length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
    return (a[0] + (b[0] - a[0]) * distance / length, a[1] + (b[1] - a[1]) * distance / length)


def _line(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
    """A straight piece as a cubic: the two control points on the line."""
    return [((2 * a[0] + b[0]) / 3, (2 * a[1] + b[1]) / 3), ((a[0] + 2 * b[0]) / 3, (a[1] + 2 * b[1]) / 3), b]


def _legend(nodes: Sequence[PlacedNode], edges: Sequence[PlacedEdge]) -> tuple[LegendEntry, ...]:
    kinds = {n.kind for n in nodes}
    groups = {e.group for e in edges}
    statuses = {e.status for e in edges}
    entries = [LegendEntry("node", k, s.KINDS[k].plural, KIND_COLOURS[k]) for k in KIND_COLOURS if k in kinds]
    order = list(dict.fromkeys(t.group for t in s.RELATION_TYPES.values()))
    for group in (g for g in order if g in groups):  # "Supply and trade: supplied goods to, ..."
        used = dict.fromkeys(s.RELATION_TYPES[e.type].label for e in edges if e.group == group)
        entries.append(LegendEntry("group", group, f"{group}: {', '.join(used)}", GROUP_COLOURS.get(group, "#607d8b")))
    entries += [LegendEntry("status", st, s.CLAIM_STATUSES[st].label, "#37474f", DASHES[st])
                for st in s.CLAIM_STATUSES if st in statuses]
    return tuple(entries)


def _diagram(graph: Graph, data: dict[str, Any]) -> Diagram:
    x0, y0, x1, y1 = (float(v) for v in data["bb"].split(","))
    objects = data.get("objects", [])
    placed: dict[str, PlacedNode] = {}
    for i, node in enumerate(graph.nodes):
        obj = objects[i]
        assert obj["name"] == f"n{i}"
        gx, gy = (float(v) for v in obj["pos"].split(","))
        x, y = round(gx - x0 + MARGIN, 1), round(y1 - gy + MARGIN, 1)
        radius, _, _, lines = _node_size(node)
        label_w = max(text_width(line) for line in lines)
        box = Box(round(x - label_w / 2, 1), round(y + radius + LABEL_GAP, 1), round(label_w, 1),
                  LINE_HEIGHT * len(lines))
        placed[node.id] = PlacedNode(node.id, node.label, lines, node.kind, s.KINDS[node.kind].label, node.href,
                                     node.focus, x, y, radius, KIND_COLOURS.get(node.kind, "#78909c"), box)
    index = {node.id: i for i, node in enumerate(graph.nodes)}
    routed: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for gv in data.get("edges", []):  # Graphviz lists edges in its own order
        routed.setdefault((int(gv["tail"]), int(gv["head"])), []).append(gv)
    edges = []
    for edge in graph.edges:
        gv = routed[(index[edge.source], index[edge.target])].pop(0)
        head, tail = placed[edge.target], placed[edge.source]
        spline = [(round(px - x0 + MARGIN, 2), round(y1 - py + MARGIN, 2)) for px, py in _points(gv["pos"])]
        # Graphviz clips the spline at the nodes' boxes; join it to the circles with straight pieces
        # inside the boxes, where no other node can be.
        start = _toward((tail.x, tail.y), spline[0], tail.radius + 1)
        end = _toward((head.x, head.y), spline[-1], head.radius + 2)
        points = [start, *_line(start, spline[0]), *spline[1:], *_line(spline[-1], end)]
        group = s.RELATION_TYPES[edge.type].group
        edges.append(PlacedEdge(edge.source, edge.target, edge.type, group, edge.status, edge.date, edge.title,
                                edge.relation, tuple(points), GROUP_COLOURS.get(group, "#607d8b"),
                                DASHES.get(edge.status, ""), STATUS_WIDTH.get(edge.status, 2.0)))
    nodes = tuple(sorted(placed.values(), key=lambda n: n.id))
    names = {n.id: (n.label, n.href) for n in graph.nodes}
    return Diagram(graph.key, graph.title, round(x1 - x0 + 2 * MARGIN, 1), round(y1 - y0 + 2 * MARGIN, 1),
                   nodes, tuple(edges), graph.relations, _legend(nodes, edges), names, graph.embed)


def layout_many(graphs: Sequence[Graph]) -> list[Diagram]:
    """Every graph laid out, in order: Graphviz runs once per BATCH graphs, batches in parallel."""
    if not graphs:
        return []
    batches = [(graphs[i:i + BATCH], i) for i in range(0, len(graphs), BATCH)]
    workers = max(1, min(len(batches), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda batch: _run(*batch), batches))
    return [_diagram(g, d) for (batch, _), result in zip(batches, results, strict=True)
            for g, d in zip(batch, result, strict=True)]


def layout(graph: Graph) -> Diagram:
    return layout_many([graph])[0]


def rebase(diagram: Diagram, prefix: str) -> Diagram:
    """The same drawing with node links from another folder (``prefix`` + id + "/")."""
    nodes = tuple(replace(n, href=f"{prefix}{n.id}/") for n in diagram.nodes)
    names = {k: (name, f"{prefix}{k}/") for k, (name, _) in diagram.names.items()}
    return replace(diagram, nodes=nodes, names=names)


CLEARANCE = 2.0  # px an edge keeps from any node it does not join, beyond the node's radius


def faults(diagram: Diagram) -> list[str]:
    """What breaks the diagram's guarantees: edges near nodes they do not join, overlapping labels,
    labels outside the canvas. Empty when the drawing is sound."""
    out = []
    nodes = diagram.nodes
    for edge in diagram.edges:
        samples = edge.sample()
        for node in nodes:
            if node.id in (edge.source, edge.target):
                continue
            limit = node.radius + CLEARANCE
            # a cheap bounding-box test first
            if all(abs(x - node.x) > limit or abs(y - node.y) > limit for x, y in samples):
                continue
            near = min(math.hypot(x - node.x, y - node.y) for x, y in samples)
            if near < limit:
                out.append(f"{diagram.title}: the line '{edge.description}' passes {near:.1f} px from "
                           f"the centre of '{node.label}'")
    boxes = sorted(nodes, key=lambda n: n.label_box.x)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b.label_box.x >= a.label_box.x + a.label_box.width:
                break
            if a.label_box.overlaps(b.label_box):
                out.append(f"{diagram.title}: the labels of '{a.label}' and '{b.label}' overlap")
    for node in nodes:
        box = node.label_box
        if box.x < 0 or box.y < 0 or box.x + box.width > diagram.width or box.y + box.height > diagram.height:
            out.append(f"{diagram.title}: the label of '{node.label}' leaves the canvas")
    return out
