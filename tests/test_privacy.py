"""Readers' browsers contact no third party except the map tile server."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from build_scripts.base.settings import TILES

# Attributes that make a browser fetch something by itself (a link a reader clicks is fine).
LOADING = {("script", "src"), ("img", "src"), ("iframe", "src"), ("embed", "src"), ("object", "data"),
           ("source", "src"), ("video", "src"), ("audio", "src"), ("video", "poster"), ("track", "src"),
           ("img", "srcset"), ("source", "srcset"), ("input", "src")}
LINK_LOADING_RELS = {"stylesheet", "preload", "prefetch", "preconnect", "dns-prefetch", "icon", "manifest",
                     "modulepreload", "apple-touch-icon", "shortcut icon", "alternate stylesheet"}


def external(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme in ("http", "https")


class LoadScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if (tag, name) in LOADING and value:
                self.loads.append(value)
            if name == "style" and value:
                self.styles.append(value)
        if tag == "link" and attributes.get("rel", "").lower() in LINK_LOADING_RELS:
            self.loads.append(attributes.get("href") or "")
        if tag == "script" and attributes.get("type") == "application/ld+json":
            self._in = "data"  # JSON-LD: data for search engines, loads nothing
        elif tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)


def css_urls(css: str) -> list[str]:
    return [u.strip("'\" ") for u in re.findall(r"url\(([^)]*)\)", css)] + \
        re.findall(r"@import\s+['\"]([^'\"]+)['\"]", css)


def test_no_page_or_map_loads_anything_from_another_host(seed_site: Path):
    offenders = []
    pages = sorted(seed_site.rglob("*.html"))
    assert len(pages) > 60
    for page in pages:
        scanner = LoadScanner()
        scanner.feed(page.read_text(encoding="utf-8"))
        urls = scanner.loads + [u for s in scanner.styles for u in css_urls(s)]
        offenders += [(page.relative_to(seed_site).as_posix(), u) for u in urls if external(u)]
        # Inside inline scripts, the tile template is the only address that loads.
        for script in scanner.scripts:
            for url in re.findall(r"https?://[^\s\"'`\\)]+", script):
                if url != TILES.url and not url.startswith("https://www.openstreetmap.org/copyright"):
                    offenders.append((page.relative_to(seed_site).as_posix(), url))
    assert offenders == []


def test_no_stylesheet_imports_fonts_or_images_from_another_host(seed_site: Path):
    offenders = [(css.relative_to(seed_site).as_posix(), u)
                 for css in sorted(seed_site.rglob("*.css"))
                 for u in css_urls(css.read_text(encoding="utf-8")) if external(u)]
    assert offenders == []
    assert "fonts.googleapis.com" not in (seed_site / "index.html").read_text(encoding="utf-8")


def test_the_scanner_catches_what_it_should():
    scanner = LoadScanner()
    scanner.feed('<link rel="stylesheet" href="https://cdn.example/x.css"><img src="//t.example/p.gif">'
                 '<a href="https://example.org/article">ok</a><div style="background:url(https://x.example/i)">')
    assert [u for u in scanner.loads if external(u)] == ["https://cdn.example/x.css", "//t.example/p.gif"]
    assert css_urls(scanner.styles[0]) == ["https://x.example/i"]


def test_pages_embed_maps_lazily_with_a_text_list(seed_site: Path):
    for entity in ("spacety-china", "poly-technologies", "shanghai"):
        html = (seed_site / "entities" / entity / "index.html").read_text(encoding="utf-8")
        iframe = re.search(r'<iframe class="entity-map" src="([^"]+)"[^>]*loading="lazy"[^>]*height="\d+"', html)
        assert iframe, entity
        assert (seed_site / "entities" / entity / iframe.group(1)).resolve().is_file()
        assert "Places on this map:" in html
