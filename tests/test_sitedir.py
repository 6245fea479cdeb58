"""A finished site replaces the old one in one rename; nothing half-built is ever in place."""

from __future__ import annotations

from pathlib import Path

from build_scripts.tools.sitedir import swap_in


def _site(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


def test_a_new_site_replaces_the_old_and_leaves_nothing_behind(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", "old")
    built = _site(tmp_path / "site.tmp-1", "new")
    swap_in(built, site)
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_site_built_elsewhere_is_moved_next_to_its_place_first(tmp_path: Path) -> None:
    built = _site(tmp_path / "scratch" / "built", "new")
    (tmp_path / "out").mkdir()
    swap_in(built, tmp_path / "out" / "site")
    assert (tmp_path / "out" / "site" / "index.html").read_text(encoding="utf-8") == "new"
    assert not built.exists()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["site"]
