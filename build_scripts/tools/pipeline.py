"""The stages wired together: cards folder in, Markdown pages out.

No printing and no exiting here; callers (the CLI, the MkDocs hook, tests)
decide what to do with the results.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from build_scripts.base.settings import SITE_URL
from build_scripts.cards.validate import CardCache, Validation, validate_dir
from build_scripts.export import data as exports
from build_scripts.model import entities as model
from build_scripts.model import history
from build_scripts.pages import corrections, mapdata, overviews, reference
from build_scripts.pages.kit import BROWSE_DIR, ENTITY_DIR, Page
from build_scripts.pages.search import SearchEntry
from build_scripts.render import maps
from build_scripts.render.pages import (
    OnDisk,
    Rendered,
    WriteReport,
    remove_others,
    render_many,
    write_if_changed,
    write_outputs,
)
from build_scripts.schema import jsonschema as schema_json

GENERATED_DIRS = (ENTITY_DIR, BROWSE_DIR, reference.REFERENCE_DIR, mapdata.MAPS_DIR, mapdata.EMBED_DIR,
                  overviews.EMBED_DIR, maps.VENDOR_DIR, exports.DATA_DIR)


@dataclass(frozen=True)
class GenerateResult:
    validation: Validation
    investigation: model.Investigation | None
    report: WriteReport | None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, in order
    files: Mapping[str, str | bytes] = field(default_factory=dict)  # every generated file, by path under docs/
    search: Mapping[str, tuple[SearchEntry, ...]] = field(default_factory=dict)  # search entries, by page path

    @property
    def ok(self) -> bool:
        return self.validation.ok


Progress = Callable[[str, str], None]  # (phase, what was done)


def generate(cards_dir: Path, docs_dir: Path, progress: Progress | None = None,
             cache: CardCache | None = None, *, keep: bool = True) -> GenerateResult:
    """Validate every card; if all pass, write the generated pages under ``docs_dir``.

    ``progress`` is told when each phase ends, with counts, so long builds never sit silent;
    ``cache`` (the preview's) spares re-reading cards that did not change. With ``keep`` the result
    holds every generated file's content (the preview compares them edit after edit); without,
    each file is written as soon as it is made and ``files`` reads them back from ``docs_dir`` when
    asked, so memory does not grow with the size of the site.
    """
    report_progress = progress or (lambda phase, what: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def phase(name: str, what: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now
        report_progress(name, what)

    validation = validate_dir(cards_dir, cache)
    timings["load"] = validation.load_seconds
    timings["validate"] = time.perf_counter() - clock - validation.load_seconds
    clock = time.perf_counter()
    if not validation.ok:
        return GenerateResult(validation, None, None, timings)
    report_progress("validate", f"{len(validation.cards)} cards valid")
    investigation = model.build(validation.cards)
    changes = history.read_history(cards_dir)
    phase("model", f"{len(investigation.entities)} entities, {len(investigation.claims)} claims, "
                   + (f"{len(changes.changes)} changes in the history" if changes else "no history"))
    map_specs = mapdata.all_maps(investigation)
    site = overviews.plan(investigation, map_specs, changes)
    workers = min(2, os.cpu_count() or 1)
    others = site.other_pages() + reference.reference_pages()
    write_to = None if keep else docs_dir
    rendered = render_many(len(site.entity_ids), site.entity_page, workers, write_to) + render_many(
        len(others), others.__getitem__, workers, write_to)
    del site, others
    search = page_search(rendered)
    phase("render", f"{len(rendered)} pages")
    written = Written(docs_dir, keep)
    for done in rendered:
        written.add(done.path, None if write_to else done.text, done.written)
    del rendered
    map_count = 0
    for spec in map_specs.values():
        for one in (spec, mapdata.embed_spec(spec)):
            written.add(one.path, maps.render_map(one))
            map_count += 1
    phase("maps", f"{map_count} maps")
    data = exports.data_files(investigation)
    data[corrections.FEED_PATH] = corrections.feed(investigation, changes, SITE_URL)
    phase("exports", f"{len(data)} data files")
    rest: dict[str, str | bytes] = {**data, **maps.vendor_assets(), **schema_json.schema_files()}
    for path, content in rest.items():
        written.add(path, content)
    del data, rest
    report = written.finish(GENERATED_DIRS)
    phase("write", f"{len(report.written)} files written, {report.unchanged} unchanged, "
                   f"{len(report.removed)} removed")
    return GenerateResult(validation, investigation, report, timings, written.files(), search)


class Written:
    """The generated files: kept in memory and written at the end (``keep``), or each written as made."""

    def __init__(self, docs_dir: Path, keep: bool) -> None:
        self.docs_dir, self.keep = docs_dir, keep
        self.kept: dict[str, str | bytes] = {}
        self.paths: list[str] = []
        self.written: list[str] = []

    def add(self, path: str, content: str | bytes | None, written: bool = False) -> None:
        """One file. ``content`` None: the process that made it wrote it already (``written``: it changed)."""
        self.paths.append(path)
        if content is None:
            if written:
                self.written.append(path)
        elif self.keep:
            self.kept[path] = content
        elif write_if_changed(self.docs_dir / path, content):
            self.written.append(path)

    def finish(self, managed_dirs: Iterable[str]) -> WriteReport:
        if self.keep:
            return write_outputs(self.kept, self.docs_dir, managed_dirs)
        removed = remove_others(self.docs_dir, managed_dirs, set(self.paths))
        return WriteReport(tuple(sorted(self.written)), len(self.paths) - len(self.written), removed)

    def files(self) -> Mapping[str, str | bytes]:
        return self.kept if self.keep else OnDisk(self.docs_dir, self.paths)


def page_search(pages: Iterable[Page | Rendered]) -> dict[str, tuple[SearchEntry, ...]]:
    """The search entries of the pages that have their own (entity pages), by path."""
    return {page.path: page.search for page in pages if page.search is not None}
