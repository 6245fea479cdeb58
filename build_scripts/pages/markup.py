"""Turning card text into safe Markdown and HTML.

Card text is data, never code. Plain text is escaped so that neither HTML nor
Markdown syntax in it has any effect (``<script>`` shows as text, ``[x](y)``
makes no link, ``{: onclick=...}`` sets no attribute) and no text can act as
a placeholder of Python-Markdown or its extensions (the footnotes marker
``///Footnotes Go Here///`` prints as written). Summaries are Markdown
rendered here, in Python, by a Markdown instance with raw HTML and images
switched off, with the cost of bracket parsing bounded (linear in the text),
and with every link checked as a browser reads it: :func:`browser_url`
decodes character references and drops the characters a browser drops before
it reads the scheme, and that normalised value is what the page gets.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown import util as md_util
from markdown.extensions.footnotes import FootnoteExtension
from markdown.inlinepatterns import (
    AUTOMAIL_RE,
    LINK_RE,
    REFERENCE_RE,
    AutomailInlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from build_scripts.base.urls import browser_url, safe_url, url_scheme

# Characters that Python-Markdown and the enabled extensions give meaning to anywhere in a
# line ("#" too: at the end of a heading it closes it, so "C#" would print "C"). Others are inert
# here: "(", "!" and ":" only act after "[", which is escaped, and the extensions that give "~",
# "^", "=" or "$" a meaning are not enabled.
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]|<>&#]")
_REPLACEMENTS = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# ... and those that matter only at the start of a line (lists, headings, rules, quotes,
# admonitions).
_MD_LINE_START = re.compile(r"^(\s?)(\d+(?=[.)])|[-+#=.!])")

# Python-Markdown's footnotes extension (enabled in mkdocs.yml) replaces the element whose
# text contains this marker with the footnotes. Card text must never contain it as written:
# one "/" of each occurrence becomes a character reference, which prints the same.
FOOTNOTES_MARKER: str = FootnoteExtension().getConfig("PLACE_MARKER")
_FOOTNOTES_MARKER_RE = re.compile(re.escape(FOOTNOTES_MARKER[0]) + f"(?={re.escape(FOOTNOTES_MARKER[1:])})")


def defuse_placeholders(text: str) -> str:
    """Markdown or HTML text in which no Markdown-extension placeholder occurs as written.

    Python-Markdown's own stash placeholders (``\\x02wzxhzdk:0\\x03``, ``\\x02klzzwxh:0\\x03``)
    need control characters, which the validator refuses in every text field; the footnotes
    marker needs none, so it is broken here.
    """
    return _FOOTNOTES_MARKER_RE.sub(f"&#{ord(FOOTNOTES_MARKER[0])};", text)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    return _REPLACEMENTS.get(char) or f"&#{ord(char)};"


def md_text(value: object) -> Markup:
    """Plain text as inert Markdown: HTML-escaped, Markdown-escaped, on one line.

    Runs of whitespace become one space; a space at either end is kept as one.
    """
    if isinstance(value, Markup):
        return value
    raw = str(value)
    text = " ".join(raw.split())
    if text:  # keep one space at either end, so pieces can be joined
        text = (" " if raw[0].isspace() else "") + text + (" " if raw[-1].isspace() else "")
    text = _MD_SPECIAL.sub(_escape_char, text)
    text = _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + f"&#{ord(m.group(2)[-1])};", text)
    return Markup(defuse_placeholders(text))


def md_link(text: object, target: str, title: str | None = None) -> Markup:
    """A Markdown link built by Python: escaped text, a target we computed or validated.

    A target that is not safe as a browser reads it makes no link: the text is printed alone.
    """
    if not safe_url(target):
        return md_text(text)
    title_part = f' "{md_text(title).replace(chr(34), "&quot;")}"' if title else ""
    target = target.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return Markup(f"[{md_text(text)}]({defuse_placeholders(target)}{title_part})")


# --- summaries: Markdown with bounded cost and checked links -------------------------------------

# Python-Markdown finds the end of a link's text and of its target by scanning forward from
# each "[" and "(" to the matching bracket, to the end of the text if there is none: unclosed
# or deeply nested brackets cost time quadratic in their number. Here each bracket is paired
# once per text in one linear pass, and only pairs nested at most this deep are tried.
MAX_BRACKET_NESTING = 2
_BRACKETS = re.compile(r"[\[\]]")
_PARENS = re.compile(r"[()]")


def _pairs(data: str, pattern: re.Pattern[str], opener: str) -> dict[int, int]:
    """Opening -> closing bracket, both counted from the end of ``data``, for pairs nested
    at most MAX_BRACKET_NESTING deep inside. The pair of an opener depends only on the text
    after it, so the result stays right for the part of a text that later edits leave alone."""
    size = len(data)
    stack: list[list[int]] = []  # [position, depth of nesting inside]
    pairs: dict[int, int] = {}
    for match in pattern.finditer(data):
        position = match.start()
        if data[position] == opener:
            stack.append([position, 0])
        elif stack:
            start, inside = stack.pop()
            if inside <= MAX_BRACKET_NESTING:
                pairs[size - start] = size - position
            if stack:
                stack[-1][1] = max(stack[-1][1], inside + 1)
    return pairs


class _BracketIndex:
    """Bracket pairs of the texts Python-Markdown is working on, reused while it edits them.

    Python-Markdown replaces each link it makes with a placeholder, before the point it
    searches from; positions counted from the end stay valid for the rest of the text, so a
    text changed that way is recognised (by comparing its rest) and not scanned again.
    """

    def __init__(self, pattern: re.Pattern[str], opener: str) -> None:
        self.pattern = pattern
        self.opener = opener
        self.recent: list[tuple[str, int, dict[int, int]]] = []  # (text, valid from, pairs)

    def closing(self, data: str, position: int) -> int | None:
        """Where the bracket opened at ``position`` closes, or None (unclosed or nested too deep)."""
        pairs = self._pairs_for(data, position)
        closing = pairs.get(len(data) - position)
        return None if closing is None else len(data) - closing

    def _pairs_for(self, data: str, position: int) -> dict[int, int]:
        for text, valid_from, pairs in self.recent:
            if text is data and position >= valid_from:
                return pairs
        rest = len(data) - position
        for text, valid_from, pairs in self.recent:
            if len(text) - valid_from >= rest and text[len(text) - rest:] == data[position:]:
                self._remember(data, position, pairs)
                return pairs
        pairs = _pairs(data, self.pattern, self.opener)
        self._remember(data, 0, pairs)
        return pairs

    def _remember(self, data: str, valid_from: int, pairs: dict[int, int]) -> None:
        self.recent = [(data, valid_from, pairs), *self.recent[:7]]


_SQUARE = _BracketIndex(_BRACKETS, "[")
_ROUND = _BracketIndex(_PARENS, "(")


class _BoundedText:
    """getText that answers from the bracket index instead of scanning."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        closing = _SQUARE.closing(data, index - 1)
        if closing is None:
            return "", index, False
        return data[index:closing], closing + 1, True


class _BoundedLink(_BoundedText, LinkInlineProcessor):
    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        closing = _ROUND.closing(data, index) if data.startswith("(", index) else None
        if closing is None:
            return "", None, index, False
        return super().getLink(data[:closing + 1], index)


class _BoundedReference(_BoundedText, ReferenceInlineProcessor):
    pass


class _BoundedShortReference(_BoundedText, ShortReferenceInlineProcessor):
    pass


class _PlainAutomail(AutomailInlineProcessor):
    """``<name@example.org>`` as a plain mailto link, without encoding every character."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # type: ignore[override]
        element = etree.Element("a")
        element.text = md_util.AtomicString(m.group(1))
        element.set("href", "mailto:" + m.group(1).removeprefix("mailto:"))
        return element, m.start(0), m.end(0)


# Lists and quotes nest one level per marker ("- - - x", "> > > x"); Python-Markdown recurses
# once per level and re-reads the block each time. Markers beyond this depth are text.
MAX_BLOCK_NESTING = 8
_CONTAINER_MARKER = re.compile(r"[ ]*(?:>|[-+*](?=[ ])|\d{1,9}[.)](?=[ ]))[ ]*")


def _limit_nesting(text: str) -> str:
    lines = text.split("\n")
    for number, line in enumerate(lines):
        position = 0
        for _ in range(MAX_BLOCK_NESTING):
            match = _CONTAINER_MARKER.match(line, position)
            if not match or match.end() == position:
                break
            position = match.end()
        else:
            marker = re.match(r"[ ]*(?:\d{1,9}(?=[.)]))?", line[position:])
            if marker is not None and position + marker.end() < len(line) \
                    and line[position + marker.end()] in ">-+*.)":
                cut = position + marker.end()
                lines[number] = line[:cut] + "\\" + line[cut:]
    return "\n".join(lines)


# Python-Markdown rebuilds a text for every inline match in it (each escape, entity, code span,
# emphasis, link), so a text costs time in its length times its matches. Texts longer than
# this are cut, before inline processing, into pieces processed one by one (as the texts of
# plain <span>s), so the cost of a summary stays linear in its length. A construct that
# straddles a cut shows as written; cuts fall on spaces where there are any.
MAX_INLINE_CHUNK = 1000


def _chunks(text: str) -> list[str]:
    pieces = []
    while len(text) > MAX_INLINE_CHUNK:
        cut = max(text.rfind(" ", MAX_INLINE_CHUNK // 2, MAX_INLINE_CHUNK), text.rfind("\n", MAX_INLINE_CHUNK // 2,
                                                                                      MAX_INLINE_CHUNK))
        if cut <= 0:
            cut = MAX_INLINE_CHUNK
            amp = text.rfind("&", cut - 12, cut)
            if amp > 0 and ";" not in text[amp:cut]:
                cut = amp  # not inside a character reference
            backslashes = len(text[:cut]) - len(text[:cut].rstrip("\\"))
            cut -= backslashes % 2  # not between a backslash and what it escapes
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return pieces


class _InlineChunks(Treeprocessor):
    """Cut long texts into pieces for the inline processor (see MAX_INLINE_CHUNK)."""

    def run(self, root: etree.Element) -> None:
        for element in list(root.iter()):
            if element.tag in ("pre", "code"):
                continue
            text = element.text
            if text and len(text) > MAX_INLINE_CHUNK and not isinstance(text, md_util.AtomicString):
                first, *rest = _chunks(text)
                element.text = first
                for position, piece in enumerate(rest):
                    span = etree.Element("span")
                    span.text = piece
                    element.insert(position, span)
            for child in list(element):
                tail = child.tail
                if tail and len(tail) > MAX_INLINE_CHUNK and not isinstance(tail, md_util.AtomicString):
                    first, *rest = _chunks(tail)
                    child.tail = first
                    at = list(element).index(child) + 1
                    for position, piece in enumerate(rest):
                        span = etree.Element("span")
                        span.text = piece
                        element.insert(at + position, span)


class _LinkGuard(Treeprocessor):
    """Keep links a reader may follow, as the browser will read them; the rest become text."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a":
                href = browser_url(element.get("href", "").replace(md_util.AMP_SUBSTITUTE, "&"))
                title = element.get("title")
                element.attrib.clear()
                if not safe_url(href):
                    element.tag = "span"
                    continue
                # The serializer leaves "&name;" alone: escape every "&" so the browser decodes
                # exactly the value checked here.
                element.set("href", href.replace("&", "&amp;"))
                if title is not None:
                    element.set("title", title)
                if url_scheme(href):
                    element.set("rel", "noopener noreferrer nofollow")


def _summary_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.deregister("image_link")
    md.inlinePatterns.deregister("image_reference")
    md.inlinePatterns.deregister("short_image_ref")
    md.inlinePatterns.register(_BoundedReference(REFERENCE_RE, md), "reference", 170)
    md.inlinePatterns.register(_BoundedLink(LINK_RE, md), "link", 160)
    md.inlinePatterns.register(_BoundedShortReference(REFERENCE_RE, md), "short_reference", 130)
    md.inlinePatterns.register(_PlainAutomail(AUTOMAIL_RE, md), "automail", 110)
    md.treeprocessors.register(_InlineChunks(md), "inline_chunks", 25)  # before "inline" (20)
    md.treeprocessors.register(_LinkGuard(md), "link_guard", -10)  # after the unescape step
    return md


_SUMMARY_MD = _summary_markdown()
_FENCE_START = re.compile(r"^(\s*)([`~])", re.M)


def render_summary(text: str) -> Markup:
    """Card Markdown as safe HTML on one block, ready to drop into a page."""
    _SUMMARY_MD.reset()
    try:
        html_text = _SUMMARY_MD.convert(_limit_nesting(text))
    except RecursionError:  # nesting deeper than any limit above foresaw: show the text as written
        _SUMMARY_MD.reset()
        html_text = "".join(f"<p>{html.escape(block)}</p>\n" for block in re.split(r"\n\s*\n", text) if block.strip())
    # One raw HTML block for the page's Markdown: no blank lines inside it, and no line that starts
    # with "```" or "~~~": the page's fenced_code extension reads fences before it sets raw HTML
    # aside, and would make "~~~ {#sources .x}" in a summary a code block with an id and a class.
    html_text = re.sub(r"\n\s*\n", "\n", html_text).strip("\n")
    html_text = _FENCE_START.sub(lambda m: m.group(1) + f"&#{ord(m.group(2))};", html_text)
    if not html_text.strip():  # nothing to show (a summary of only a reference definition): no block
        return Markup("")
    return Markup('<div class="card-summary">\n' + defuse_placeholders(html_text) + "\n</div>")
