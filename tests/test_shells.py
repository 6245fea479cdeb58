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


def test_the_shell_keeps_line_breaks_but_not_indentation_except_in_pre() -> None:
    markers = shells.Markers()
    h1, content = markers("hone"), markers("content")
    page = (f'<html>\n  <body>\n\n      <nav class="md-nav">\n        <a href="/">Home</a>\n      </nav>\n'
            f'    <article>\n<h1 id="{h1}">x</h1>\n<p>{content}</p>\n    </article>\n  </body>\n</html>\n')
    pieces = shells.cut_shell(page, markers).pieces
    assert pieces[0] == '<html>\n<body>\n<nav class="md-nav">\n<a href="/">Home</a>\n</nav>\n<article>\n'
    assert pieces[1] == ("content", "\x00") and pieces[2] == "\n</article>\n</body>\n</html>\n"
    kept = page.replace("<body>", "<body>\n  <pre>  two\n    spaces</pre>")
    assert shells.cut_shell(kept, markers).pieces[0].startswith("<html>\n  <body>\n  <pre>  two\n    spaces</pre>")
    assert shells._fold("a\n\u00a0b") == "a\n\u00a0b"  # a no-break space is content
