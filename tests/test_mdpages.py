"""Pages converted as MkDocs converts them: the fast path's shortcuts change no byte of the HTML."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from build_scripts.tools.mdpages import _IDLE_PATTERNS, Converter, _Links


def _reference(extensions: list[object], configs: dict[str, object], known: frozenset[str],
               path: str, text: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """Python-Markdown as MkDocs runs it, every inline pattern on and nothing set aside."""
    md = markdown.Markdown(extensions=extensions, extension_configs=configs)
    links = _Links(md, known)
    md.treeprocessors.register(links, "relpath", 0)
    links.path = path
    content = md.convert(get_data(text)[0])
    return content, [(link.target, link.anchor) for link in links.links], links.broken


@pytest.fixture(scope="module")
def setup(seed_site: Path) -> tuple[list[object], dict[str, object], Path, frozenset[str]]:
    project = seed_site.parent
    config = load_config(str(project / "mkdocs.yml"), docs_dir=str(project / "docs"))
    docs = project / "docs"
    known = frozenset(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file())
    return list(config["markdown_extensions"]), dict(config["mdx_configs"]), docs, known


def test_every_page_of_the_seed_converts_byte_for_byte_as_python_markdown_does(setup) -> None:
    extensions, configs, docs, known = setup
    converter = Converter(extensions, configs, known, fast=False)  # entity pages' own path: test_fastpages
    pages = sorted(docs.rglob("*.md"))
    diagrams = 0
    for file in pages:
        path, text = file.relative_to(docs).as_posix(), file.read_text(encoding="utf-8")
        page = converter.convert(path, text)
        content, links, broken = _reference(extensions, configs, known, path, text)
        assert page.content == content, path
        assert [(link.target, link.anchor) for link in page.links] == links, path
        assert page.broken == broken, path
        diagrams += '<div class="diagram"' in text
    assert len(pages) > 80 and diagrams > 30  # entity pages with diagrams, browse, reference, hand-written


@pytest.mark.parametrize(("name", "text"), [
    ("backtick", "Code `x` here."),
    ("escape", "Not \\*emphasis\\*."),
    ("reference", "[Acme][a] and [a].\n\n[a]: https://example.org/"),
    ("image_link", "![a chart](chart.png)"),
    ("autolink", "See <https://example.org/>."),
    ("automail", "Write to <desk@example.org>."),
    ("linebreak", "one  \ntwo"),
])
def test_a_page_that_uses_a_pattern_the_lean_path_drops_gets_every_pattern(setup, name: str, text: str) -> None:
    extensions, configs, _, known = setup
    assert _IDLE_PATTERNS[name].search(text)
    page = Converter(extensions, configs, known).convert("notes.md", f"# Notes\n\n{text}\n")
    assert page.content == _reference(extensions, configs, known, "notes.md", f"# Notes\n\n{text}\n")[0]
    lean = Converter(extensions, configs, known).lean[0]
    assert lean.convert(f"# Notes\n\n{text}\n") != page.content  # the pattern does change this page


def test_a_diagram_block_is_set_aside_and_put_back_as_written(setup) -> None:
    extensions, configs, _, known = setup
    diagram = ('<div class="diagram" id="network-diagram" data-search-exclude="1">\n<svg><a xlink:href="#r0">'
               '<text>*not emphasis* [not](a-link.md)</text></a></svg>\n<p>two</p>\n</div>\n')
    text = f"# Page\n\nBefore.\n\n{diagram}\nAfter *this*.\n"
    page = Converter(extensions, configs, known).convert("page.md", text)
    assert diagram.rstrip("\n") in page.content and "<em>this</em>" in page.content
    assert page.content == _reference(extensions, configs, known, "page.md", text)[0]
    assert "set-aside" not in page.content
