"""The fast site path: generated pages rendered to HTML outside MkDocs, same site for readers."""

from __future__ import annotations

import html
import json
import re
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, build_site, make_project, run_cli
from test_fastpages import reading_order

from build_scripts.pages.search import MAX_TEXT
from build_scripts.render import pages as render
from build_scripts.tools import htmlsite
from build_scripts.tools.linkcheck import broken_links
from build_scripts.tools.mdpages import SiteError
from build_scripts.tools.pipeline import GENERATED_DIRS, generate


def _lines(html: str) -> list[str]:
    """The page's lines, trimmed; footnote back-link ids as numbered in reading order (test_fastpages)."""
    return [line.strip() for line in reading_order(html).splitlines() if line.strip()]


@pytest.fixture(scope="module")
def both_sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The mini investigation built by MkDocs alone and by the fast path."""
    project = make_project(tmp_path_factory.mktemp("both"), ROOT / "tests" / "fixtures" / "mini")
    (project / "docs" / "index.md").write_text("# Mini\n\n[Acme](entities/acme-china.md#relations)\n")
    done = build_site(project, engine="html")
    assert done.returncode == 0, done.stderr
    shutil.move(project / "site", project / "site-html")
    done = run_cli("site", "--engine", "mkdocs", "--site", "site-mkdocs", cwd=project)
    assert done.returncode == 0, done.stderr
    return project / "site-html", project / "site-mkdocs"


def test_every_page_reads_the_same_as_mkdocs_builds_it(both_sites: tuple[Path, Path]) -> None:
    fast, slow = both_sites
    pages = sorted(p.relative_to(slow) for p in slow.rglob("*.html"))
    assert {p.relative_to(fast) for p in fast.rglob("*.html")} == set(pages)
    assert len(pages) > 15
    for page in pages:
        assert _lines((fast / page).read_text()) == _lines((slow / page).read_text()), page


def _search(site: Path) -> dict[str, Any]:
    return json.loads((site / "search" / "search_index.json").read_text())


def _shown(text: str) -> str:
    """What a search result shows of a record's HTML text: no tags, references decoded, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split())


def test_search_records_are_mkdocs_s_except_entity_pages_and_lists_cut(both_sites: tuple[Path, Path]) -> None:
    fast, slow = both_sites
    ours, theirs = _search(fast), _search(slow)
    assert ours["config"] == theirs["config"]
    entity = lambda d: d["location"].startswith("entities/")  # noqa: E731
    mine = {(d["location"], d["title"]): d for d in ours["docs"] if not entity(d)}
    mkdocs = {(d["location"], d["title"]): d for d in theirs["docs"] if not entity(d)}
    assert set(mine) == set(mkdocs)
    cut = 0
    for key, record in mine.items():
        original = mkdocs[key]
        if not key[0].startswith("browse/") or record == original:
            assert record == original, key  # hand-written and reference pages: Material's own records
            continue
        assert len(_shown(record["text"])) <= MAX_TEXT + 2 and "<" not in record["text"], key
        if record["text"].endswith(" …"):  # cut at a word, nothing changed before the cut
            assert _shown(original["text"]).startswith(_shown(record["text"])[:-2]), key
            cut += 1
        else:  # short enough once its tags are dropped
            assert _shown(record["text"]) == _shown(original["text"]), key
    assert cut >= 3  # the long lists were cut
    assert any(len(d["text"]) > MAX_TEXT for k, d in mkdocs.items() if k[0].startswith("reference/"))  # kept whole


def test_tags_and_sitemap_match_mkdocs(both_sites: tuple[Path, Path]) -> None:
    fast, slow = both_sites
    assert json.loads((fast / "tags.json").read_text()) == json.loads((slow / "tags.json").read_text())
    locs = lambda s: sorted(re.findall(r"<loc>([^<]+)</loc>", (s / "sitemap.xml").read_text()))  # noqa: E731
    assert locs(fast) == locs(slow)


def test_entity_records_come_from_the_cards_and_point_at_the_page_s_headings(both_sites: tuple[Path, Path]) -> None:
    fast, slow = both_sites
    records = [d for d in _search(fast)["docs"] if d["location"].startswith("entities/")]
    pages = {p.parent.relative_to(fast).as_posix() + "/" for p in fast.glob("entities/*/index.html")}
    assert {d["location"].split("#")[0] for d in records} == pages
    for record in records:
        page, _, anchor = record["location"].partition("#")
        text = (fast / page / "index.html").read_text(encoding="utf-8")
        assert not anchor or f'id="{anchor}"' in text, record["location"]
        assert "<" not in record["text"] and "<" not in record["title"]  # plain text, escaped
    acme = {d["location"].removeprefix("entities/acme-china/"): d for d in records
            if d["location"].startswith("entities/acme-china/")}
    assert list(acme) == ["", "#supplied", "#sanctions", "#supply-and-trade", "#people"]
    assert acme[""]["title"] == "Acme China Also known as: 艾克米; Acme Co."
    assert acme[""]["text"] == ("Company · China. Maker of radios. Text with &lt;b&gt;HTML&lt;/b&gt; and "
                                "{{ config.site_name }} stays text.")
    assert acme["#supplied"]["title"] == "Supplied: radio [parts]"
    assert acme["#sanctions"]["text"] == "Designated by Treasury in January 2023 under the Russia-related program."
    assert acme["#supply-and-trade"]["text"].startswith("Supplied goods to Buyer RU (disputed). Goods: radio [parts].")
    assert acme[""]["boost"] > 1
    source = {d["location"]: d for d in records}["entities/daily-report/#about-this-source"]
    assert source["text"] == "Radios for the front. The Daily. A. Writer, B. Writer. February 2023"
    ours = len(json.dumps(records, separators=(",", ":")).encode())
    theirs = len(json.dumps([d for d in _search(slow)["docs"] if d["location"].startswith("entities/")],
                            separators=(",", ":")).encode())
    assert ours / len(pages) <= 2048 and ours < theirs / 2, (ours / len(pages), theirs / len(pages))


def test_no_marker_is_left_in_the_site(both_sites: tuple[Path, Path]) -> None:
    fast, _ = both_sites
    for path in fast.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            assert not re.search(r"zq[0-9a-f]{16}", path.read_text()), path


def test_maps_and_data_are_linked_from_docs_into_the_site_and_replaced_not_edited(seed_site: Path,
                                                                                    tmp_path: Path) -> None:
    docs = seed_site.parent / "docs"
    placed = [*(docs / "maps").rglob("*.html"), *(docs / "data").rglob("*.json")]
    ordinary = tmp_path / "ordinary"
    ordinary.write_text("x")
    assert len(placed) > 20
    for file in placed:
        assert (seed_site / file.relative_to(docs)).samefile(file), file
        # the mode of any new file (0644 under the usual umask), not a temporary file's private 0600
        assert stat.S_IMODE(file.stat().st_mode) == stat.S_IMODE(ordinary.stat().st_mode), file
    # the generator replaces a changed file (a new inode), so a built site keeps what it was built with
    file = placed[0]
    render.write_if_changed(file, file.read_bytes() + b" ")
    assert not (seed_site / file.relative_to(docs)).samefile(file)
    render.write_if_changed(file, file.read_bytes()[:-1])


def test_the_whole_built_site_has_no_broken_link_or_anchor(seed_site: Path) -> None:
    assert list(broken_links(seed_site)) == []


def test_the_link_check_finds_a_missing_page_and_anchor(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="x">X</h2><a href="../b/">b</a><a href="#y">y</a>'
                                               '<a href="https://example.org/">e</a><a href="#x">x</a>')
    assert list(broken_links(tmp_path)) == ["a/index.html: link to ../b/: no such file",
                                            "a/index.html: link to #y: no such anchor"]


def test_a_broken_link_or_anchor_fails_the_build_with_a_clear_message(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", ROOT / "tests" / "fixtures" / "mini")
    (project / "docs" / "index.md").write_text("# Mini\n")
    result = generate(project / "entities", project / "docs")
    files = {**result.files, "entities/zz.md": "# Z\n\n[x](nope.md#a) [y](acme-china.md#nowhere) [z](#here) [z](#z)\n"}
    with pytest.raises(SiteError) as raised:
        htmlsite.build(files, project / "docs", project / "mkdocs.yml", project / "site", GENERATED_DIRS)
    message = str(raised.value)
    assert "entities/zz.md: link to nope.md#a: no such page" in message
    assert "entities/zz.md: link to acme-china.md#nowhere: no such anchor 'nowhere' in entities/acme-china.md" \
        in message
    assert "entities/zz.md: link to #here: no such anchor 'here' in entities/zz.md" in message
    assert "'z'" not in message  # the heading's own anchor
    assert not (project / "site").exists()  # nothing half-built is swapped in


def test_a_page_gone_from_docs_during_the_build_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "entities").mkdir()
    (tmp_path / "entities" / "a.md").write_text("# A\n")
    files = render.OnDisk(tmp_path, ["entities/a.md", "entities/b.md"])
    pages = htmlsite.pages_of(files)
    assert pages["entities/a.md"] == "# A\n" and "entities/b.md" in pages
    with pytest.raises(SiteError, match=r"^entities/b.md: the generated file went missing from docs/ during the build"):
        pages["entities/b.md"]
