"""`make serve`: editing a card updates the live preview (the real `mkdocs serve`)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, fetch, free_port, make_project


def wait_for(url: str, text: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.3)
    return False


@pytest.mark.parametrize("flags", [[], ["--dirty"]], ids=["full", "dirty"])
def test_editing_a_card_updates_the_preview(tmp_path: Path, flags: list[str]):
    project = make_project(tmp_path / "p", ROOT / "tests" / "fixtures" / "mini")
    (project / "docs" / "index.md").write_text("# Mini\n")
    subprocess.run([sys.executable, "-m", "build_scripts", "generate"], cwd=project, check=True,
                   capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", *flags, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/entities/buyer-ru/"
        assert wait_for(url, "Buyer RU"), "the preview never served the page"
        card = project / "entities" / "companies" / "buyer-ru.yaml"
        card.write_text(card.read_text().replace("Buyer RU", "Renamed Buyer"))
        assert wait_for(url, "Renamed Buyer"), "the preview did not pick up the edited card"
        # The page that links to it was regenerated too.
        assert wait_for(f"http://127.0.0.1:{port}/entities/acme-china/", "Renamed Buyer")
    finally:
        server.terminate()
        server.wait(timeout=10)
