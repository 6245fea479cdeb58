"""`make serve`: a live preview that keeps the investigation in memory.

The first build is the fast site path (``htmlsite``) into a scratch folder, and its
session (page shells, Markdown converter, search records) stays in memory. A thread
polls the cards' modification times; on a change the cards are validated again as one
graph, the pages regenerated in memory, and only the pages whose Markdown changed are
converted and written; then every open browser tab reloads (a tiny polling script,
injected only here). A bad edit keeps the last good pages served and shows its
positioned problems in the terminal and in a banner on every page.
"""

from __future__ import annotations

import gc
import html
import json
import multiprocessing
import posixpath
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from build_scripts.cards.validate import CardCache, validate_dir
from build_scripts.model import analysis
from build_scripts.model import entities as model
from build_scripts.pages import contexts, mapdata, overviews
from build_scripts.pages.kit import ENTITY_DIR
from build_scripts.pages.search import SearchEntry
from build_scripts.render.pages import render_pages
from build_scripts.tools import htmlsite
from build_scripts.tools.mdpages import SiteError, page_url
from build_scripts.tools.pipeline import GENERATED_DIRS, generate, page_search

Say = Callable[[str], None]
_MD_TARGET = re.compile(r"\]\(([^)#\s/]+)\.md[)#]")  # links to sibling entity pages
LAZY_BYTES = 50_000  # pages larger than this (browse pages) are rendered after the others

RELOAD_SCRIPT = """<script>/* preview only: reload when the cards change */
(function(){var v=%d;function poll(){fetch("/__preview/state").then(function(r){return r.json()})
.then(function(s){if(s.version!==v){location.reload();}else{setTimeout(poll,250);}})
.catch(function(){setTimeout(poll,1000);});}setTimeout(poll,250);})();</script>"""
BANNER = ('<div id="preview-problems" role="alert" style="position:fixed;z-index:1000;left:0;right:0;top:0;'
          'max-height:50vh;overflow:auto;background:#fff3f3;color:#8b0000;border-bottom:3px solid #c00;'
          'padding:.6em 1em;font:14px/1.4 monospace;white-space:pre-wrap">'
          '<strong>The preview shows the last good pages. Fix these problems:</strong>\n%s</div>')


@dataclass
class State:
    version: int = 0
    problems: tuple[str, ...] = ()
    last_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Preview:
    """The site in a scratch folder, kept up to date with the cards."""

    def __init__(self, cards: Path, docs: Path, config: Path, say: Say) -> None:
        self.cards, self.docs, self.config, self.say = cards, docs, config, say
        self.scratch = Path(tempfile.mkdtemp(prefix="preview-"))
        self.state = State()
        self.files: dict[str, str | bytes] = {}
        self.session: htmlsite.Session | None = None
        self.stamps: dict[Path, tuple[int, int]] = {}
        self.search: dict[str, tuple[SearchEntry, ...]] = {}
        self.card_cache = CardCache()  # each card's own check, redone only when its file changes
        self.entity_cache = model.EntityCache()  # and the entity made from it
        self.cpu_started = 0.0

    @property
    def root(self) -> Path:
        assert self.session is not None
        return self.session.built

    def scan(self) -> dict[Path, tuple[int, int]]:
        stamps = {}
        for path in self.cards.rglob("*.yaml"):
            try:
                info = path.stat()
            except FileNotFoundError:
                continue
            stamps[path] = (info.st_mtime_ns, info.st_size)
        return stamps

    def start(self) -> bool:
        """The first, full build. False (problems reported) when the cards do not validate."""
        self.stamps = self.scan()
        result = generate(self.cards, self.docs, cache=self.card_cache)
        if not result.ok:
            self._problems([str(p) for p in result.validation.problems])
            return False
        self.files = dict(result.files)
        self.session = htmlsite.prepare(self.files, self.docs, self.config, self.scratch, GENERATED_DIRS)
        pages = {p: str(t) for p, t in self.files.items() if p.endswith(".md")}
        self.search = dict(result.search)
        self.session.render(pages, workers=2, search=self.search)
        self._write_others(self.files)
        problems = self.session.problems()
        self.session.finish()
        self._problems(problems)
        return True

    def _write_others(self, files: Mapping[str, str | bytes]) -> None:
        for path, data in files.items():
            if not path.endswith(".md"):
                target = self.root / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def _problems(self, problems: list[str]) -> None:
        with self.state.lock:
            self.state.problems = tuple(problems)
            self.state.version += 1
        for problem in problems:
            self.say(problem)

    def refresh(self) -> bool:
        """Rebuild what changed since the last look; True when something changed."""
        stamps = self.scan()
        if stamps == self.stamps:
            return False
        edited = {path.stem for path, stamp in stamps.items() if self.stamps.get(path) != stamp}
        edited |= {path.stem for path in self.stamps if path not in stamps}
        self.stamps = stamps
        started = time.perf_counter()
        self.cpu_started = time.process_time()
        gc.disable()  # the quick pass allocates little; a full collection of the kept investigation costs more
        try:
            if not self.quick(edited, started):
                return True
        finally:
            gc.enable()
        result = generate(self.cards, self.docs, cache=self.card_cache)  # then the rest the edit changed
        if not result.ok:
            self._problems([str(p) for p in result.validation.problems])
            return True
        changed = {p: t for p, t in result.files.items() if self.files.get(p) != t}
        assert self.session is not None
        pages = {p: str(t) for p, t in changed.items() if p.endswith(".md")}
        small = {p: t for p, t in pages.items() if len(t) <= LAZY_BYTES}
        try:  # entity-sized pages first, so the edited card's page is served soonest; big browse pages after
            self.search = dict(result.search)  # every entity page's entries, as the cards now are
            self.session.render(small, search=self.search)
            self.session.render({p: t for p, t in pages.items() if p not in small}, search=self.search)
        except SiteError:  # a page in a new folder: build everything again
            self.files = {}
            self.session = None
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = Path(tempfile.mkdtemp(prefix="preview-"))
            self.start()
            return True
        self._write_others(changed)
        for gone in set(self.files) - set(result.files):
            (self.root / (page_url(gone) + "index.html" if gone.endswith(".md") else gone)).unlink(
                missing_ok=True)
            self.session.results.pop(gone, None)
        self.files = dict(result.files)
        problems = self.session.problems()
        self.state.last_seconds = time.perf_counter() - started
        self._problems(problems)
        self.say(f"{len(pages)} page(s) updated in {self.state.last_seconds:.2f}s")
        threading.Thread(target=self.session.finish, daemon=True).start()  # search index: after the pages
        return True

    def quick(self, edited: set[str], started: float) -> bool:
        """The edited cards' own pages first, served at once; then the entity pages that link to
        them or that they link to. False (problems shown) when the cards do not validate."""
        validation = validate_dir(self.cards, self.card_cache)
        if not validation.ok:
            self._problems([str(p) for p in validation.problems])
            self.say(f"{len(validation.problems)} problem(s): the preview keeps the last good pages")
            return False
        with self.state.lock:  # the cards are good again: no banner on the pages written next
            self.state.problems = ()
        inv = model.build(validation.cards, self.entity_cache)
        derived = analysis.derive(inv)
        own = {i for i in edited if i in inv.entities}
        first = self._entity_pages(inv, derived, own, started)
        links = [f"{i}.md)" for i in own] + [f"{i}.md#" for i in own]
        near = {posixpath.basename(p)[:-3] for p, text in self.files.items()
                if p.startswith(f"{ENTITY_DIR}/") and isinstance(text, str) and any(x in text for x in links)}
        for text in first.values():
            near |= {posixpath.basename(t) for t in _MD_TARGET.findall(text)}
        self._entity_pages(inv, derived, near - own, started)
        return True

    def _entity_pages(self, inv: model.Investigation, derived: analysis.Derived, ids: set[str],
                      started: float) -> dict[str, str]:
        """Make, render and serve these entity pages (their maps worked out alone, their diagrams
        laid out in one Graphviz run); the pages' Markdown back."""
        wanted = sorted(i for i in ids if i in inv.entities)
        specs = mapdata.all_maps(inv, wanted)
        diagrams = overviews.entity_diagrams(inv, derived, wanted)
        made = [contexts.entity_page(inv, derived, inv.entities[i], specs.get(i), diagram=diagrams.get(i))
                for i in wanted]
        pages = render_pages(made)
        self.search.update(page_search(made))
        changed = {p: t for p, t in pages.items() if self.files.get(p) != t}
        assert self.session is not None
        if changed and all(htmlsite.shell_key(p, self.session.listed) in self.session.shells for p in changed):
            self.session.render(changed, search=self.search)
            self.files.update(changed)
            with self.state.lock:
                self.state.version += 1
            self.say(f"{len(changed)} page(s) updated in {time.perf_counter() - started:.2f}s "
                     f"({time.process_time() - self.cpu_started:.2f}s CPU)")
        return pages

    def watch(self, interval: float = 0.1) -> None:
        while True:
            try:
                self.refresh()
            except Exception as err:  # keep serving the last good pages whatever happens
                self._problems([f"preview: rebuild failed: {err}"])
            time.sleep(interval)


def handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == "/__preview/state":
                with preview.state.lock:
                    body = json.dumps({"version": preview.state.version,
                                       "problems": list(preview.state.problems)}).encode("utf-8")
                self._send(200, "application/json", body)
                return
            target = (preview.root / path.lstrip("/")).resolve()
            if not target.is_relative_to(preview.root.resolve()):
                self._send(404, "text/plain", b"not found")
                return
            if target.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.end_headers()
                    return
                target = target / "index.html"
            try:
                data = target.read_bytes()
            except OSError:
                self._send(404, "text/plain", b"not found")
                return
            kind = _TYPES.get(target.suffix, "application/octet-stream")
            if target.suffix == ".html":
                data = inject(data.decode("utf-8"), preview.state).encode("utf-8")
            self._send(200, kind, data)

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
          ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".xml": "application/xml",
          ".csv": "text/csv; charset=utf-8", ".geojson": "application/geo+json", ".ico": "image/x-icon",
          ".woff2": "font/woff2", ".jpg": "image/jpeg", ".gz": "application/gzip"}


def inject(page: str, state: State) -> str:
    """The reload script, and the problems banner when the last edit was bad, before ``</body>``."""
    with state.lock:
        version, problems = state.version, state.problems
    extra = RELOAD_SCRIPT % version
    if problems:
        extra = BANNER % html.escape("\n".join(problems)) + extra
    at = page.rfind("</body>")
    return page[:at] + extra + page[at:] if at >= 0 else page + extra


def serve(cards: Path, docs: Path, config: Path, address: tuple[str, int], say: Say) -> int:
    host, port = address
    preview = Preview(cards, docs, config, say)
    started = time.perf_counter()
    if not preview.start():
        shutil.rmtree(preview.scratch, ignore_errors=True)
        say("fix the cards, then start the preview again")
        return 1
    say(f"preview built in {time.perf_counter() - started:.1f}s; serving http://{host}:{port}/ "
        "(saving a card under the cards folder updates it; Ctrl-C stops)")
    threading.Thread(target=preview.watch, daemon=True).start()
    server = ThreadingHTTPServer((host, port), handler(preview))
    server.daemon_threads = True

    def stop(signum: int, frame: object) -> None:
        for child in multiprocessing.active_children():  # a full rebuild's workers: stop them too
            child.terminate()
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        shutil.rmtree(preview.scratch, ignore_errors=True)
    return 0
