"""Shared fixtures: a project root, a card writer, and a site built once per session."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Debian's Chromium, which `make test` installs; every browser test and `make screenshots` launch it so.
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"),
                              shutil.which("google-chrome")) if p and Path(p).exists()), None)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
FIXTURES = Path(__file__).parent / "fixtures"


class Cards:
    """Writes card files into a temporary cards folder; paths print relative to it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relpath: str, text: str | bytes) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def source(self, card_id: str = "src") -> Path:
        return self.write(f"sources/{card_id}.yaml", f"""
            name: Source {card_id}
            publisher: Example Times
            type: news-report
            """)


@pytest.fixture
def cards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cards:
    """An empty cards folder; the working directory is its parent, so messages read 'cards/...'."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cards").mkdir()
    return Cards(tmp_path / "cards")


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in a fresh interpreter; the caller asserts on its exit status and output."""
    return subprocess.run([sys.executable, "-m", "build_scripts", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, check=False)


def make_project(target: Path, cards_dir: Path) -> Path:
    """A copy of the site's configuration and hand-written pages around ``cards_dir``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", target / "docs",
                    ignore=shutil.ignore_patterns("entities", "browse", "reference"))
    (target / "build_scripts").symlink_to(ROOT / "build_scripts")
    if cards_dir != target / "entities":
        shutil.copytree(cards_dir, target / "entities")
    return target


def build_site(project: Path, env: dict[str, str] | None = None,
               engine: str = "html") -> subprocess.CompletedProcess[str]:
    return run_cli("site", "--cards", "entities", "--docs", "docs", "--config", "mkdocs.yml",
                   "--site", "site", "--engine", engine, cwd=project, env=env)


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed investigation, built once as `make site` builds it; returns the site folder."""
    project = make_project(tmp_path_factory.mktemp("seed"), ROOT / "entities")
    done = build_site(project)
    assert done.returncode == 0, done.stdout + done.stderr
    return project / "site"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    """The page at ``url`` as text, or "" while nothing answers there."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def serve_folder(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A static server for ``directory`` on a free loopback port, in a daemon thread: (server, base URL)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"
