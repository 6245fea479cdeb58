"""A link check of a built site: every internal link, asset and anchor resolves.

Reads the HTML files as they are served (after MkDocs or the fast path), so it checks
what readers get, whichever engine built it. ``404.html`` is skipped: its links are
written for any depth.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

_ATTR = re.compile(r'<(?:a|link|img|iframe|script)\b[^>]*?\s(?:href|src)="([^"]*)"', re.I)
_ID = re.compile(r'\sid="([^"]*)"')


def _targets(site: Path, page: Path, url: str) -> tuple[Path, str] | None:
    """The file and anchor an internal URL on ``page`` points to; None for external ones."""
    parts = urlsplit(url.replace("&amp;", "&"))
    if parts.scheme or parts.netloc or url.startswith(("//", "data:", "javascript:", "mailto:")):
        return None
    if not parts.path:
        return page, unquote(parts.fragment)
    base = page.parent.relative_to(site).as_posix()
    rel = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    target = site / rel
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def broken_links(site: Path) -> Iterator[str]:
    """``page: link to url: no such file`` / ``no such anchor``, for every broken one."""
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = set(_ID.findall(path.read_text(encoding="utf-8", errors="replace")))
        return ids[path]

    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html" and page.parent == site:
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        ids.setdefault(page, set(_ID.findall(text)))
        name = page.relative_to(site).as_posix()
        for url in _ATTR.findall(text):
            found = _targets(site, page, url)
            if found is None:
                continue
            target, anchor = found
            if not target.is_file():
                yield f"{name}: link to {url}: no such file"
            elif anchor and target.suffix == ".html" and anchor not in ids_of(target):
                yield f"{name}: link to {url}: no such anchor"
