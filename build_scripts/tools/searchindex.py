"""Search records of generated pages: entity pages' made from their search entries (pages/search.py),
other pages' by Material's own indexer, the text of list pages cut so they never outrank the entities
they list."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from build_scripts.pages.kit import BROWSE_DIR
from build_scripts.pages.search import MAX_TEXT, SearchEntry, cut_text
from build_scripts.tools.mdpages import Converted, page_url


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
    shown = " ".join(html.unescape(_ANY_TAG.sub(" ", text)).split())
    return html.escape(cut_text(shown, limit), quote=False)



def page_records(page: Converted, entries: Iterable[SearchEntry] | None) -> list[dict[str, Any]]:
    """A generated page's records: made from its search entries when it has them (entity pages),
    else Material's own, with the text cut on list pages."""
    if entries is not None:
        return model_records(page, entries)
    return search_records(page, MAX_TEXT if page.path.startswith(LIST_PAGES) else None)
