"""Corrections and updates from git: trailers, renames, entity pages, the corrections page and the Atom feed."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, build_site, make_project

from build_scripts.model import history

ATOM = "{http://www.w3.org/2005/Atom}"
CORRECTION = "An earlier version presented the month of the EU proposal as stated by the report; we worked it out."
BASIS = "two months after the January listing"


def git(repo: Path, *args: str, date: str = "2024-03-05T10:00:00Z") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def test_trailers_follow_git_interpret_trailers():
    assert history.corrections_in(f"Fix the date\n\nWe had it wrong.\n\nCorrection: {CORRECTION}\n"
                                  "Signed-off-by: A <a@example.org>\n") == (CORRECTION,)
    assert history.corrections_in("Fix\n\ncorrection: folded\n  over two lines\n") == ("folded over two lines",)
    assert history.corrections_in("Correction: a subject line alone is not a trailer\n") == ()
    assert history.corrections_in("Fix\n\nCorrection: not in the last paragraph\n\nMore text.\n") == ()
    assert history.corrections_in("Fix\n\nThis paragraph mentions Correction: in prose.\n") == ()


def test_one_log_reads_every_card_and_follows_renames(tmp_path):
    repo = tmp_path / "repo"
    (repo / "cards" / "companies").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "cards" / "companies" / "old-name.yaml").write_text("name: A\n")
    (repo / "cards" / "companies" / "other.yaml").write_text("name: B\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Add cards", date="2024-01-02T09:00:00Z")
    git(repo, "mv", "cards/companies/old-name.yaml", "cards/companies/new-name.yaml")
    git(repo, "commit", "-qm", f"Rename\n\nCorrection: {CORRECTION}", date="2024-02-03T09:00:00Z")
    found = history.read_history(repo / "cards")
    assert found is not None
    assert [(c.date.isoformat(), c.corrections, c.cards) for c in found.of("companies/new-name.yaml")] == [
        ("2024-02-03T09:00:00+00:00", (CORRECTION,), ("companies/new-name.yaml",)),
        ("2024-01-02T09:00:00+00:00", (), ("companies/new-name.yaml", "companies/other.yaml")),
    ]
    assert len(found.corrections) == 1
    assert history.read_history(tmp_path) is None  # not a repository


@pytest.fixture(scope="module")
def history_site(tmp_path_factory) -> Path:
    """The seed cards in a fresh git repository: two updates, then a correction of one card."""
    project = make_project(tmp_path_factory.mktemp("history"), ROOT / "entities")
    card = project / "entities" / "companies" / "spacety-china.yaml"
    seed_text = card.read_text(encoding="utf-8")
    derived = re.search(r"(  - id: eu-urged-to-list\n    authority: european-union\n    status: proposed\n)"
                        r"    date:\n      value: 2023-03\n      derived: >-\n(?:        .*\n)+", seed_text)
    assert derived, "the seed card no longer has the EU proposal with a derived date"
    stated = derived.group(1) + "    date: 2023-03\n"
    card.write_text(seed_text.replace(derived.group(0), stated), encoding="utf-8")  # as if first published stated
    git(project, "init", "-q")
    git(project, "add", "entities")
    git(project, "commit", "-qm", "Add the seed cards", date="2024-01-10T08:00:00Z")
    card.write_text(card.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    git(project, "commit", "-qam", "Tidy", date="2024-02-01T08:00:00Z")
    text = card.read_text(encoding="utf-8").rstrip("\n") + "\n"
    card.write_text(text.replace(stated, stated.replace(
        "date: 2023-03", f'date: {{value: 2023-03, derived: "{BASIS}"}}')), encoding="utf-8")
    git(project, "commit", "-qam", f"Fix the sanctions date\n\nThe listing was in January.\n\nCorrection: {CORRECTION}",
        date="2024-03-05T10:00:00Z")
    done = build_site(project, env={"SITE_URL": "https://example.org/supply-lines/"})
    assert done.returncode == 0, done.stdout + done.stderr
    return project


def text_of(html: Path) -> str:
    return " ".join(html.read_text(encoding="utf-8").split())


def test_entity_page_lists_its_corrections_and_counts_updates(history_site):
    page = text_of(history_site / "site" / "entities" / "spacety-china" / "index.html")
    assert 'id="corrections-and-updates"' in page
    assert "Card last changed on 5 March 2024." in page
    assert f"<strong>5 March 2024</strong>, correction: {CORRECTION}" in page
    assert "and 2 other updates" in page
    other = text_of(history_site / "site" / "entities" / "terra-tech" / "index.html")
    assert "Card last changed on 10 January 2024." in other
    assert "No corrections; 1 update in all." in other


def test_corrections_page_is_in_the_nav_and_lists_the_correction(history_site):
    page = text_of(history_site / "site" / "browse" / "corrections" / "index.html")
    assert "5 March 2024</strong> · <a href=\"../../entities/spacety-china/\">Spacety China</a>: " + CORRECTION in page
    assert "2 updates to the cards" in page
    home = text_of(history_site / "site" / "index.html")
    assert 'href="browse/corrections/"' in home


def test_feed_is_atom_with_the_correction(history_site):
    path = history_site / "site" / "data" / "corrections.atom"
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.findtext(f"{ATOM}id") == "https://example.org/supply-lines/data/corrections.atom"
    assert root.findtext(f"{ATOM}updated") == "2024-03-05T10:00:00Z"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        for name in ("id", "title", "updated", "link", "content"):
            assert entry.find(f"{ATOM}{name}") is not None, name
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Correction: Spacety China"
    assert first.findtext(f"{ATOM}updated") == "2024-03-05T10:00:00Z"
    assert first.findtext(f"{ATOM}content").startswith(CORRECTION)
    link = first.find(f"{ATOM}link").get("href")
    assert link.startswith("https://example.org/supply-lines/entities/spacety-china/#change-")
    anchor = link.split("#")[1]
    assert f'id="{anchor}"' in (history_site / "site" / "entities" / "spacety-china" / "index.html").read_text()


def test_feed_is_the_same_bytes_on_a_rebuild(history_site, tmp_path):
    first = (history_site / "site" / "data" / "corrections.atom").read_bytes()
    shutil.rmtree(history_site / "site")
    done = build_site(history_site, env={"SITE_URL": "https://example.org/supply-lines/"})
    assert done.returncode == 0, done.stderr
    assert (history_site / "site" / "data" / "corrections.atom").read_bytes() == first


def test_a_copy_without_history_builds_and_says_so(seed_site):
    page = text_of(seed_site / "browse" / "corrections" / "index.html")
    assert "History not available in this copy" in page
    root = ET.parse(seed_site / "data" / "corrections.atom").getroot()
    assert root.tag == f"{ATOM}feed" and root.findall(f"{ATOM}entry") == []
    assert 'id="corrections-and-updates"' not in (seed_site / "entities" / "spacety-china" / "index.html").read_text()


@pytest.mark.browser
def test_readers_see_the_correction_and_the_derived_date_in_a_browser(history_site):
    from conftest import ARGS, CHROMIUM
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None, "Chromium is not installed; run make test or sudo apt-get install chromium"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(history_site / "site"))
    handler.log_message = lambda *args: None  # type: ignore[assignment]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/entities/spacety-china/")
            seen = " ".join(page.inner_text("article").split())
            assert f"March 2023 (derived: {BASIS})" in seen  # visible text, not a tooltip
            assert f"5 March 2024, correction: {CORRECTION}" in seen
            page.click("text=correction and update")
            page.wait_for_url("**/browse/corrections/")
            seen = " ".join(page.inner_text("article").split())
            assert f"5 March 2024 · Spacety China: {CORRECTION}" in seen
            browser.close()
    finally:
        server.shutdown()


def test_a_shallow_clone_has_no_history(tmp_path):
    repo = tmp_path / "repo"
    (repo / "cards" / "companies").mkdir(parents=True)
    git(repo, "init", "-q")
    for number in (1, 2):
        (repo / "cards" / "companies" / "a.yaml").write_text(f"name: A{number}\n")
        git(repo, "add", ".")
        git(repo, "commit", "-qm", f"Edit {number}")
    assert history.read_history(repo / "cards") is not None
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", "shallow")
    assert history.read_history(tmp_path / "shallow" / "cards") is None
