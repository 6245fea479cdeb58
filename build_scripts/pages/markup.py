"""Turning card text into safe Markdown and HTML.

Card text is data, never code. Plain text is escaped so that neither HTML nor
Markdown syntax in it has any effect (``<script>`` shows as text, ``[x](y)``
makes no link, ``{: onclick=...}`` sets no attribute). Summaries are Markdown
rendered here, in Python, by a Markdown instance with raw HTML and images
switched off and every link checked for its scheme.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

# Characters that Python-Markdown and the enabled extensions give meaning to anywhere in a
# line. Others are inert here: "(", "!" and ":" only act after "[", which is escaped, and
# the extensions that give "~", "^", "=" or "$" a meaning are not enabled.
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]|<>&]")
_REPLACEMENTS = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# ... and those that matter only at the start of a line (lists, headings, rules, quotes).
_MD_LINE_START = re.compile(r"^(\s?)(\d+(?=[.)])|[-+#=.])")
_SAFE_SCHEMES = ("http", "https", "mailto")


def _escape_char(match: re.Match) -> str:
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
    return Markup(text)


def md_link(text: object, target: str, title: str | None = None) -> Markup:
    """A Markdown link built by Python: escaped text, a target we computed."""
    title_part = f' "{md_text(title).replace(chr(34), "&quot;")}"' if title else ""
    target = target.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return Markup(f"[{md_text(text)}]({target}{title_part})")


def safe_url(url: str) -> bool:
    """True for a URL a reader may follow: http, https, mailto, or relative."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme:
        return parts.scheme.lower() in _SAFE_SCHEMES
    return not url.strip().startswith("//")


class _LinkGuard(Treeprocessor):
    """Remove links with unsafe schemes; open external links safely."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a":
                href = element.get("href", "")
                if not safe_url(href):
                    element.tag = "span"
                    element.attrib.clear()
                elif urlsplit(href).scheme:
                    element.set("rel", "noopener noreferrer nofollow")


def _summary_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.deregister("image_link")
    md.inlinePatterns.deregister("image_reference")
    md.inlinePatterns.deregister("short_image_ref")
    md.treeprocessors.register(_LinkGuard(md), "link_guard", 0)
    return md


_SUMMARY_MD = _summary_markdown()


def render_summary(text: str) -> Markup:
    """Card Markdown as safe HTML on one block, ready to drop into a page."""
    _SUMMARY_MD.reset()
    html = _SUMMARY_MD.convert(text)
    # One raw HTML block for the page's Markdown: no blank lines inside it.
    return Markup('<div class="card-summary">\n' + re.sub(r"\n\s*\n", "\n", html) + "\n</div>")
