"""Card text is inert: escaped plain text round-trips, summaries lose HTML and unsafe links."""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree

import markdown
from hypothesis import given
from hypothesis import strategies as st

from build_scripts.pages.markup import md_link, md_text, render_summary, safe_url

# The extensions the site enables (mkdocs.yml), so escaping is tested against the real parser.
SITE_MD = markdown.Markdown(extensions=["footnotes", "admonition", "tables", "toc", "attr_list"])


def rendered(markdown_text: str) -> etree.Element:
    SITE_MD.reset()
    return etree.fromstring(f"<root>{SITE_MD.convert(markdown_text)}</root>")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
def test_escaped_text_renders_as_exactly_that_text(text):
    expected = " ".join(text.split())
    root = rendered(f"Name: {md_text(text)}")
    elements = [e.tag for e in root.iter()]
    assert elements in (["root", "p"], ["root"])  # no link, emphasis, script, attribute or footnote
    shown = "".join(root.itertext())
    assert " ".join(shown.split()) == " ".join(f"Name: {expected}".split())


@given(st.text(alphabet="-+>.0123456789*#=| `[]", min_size=1))
def test_escaped_text_at_line_start_makes_no_block(text):
    root = rendered(str(md_text(text)))
    assert [e.tag for e in root.iter()] in (["root", "p"], ["root"])


def test_specific_payloads():
    assert md_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert md_text("{{ config }} {% if x %}") == "&#123;&#123; config &#125;&#125; &#123;% if x %&#125;"
    assert md_text("a | b * c _ d ` e \\ f") == "a &#124; b &#42; c &#95; d &#96; e &#92; f"
    assert md_text("# not a heading") == "&#35; not a heading" and md_text("= x") == "&#61; x"
    assert md_text("two\n  lines") == "two lines"
    assert md_text(" in 2023 ") == " in 2023 " and md_text("\n\t") == ""
    assert md_text("1. first") == "&#49;. first"


def test_link_text_is_escaped_and_the_target_cannot_end_early():
    assert md_link("A [b](c)", "a.md") == "[A &#91;b&#93;(c)](a.md)"
    assert md_link("x", "https://e.org/a_(b)") == "[x](https://e.org/a_%28b%29)"


def test_summary_keeps_markdown_drops_html_images_and_unsafe_links():
    out = render_summary(
        "**Bold** <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n"
        "[ok](https://example.org) [bad](javascript:alert(1)) [ref][r] ![pixel](https://tracker.example/p.png)\n\n"
        "[r]: data:text/html,x\n")
    assert out == (
        '<div class="card-summary">\n'
        "<p><strong>Bold</strong> &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>\n"
        '<p><a href="https://example.org" rel="noopener noreferrer nofollow">ok</a> <span>bad</span> '
        "<span>ref</span> ![pixel](https://tracker.example/p.png)</p>\n"
        "</div>")


def test_summary_has_no_blank_lines_so_it_stays_one_html_block():
    assert "\n\n" not in render_summary("one\n\n\n\ntwo\n\n- a\n- b\n")


def test_safe_url():
    assert safe_url("https://example.org/x") and safe_url("http://a.b") and safe_url("other.md#x")
    for bad in ("javascript:alert(1)", "JavaScript:alert(1)", " data:text/html,x", "//evil.example/x", "vbscript:x"):
        assert not safe_url(bad), bad


def test_escaping_survives_html_unescape_once():
    # What a browser shows is the text after one round of entity decoding.
    payload = "<img src=x onerror=alert(1)>"
    assert html.unescape(str(md_text(payload))) == payload
