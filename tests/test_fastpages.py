"""Entity pages converted without Python-Markdown: the same HTML, table of contents and links."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from conftest import ROOT, run_cli
from mkdocs.utils.meta import get_data

from build_scripts.tools import fastpages
from build_scripts.tools.mdpages import Converted, Converter, _Links

EXTENSIONS: list[object] = ["toc", "tables", "fenced_code", "footnotes", "admonition", "md_in_html"]
CONFIGS = {"toc": {"permalink": True}}


def reading_order(html: str) -> str:
    """Back-link ids of a source cited more than once (fnref2:, fnref3:) without their numbers: the
    fast path numbers them in reading order, Python-Markdown in the order its tree walk meets them."""
    return re.sub(r"fnref\d*:", "fnref:", html)


def _toc(page: Converted) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []

    def walk(items: list) -> None:
        for item in items:
            out.append((item.level, item.id, item.title))
            walk(item.children)

    walk(list(page.toc))
    return out


class Plain:
    """Python-Markdown as MkDocs runs it: every inline pattern, nothing set aside, no fast path."""

    def __init__(self, known: frozenset[str]) -> None:
        self.md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
        self.links = _Links(self.md, known)
        self.md.treeprocessors.register(self.links, "relpath", 0)

    def convert(self, path: str, text: str) -> Converted:
        body, meta = get_data(text)
        self.md.reset()
        self.links.path, self.links.links, self.links.broken = path, [], []
        content = self.md.convert(body)
        return Converter._converted(path, meta, content, getattr(self.md, "toc_tokens", []), self.links)


def assert_same(mine: Converted, theirs: Converted, path: str) -> None:
    assert reading_order(mine.content) == reading_order(theirs.content), path
    assert _toc(mine) == _toc(theirs), path
    assert mine.title == theirs.title and mine.meta == theirs.meta, path
    assert {reading_order(i) for i in mine.ids} == {reading_order(i) for i in theirs.ids}, path
    assert mine.broken == theirs.broken, path
    other = {(link.target, link.anchor) for link in theirs.links if link.target != path}
    assert {(link.target, link.anchor) for link in mine.links if link.target != path} == other, path
    refs = re.findall(r'<sup id="(fnref\d*:[^"]+)"', mine.content)
    assert len(refs) == len(set(refs)), path  # every reference its own id, every back-link to one
    assert set(re.findall(r'class="footnote-backref" href="#([^"]+)"', mine.content)) == set(refs), path


def takes_fast_path(text: str) -> bool:
    try:
        fastpages.convert(get_data(text)[0], lambda url: url)
    except fastpages.Unsupported:
        return False
    return True


def same_as_python_markdown(docs: Path) -> tuple[int, int]:
    """Every entity page under ``docs`` converted both ways: (pages the fast path took, pages)."""
    known = frozenset(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file())
    fast, plain = Converter(EXTENSIONS, CONFIGS, known), Plain(known)
    taken = total = 0
    for file in sorted((docs / "entities").glob("*.md")):
        path, text = file.relative_to(docs).as_posix(), file.read_text(encoding="utf-8")
        taken += takes_fast_path(text)
        total += 1
        assert_same(fast.convert(path, text), plain.convert(path, text), path)
    return taken, total


def test_every_entity_page_of_the_seed_converts_as_python_markdown_converts_it(seed_site: Path) -> None:
    taken, total = same_as_python_markdown(seed_site.parent / "docs")
    assert total == len(list((ROOT / "entities").rglob("*.yaml")))
    assert taken == total, "an entity page holds a shape tools/fastpages.py does not know: teach it the shape"


def test_a_synthetic_investigation_converts_as_python_markdown_converts_it(tmp_path: Path) -> None:
    assert run_cli("synth", "--entities", "300", str(tmp_path / "cards")).returncode == 0
    done = run_cli("generate", "--cards", str(tmp_path / "cards"), "--docs", str(tmp_path / "docs"))
    assert done.returncode == 0, done.stderr
    taken, total = same_as_python_markdown(tmp_path / "docs")
    assert total == 300
    assert taken == total, "an entity page holds a shape tools/fastpages.py does not know: teach it the shape"


@pytest.mark.parametrize(("shape", "body"), [
    ("a loose list", "- one\n\n- two\n"),
    ("an aligned table", "| a | b |\n| :-- | --: |\n| 1 | 2 |\n"),
    ("a table row short of a cell", "| a | b |\n| --- | --- |\n| 1 |\n"),
    ("an HTML table of another shape",
     '<div markdown="1">\n<table markdown="1">\n<tr><td>1</td></tr>\n</table>\n</div>\n'),
    ("code", "Some `code`.\n"),
    ("a lazy line", "- one\ncontinued\n"),
    ("a list nested twice", "- one\n    - two\n        - three\n"),
    ("a reference without a definition", "Cited [^nowhere].\n"),
    ("a bracket that is not a link", "A [bracket] here.\n"),
    ("emphasis", "An *emphasis*.\n"),
    ("a link target with parentheses", "[a](https://example.org/a_(b))\n"),
    ("a fenced block", "```\ncode\n```\n"),
    ("footnotes with no place marked", "Cited [^a].\n\n[^a]: A source.\n"),
    ("a setext heading", "Title\n===\n"),
    ("a setext subheading", "Title\n---\n"),
    ("a list item with two spaces", "-  x\n"),
    ("an indented paragraph", "  para\n"),
    ("strong inside strong", "**a **b** c**\n"),
    ("stars with spaces", "x ** y ** z\n"),
    ("an admonition without a title", '!!! note ""\n    text\n'),
    ("text after a closing tag", "<div>\nx\n</div> tail\n"),
    ("a backtick in a link target", "[a](https://x.org/`a`b)\n"),
    ("an automatic mail link", "a <a@b c> d\n"),
    ("an automatic link", "see <https://example.org/>\n"),
    ("a fence inside an HTML block", '<div class="card-summary">\n~~~ {#sources .x}\nb\n~~~\n</div>\n'),
    ("a raw block with text after it", "<div>\nx\n</div>\ntext\n"),
    ("an admonition of two paragraphs", '!!! note "N"\n    one\n\n    two\n'),
])
def test_a_shape_the_generator_does_not_make_is_left_to_python_markdown(shape: str, body: str) -> None:
    with pytest.raises(fastpages.Unsupported):
        fastpages.convert(body, lambda url: url)
    page = Converter(EXTENSIONS, CONFIGS, frozenset({"entities/x.md"})).convert("entities/x.md", body)
    assert page.content == Plain(frozenset({"entities/x.md"})).convert("entities/x.md", body).content, shape


def test_another_markdown_set_up_turns_the_fast_path_off() -> None:
    assert Converter(EXTENSIONS, CONFIGS, frozenset()).fast
    assert not Converter([*EXTENSIONS, "smarty"], CONFIGS, frozenset()).fast
    assert not Converter(EXTENSIONS, {"toc": {"permalink": "#"}}, frozenset()).fast


def test_links_are_rewritten_and_checked_as_mkdocs_does() -> None:
    known = frozenset({"entities/a.md", "entities/b.md", "browse/companies.md"})
    body = ("# A\n\n[Companies](../browse/companies.md) · [B](b.md#relations) · [Gone](c.md) · "
            "[Here](#sources) · [Out](https://example.org/?a=1&amp;b=2 \"T &quot;x&quot;\")\n")
    page = Converter(EXTENSIONS, CONFIGS, known).convert("entities/a.md", body)
    assert ('<a href="../../browse/companies/">Companies</a> · <a href="../b/#relations">B</a> · '
            '<a href="c.md">Gone</a> · <a href="#sources">Here</a> · '
            '<a href="https://example.org/?a=1&amp;b=2" title="T &quot;x&quot;">Out</a>') in page.content
    assert page.broken == ["entities/a.md: link to c.md: no such page"]
    assert [(link.target, link.anchor) for link in page.links] == [("entities/b.md", "relations"),
                                                                   ("entities/a.md", "sources")]
