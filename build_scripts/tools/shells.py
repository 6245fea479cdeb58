"""Material page shells: a placeholder page built by MkDocs, cut at its marker words into literal
pieces and slots, then filled with each generated page (title, table of contents, tags, content);
and Material's tags, listing and tags.json, in Python."""

from __future__ import annotations

import html
import json
import posixpath
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_scripts.tools.mdpages import Converted, SiteError, page_url, relative_url

Slot = str  # a slot name in a shell


Piece = str | tuple[Slot, str]  # literal HTML, or (slot, the shell's text around the marker)


_SEARCH_ATTR = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")  # what Material's search plugin strips


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


# Material's templates indent their markup deeply: a third of a page shell is indentation. A run of
# white space that holds a line break renders as one space, as does one line break, so the shell
# keeps just the break, except in elements where white space is kept as written.
_INDENT = re.compile(r"\n[ \t\r\n]+")  # ASCII white space only: a no-break space is content
_AS_WRITTEN = re.compile(r"<(pre|textarea)\b", re.I)


def _fold(text: str) -> str:
    return _INDENT.sub("\n", text)


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

    fold = _AS_WRITTEN.search(page) is None  # a theme with <pre> or <textarea> keeps its white space

    def literal(text: str) -> None:
        text = _fold(text) if fold else text
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


TAGS_DIRECTIVE = "<!-- material/tags -->"


_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def collect_tags(pages: Mapping[str, str]) -> Tags:
    """Which page lists tags, and each tag's pages (titles from front matter)."""
    import yaml

    listing: str | None = None
    found: dict[str, list[tuple[str, str]]] = {}
    by_page: dict[str, tuple[str, list[str]]] = {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in sorted(pages):  # each page read once: they may be read from disk
        text = pages[path]
        if listing is None and TAGS_DIRECTIVE in text:
            listing = path
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


def tags_export(built: Path, tags: Tags, drop: tuple[str, ...]) -> None:
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


def tag_toc(tags: Tags) -> list[Any]:
    from mkdocs.structure.toc import AnchorLink

    return [AnchorLink(html.escape(name, quote=False), tag_slug(name), 2)
            for name in sorted(tags.pages)]

