"""Rendering: golden pages, escaping on output, compare-before-write and stale-page removal."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from build_scripts.cards.validate import validate_dir
from build_scripts.model import entities as model
from build_scripts.pages import mapdata, overviews
from build_scripts.pages.kit import Page
from build_scripts.render import pages as render
from build_scripts.tools.pipeline import generate

MINI = Path(__file__).parent / "fixtures" / "mini"
GOLDEN = Path(__file__).parent / "fixtures" / "golden"


@pytest.fixture(scope="module")
def pages() -> dict[str, Page]:
    inv = model.build(validate_dir(MINI).cards)
    return {p.path: p for p in overviews.all_pages(inv, mapdata.all_maps(inv))}


@pytest.mark.parametrize("page_path", ["entities/acme-china.md", "entities/daily-report.md",
                                       "entities/port-city.md", "browse/companies.md"])
def test_golden_pages(pages, page_path):
    """Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended change; review the diff."""
    text = render.render_page(render.environment(), pages[page_path])
    golden = GOLDEN / page_path.replace("/", "__")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_card_text_is_escaped_by_finalize_and_never_evaluated(tmp_path):
    env = render.environment()
    page = Page("x.md", "browse.md.j2", {
        "meta": {"title": "t"}, "title": "{{ 7 * 7 }} <script>", "doc": "{% raw %}x",
        "header": ("Name",), "table": ()})
    text = render.render_page(env, page)
    assert "# &#123;&#123; 7 &#42; 7 &#125;&#125; &lt;script&gt;" in text
    assert "&#123;% raw %&#125;x" in text
    assert "49" not in text


def test_write_if_changed(tmp_path):
    target = tmp_path / "a" / "b.md"
    assert render.write_if_changed(target, "one\n") is True
    os.utime(target, (1, 1))
    assert render.write_if_changed(target, "one\n") is False
    assert target.stat().st_mtime == 1
    assert render.write_if_changed(target, "two\n") is True
    assert target.read_text() == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["b.md"]  # no temporary file left
    ordinary = tmp_path / "ordinary"
    ordinary.write_text("x")  # the mode any new file gets here, not the temporary file's 0600
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(ordinary.stat().st_mode)
    target.chmod(0o600)  # as an older generator left it: the same content gets the ordinary mode back
    assert render.write_if_changed(target, "two\n") is False
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(ordinary.stat().st_mode)


@pytest.mark.parametrize("keep", [True, False])
def test_generate_removes_pages_of_deleted_cards_and_keeps_hand_written_ones(tmp_path, keep):
    cards = tmp_path / "cards"
    (cards / "companies").mkdir(parents=True)
    (cards / "companies" / "a.yaml").write_text("name: A\n")
    (cards / "companies" / "b.yaml").write_text("name: B\n")
    docs = tmp_path / "docs"
    (docs).mkdir()
    (docs / "index.md").write_text("# Home\n")
    first = generate(cards, docs, keep=keep)
    assert "entities/b.md" in first.report.written
    (cards / "companies" / "b.yaml").unlink()
    second = generate(cards, docs, keep=keep)
    assert second.report.removed == ("entities/b.md", "data/entities/b.json")
    assert second.report.written == ("browse/companies.md", "browse/countries.md", "browse/downloads.md",
                                      "browse/not-sanctioned.md", "data/entities.csv", "data/entities.ftm.json",
                                      "data/entities.json")
    assert (docs / "index.md").read_text() == "# Home\n"
    assert not (docs / "entities" / "b.md").exists()


def test_generate_writes_nothing_when_cards_are_invalid(tmp_path):
    cards = tmp_path / "cards"
    (cards / "companies").mkdir(parents=True)
    (cards / "companies" / "a.yaml").write_text("nme: A\n")
    result = generate(cards, tmp_path / "docs")
    assert not result.ok and result.report is None
    assert not (tmp_path / "docs").exists()


def test_generate_without_keeping_writes_as_it_goes_and_reads_back_the_same_files(tmp_path, monkeypatch):
    """`make site` keeps no file in memory: forked workers write the pages they render, and the
    result reads every file back from disk, byte for byte what the in-memory result holds."""
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)  # the mini investigation, through the forked workers
    kept = generate(MINI, tmp_path / "kept")
    lean = generate(MINI, tmp_path / "lean", keep=False)
    assert isinstance(lean.files, render.OnDisk) and not isinstance(kept.files, render.OnDisk)
    assert sorted(lean.files) == sorted(kept.files)
    for path, content in kept.files.items():
        assert lean.files[path] == (content if path.endswith(".md") or isinstance(content, bytes)
                                    else content.encode("utf-8")), path
    assert lean.report.written == kept.report.written and lean.search == kept.search
    assert len(lean.report.written) == len(kept.files)
    again = generate(MINI, tmp_path / "lean", keep=False)
    assert again.report.written == () and again.report.unchanged == len(kept.files)
    with pytest.raises(KeyError):
        lean.files["entities/no-such-card.md"]
