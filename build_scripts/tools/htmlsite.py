"""The fast rendering path: generated pages go straight to HTML, MkDocs builds only the rest.

MkDocs re-parses every generated page (Python-Markdown, link rewriting, anchor checks,
then Material's search plugin parses the HTML again) on one core. Here:

1. MkDocs builds the hand-written pages plus *placeholder* pages: one per generated page
   that the navigation lists (so its navigation state is MkDocs's own), one per folder for
   the others (``entities/`` ...), and stubs for the few generated pages hand-written
   pages link to. Placeholder text is made of markers with a random token; the built
   placeholder page is cut at those markers into a *shell* (literal pieces and named
   slots). Card text is never searched for markers: only the shell, which holds none, is.
2. Both cores convert the generated pages' Markdown with Python-Markdown configured exactly
   like MkDocs (``markdown_extensions`` from mkdocs.yml), resolve ``.md`` links to final
   URLs, fill the shell (title, description, JSON-LD, tags, table of contents, content)
   and write the page, and make its search records with Material's own indexer.
3. Every internal link and anchor is checked against the pages and ids just made; one
   broken link fails the build with ``path: link to target#anchor: no such page/anchor``.
4. Search records and the sitemap are merged with MkDocs's; other generated files (maps,
   data, assets) are written as they are. The site is swapped in only on success.
"""

from __future__ import annotations

import gzip
import html
import json
import logging
import os
import posixpath
import re
import secrets
import shutil
import tempfile
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import markdown
from markdown.treeprocessors import Treeprocessor

from build_scripts.pages.kit import BROWSE_DIR
from build_scripts.pages.search import MAX_TEXT, SearchEntry
from build_scripts.tools.sitedir import swap_in

Slot = str  # a slot name in a shell
Piece = str | tuple[Slot, str]  # literal HTML, or (slot, the shell's text around the marker)

_ID = re.compile(r'\sid="([^"]*)"')
_SEARCH_ATTR = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")  # what Material's search plugin strips
_MD_LINK = re.compile(r"\]\(([^)\s]+)")


class SiteError(Exception):
    """A problem that stops the build, with a message for people."""


# ---------------------------------------------------------------------------- URLs


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


# ---------------------------------------------------------------------------- Markdown


@dataclass
class Link:
    source: str   # page path under docs/
    written: str  # the link as the page wrote it
    target: str   # resolved path under docs/
    anchor: str


class _Links(Treeprocessor):
    """MkDocs's link rewriting: relative ``.md`` and file links become final URLs."""

    def __init__(self, md: markdown.Markdown, known: frozenset[str]) -> None:
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


class Converter:
    """Python-Markdown set up like MkDocs's, reused page after page with ``reset()``."""

    def __init__(self, extensions: list[Any], configs: Mapping[str, Any], known: frozenset[str]) -> None:
        self.md = markdown.Markdown(extensions=extensions, extension_configs=dict(configs))
        self.links = _Links(self.md, known)
        self.md.treeprocessors.register(self.links, "relpath", 0)

    def convert(self, path: str, text: str) -> Converted:
        from mkdocs.structure.toc import get_toc
        from mkdocs.utils.meta import get_data

        body, meta = get_data(text)
        self.md.reset()
        self.links.path, self.links.links, self.links.broken = path, [], []
        content = self.md.convert(body)
        tokens = getattr(self.md, "toc_tokens", [])
        title = meta.get("title")
        if not isinstance(title, str):
            first = tokens[0] if tokens and tokens[0]["level"] == 1 else None
            title = re.sub(r"<[^>]+>", "", first["name"]) if first else \
                html.escape(posixpath.basename(path)[:-3].replace("-", " ").capitalize())
        return Converted(path, meta, title, content, get_toc(tokens), frozenset(_ID.findall(content)),
                         self.links.links, self.links.broken)


# ---------------------------------------------------------------------------- shells


@dataclass(frozen=True)
class Shell:
    """A built placeholder page cut into literal pieces and slots."""

    pieces: tuple[Piece, ...]


class Markers:
    """Marker words that survive Markdown, slugs and escaping: lowercase letters and digits."""

    def __init__(self) -> None:
        self.token = "zq" + secrets.token_hex(8)

    def __call__(self, slot: str) -> str:
        return f"{self.token}{slot}qz"

    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.token + r"([a-z]+)qz")


def _enclosing(text: str, start: int, end: int) -> tuple[int, int]:
    """The element around a marker at [start, end): its tag if the marker is an attribute
    value, the whole element if the marker is its only text."""
    open_at = text.rfind("<", 0, start)
    if ">" not in text[open_at:start]:  # inside the tag: an attribute value
        return open_at, text.index(">", end) + 1
    close = text.index("</", end)
    return open_at, text.index(">", close) + 1


def cut_shell(page: str, markers: Markers, own_title: str = "title",
              other_titles: Mapping[str, str] | None = None) -> Shell:
    """Cut a built placeholder page at its markers.

    Slots: ``content`` (from the placeholder's first heading to the end of its content
    paragraph), ``toc`` (the items of each table-of-contents list), ``tag`` (one tag,
    repeated), ``tags`` (the tag bar, dropped when there are none), ``jsonld`` and
    ``description`` (their element, dropped when the page has none), ``title`` and ``page``
    (text).
    """
    spans: list[tuple[int, int, Slot, str]] = []
    h1 = markers("hone")
    content_start = page.rindex("<h1", 0, page.index(f'id="{h1}"'))
    content_end = page.index("</p>", page.index(markers("content"))) + len("</p>")
    spans.append((content_start, content_end, "content", "\x00"))
    for list_start in (m.end() for m in re.finditer(r'<ul class="md-nav__list" data-md-component="toc"[^>]*>', page)):
        list_end = page.index("</ul>", list_start)
        start = page.rindex('<label class="md-nav__title" for="__toc">', 0, list_start)
        end = list_end + len("</ul>")
        spans.append((start, end, "toc", page[start:list_start] + "\x00" + page[list_end:end]))
    tag = markers("tag")
    if tag in page:
        at = page.index(tag)
        tag_start, tag_end = _enclosing(page, at, at + len(tag))
        bar_start = page.rindex('<nav class="md-tags"', 0, tag_start)
        bar_end = page.index("</nav>", tag_end) + len("</nav>")
        spans.append((bar_start, tag_start, "tags", "\x00"))
        spans.append((tag_start, tag_end, "tag", "\x00"))
        spans.append((tag_end, bar_end, "tags", "\x00"))
    for slot in ("jsonld", "description"):
        word = markers(slot)
        for found in re.finditer(re.escape(word), page):
            start, end = _enclosing(page, found.start(), found.end())
            if not any(s <= start < e for s, e, _, _ in spans):
                spans.append((start, end, slot, page[start:end].replace(word, "\x00")))
    spans.sort()
    pieces: list[Piece] = []
    position = 0
    pattern = markers.pattern()

    def literal(text: str) -> None:
        at = 0
        for found in pattern.finditer(text):
            pieces.append(text[at:found.start()])
            slot = found.group(1)
            if slot == own_title:
                pieces.append(("title", "\x00"))
            elif other_titles and slot in other_titles:  # another placeholder's title, in the navigation
                pieces.append(other_titles[slot])
            else:
                pieces.append((slot, "\x00"))
            at = found.end()
        pieces.append(text[at:])

    for start, end, slot, around in spans:
        if start < position:
            raise SiteError(f"the page shell has overlapping slots near {slot}; "
                            "a theme change moved the markers: check build_scripts/tools/htmlsite.py")
        literal(page[position:start])
        if slot == "tags":  # the bar's opening and closing around the repeated tags
            pieces.append(("tagbar", page[start:end]))
        else:
            pieces.append((slot, around))
        position = end
    literal(page[position:])
    leftover = [p for p in pieces if isinstance(p, str) and markers.token in p]
    if leftover:
        raise SiteError("the page shell still holds a marker after cutting; check build_scripts/tools/htmlsite.py")
    return Shell(tuple(p for p in pieces if p != ""))


def placeholder_markdown(markers: Markers, path: str, meta: Mapping[str, Any], *, ids: Iterable[str] = (),
                         title: str = "title", with_toc: bool = True, with_tags: bool = True) -> str:
    """A page MkDocs builds in place of a generated one: markers wherever page data goes."""
    import yaml

    front: dict[str, Any] = {k: v for k, v in meta.items()
                             if k not in ("title", "description", "jsonld", "tags")}
    front.update(title=markers(title), description=markers("description"), jsonld=markers("jsonld"))
    if with_tags:
        front["tags"] = [markers("tag")]
    spans = "".join(f'<span id="{html.escape(i)}"></span>' for i in sorted(ids))
    return ("---\n" + yaml.safe_dump(front, sort_keys=True) + "---\n\n"
            f"# {markers('hone')}\n\n" + (f"## {markers('htwo')}\n\n" if with_toc else "")
            + f"{spans}\n\n{markers('content')}\n")


# ---------------------------------------------------------------------------- assembling


def toc_items(items: Iterable[Any]) -> str:
    """Material's partials/toc-item.html, in Python."""
    out: list[str] = []
    for item in items:
        out.append(f'<li class="md-nav__item">\n  <a href="{item.url}" class="md-nav__link">\n'
                   f'    <span class="md-ellipsis">\n      \n        {item.title}\n      \n    </span>\n  </a>\n  ')
        if item.children:
            label = html.escape(re.sub(r"<[^>]+>", "", item.title))
            out.append(f'\n    <nav class="md-nav" aria-label="{label}">\n      <ul class="md-nav__list">\n        '
                       + toc_items(item.children) + "\n      </ul>\n    </nav>\n  ")
        out.append("\n</li>\n\n        ")
    return "".join(out)


@dataclass
class Group:
    """Generated pages that share one shell."""

    key: str                     # the placeholder's path under docs/
    title_slot: str = "title"
    pages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Tags:
    """Material's tags: where the listing is, and which pages carry each tag."""

    listing: str | None                          # the page with ``<!-- material/tags -->``
    pages: Mapping[str, list[tuple[str, str]]]   # tag -> [(title, page path)]
    by_page: Mapping[str, tuple[str, list[str]]] = field(default_factory=dict)  # path -> (title, tags)


def tag_slug(name: str) -> str:
    from pymdownx.slugs import slugify  # type: ignore[import-untyped]

    return "tag:" + str(slugify(case="lower")(name, "-"))


def tag_items(names: list[str], path: str, tags: Tags) -> list[str]:
    out = []
    for name in names:
        text = html.escape(name, quote=False)
        if tags.listing:
            href = relative_url(page_url(tags.listing), page_url(path)) + "#" + tag_slug(name)
            out.append(f'<a href="{html.escape(href)}" class="md-tag">{text}</a>')
            out.append("\n")
        else:
            out.append(f'<span class="md-tag">{text}</span>')
    return out


def tag_listing(path: str, tags: Tags) -> str:
    """Material's tags listing, in Python, markup and spacing as its template writes them."""
    out = []
    for name in sorted(tags.pages):
        slug = html.escape(tag_slug(name))
        out.append(f'\n  <h2 id="{slug}">\n\n\n<span class="md-tag">{html.escape(name, quote=False)}</span>'
                   f'<a class="headerlink" href="#{slug}" title="Permanent link">&para;</a></h2>\n  <ul>\n    ')
        for title, target in sorted(tags.pages[name]):
            href = html.escape(relative_url(page_url(target), page_url(path)))
            out.append(f'\n      <li>\n        <a href="{href}">\n          {title}\n        </a>\n      </li>\n    ')
        out.append("\n    \n  </ul>\n\n\n")
    return "".join(out)


def _escape_attr(text: str) -> str:
    """Front matter text is HTML already (the generator escaped card text); quotes must not end the attribute."""
    return text.replace('"', "&quot;")


def assemble(page: Converted, shell: Shell, site_description: str, tags: Tags | None = None) -> str:
    toc = list(page.toc)
    if toc and toc[0].level == 1:
        toc = toc[0].children
    meta = page.meta
    jsonld = meta.get("jsonld")
    description = meta.get("description") or site_description
    names = sorted({str(t) for t in meta.get("tags") or [] if t})
    content = _SEARCH_ATTR.sub("", page.content)
    if "<h1" not in content:  # as Material's content partial does
        content = f"<h1>{page.title}</h1>\n" + content
    first = next(iter(page.toc)).id if list(page.toc) else ""
    values: dict[Slot, str | None] = {
        "content": content,
        "hone": first,
        "toc": "\n        " + toc_items(toc) if toc else None,
        "title": page.title,
        "page": posixpath.basename(page.path)[:-3],
        "description": _escape_attr(str(description)) if description else None,
        "jsonld": str(jsonld) if jsonld else None,
        "tagbar": None,
    }
    repeat = {"tag": tag_items(names, page.path, tags or Tags(None, {}))}
    if names:
        del values["tagbar"]
        repeat["tagbar"] = []
    return _fill(shell, values, repeat)


def _fill(shell: Shell, values: dict[Slot, str | None], repeat: dict[Slot, list[str]]) -> str:
    out: list[str] = []
    for piece in shell.pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        slot, around = piece
        if slot == "tagbar":
            if "tagbar" not in values:  # the page has tags: keep the bar's own markup
                out.append(around)
        elif slot == "tag":
            out.extend(around.replace("\x00", t) for t in repeat["tag"])
        elif values.get(slot) is not None:
            out.append(around.replace("\x00", values[slot] or ""))
    return "".join(out)


def model_records(page: Converted, entries: Iterable[SearchEntry]) -> list[dict[str, Any]]:
    """Records made from the page's search entries (pages/search.py), in the shape Material's indexer
    gives: tags and boost from the front matter on each record, text and title HTML-escaped (the
    search box shows them as HTML). An entry that names its heading points at the id that heading
    got on this page; an anchor the page does not have is dropped (the record points at the page)."""
    extra: dict[str, Any] = {}
    if page.meta.get("tags"):
        extra["tags"] = [str(tag) for tag in page.meta["tags"]]
    search = page.meta.get("search")
    if isinstance(search, dict) and search.get("boost"):
        extra["boost"] = search["boost"]
    url = page_url(page.path)
    headings = _heading_ids(page.toc)
    records = []
    for entry in entries:
        anchor = headings.get(entry.heading, entry.anchor) if entry.heading else entry.anchor
        if anchor not in page.ids:
            anchor = ""
        records.append({"location": url + (f"#{anchor}" if anchor else ""),
                        "title": html.escape(entry.title, quote=False), "text": html.escape(entry.text, quote=False),
                        **extra})
    return records


def _heading_ids(toc: Any) -> dict[str, str]:
    """Each heading's text (below the page title) -> its id, the first heading of that text."""
    found: dict[str, str] = {}

    def walk(items: Iterable[Any]) -> None:
        for item in items:
            found.setdefault(html.unescape(re.sub(r"<[^>]+>", "", item.title)), item.id)
            walk(item.children)

    items = list(toc)
    walk(items[0].children if items and items[0].level == 1 else items)
    return found


LIST_PAGES = (f"{BROWSE_DIR}/",)  # their records' text is cut: they list entities whose own pages should come first


def search_records(page: Converted, limit: int | None = None) -> list[dict[str, Any]]:
    """The page's records, made by Material's own search indexer; with ``limit``, each section's text
    is cut to its first ``limit`` characters: the long lists of a generated overview (timeline,
    sanctions, maps) name entities whose own pages are what a search should find."""
    from material.plugins.search.plugin import SearchIndex  # type: ignore[import-untyped]

    index = SearchIndex()
    index.add_entry_from_context(SimpleNamespace(meta=page.meta, content=page.content, toc=page.toc,
                                                 url=page_url(page.path), title=page.title))
    records = list(index.entries)
    if limit is not None:
        for record in records:
            record["text"] = _cut_html(record["text"], limit)
    return records


_ANY_TAG = re.compile(r"<[^>]*>")


def _cut_html(text: str, limit: int) -> str:
    """A record's text cut to at most ``limit`` characters of what readers see, at a word; its
    tags are dropped when it is cut, so none is left open."""
    if len(text) <= limit:
        return text
    shown = html.unescape(_ANY_TAG.sub(" ", text))
    shown = " ".join(shown.split())
    if len(shown) <= limit:
        return html.escape(shown, quote=False)
    cut = shown[:limit].rsplit(" ", 1)[0]
    return html.escape(cut, quote=False) + " …"


TAGS_DIRECTIVE = "<!-- material/tags -->"
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def collect_tags(pages: Mapping[str, str]) -> Tags:
    """Which page lists tags, and each tag's pages (titles from front matter)."""
    import yaml

    listing = next((p for p, text in sorted(pages.items()) if TAGS_DIRECTIVE in text), None)
    found: dict[str, list[tuple[str, str]]] = {}
    by_page: dict[str, tuple[str, list[str]]] = {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path, text in pages.items():
        front = _FRONT.match(text)
        if not front or "tags:" not in front.group(1):
            continue
        meta = yaml.load(front.group(1), Loader=loader)
        if not isinstance(meta, dict):
            continue
        title = str(meta.get("title") or path)
        names = [str(name) for name in meta.get("tags") or [] if name]
        for name in names:
            found.setdefault(name, []).append((title, path))
        if names:
            by_page[path] = (title, names)
    return Tags(listing, found, by_page)


def _tags_export(built: Path, tags: Tags, drop: tuple[str, ...]) -> None:
    """Material's tags.json without the placeholders, with every generated page's tags."""
    path = built / "tags.json"
    if not path.exists():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    mappings = [m for m in data.get("mappings", []) if m.get("item", {}).get("url") not in drop]
    mappings += [{"item": {"url": page_url(p), "title": title}, "tags": sorted(names)}
                 for p, (title, names) in tags.by_page.items()]
    data["mappings"] = sorted(mappings, key=lambda m: str(m["item"]["url"]))
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


def _tag_toc(tags: Tags) -> list[Any]:
    from mkdocs.structure.toc import AnchorLink

    return [AnchorLink(html.escape(name, quote=False), tag_slug(name), 2)
            for name in sorted(tags.pages)]


# ---------------------------------------------------------------------------- workers

_worker: dict[str, Any] = {}


def _init_worker(session: Session) -> None:
    _worker.update(converter=Converter(session.extensions, session.configs, session.known), shells=session.shells,
                   site=session.built, site_description=session.site_description, tags=session.tags,
                   session=session)


@dataclass
class Done:
    path: str
    ids: frozenset[str]
    links: list[Link]
    broken: list[str]
    records: list[dict[str, Any]]


Job = tuple[str, str, str, "tuple[SearchEntry, ...] | None"]  # path, Markdown, shell key, search entries


def _render_chunk(chunk: list[Job]) -> list[Done]:
    """Convert, fill and write pages; (path, Markdown, shell key, search entries) in, small results out.

    A page with search entries gets records made from them; others are indexed from their HTML."""
    converter: Converter = _worker["converter"]
    shells: dict[str, Shell] = _worker["shells"]
    site: Path = _worker["site"]
    done: list[Done] = []
    for path, text, key, entries in chunk:
        page = converter.convert(path, text)
        tags: Tags = _worker["tags"]
        if path == tags.listing:
            page.content = page.content.replace(TAGS_DIRECTIVE, tag_listing(path, tags), 1)
            page.ids = page.ids | {tag_slug(name) for name in tags.pages}
            items = page.toc.items
            (items[0].children if items and items[0].level == 1 else items).extend(_tag_toc(tags))
        out = site / page_url(path) / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(assemble(page, shells[key], _worker["site_description"], tags), encoding="utf-8")
        if entries is not None:
            records = model_records(page, entries)
        else:
            records = search_records(page, MAX_TEXT if path.startswith(LIST_PAGES) else None)
        done.append(Done(path, page.ids, *_other_pages_links(page), records))
    return done


def _other_pages_links(page: Converted) -> tuple[list[Link], list[str]]:
    """The page's links into other pages with an anchor, one per target and anchor (the anchors
    are checked once every page is made), and its broken links, anchors in the page itself
    checked here: only what the whole-site check needs goes back to the main process."""
    broken = list(page.broken)
    others: dict[tuple[str, str], Link] = {}
    for link in page.links:
        if link.target != page.path:
            others.setdefault((link.target, link.anchor), link)
        elif link.anchor not in page.ids:
            broken.append(f"{page.path}: link to {link.written}: no such anchor '{link.anchor}' in {page.path}")
    return list(others.values()), broken


# ---------------------------------------------------------------------------- the build


def _has_toc(page: Converted) -> bool:
    toc = list(page.toc)
    return bool(toc[0].children if toc and toc[0].level == 1 else toc)


def _letters(number: int) -> str:
    """0 -> a, 25 -> z, 26 -> ba: slot names are letters only."""
    out = ""
    while True:
        out = chr(ord("a") + number % 26) + out
        number //= 26
        if not number:
            return out


def nav_paths(nav: Any) -> set[str]:
    """Page paths the navigation lists."""
    found: set[str] = set()

    def walk(item: Any) -> None:
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(nav or [])
    return found


def shell_key(path: str, listed: set[str]) -> str:
    """Pages listed in the navigation get their own shell; others share one per folder."""
    if path in listed:
        return path
    folder = posixpath.dirname(path)
    name = "index.md" if posixpath.basename(path) == "index.md" else "{page}.md"
    return posixpath.join(folder, name)


def _glance(path: str, text: str, probe: Converter, anchored: set[str]) -> Converted:
    """What a placeholder needs of a page (front matter, title, whether it has a table of
    contents; its ids only when a hand-written page links to an anchor in it), without
    converting big pages twice."""
    if path in anchored:
        return probe.convert(path, text)
    from mkdocs.structure.toc import AnchorLink, TableOfContents
    from mkdocs.utils.meta import get_data

    body, meta = get_data(text)
    heading = re.search(r"^# (.+)$", body, flags=re.M)
    title = meta.get("title")
    if not isinstance(title, str):
        title = html.escape(heading.group(1).strip()) if heading else \
            html.escape(posixpath.basename(path)[:-3].replace("-", " ").capitalize())
    toc = [AnchorLink("", "", 2)] if re.search(r"^#{2,6} |<h[2-6][ >]", body, flags=re.M) else []
    return Converted(path, meta, title, "", TableOfContents(toc), frozenset(), [], [])


def _linked_from(docs_dir: Path, generated: set[str], *, with_anchor: bool = False) -> set[str]:
    """Generated files that hand-written pages link to (with an anchor, if asked)."""
    linked: set[str] = set()
    for source in docs_dir.rglob("*.md"):
        rel = source.relative_to(docs_dir).as_posix()
        if rel in generated:
            continue
        for target in _MD_LINK.findall(source.read_text(encoding="utf-8")):
            path = urlsplit(target).path
            if path and (not with_anchor or "#" in target):
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
                if resolved in generated:
                    linked.add(resolved)
    return linked


def _chunks(items: list[Job], size: int) -> Iterator[list[Job]]:
    for at in range(0, len(items), size):
        yield items[at:at + size]


@dataclass
class Session:
    """A prepared build: MkDocs has built the hand-written pages and the shells are cut.

    ``render`` converts, fills and writes generated pages into ``built``; ``finish`` checks
    links and anchors and writes the search index, tags and sitemap. The preview keeps one
    session and renders only the pages an edit changed.
    """

    built: Path
    extensions: list[Any]
    configs: dict[str, Any]
    known: frozenset[str]
    listed: set[str]
    shells: dict[str, Shell]
    tags: Tags
    site_description: str
    site_url: str
    search: dict[str, Any]
    drop: tuple[str, ...]
    results: dict[str, Done] = field(default_factory=dict)

    def render(self, pages: Mapping[str, str], workers: int = 1,
               search: Mapping[str, tuple[SearchEntry, ...]] | None = None) -> list[Done]:
        """Convert, fill and write ``pages``; with ``workers`` > 1, in a pool of processes.

        ``search`` holds the search entries of the pages that have them (entity pages)."""
        for path in pages:
            if shell_key(path, self.listed) not in self.shells:
                raise SiteError(f"{path}: no page shell for it; rebuild the whole site")
        entries = search or {}
        jobs: list[Job] = [(path, pages[path], shell_key(path, self.listed), entries.get(path))
                           for path in sorted(pages)]
        size = max(1, min(200, len(jobs) // (workers * 4) or 1))
        results: list[Done] = []
        if workers > 1 and len(jobs) > 50:
            import multiprocessing

            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                     initializer=_init_worker, initargs=(self,)) as pool:
                for done in pool.map(_render_chunk, _chunks(jobs, size)):
                    results.extend(done)
        else:
            if _worker.get("session") is not self:
                _init_worker(self)
            for chunk in _chunks(jobs, size):
                results.extend(_render_chunk(chunk))
        self.results.update((done.path, done) for done in results)
        return results

    def problems(self) -> list[str]:
        """Every broken link and anchor of the generated pages, ``path: link to x: ...``."""
        ids = {d.path: d.ids for d in self.results.values()}
        problems = [b for d in self.results.values() for b in d.broken]
        for done in self.results.values():
            for link in done.links:
                if link.target in ids and link.anchor not in ids[link.target]:
                    problems.append(f"{link.source}: link to {link.written}: no such anchor "
                                    f"'{link.anchor}' in {link.target}")
        return sorted(problems)

    def finish(self) -> None:
        """Search index, tags and sitemap: MkDocs's for the hand-written pages, ours for the rest."""
        search = dict(self.search)
        search["docs"] = list(self.search["docs"]) + [r for p in sorted(self.results)
                                                      for r in self.results[p].records]
        (self.built / "search" / "search_index.json").write_text(
            json.dumps(search, separators=(",", ":"), default=str), encoding="utf-8")
        _tags_export(self.built, self.tags, self.drop)
        _sitemap(self.built, [page_url(p) for p in sorted(self.results)], self.drop, self.site_url)


def prepare(files: Mapping[str, str | bytes], docs_dir: Path, config_file: Path, scratch: Path,
            managed_dirs: Iterable[str]) -> Session:
    """Let MkDocs build the hand-written pages and the placeholders into ``scratch/site``; cut the shells.

    ``files`` are the generated files by path under docs/; ``managed_dirs`` the folders the
    generator owns (their old contents under ``docs_dir`` are not part of the hand-written site).
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    docs_dir = docs_dir.resolve()
    managed = tuple(managed_dirs)
    pages = {p: str(t) for p, t in files.items() if p.endswith(".md")}
    others = {p: t for p, t in files.items() if not p.endswith(".md")}
    markers = Markers()
    shell_docs = scratch / "docs"
    shutil.copytree(docs_dir, shell_docs, ignore=lambda d, names: [
        n for n in names if Path(d, n).relative_to(docs_dir).as_posix() in managed])
    # Non-page generated files that hand-written pages link to, for MkDocs's link checks;
    # all of them are written straight into the site after MkDocs (not copied twice).
    for path in _linked_from(docs_dir, set(others)):
        data = others[path]
        target = shell_docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    config = load_config(str(config_file), docs_dir=str(shell_docs), site_dir=str(scratch / "site"), strict=True)
    listed = nav_paths(config["nav"])
    known = frozenset(set(files) | {p.relative_to(shell_docs).as_posix()
                                    for p in shell_docs.rglob("*") if p.is_file()})
    groups: dict[str, Group] = {}
    for path in sorted(pages):
        key = shell_key(path, listed)
        groups.setdefault(key, Group(key)).pages.append(path)
    extensions, configs = list(config["markdown_extensions"]), dict(config["mdx_configs"] or {})
    probe = Converter(extensions, configs, known)
    anchored = _linked_from(docs_dir, set(pages), with_anchor=True)
    linked = _linked_from(docs_dir, set(pages)) - set(groups)
    tags = collect_tags(pages)
    titles: dict[str, str] = {}   # title slot of each group -> its page's title, if one page
    for number, (key, group) in enumerate(groups.items()):
        first = _glance(group.pages[0], pages[group.pages[0]], probe, anchored)
        name = key.replace("{page}", markers("page"))
        group.title_slot = "title" + _letters(number)
        titles[group.title_slot] = first.title
        (shell_docs / name).parent.mkdir(parents=True, exist_ok=True)
        (shell_docs / name).write_text(placeholder_markdown(
            markers, name, first.meta, ids=first.ids if key == group.pages[0] else (), title=group.title_slot,
            with_toc=_has_toc(first) or len(group.pages) > 1 or (key == tags.listing and bool(tags.pages)),
            with_tags=any(p in tags.by_page for p in group.pages)))
    for path in linked:  # stubs, so MkDocs checks hand-written links (and anchors) into them
        stub = probe.convert(path, pages[path])
        (shell_docs / path).write_text(placeholder_markdown(markers, path, stub.meta, ids=stub.ids, title="titlestub",
                                                            with_tags=False))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    counter = _WarningCounter()
    logging.getLogger("mkdocs").addHandler(counter)
    try:
        mkdocs_build(config)
    except Exception as err:  # MkDocs's Abort and friends: the message is for people
        raise SiteError("\n".join(["mkdocs build of the hand-written pages failed:", *counter.messages,
                                    str(err)])) from err
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)
    if counter.messages:
        raise SiteError("mkdocs build of the hand-written pages: " + "; ".join(counter.messages))
    built = scratch / "site"
    for path, data in others.items():
        target = built / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    shells: dict[str, Shell] = {}
    for key, group in groups.items():
        name = key.replace("{page}", markers("page"))
        others_titles = {slot: title for slot, title in titles.items() if slot != group.title_slot}
        shells[key] = cut_shell((built / page_url(name) / "index.html").read_text(encoding="utf-8"),
                                markers, group.title_slot, others_titles)
        shutil.rmtree(built / page_url(name))
    pattern = markers.pattern()
    for other in built.rglob("*.html"):  # hand-written pages list placeholders in their navigation
        text = other.read_text(encoding="utf-8")
        if markers.token in text:
            other.write_text(pattern.sub(lambda m: titles.get(m.group(1), ""), text), encoding="utf-8")
    search = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))
    drop = tuple(page_url(k.replace("{page}", markers("page"))) for k in groups) + \
        tuple(page_url(p) for p in linked)
    search["docs"] = [d for d in search["docs"] if d["location"].split("#")[0] not in drop]
    return Session(built, extensions, configs, known, listed, shells, tags,
                   str(config["site_description"] or ""), str(config["site_url"] or ""), search, drop)


def build(files: Mapping[str, str | bytes], docs_dir: Path, config_file: Path, site_dir: Path,
          managed_dirs: Iterable[str], *, workers: int | None = None,
          search: Mapping[str, tuple[SearchEntry, ...]] | None = None) -> dict[str, float]:
    """Build the site into ``site_dir`` (swapped in only on success); seconds per phase back.

    Raises :class:`SiteError` when a link or anchor is broken or MkDocs fails.
    """
    import time

    clock = time.perf_counter()
    timings: dict[str, float] = {}

    def phase(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    site_dir = site_dir.resolve()
    with tempfile.TemporaryDirectory(prefix="shell-") as scratch:
        session = prepare(files, docs_dir, config_file, Path(scratch), managed_dirs)
        phase("shell: mkdocs build of hand-written pages and placeholders")
        pages = {p: str(t) for p, t in files.items() if p.endswith(".md")}
        session.render(pages, workers or min(2, os.cpu_count() or 1), search)
        phase("pages: convert, fill, write")
        problems = session.problems()
        if problems:
            more = f"\n(and {len(problems) - 20} more)" if len(problems) > 20 else ""
            raise SiteError("broken links:\n" + "\n".join(problems[:20]) + more)
        phase("links: check")
        session.finish()
        phase("search, tags and sitemap")
        swap_in(session.built, site_dir)
        phase("swap")
    return timings


class _WarningCounter(logging.Handler):
    """Collects MkDocs's warnings, to name them when strict mode stops its build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _sitemap(site: Path, urls: list[str], drop: tuple[str, ...], site_url: str) -> None:
    """MkDocs's sitemap without the placeholders, with every generated page."""
    path = site / "sitemap.xml"
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    entries = re.findall(r"    <url>.*?</url>\n", text, flags=re.S)
    keep = [e for e in entries if not any(f"<loc>{site_url}{u}</loc>" in e for u in drop)]
    lastmod = re.search(r"<lastmod>[^<]*</lastmod>", text)
    stamp = f"\n         {lastmod.group(0)}" if lastmod else ""
    added = [f"    <url>\n         <loc>{html.escape(site_url + u)}</loc>{stamp}\n    </url>\n" for u in urls]
    head = text[: text.index("<urlset")]
    head += text[text.index("<urlset"): text.index(">", text.index("<urlset")) + 1] + "\n"
    body = head + "".join(keep + added) + "</urlset>"
    path.write_text(body, encoding="utf-8")
    with gzip.GzipFile(site / "sitemap.xml.gz", "wb", mtime=0) as handle:
        handle.write(body.encode("utf-8"))
