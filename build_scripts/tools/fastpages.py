"""Entity pages converted without Python-Markdown: the generator wrote their Markdown, so it knows
every shape it can take.

An entity page is made of a small set of block shapes (headings, one-line paragraphs, tight lists
nested once, admonitions of one paragraph, the summary's and the diagram's HTML blocks, blocks
marked ``markdown``, footnotes) and its inline text of escaped card text, links, footnote
references, ``**strong**`` and inline HTML tags. :func:`convert` turns exactly those into the HTML
Python-Markdown makes of them, with MkDocs's link rewriting, heading ids and permalinks, and raises
:class:`Unsupported` at the first thing it does not know, for the caller to convert the page the
usual way. ``tests/test_fastpages.py`` holds it to Python-Markdown's output on every entity page of
the seed and of a synthetic investigation, and ``tests/test_generated_investigations.py`` on those
of 200 generated investigations full of hostile text. The one difference: a source cited several
times on a page numbers its back-links (``fnref2:``, ``fnref3:``) in reading order, where
Python-Markdown numbers them in the order its tree walk meets them.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown.extensions.toc import nest_toc_tokens, slugify, strip_tags, unique
from markdown.inlinepatterns import AUTOLINK_RE, AUTOMAIL_RE, HTML_RE

from build_scripts.pages.markup import FOOTNOTES_MARKER

PERMALINK = '<a class="headerlink" href="#{0}" title="Permanent link">&para;</a>'
BACKLINK = '<a class="footnote-backref" href="#fnref{0}:{1}" title="Jump back to footnote {2} in the text">&#8617;</a>'


class Unsupported(Exception):
    """The page holds a shape this converter does not know: convert it with Python-Markdown."""


@dataclass
class Page:
    """What converting a page gives: its HTML and table-of-contents tokens as Python-Markdown's toc
    extension makes them. Links go through the caller's ``rewrite``, which also records them."""

    content: str = ""
    toc_tokens: list[Any] = field(default_factory=list)


# footnote reference | strong | link | inline tag | character reference | a character that means
# something else to Python-Markdown (or nothing the converter knows how to keep)
_INLINE = re.compile(r"\[\^([^\]\s]*)\]|\*\*|\[|<|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);"
                     r"|[*_`\\\]&>]")
_TAG = re.compile(HTML_RE)  # an inline tag as Python-Markdown reads one ...
_LINK_OR_MAIL = re.compile(f"{AUTOLINK_RE}|{AUTOMAIL_RE}")  # ... after these, which it tries first
_HEADING = re.compile(r"(#{1,6}) (.+)")
_ADMONITION = re.compile(r'!!! ([a-z]+) "([^"\\]*)"')
_FOOTNOTE_DEF = re.compile(r"\[\^([^\]\s]+)\]: (.*)")
_LIST_ITEM = re.compile(r"( {4})*- (.*)")
_OPEN_TAG = re.compile(r"<([a-z][a-z0-9]*)((?:\s+[a-z][a-z0-9-]*(?:=\"[^\"<>]*\")?)*)\s*>")
_ATTR = re.compile(r'\s+([a-z][a-z0-9-]*)(?:="([^"]*)")?')
_AMP = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.I)
_FENCE = re.compile(r"^(?:`{3,}|~{3,})", re.M)
_RAW_BLOCK_TAGS = frozenset({"div", "p", "iframe", "details"})


def _attr(value: str) -> str:
    """An attribute value as Python-Markdown's serializer writes it."""
    value = _AMP.sub("&amp;", value)
    return value.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class _Converter:
    def __init__(self, rewrite: Callable[[str], str], notes: dict[str, str]) -> None:
        self.rewrite = rewrite
        self.notes = notes               # footnote id -> its definition's text
        self.numbers = {key: n for n, key in enumerate(notes, start=1)}
        self.refs: dict[str, int] = {}   # footnote id -> references so far
        self.ids: set[str] = set()       # ids of elements Python-Markdown's tree holds
        self.id_counters: dict[str, int] = {}
        self.tokens: list[Any] = []  # toc tokens, in the shape the toc extension makes

    # --- inline -----------------------------------------------------------------------------

    def inline(self, text: str) -> str:
        out, at = [], 0
        while True:
            found = _INLINE.search(text, at)
            if found is None:
                out.append(text[at:])
                return "".join(out)
            out.append(text[at:found.start()])
            token = found.group(0)
            if found.group(1) is not None:                       # [^source]
                key = found.group(1)
                if key not in self.numbers:
                    raise Unsupported(f"footnote reference without a definition: {key}")
                self.refs[key] = self.refs.get(key, 0) + 1
                nth = self.refs[key]
                out.append(f'<sup id="fnref{nth if nth > 1 else ""}:{key}"><a class="footnote-ref" '
                           f'href="#fn:{key}">{self.numbers[key]}</a></sup>')
                at = found.end()
            elif token == "**":
                close = text.find("**", found.end())
                inner = text[found.end():close]
                if close < 0 or not inner or inner != inner.strip() or "*" in inner:
                    raise Unsupported("** that Python-Markdown may not read as strong")
                out.append(f"<strong>{self.inline(inner)}</strong>")
                at = close + 2
            elif token == "[":
                at = self._link(text, found.end(), out)
            elif token == "<":
                tag = _TAG.match(text, found.start())
                if tag is None or _LINK_OR_MAIL.match(text, found.start()) or tag.group(0).startswith("<!"):
                    raise Unsupported("a '<' that opens no plain inline tag")
                out.append(tag.group(0))                            # inline HTML, as written
                at = tag.end()
            elif len(token) > 1 and token[0] == "&":
                out.append(token)                                   # a character reference, as written
                at = found.end()
            else:
                raise Unsupported(f"inline character {token!r}")

    def _link(self, text: str, start: int, out: list[str]) -> int:
        close = text.find("]", start)
        if close < 0 or "[" in text[start:close] or not text.startswith("(", close + 1):
            raise Unsupported("a bracket that is not a plain link")
        end = text.find(")", close + 2)
        if end < 0 or "(" in text[close + 2:end]:
            raise Unsupported("a link target with parentheses")
        target = text[close + 2:end]
        title = None
        if " " in target:
            target, _, rest = target.partition(" ")
            if not (rest.startswith('"') and rest.endswith('"') and len(rest) > 1) or '"' in rest[1:-1]:
                raise Unsupported("a link title")
            title = rest[1:-1]
        if not target or any(c in target for c in "<>`\\"):
            raise Unsupported("a link target")
        # as Python-Markdown: the target and title as written (character references and all),
        # escaped for the attribute where an "&" starts none
        attrs = f' href="{_attr(self.rewrite(target))}"'
        if title is not None:
            attrs += f' title="{_attr(title)}"'
        out.append(f"<a{attrs}>{self.inline(text[start:close])}</a>")
        return end + 1

    # --- blocks -----------------------------------------------------------------------------

    def heading(self, level: int, text: str) -> str:
        inner = self.inline(text)
        name = strip_tags(inner)
        anchor = unique(slugify(html.unescape(name), "-"), self.ids, self.id_counters)
        self.tokens.append({"level": level, "id": anchor, "name": name, "html": inner, "data-toc-label": ""})
        return f'<h{level} id="{anchor}">{inner}{PERMALINK.format(anchor)}</h{level}>'

    def items(self, lines: list[str]) -> str:
        """A tight list, items nested by four spaces."""
        root: list[Any] = []
        stack: list[list[Any]] = [root]
        for line in lines:
            found = _LIST_ITEM.fullmatch(line)
            if found is None:
                raise Unsupported(f"a list line: {line[:40]!r}")
            depth = (len(line) - len(line.lstrip(" "))) // 4
            if depth > len(stack) - 1 or depth > 1:
                raise Unsupported("a list nested deeper than the converter knows")
            del stack[depth + 1:]
            if found.group(2)[:1].isspace() or not found.group(2).strip():
                raise Unsupported("a list item with leading space or none")
            item: list[Any] = [found.group(2), []]
            stack[depth].append(item)
            stack.append(item[1])
        return self._list(root)

    def _list(self, items: list[Any]) -> str:
        out = ["<ul>"]
        for text, children in items:
            out.append(f"<li>{self.inline(text)}{self._list(children) + chr(10) if children else ''}</li>")
        out.append("</ul>")
        return "\n".join(out)


def _opening(line: str) -> tuple[str, list[tuple[str, str | None]], str] | None:
    """A line that opens a raw HTML block: its tag, attributes and the rest of the line."""
    found = _OPEN_TAG.match(line)
    if found is None or found.group(1) not in _RAW_BLOCK_TAGS:
        return None
    return found.group(1), [(m.group(1), m.group(2)) for m in _ATTR.finditer(found.group(2))], line[found.end():]


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    """A start tag as Python-Markdown's serializer writes an element: attributes in lexical order."""
    kept = sorted((name, value or "") for name, value in attrs if name != "markdown")
    return f"<{tag}" + "".join(f' {name}="{_attr(value)}"' for name, value in kept) + ">"


_MARKUP = re.compile(r"[\[\]*_`\\<>&]")  # what would make a head cell's text more than text
_CELL = re.compile(r"<(th|td)((?:\s+[a-z][a-z0-9-]*=\"[^\"<>]*\")*)>(.*?)</\1>")


def _marked_table(lines: list[str], conv: _Converter) -> str:
    """The generator's HTML table marked ``markdown``: head cells as written, body cells marked
    ``span`` (inline Markdown); every element on its own line, attributes in lexical order."""
    if (len(lines) < 7 or lines[:2] != ['<table markdown="1">', '<thead markdown="1">']
            or lines[3:5] != ["</thead>", '<tbody markdown="1">'] or lines[-2:] != ["</tbody>", "</table>"]):
        raise Unsupported("an HTML table of another shape")
    out = ["<table>", "<thead>", *_marked_row(lines[2], conv, span=False), "</thead>", "<tbody>"]
    for row in lines[5:-2]:
        out += _marked_row(row, conv, span=True)
    return "\n".join([*out, "</tbody>", "</table>"])


def _marked_row(line: str, conv: _Converter, span: bool) -> list[str]:
    if not (line.startswith('<tr markdown="1">') and line.endswith("</tr>")):
        raise Unsupported("a table row of another shape")
    inner, out, at = line[len('<tr markdown="1">'):-len("</tr>")], ["<tr>"], 0
    for cell in _CELL.finditer(inner):
        if cell.start() != at:
            raise Unsupported("text between table cells")
        tag, attrs = cell.group(1), [(m.group(1), m.group(2)) for m in _ATTR.finditer(cell.group(2))]
        content = cell.group(3)
        marked = next((value for name, value in attrs if name == "markdown"), None)
        if (marked != "span") if span else (marked is not None or _MARKUP.search(content)):
            raise Unsupported("a table cell marked otherwise")
        out.append(_start_tag(tag, attrs) + (conv.inline(content) if span else content) + f"</{tag}>")
        at = cell.end()
    if at != len(inner) or len(out) == 1:
        raise Unsupported("a table row of another shape")
    return [*out, "</tr>"]


def _pipe_table(block: list[str], conv: _Converter) -> str:
    """A Markdown table of the generator's shape: a head, a plain ``| --- |`` rule, body rows."""
    rows = [[cell.strip() for cell in line[2:-2].split(" | ")] if line.startswith("| ") and line.endswith(" |")
            else None for line in block]
    if len(rows) < 3 or any(row is None for row in rows) or any(len(row or ()) != len(rows[0] or ()) for row in rows) \
            or set(rows[1] or ()) != {"---"}:
        raise Unsupported("a Markdown table of another shape")
    head, body = rows[0] or [], [row or [] for row in rows[2:]]
    out = ["<table>", "<thead>", "<tr>", *(f"<th>{conv.inline(cell)}</th>" for cell in head), "</tr>", "</thead>",
           "<tbody>"]
    for row in body:
        out += ["<tr>", *(f"<td>{conv.inline(cell)}</td>" for cell in row), "</tr>"]
    return "\n".join([*out, "</tbody>", "</table>"])


def convert(body: str, rewrite: Callable[[str], str]) -> Page:
    """The HTML of an entity page's Markdown body (front matter removed), as MkDocs makes it."""
    if _FENCE.search(body):
        raise Unsupported("a code fence (read before everything else, raw HTML included)")
    lines = body.split("\n")
    notes: dict[str, str] = {}
    kept: list[str] = []
    for line in lines:
        found = _FOOTNOTE_DEF.fullmatch(line)
        if found:
            if found.group(1) in notes:
                raise Unsupported("a footnote defined twice")
            notes[found.group(1)] = found.group(2)
        else:
            kept.append(line)
    if notes and kept.count(FOOTNOTES_MARKER) != 1:
        raise Unsupported("footnotes without exactly one place marked for them")
    conv = _Converter(rewrite, notes)
    blocks = _blocks(kept, conv)
    # headings get their ids once the ids of the page's other elements are known, as with the toc
    # extension: those of blocks marked ``markdown`` and of the footnotes, not those in raw HTML
    conv.ids.update(f"fn:{key}" for key in notes)
    conv.ids.update(f"fnref{n if n > 1 else ''}:{key}" for key, refs in conv.refs.items() for n in range(1, refs + 1))
    out = [piece() if callable(piece) else piece for piece in blocks]
    return Page("\n".join(out).strip(), list(nest_toc_tokens(conv.tokens)))


Block = str | Callable[[], str]


def _blocks(lines: list[str], conv: _Converter) -> list[Block]:
    out: list[Block] = []
    i, count = 0, len(lines)
    while i < count:
        line = lines[i]
        if not line:
            i += 1
            continue
        end = i
        while end < count and lines[end]:
            end += 1
        block = lines[i:end]
        heading = _HEADING.fullmatch(line)
        opening = _opening(line)
        if heading and len(block) == 1:
            level, text = len(heading.group(1)), heading.group(2).rstrip("#").strip()  # closing hashes go
            if not text:
                raise Unsupported("an empty heading")
            out.append(functools.partial(conv.heading, level, text))
        elif line.startswith("- "):
            if end < count and _next_text(lines, end).startswith("- "):
                raise Unsupported("a loose list")
            out.append(conv.items(block))
        elif line == FOOTNOTES_MARKER and len(block) == 1:
            out.append(lambda: _footnotes(conv))
        elif (admonition := _ADMONITION.fullmatch(line)) is not None:
            if len(block) != 2 or not block[1].startswith("    ") or block[1][4:5] in (" ", ""):
                raise Unsupported("an admonition body")
            kind, title = admonition.groups()
            if not title.strip():
                raise Unsupported("an admonition without a title")
            out.append(f'<div class="admonition {kind}">\n<p class="admonition-title">{conv.inline(title)}</p>\n'
                       f"<p>{conv.inline(block[1][4:])}</p>\n</div>")
        elif opening is not None:
            i = _html_block(lines, i, opening, conv, out)
            continue
        elif line.startswith("| "):
            out.append(_pipe_table(block, conv))
        else:
            if any(_starts_block(x) for x in block):
                raise Unsupported(f"a paragraph line that opens a block: {block[0][:40]!r}")
            out.append(f"<p>{conv.inline(chr(10).join(block))}</p>")
        i = end
    return out


def _next_text(lines: list[str], at: int) -> str:
    while at < len(lines) and not lines[at]:
        at += 1
    return lines[at] if at < len(lines) else ""


_BLOCK_START = re.compile(r"#|[-*+] |!!!|\||<|\s|>|\[\^|```|~~~|\d+[.)] |=+\s*$|-+\s*$")


def _starts_block(line: str) -> bool:
    return _BLOCK_START.match(line) is not None


def _html_block(lines: list[str], i: int, opening: tuple[str, list[tuple[str, str | None]], str],
                conv: _Converter, out: list[Block]) -> int:
    """A raw HTML block, or one marked ``markdown`` (its content converted): where it ends, its HTML in ``out``."""
    tag, attrs, rest = opening
    marked = next(((value or "") for name, value in attrs if name == "markdown"), None)
    if marked is None:  # raw: as written, and its ids are not the tree's
        end = _close(lines, i, tag, blank_lines=False)
        out.append("\n".join(lines[i:end + 1]) + "\n")
        return end + 1
    conv.ids.update(value for name, value in attrs if name == "id" and value)
    inner = rest[:-len(tag) - 3]
    if marked == "span" and rest.endswith(f"</{tag}>") and f"<{tag}" not in inner and f"</{tag}" not in inner:
        out.append(_start_tag(tag, attrs) + conv.inline(inner) + f"</{tag}>")
        return i + 1
    if marked in ("", "1", "block") and tag == "div" and not rest:
        end = _close(lines, i, tag, blank_lines=True)
        if lines[end] != "</div>":
            raise Unsupported("a marked block not closed on its own line")
        if lines[i + 1] == '<table markdown="1">':
            out.append(_start_tag(tag, attrs) + "\n" + _marked_table(lines[i + 1:end], conv) + "\n</div>")
            return end + 1
        pieces = _blocks(lines[i + 1:end], conv)
        if any(callable(piece) for piece in pieces):
            raise Unsupported("a heading inside a marked block")
        out.append(_start_tag(tag, attrs) + "\n" + "\n".join(str(piece) for piece in pieces) + "\n</div>")
        return end + 1
    raise Unsupported(f"an HTML block marked {marked!r}")


def _close(lines: list[str], i: int, tag: str, blank_lines: bool) -> int:
    """The line that closes the block opened on line ``i``; it must end a paragraph. Blank lines
    inside are for blocks marked ``markdown`` only: the generator's raw HTML blocks have none."""
    depth = 0
    for at in range(i, len(lines)):
        depth += len(re.findall(f"<{tag}[\\s>]", lines[at])) - lines[at].count(f"</{tag}>")
        if depth <= 0:
            if not lines[at].endswith(f"</{tag}>"):
                raise Unsupported("text after the tag that closes an HTML block")
            if at + 1 < len(lines) and lines[at + 1]:
                raise Unsupported("an HTML block followed by text on the next line")
            return at
        if not lines[at] and not blank_lines:
            raise Unsupported("a blank line inside an HTML block")
    raise Unsupported(f"an unclosed <{tag}>")


def _footnotes(conv: _Converter) -> str:
    out = ['<div class="footnote">', "<hr />", "<ol>"]
    for key, text in conv.notes.items():
        number = conv.numbers[key]
        refs = conv.refs.get(key, 0)
        if not refs:
            raise Unsupported(f"a footnote nothing refers to: {key}")
        back = "".join(BACKLINK.format(n if n > 1 else "", key, number) for n in range(1, refs + 1))
        out += [f'<li id="fn:{key}">', f"<p>{conv.inline(text)}&#160;{back}</p>", "</li>"]
    out += ["</ol>", "</div>"]
    return "\n".join(out)
