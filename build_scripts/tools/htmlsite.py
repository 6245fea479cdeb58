"""The site build of `make site`: generated pages go straight to HTML, MkDocs builds only the rest.

This module runs the build (placeholders, workers, link check, merged search index and sitemap);
``mdpages`` converts a page as MkDocs would, ``shells`` cuts and fills Material's page shells and
handles tags, ``searchindex`` makes the pages' search records.

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
   and write the page, and make its search records (entity pages' from the cards, the
   others' with Material's own indexer).
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
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from build_scripts.pages.search import SearchEntry
from build_scripts.render.pages import OnDisk
from build_scripts.tools.mdpages import Converted, Converter, Link, SiteError, page_url
from build_scripts.tools.searchindex import page_records
from build_scripts.tools.shells import (
    TAGS_DIRECTIVE,
    Markers,
    Shell,
    Tags,
    assemble,
    collect_tags,
    cut_shell,
    placeholder_markdown,
    tag_listing,
    tag_slug,
    tag_toc,
    tags_export,
)
from build_scripts.tools.sitedir import swap_in

_MD_LINK = re.compile(r"\]\(([^)\s]+)")


# ---------------------------------------------------------------------------- assembling


@dataclass
class Group:
    """Generated pages that share one shell."""

    key: str                     # the placeholder's path under docs/
    title_slot: str = "title"
    pages: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- workers

_worker: dict[str, Any] = {}


def _init_worker(session: Session) -> None:
    _worker.update(converter=Converter(session.extensions, session.configs, session.known), shells=session.shells,
                   site=session.built, site_description=session.site_description, tags=session.tags,
                   session=session, pages=session.pages)


@dataclass
class Done:
    path: str
    ids: frozenset[str]
    links: list[Link]
    broken: list[str]
    records: list[dict[str, Any]]


Job = tuple[str, str, "tuple[SearchEntry, ...] | None"]  # path, shell key, search entries


def _render_chunk(chunk: list[Job]) -> list[Done]:
    """Convert, fill and write pages; (path, shell key, search entries) in, small results out. Each
    page's Markdown is read from the session's pages (read from disk, if the generator wrote them).

    A page with search entries gets records made from them; others are indexed from their HTML."""
    converter: Converter = _worker["converter"]
    shells: dict[str, Shell] = _worker["shells"]
    site: Path = _worker["site"]
    pages: Mapping[str, str] = _worker["pages"]
    done: list[Done] = []
    for path, key, entries in chunk:
        page = converter.convert(path, pages[path])
        tags: Tags = _worker["tags"]
        if path == tags.listing:
            page.content = page.content.replace(TAGS_DIRECTIVE, tag_listing(path, tags), 1)
            page.ids = page.ids | {tag_slug(name) for name in tags.pages}
            items = page.toc.items
            (items[0].children if items and items[0].level == 1 else items).extend(tag_toc(tags))
        out = site / page_url(path) / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(assemble(page, shells[key], _worker["site_description"], tags), encoding="utf-8")
        done.append(Done(path, page.ids, *_other_pages_links(page), page_records(page, entries)))
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


def _hand_written_links(docs_dir: Path, managed: tuple[str, ...]) -> list[tuple[str, bool]]:
    """Where the hand-written pages link: (path under docs/, whether with an anchor), one per link.
    The generator's folders are not walked: at 10,000 cards they hold tens of thousands of files."""
    links: list[tuple[str, bool]] = []
    for folder, dirs, names in os.walk(docs_dir):
        rel_folder = Path(folder).relative_to(docs_dir).as_posix()
        rel_folder = "" if rel_folder == "." else rel_folder + "/"
        dirs[:] = sorted(d for d in dirs if rel_folder + d not in managed)
        for name in sorted(n for n in names if n.endswith(".md")):
            rel = rel_folder + name
            for target in _MD_LINK.findall(Path(folder, name).read_text(encoding="utf-8")):
                path = urlsplit(target).path
                if path:
                    links.append((posixpath.normpath(posixpath.join(posixpath.dirname(rel), path)), "#" in target))
    return links


def _chunks(items: list[Job], size: int) -> Iterator[list[Job]]:
    for at in range(0, len(items), size):
        yield items[at:at + size]


class Subset(Mapping[str, "str | bytes"]):
    """The pages (``.md``, as text) or the other files among the generated files, each read only
    when asked for: the generator may have left them on disk (:class:`OnDisk`)."""

    def __init__(self, files: Mapping[str, str | bytes], pages: bool) -> None:
        self.files, self.pages = files, pages
        self.paths = sorted(p for p in files if p.endswith(".md") == pages)

    def __getitem__(self, path: str) -> str | bytes:
        if path.endswith(".md") != self.pages:
            raise KeyError(path)
        try:
            content = self.files[path]
        except FileNotFoundError as err:  # read from docs/ (OnDisk), which something else changed
            raise SiteError(f"{path}: the generated file went missing from docs/ during the build (did another "
                            "build or `mkdocs serve` run at the same time?); run `make site` again") from err
        return content.decode("utf-8") if self.pages and isinstance(content, bytes) else content

    def __contains__(self, path: object) -> bool:  # without reading the file
        return isinstance(path, str) and path.endswith(".md") == self.pages and path in self.files

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def pages_of(files: Mapping[str, str | bytes]) -> Mapping[str, str]:
    return cast("Mapping[str, str]", Subset(files, pages=True))


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
    pages: Mapping[str, str] = field(default_factory=dict)  # the pages ``render`` is converting

    def render(self, pages: Mapping[str, str], workers: int = 1,
               search: Mapping[str, tuple[SearchEntry, ...]] | None = None) -> list[Done]:
        """Convert, fill and write ``pages``; with ``workers`` > 1, in a pool of processes.

        ``search`` holds the search entries of the pages that have them (entity pages)."""
        for path in pages:
            if shell_key(path, self.listed) not in self.shells:
                raise SiteError(f"{path}: no page shell for it; rebuild the whole site")
        entries = search or {}
        jobs: list[Job] = [(path, shell_key(path, self.listed), entries.get(path)) for path in sorted(pages)]
        self.pages = pages  # read by the workers (forked: not copied, not pickled)
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
            _worker["pages"] = pages
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
        tags_export(self.built, self.tags, self.drop)
        _sitemap(self.built, [page_url(p) for p in sorted(self.results)], self.drop, self.site_url)


def _place(target: Path, files: Mapping[str, str | bytes], path: str) -> None:
    """Put a generated file into the site. One the generator left on disk is linked, not copied:
    at 10,000 cards maps and data are half a gigabyte, and writing them twice fills the disk's write
    cache. Safe because the generator replaces a file (a new one renamed over it), never edits it
    in place, so the site keeps what it was built with. A copy where links are not possible."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(files, OnDisk):
        try:
            os.link(files.root / path, target)
            return
        except OSError:
            pass
    data = files[path]
    target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


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
    pages, others = pages_of(files), Subset(files, pages=False)
    markers = Markers()
    shell_docs = scratch / "docs"
    shutil.copytree(docs_dir, shell_docs, ignore=lambda d, names: [
        n for n in names if Path(d, n).relative_to(docs_dir).as_posix() in managed])
    # Non-page generated files that hand-written pages link to, for MkDocs's link checks;
    # all of them are written straight into the site after MkDocs (not copied twice).
    hand_links = _hand_written_links(docs_dir, managed)
    for path in sorted({target for target, _ in hand_links if target in others}):
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
    anchored = {target for target, anchor in hand_links if anchor and target in pages}
    linked = {target for target, _ in hand_links if target in pages} - set(groups)
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
    for path in others:  # after that pass, which need not read them
        _place(built / path, files, path)
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
        session.render(pages_of(files), workers or min(2, os.cpu_count() or 1), search)
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
