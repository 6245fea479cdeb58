"""Network diagrams: laid out by Graphviz with guarantees checked on the layout data, printed escaped.

The geometry checks (no line near a node it does not join, no overlapping labels, labels inside the
canvas) run on every entity diagram of the seed and of a 1,000-card synthetic investigation.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as etree
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from build_scripts.cards.validate import validate_dir
from build_scripts.model import analysis
from build_scripts.model import entities as model
from build_scripts.pages import overviews, rows
from build_scripts.pages.network import (
    MIN_FONT_PX,
    MIN_SCALE,
    Diagram,
    Edge,
    Graph,
    Node,
    Relation,
    faults,
    layout,
    layout_many,
    text_width,
    wrap,
)
from build_scripts.render.pages import environment

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


def investigation(cards: Path) -> tuple[model.Investigation, analysis.Derived]:
    validation = validate_dir(cards)
    assert validation.ok
    inv = model.build(validation.cards)
    return inv, analysis.derive(inv)


def chain(n: int, label: str = "Node <{i}>") -> Graph:
    nodes = tuple(Node(f"n{i}", label.format(i=i), "company", f"../n{i}/") for i in range(n))
    relations = tuple(Relation(f"n{i}", f"n{i + 1}", (), "supplied", "supplied goods to", "reported", "",
                               f"n{i} to n{i + 1}") for i in range(n - 1))
    edges = tuple(Edge(f"n{i}", f"n{i + 1}", "supplied", "reported", f"n{i} to n{i + 1}", "", i)
                  for i in range(n - 1))
    return Graph("A <graph>", nodes, edges, relations)


def render(diagram: Diagram, embed_url: str = "", standalone: bool = False) -> str:
    env = environment()
    template = env.from_string('{% from "diagram.html.j2" import figure %}'
                               "{{ figure(d, embed_url, standalone) | oneblock }}")
    return template.render(d=diagram, embed_url=embed_url, standalone=standalone)


# --- layout guarantees ---------------------------------------------------------------------------

def test_layout_is_deterministic() -> None:
    graph = chain(12)
    assert layout(graph) == layout(graph)
    assert layout_many([graph, chain(3)])[0] == layout(graph)


def test_the_disputed_chain_is_not_drawn_through_fujian_nanan_baofeng() -> None:
    """The issue's example: Poly's line to Rosoboronexport ran straight through Fujian Nanan Baofeng."""
    inv, derived = investigation(ROOT / "entities")
    diagram = layout(rows.neighbourhood_graph(inv, derived, "fujian-nanan-baofeng"))
    assert faults(diagram) == []
    poly = next(e for e in diagram.edges if e.source == "poly-technologies")
    fujian = next(n for n in diagram.nodes if n.id == "fujian-nanan-baofeng")
    assert min(((x - fujian.x) ** 2 + (y - fujian.y) ** 2) ** 0.5 for x, y in poly.sample()) > fujian.radius + 2
    hops = [(e.source, e.target, e.status) for e in diagram.edges if e.status == "disputed"]
    assert hops == [("fujian-nanan-baofeng", "uzbek-state-defense-firm", "disputed"),
                    ("uzbek-state-defense-firm", "rosoboronexport", "disputed")]


def test_every_seed_diagram_keeps_its_guarantees() -> None:
    inv, derived = investigation(ROOT / "entities")
    diagrams = overviews.entity_diagrams(inv, derived)
    assert len(diagrams) >= 20
    for page in overviews.network_pages(inv):
        if page.template == "network.md.j2" and page.context["diagram"]:
            diagrams[page.path] = page.context["diagram"]
    found = [fault for d in diagrams.values() for fault in faults(d)]
    assert found == []


def test_every_diagram_of_a_1000_card_investigation_keeps_its_guarantees(tmp_path: Path) -> None:
    done = run_cli("synth", "--entities", "1000", "--seed", "1", str(tmp_path / "cards"))
    assert done.returncode == 0, done.stderr
    inv, derived = investigation(tmp_path / "cards")
    diagrams = overviews.entity_diagrams(inv, derived)
    assert len(diagrams) > 500
    assert [fault for d in diagrams.values() for fault in faults(d)] == []
    pages = [p for p in overviews.network_pages(inv) if p.template == "network.md.j2"]
    whole = pages[0].context
    assert whole["count"] > overviews.MAX_NETWORK_NODES
    assert whole["shown"] == len(whole["diagram"].nodes) == overviews.OVERVIEW_NODES
    assert len(pages) > 5  # filtered views by status and by relation group
    assert [fault for p in pages if p.context["diagram"] for fault in faults(p.context["diagram"])] == []


def test_faults_are_found_when_they_exist() -> None:
    diagram = layout(chain(3))
    a, b, c = diagram.nodes
    through_b = replace(diagram.edges[0], target="n2", points=((a.x, a.y), (a.x, a.y), (b.x, b.y), (b.x, b.y),
                                                                          (b.x, b.y), (c.x, c.y), (c.x, c.y)))
    on_a = replace(b, label_box=a.label_box)
    broken = replace(diagram, edges=(through_b,), nodes=(a, on_a, c))
    assert faults(broken) == [
        "A <graph>: the line 'n0 to n1' passes 0.0 px from the centre of 'Node <1>'",
        "A <graph>: the labels of 'Node <0>' and 'Node <1>' overlap",
    ]


def test_labels_are_wrapped_never_cut() -> None:
    assert wrap("Wuhan Global Sensor Technology Co., Ltd.") == ("Wuhan Global Sensor", "Technology Co., Ltd.")
    assert wrap("Supercalifragilisticexpialidocious-corporation") == (
        "Supercalifragilisticexpialidocious-corporation",)
    assert text_width("WWW") > text_width("iii") * 2


def test_labels_stay_legible_at_the_narrowest_drawing() -> None:
    diagram = layout(chain(5))
    assert diagram.min_width == -(-diagram.width * MIN_SCALE // 1)
    assert 13 * diagram.min_width / diagram.width >= MIN_FONT_PX


# --- the printed figure --------------------------------------------------------------------------

def test_figure_is_one_escaped_html_block_with_links_legend_and_table() -> None:
    out = render(layout(chain(3)), embed_url="https://example.org/embed/network/x/")
    assert "\n\n" not in out and "<script" not in out
    root = etree.fromstring(out.replace("&nbsp;", " "))
    svg = root.find(f".//{SVG}svg")
    assert svg.get("role") == "group"
    assert svg.find(f"{SVG}title").text == "A <graph>: each line is a link to its row in the table below"
    nodes = [a for a in svg.iter(f"{SVG}a") if a.get("class", "").startswith("node")]
    assert [a.get(XLINK) for a in nodes] == ["../n0/", "../n1/", "../n2/"]
    assert all(a.get("href") is None for a in svg.iter(f"{SVG}a"))  # see the template: xlink:href
    assert [a.get("aria-label") for a in nodes] == ["Node <0> (Company)", "Node <1> (Company)", "Node <2> (Company)"]
    edges = [a for a in svg.iter(f"{SVG}a") if a.get("class", "").startswith("edge")]
    assert [(a.get("aria-label"), a.get(XLINK)) for a in edges] == [("n0 to n1", "#network-diagram-r0"),
                                                                   ("n1 to n2", "#network-diagram-r1")]
    line = edges[0].find(f"{SVG}path[@class='edge-line']")
    assert (line.get("stroke"), line.get("stroke-dasharray"), line.get("marker-end")) == (
        "#c62828", "9 5", "url(#network-diagram-arrow-c62828)")
    marker = svg.find(f".//{SVG}marker[@id='network-diagram-arrow-c62828']/{SVG}path")
    assert marker.get("fill") == "#c62828"  # arrowheads take their line's colour
    legend = [" ".join("".join(li.itertext()).split()) for li in root.iter("li")]
    assert legend == ["Companies", "Supply and trade: supplied goods to", "Reported"]  # only what the drawing uses
    table = root.find(".//table")
    assert [" | ".join(" ".join("".join(td.itertext()).split()) for td in tr) for tr in table.iter("tr")] == [
        "Subject | Relation | Target | Status | Date",
        "Node <0> | supplied goods to | Node <1> | reported | not given",
        "Node <1> | supplied goods to | Node <2> | reported | not given"]
    assert [tr.get("id") for tr in table.find("tbody")] == ["network-diagram-r0", "network-diagram-r1"]
    snippet = root.find(".//details/pre/code").text
    assert snippet.startswith('<iframe src="https://example.org/embed/network/x/" title="A &lt;graph&gt;"')


def test_card_text_cannot_break_out_of_the_figure() -> None:
    diagram = layout(chain(2, label='"><script>alert(1)</script>{i}'))
    out = render(diagram, embed_url="https://example.org/e/", standalone=True)
    assert "<script>" not in out and "&lt;script&gt;" in out
    root = etree.fromstring(out)
    labels = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert labels == ['"><script>alert(1)</script>0', '"><script>alert(1)</script>1']
    assert all(a.get("target") == "_top" for a in root.iter(f"{SVG}a") if "node" in a.get("class", ""))


@pytest.mark.parametrize("status, dash", [("official", None), ("reported", "9 5"), ("alleged", "1.5 4.5"),
                                          ("disputed", "12 4 1.5 4")])
def test_each_status_has_its_own_line(status: str, dash: str | None) -> None:
    graph = chain(2)
    graph = replace(graph, edges=(replace(graph.edges[0], status=status),),
                    relations=(replace(graph.relations[0], status=status),))
    root = etree.fromstring(render(layout(graph)))
    line = root.find(f".//{SVG}path[@class='edge-line']")
    assert line.get("stroke-dasharray") == dash
    legend = [li for li in root.iter("li") if "".join(li.itertext()).strip() == status.capitalize()]
    assert legend and (legend[0].find(".//path").get("stroke-dasharray") == dash)


def test_seed_pages_carry_figures_tables_and_embeds(seed_site: Path) -> None:
    page = (seed_site / "entities/fujian-nanan-baofeng/index.html").read_text()
    assert page.count('<a class="edge') == 3 and page.count('class="diagram-table"') == 1
    assert "Embed this diagram" in page and 'embed/network/fujian-nanan-baofeng/' in page
    embed = (seed_site / "embed/network/fujian-nanan-baofeng/index.html").read_text()
    assert 'xlink:href="../../../entities/rosoboronexport/"' in embed
    # Nothing is loaded from another host: no src at all, stylesheets from the site.
    assert "src=" not in embed and "<script" not in embed
    assert re.findall(r'<link [^>]*href="([^"]+)"', embed) == ["../../../assets/site.css",
                                                               "../../../assets/diagrams.css"]
    assert '<link rel="stylesheet" href="../../../assets/diagrams.css">' in embed
    whole = (seed_site / "browse/network/index.html").read_text()
    assert "Every party linked by all relations in the cards" in whole
    assert (seed_site / "embed/network/index.html").exists()
    assert (seed_site / "browse/network-disputed/index.html").exists()
    assert (seed_site / "embed/network/all--disputed/index.html").exists()


def test_without_graphviz_the_build_says_what_to_do(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git") or "/usr/bin/git")
    done = run_cli("generate", "--cards", str(ROOT / "entities"), "--docs", str(tmp_path / "docs"),
                   env={"PATH": str(bin_dir)})
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "error: Graphviz is needed to lay out network diagrams and 'neato' was not found; "
        "run `make system-deps` as root, or: sudo apt-get install graphviz")
    assert "Traceback" not in done.stderr
