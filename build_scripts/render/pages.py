"""Stage 5: render page contexts through Jinja2 into Markdown files.

Card text can never run as template code: it reaches Jinja only as context
values, and every value printed is escaped by ``finalize`` unless Python built
it as :class:`Markup`. Writes compare before writing (unchanged files keep
their modification time, so a live preview rebuilds only what changed) and
pages whose card is gone are deleted.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import jinja2
import yaml
from markupsafe import Markup, escape

from build_scripts.pages.kit import Page
from build_scripts.pages.markup import md_text
from build_scripts.pages.search import SearchEntry

TEMPLATES = Path(__file__).parent / "templates"


def _finalize(value: object) -> object:
    if value is None:
        return ""
    return md_text(value)


def _one_block(html: object) -> Markup:
    """HTML as one raw block for Python-Markdown: no blank lines, no indentation."""
    return Markup("\n".join(line.strip() for line in str(html).splitlines() if line.strip()))


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown output: escaping is ``finalize``'s job
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["x"] = escape  # HTML text and attribute values in raw HTML blocks (diagrams)
    env.filters["oneblock"] = _one_block
    return env


def render_page(env: jinja2.Environment, page: Page) -> str:
    context = dict(page.context)
    meta = context.pop("meta", {})
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=1000).strip()
    text = env.get_template(page.template).render(front_matter=Markup(front), **context)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once, at import
_MODE = 0o666 & ~_UMASK  # the mode an ordinary new file gets


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write atomically, and only if the content differs. True when written.

    The file gets the mode of any new file (a temporary file is private until renamed): the site
    build links maps and data from docs/ into the site, which a web server must be able to read."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.read_bytes() == data:
            if stat.S_IMODE(path.stat().st_mode) != _MODE:  # left private by an older generator
                path.chmod(_MODE)
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, _MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


PARALLEL_FROM = 400  # pages; below this, starting processes costs more than it saves
_FORKED: dict[str, object] = {}  # what workers forked from this process read: "make" (page i), "write_to"


@dataclass(frozen=True)
class Rendered:
    path: str
    text: str          # empty when the page was written to disk by the process that rendered it
    search: tuple[SearchEntry, ...] | None
    written: bool = False


@functools.cache
def _shared_environment() -> jinja2.Environment:
    """One environment (templates compiled once) for every range a process renders."""
    return environment()


def _render_range(bounds: tuple[int, int]) -> list[Rendered]:
    env = _shared_environment()
    make = cast(Callable[[int], Page], _FORKED["make"])
    write_to = cast("Path | None", _FORKED.get("write_to"))
    done = []
    for page in map(make, range(*bounds)):
        text = render_page(env, page)
        if write_to is None:
            done.append(Rendered(page.path, text, page.search))
        else:
            done.append(Rendered(page.path, "", page.search, write_if_changed(write_to / page.path, text)))
    return done


def render_many(count: int, make: Callable[[int], Page], workers: int = 1,
                write_to: Path | None = None) -> list[Rendered]:
    """Pages 0 .. count-1, each made by ``make(i)`` (a page context) and rendered, in order.

    With ``workers`` > 1 and many pages, processes forked from this one make and render ranges of
    pages: what ``make`` needs reaches them by the fork, not by pickling; only the text and search
    entries come back. Below PARALLEL_FROM pages, or where fork is not available, one process does it.
    With ``write_to`` (the docs folder), each page is written there as it is rendered and its text
    does not come back, so no process ever holds every page."""
    _FORKED.update(make=make, write_to=write_to)
    try:
        if workers <= 1 or count < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
            return _render_range((0, count))
        step = max(1, count // (workers * 8))
        ranges = [(start, min(start + step, count)) for start in range(0, count, step)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [item for done in pool.map(_render_range, ranges) for item in done]
    finally:
        _FORKED.clear()


class OnDisk(Mapping[str, "str | bytes"]):
    """Generated files already written under ``root``, read when asked for: pages (``.md``) as
    text, other files as bytes. What the site build reads one by one, no process holds whole."""

    def __init__(self, root: Path, paths: Iterable[str]) -> None:
        self.root = root.resolve()
        self.paths = frozenset(paths)

    def __getitem__(self, path: str) -> str | bytes:
        if path not in self.paths:
            raise KeyError(path)
        file = self.root / path
        return file.read_text(encoding="utf-8") if path.endswith(".md") else file.read_bytes()

    def __contains__(self, path: object) -> bool:  # without reading the file
        return path in self.paths

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.paths))

    def __len__(self) -> int:
        return len(self.paths)


def render_pages(pages: Iterable[Page], workers: int = 1) -> dict[str, str]:
    """Markdown text of every page, by path under docs/, in page order (see render_many)."""
    listed = list(pages)
    return {done.path: done.text for done in render_many(len(listed), listed.__getitem__, workers)}


def write_outputs(files: Mapping[str, str | bytes], docs_dir: Path, managed_dirs: Iterable[str]) -> WriteReport:
    """Write every generated file; delete files in ``managed_dirs`` that nothing produced."""
    written, unchanged = [], 0
    for rel in sorted(files):
        if write_if_changed(docs_dir / rel, files[rel]):
            written.append(rel)
        else:
            unchanged += 1
    return WriteReport(tuple(written), unchanged, remove_others(docs_dir, managed_dirs, set(files)))


def remove_others(docs_dir: Path, managed_dirs: Iterable[str], produced: set[str]) -> tuple[str, ...]:
    """Delete the files in ``managed_dirs`` that are not in ``produced``, and folders left empty."""
    wanted = {docs_dir / rel for rel in produced}
    removed = []
    for managed in managed_dirs:
        root = docs_dir / managed
        if not root.exists():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and path not in wanted:
                path.unlink()
                removed.append(path.relative_to(docs_dir).as_posix())
        for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
    return tuple(removed)
