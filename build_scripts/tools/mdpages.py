"""Generated pages converted as MkDocs converts them: Python-Markdown set up from mkdocs.yml, `.md`
links resolved to final URLs and collected for the whole-site check, and the URLs MkDocs gives pages."""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import markdown
from markdown.treeprocessors import Treeprocessor

from build_scripts.pages.kit import ENTITY_DIR
from build_scripts.tools import fastpages

_ID = re.compile(r'\sid="([^"]*)"')


class SiteError(Exception):
    """A problem that stops the build, with a message for people."""


def page_url(path: str) -> str:
    """The URL MkDocs gives a page under ``use_directory_urls``: ``a/b.md`` → ``a/b/``."""
    stem = path[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def file_url(path: str) -> str:
    return page_url(path) if path.endswith(".md") else path


def relative_url(url: str, base: str) -> str:
    """``url`` relative to the page at ``base`` (both site-relative), like MkDocs."""
    base_dir = base if base.endswith("/") or not base else posixpath.dirname(base) + "/"
    base_parts = [p for p in base_dir.split("/") if p]
    parts = [p for p in url.split("/") if p]
    common = 0
    for a, b in zip(base_parts, parts, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(base_parts) - common) + parts[common:]) or "."
    return rel + "/" if url.endswith("/") and rel != "." else (rel + "/" if rel == "." else rel)


@dataclass
class Link:
    source: str   # page path under docs/
    written: str  # the link as the page wrote it
    target: str   # resolved path under docs/
    anchor: str


class _Links(Treeprocessor):
    """MkDocs's link rewriting: relative ``.md`` and file links become final URLs."""

    def __init__(self, md: markdown.Markdown | None, known: frozenset[str]) -> None:
        super().__init__(md)
        self.known = known
        self.path = ""
        self.links: list[Link] = []
        self.broken: list[str] = []

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            key = "href" if element.tag == "a" else "src" if element.tag == "img" else None
            if key is None:
                continue
            url = element.get(key)
            if url is not None:
                element.set(key, self.rewrite(url))

    def rewrite(self, url: str) -> str:
        scheme, netloc, path, query, anchor = urlsplit(url)
        if scheme or netloc or url.startswith(("/", "\\")) or "\x02amp\x03" in url:
            return url
        if not path:
            if anchor:
                self.links.append(Link(self.path, url, self.path, anchor))
            return url
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), unquote(path)).lstrip("/"))
        if target not in self.known:
            self.broken.append(f"{self.path}: link to {url}: no such page")
            return url
        if anchor:
            self.links.append(Link(self.path, url, target, anchor))
        return urlunsplit(("", "", relative_url(file_url(target), page_url(self.path)), query, anchor))


@dataclass
class Converted:
    path: str
    meta: dict[str, Any]
    title: str          # HTML text: the generator escaped card text in front matter, as MkDocs prints it
    content: str        # HTML
    toc: Any            # mkdocs TableOfContents
    ids: frozenset[str]
    links: list[Link]
    broken: list[str]


# Inline patterns that Python-Markdown tries on every piece of text, and what a page must hold for
# each to ever change it. Generated pages hold none of these (card text is escaped, lines are
# stripped, no reference is defined), so a page without any of them is converted with the pattern
# left out: the same HTML, at about half the cost. A page with any of them gets every pattern.
_REFERENCE_DEFINITION = re.compile(r"\[(?!\^)[^\[\]]*\]:")  # anywhere: inside list items and quotes too
_IMAGE = re.compile(r"!\[")
_IDLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "backtick": re.compile(r"`"),
    "escape": re.compile(r"\\"),
    # with no reference defined, [x][y] and [x] stay text (footnote definitions, "[^x]:", are not references)
    "reference": _REFERENCE_DEFINITION,
    "short_reference": _REFERENCE_DEFINITION,
    "image_link": _IMAGE,
    "image_reference": _IMAGE,
    "short_image_ref": _IMAGE,
    "autolink": re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*://"),
    "automail": re.compile(r"<[^<> !]+@"),
    "linebreak": re.compile(r"[ \t]\n"),
}
_IDLE_CHECKS = tuple(dict.fromkeys(_IDLE_PATTERNS.values()))  # each distinct pattern searched once

# A diagram is one raw HTML block (the ``oneblock`` filter: no blank line inside) that Python-Markdown
# passes through as written; it is set aside before conversion and put back after, so the HTML
# parser does not read its hundreds of tags. Card text cannot open it: "<" in card text is escaped.
_DIAGRAM = re.compile(r'^<div class="diagram" id="[^"\n]*" data-search-exclude="1">\n(?:[^\n]+\n)*?</div>\n(?=\n|\Z)',
                      re.M)
_SET_ASIDE = '<div id="set-aside-{}"></div>'

FAST_DIR = f"{ENTITY_DIR}/"  # pages made by the generator from entity.md.j2, which fastpages knows
# mkdocs.yml's extensions and MkDocs's own (toc, tables, fenced_code): what fastpages stands in for
_FAST_EXTENSIONS = {"footnotes", "admonition", "md_in_html", "tables", "toc", "fenced_code"}


class Converter:
    """Python-Markdown set up like MkDocs's, reused page after page with ``reset()``.

    Entity pages are converted by :mod:`fastpages` (``fast``), which knows every shape the
    generator gives them, and by Python-Markdown when it meets one it does not know. Python-Markdown
    has two instances: the whole set of inline patterns, and a lean one without the patterns in
    _IDLE_PATTERNS, used for a page whose text gives none of them anything to do."""

    def __init__(self, extensions: list[Any], configs: Mapping[str, Any], known: frozenset[str],
                 fast: bool = True) -> None:
        # fastpages stands in for exactly this set-up; another extension could change any page
        self.fast = fast and {str(e) for e in extensions} == _FAST_EXTENSIONS and \
            dict(configs) == {"toc": {"permalink": True}}
        self.fast_links = _Links(None, known)
        self.full = self._markdown(extensions, configs, known)
        self.lean = self._markdown(extensions, configs, known)
        for name in _IDLE_PATTERNS:
            if name in self.lean[0].inlinePatterns:
                self.lean[0].inlinePatterns.deregister(name)

    @staticmethod
    def _markdown(extensions: list[Any], configs: Mapping[str, Any],
                  known: frozenset[str]) -> tuple[markdown.Markdown, _Links]:
        md = markdown.Markdown(extensions=extensions, extension_configs=dict(configs))
        links = _Links(md, known)
        md.treeprocessors.register(links, "relpath", 0)
        return md, links

    def convert(self, path: str, text: str) -> Converted:
        from mkdocs.utils.meta import get_data

        body, meta = get_data(text)
        if self.fast and path.startswith(FAST_DIR):
            links = self.fast_links
            links.path, links.links, links.broken = path, [], []
            try:
                page = fastpages.convert(body, links.rewrite)
            except fastpages.Unsupported:
                pass
            else:
                return self._converted(path, meta, page.content, page.toc_tokens, links)
        aside: list[str] = []

        def set_aside(match: re.Match[str]) -> str:
            aside.append(match.group(0)[:-1])
            return _SET_ASIDE.format(len(aside) - 1) + "\n"

        if '<div class="diagram"' in body:
            body = _DIAGRAM.sub(set_aside, body)
        idle = not any(pattern.search(body) for pattern in _IDLE_CHECKS)
        md, links = self.lean if idle else self.full
        md.reset()
        links.path, links.links, links.broken = path, [], []
        content = md.convert(body)
        for number, block in enumerate(aside):
            content = content.replace(_SET_ASIDE.format(number), block, 1)
        return self._converted(path, meta, content, getattr(md, "toc_tokens", []), links)

    @staticmethod
    def _converted(path: str, meta: dict[str, Any], content: str, tokens: list[Any],
                   links: _Links) -> Converted:
        from mkdocs.structure.toc import get_toc

        title = meta.get("title")
        if not isinstance(title, str):
            first = tokens[0] if tokens and tokens[0]["level"] == 1 else None
            title = re.sub(r"<[^>]+>", "", first["name"]) if first else \
                html.escape(posixpath.basename(path)[:-3].replace("-", " ").capitalize())
        return Converted(path, meta, title, content, get_toc(tokens), frozenset(_ID.findall(content)),
                         links.links, links.broken)
