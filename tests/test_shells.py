"""Material page shells: cut at marker words, filled with a page; card text is never scanned for markers."""

from __future__ import annotations

from build_scripts.tools import shells


def test_card_text_shaped_like_a_marker_stays_text() -> None:
    markers = shells.Markers()
    page = (f'<html><head><title>{markers("title")}</title></head><body><nav><label class="md-nav__title" '
            'for="__toc">L</label><ul class="md-nav__list" data-md-component="toc"><li>x</li></ul></nav>'
            f'<article><h1 id="{markers("hone")}">x</h1><p>{markers("content")}</p></article></body></html>')
    shell = shells.cut_shell(page, markers)
    text = f"<p>{markers('title')} and {markers('content')}</p>"  # as if a card said so
    values: dict[str, str | None] = {"content": text, "toc": None, "title": "T", "hone": "h"}
    filled = shells._fill(shell, values, {"tag": []})
    assert text in filled  # inserted once, never scanned for markers again
    assert filled.startswith("<html><head><title>T</title>")
