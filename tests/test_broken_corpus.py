"""Every kind of broken or hostile card, each with its exact message and exit status.

Each folder under fixtures/broken/ is a tiny investigation holding one
problem; its expected.txt is the exact standard error of `validate` followed
by the exit status. Nothing may be written anywhere while checking them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

from build_scripts.cards.loader import MAX_CARD_BYTES

BROKEN = FIXTURES / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


def snapshot(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_the_corpus_covers_every_listed_problem():
    assert set(CASES) == {
        "malformed-yaml", "tabs", "duplicate-keys", "not-utf8", "byte-order-mark", "empty-file", "top-level-list",
        "top-level-scalar", "wrong-types", "unknown-keys", "alias-bomb", "python-tag", "unknown-tag",
        "id-with-dots", "id-with-slash", "id-with-spaces", "id-upper-case", "duplicate-ids", "dangling-reference",
        "self-reference", "impossible-date", "coordinates-out-of-range", "javascript-url", "data-url"}


@pytest.mark.parametrize("case", CASES)
def test_broken_card_gives_its_exact_message_and_exit_1(tmp_path, case):
    shutil.copytree(BROKEN / case, tmp_path / case, ignore=shutil.ignore_patterns("expected.txt"))
    before = snapshot(tmp_path)
    done = run_cli("validate", case, cwd=tmp_path)
    expected = (BROKEN / case / "expected.txt").read_text(encoding="utf-8")
    assert done.stderr + f"exit {done.returncode}\n" == expected
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert snapshot(tmp_path) == before  # nothing written, inside or beside the cards


def test_oversized_card(tmp_path):
    card = tmp_path / "big" / "companies" / "acme.yaml"
    card.parent.mkdir(parents=True)
    card.write_text("name: Acme\nsummary: " + "x" * MAX_CARD_BYTES + "\n")
    done = run_cli("validate", "big", cwd=tmp_path)
    size = card.stat().st_size
    assert (done.returncode, done.stderr.splitlines()) == (1, [
        f"big/companies/acme.yaml:1:1: file is {size} bytes, over the limit of {MAX_CARD_BYTES}; "
        "split it or shorten the text",
        "1 problem in 1 file; fix them and run again"])


def test_python_tag_never_runs(tmp_path):
    shutil.copytree(BROKEN / "python-tag", tmp_path / "case")
    run_cli("validate", "case", cwd=tmp_path)
    run_cli("generate", "--cards", "case", "--docs", "docs", cwd=tmp_path)
    assert not Path("/tmp/pwned").exists()
    assert not (tmp_path / "docs").exists()
