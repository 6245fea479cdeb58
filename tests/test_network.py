"""Network diagrams: deterministic, inside the canvas, escaped, linked."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from build_scripts.pages.network import Edge, Graph, Node, force_layout, radial_layout, svg


def chain(n: int, extra: int = 0) -> Graph:
    nodes = tuple(Node(f"n{i}", f"Node <{i}>", "company", f"../n{i}/") for i in range(n + extra))
    edges = tuple(Edge(f"n{i}", f"n{i + 1}", "supplied", "reported", f"n{i} to n{i + 1}") for i in range(n - 1))
    return Graph("A <graph>", nodes, edges)


def test_layout_is_deterministic_and_inside_the_canvas():
    graph = chain(30, extra=10)  # 40 nodes, 11 components
    first, height = force_layout(graph, 760)
    assert (first, height) == force_layout(graph, 760)
    assert len(first) == 40
    assert all(90 <= x <= 670 and 24 <= y <= height - 24 for x, y in first.values())


def test_nodes_do_not_pile_up_at_40():
    positions, _ = force_layout(chain(40), 760)
    points = sorted(positions.values())
    closest = min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
                  for i, a in enumerate(points) for b in points[i + 1:])
    assert closest > 8  # circles of radius 6 stay apart


def test_svg_is_valid_xml_with_escaped_text_and_links():
    out = str(svg(chain(3)))
    root = etree.fromstring(out)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}svg").get("aria-label") == "A <graph>"
    labels = [t.text for t in root.iter(f"{ns}text")]
    assert labels == ["Node <0>", "Node <1>", "Node <2>"]
    xlink = "{http://www.w3.org/1999/xlink}href"
    assert [a.get(xlink) for a in root.iter(f"{ns}a")] == ["../n0/", "../n1/", "../n2/"]
    assert all(a.get("href") is None for a in root.iter(f"{ns}a"))  # see network.svg
    assert "<script" not in out and "\n\n" not in out
    assert len(re.findall(r"<line ", out)) == 2


def test_radial_layout_puts_the_focus_in_the_middle_and_neighbours_on_rings():
    nodes = (Node("f", "Focus", "company", "f/", True),) + tuple(
        Node(f"n{i}", f"N{i}", "company", f"n{i}/") for i in range(6))
    edges = tuple(Edge("f", f"n{i}", "supplied", "reported", "x") for i in range(4)) + (
        Edge("n0", "n4", "owns", "reported", "x"), Edge("n4", "n5", "owns", "reported", "x"))
    pos = radial_layout(Graph("g", nodes, edges), 760, 380)
    assert pos["f"] == (380, 190)
    inner = [((x - 380) / 280) ** 2 + ((y - 190) / 162) ** 2 for n, (x, y) in pos.items() if n in ("n0", "n1", "n2")]
    outer = [((x - 380) / 280) ** 2 + ((y - 190) / 162) ** 2 for n, (x, y) in pos.items() if n in ("n5",)]
    assert all(abs(r - 0.25) < 0.01 for r in inner) and all(abs(r - 1) < 0.01 for r in outer)
    assert len(set(pos.values())) == len(pos)
