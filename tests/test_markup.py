"""Card text is inert: escaped plain text round-trips, summaries lose HTML and unsafe links."""

from __future__ import annotations

import html
import time
import xml.etree.ElementTree as etree

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_scripts.base.urls import browser_url, url_scheme
from build_scripts.pages.markup import md_link, md_text, render_summary, safe_url

# The extensions the site enables (mkdocs.yml), so escaping is tested against the real parser.
SITE_MD = markdown.Markdown(extensions=["footnotes", "admonition", "tables", "toc", "attr_list"])


def rendered(markdown_text: str) -> etree.Element:
    SITE_MD.reset()
    return etree.fromstring(f"<root>{SITE_MD.convert(markdown_text)}</root>")


@settings(deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
def test_escaped_text_renders_as_exactly_that_text(text):
    expected = " ".join(text.split())
    root = rendered(f"Name: {md_text(text)}")
    elements = [e.tag for e in root.iter()]
    assert elements in (["root", "p"], ["root"])  # no link, emphasis, script, attribute or footnote
    shown = "".join(root.itertext())
    assert " ".join(shown.split()) == " ".join(f"Name: {expected}".split())


@settings(deadline=None)
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


@pytest.mark.parametrize("name", ["C#", "Group ##", "Unit # ", "#"])
def test_a_heading_keeps_a_closing_hash_of_card_text(name):
    root = rendered(f"# {md_text(name)}")
    assert "".join(root.itertext()) == name.strip()


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


@pytest.mark.parametrize("fence", ["~~~ {#sources .x}", "``` {#sources .x}", "~~~", "```"])
def test_a_fence_in_a_summary_makes_no_code_block_on_the_page(fence):
    summary = render_summary(f"a\n{fence}\nb\n{fence[:3]}\nc")
    page = markdown.Markdown(extensions=["fenced_code", "md_in_html"]).convert(f"# X\n\n{summary}\n")
    assert "<pre" not in page and 'id="sources"' not in page and "language-" not in page
    assert page.count("<p>") == 1  # the summary's own Markdown may make "```b```" a code span


def test_a_summary_with_nothing_to_show_makes_no_empty_block():
    assert render_summary("[^1]: note") == "" and render_summary("[a]: https://example.org/") == ""


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


# --- links as a browser reads them ------------------------------------------------------------

HIDDEN_SCHEMES = ["&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "&#106avascript:alert(1)",
                  "java&Tab;script:alert(1)", "java&NewLine;script:alert(1)", "javascript&colon;alert(1)",
                  "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x", "&#x20;javascript:alert(1)",
                  "//evil.example/x"]


def test_summary_links_with_hidden_schemes_make_no_link():
    for target in HIDDEN_SCHEMES:
        for text in (f"[x]({target})", f"[x][r]\n\n[r]: {target}\n", f"[x](<{target}>)", f"[x]\n\n[x]: {target}\n"):
            out = render_summary(text)
            assert "<a " not in out and "<span>x</span>" in out, (text, out)
    # A tab or newline inside the scheme, as the YAML would carry it: no link, or a relative one
    # (Python-Markdown turns a tab into spaces, which end a scheme for the browser too).
    for target in ("java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:alert(1)"):
        for text in (f"[x](<{target}>)", f"[x]({target})", f"[x]\n\n[x]: <{target}>\n"):
            root = etree.fromstring(f"<r>{render_summary(text)}</r>")
            assert all(url_scheme(browser_url(a.get("href", ""))) is None for a in root.iter("a")), text


def test_summary_writes_the_url_it_checked():
    out = render_summary("[a](https://e.org/?q=1&amp;r=2&copy=3) [b](&#104;ttps://e.org/&#x3c;x&#62;) "
                         "[c](https://e.org/&amp;#106;) <x@example.org>")
    root = etree.fromstring(f"<r>{out}</r>")
    hrefs = [a.get("href") for a in root.iter("a")]  # as the browser reads the attribute
    assert hrefs == ["https://e.org/?q=1&r=2&copy=3", "https://e.org/<x>", "https://e.org/&#106;",
                     "mailto:x@example.org"]
    assert 'href="https://e.org/&amp;#106;"' in out  # decoded once only, like the browser


def test_python_built_links_to_unsafe_targets_are_text():
    assert md_link("x", "&#106;avascript:alert(1)") == "x"
    assert md_link("x", "https://e.org/") == "[x](https://e.org/)"


# --- no card text acts as a placeholder -------------------------------------------------------------

MARKER = "///Footnotes Go Here///"


def site_page(markdown_text: str) -> str:
    md = markdown.Markdown(extensions=["footnotes", "admonition", "md_in_html", "tables", "toc"])
    return md.convert(markdown_text)


def test_footnotes_marker_in_card_text_prints_literally():
    for text in (MARKER, f"a {MARKER} b", "////Footnotes Go Here////", MARKER + "Footnotes Go Here///"):
        page = site_page(f"Name: {md_text(text)}\n\nSee[^s].\n\n[^s]: The source.\n")
        assert " ".join(text.split()) in html.unescape(page), page
        assert page.count('class="footnote"') == 1
        summary = site_page(f"{render_summary(text)}\n\nSee[^s].\n\n[^s]: The source.\n")
        assert text in html.unescape(summary) and summary.count('class="footnote"') == 1


def test_other_markdown_placeholders_print_literally():
    for text in ("[TOC]", "klzzwxh:0", "wzxhzdk:0", "{: #id .cls }", "*[HTML]: Hyper", "!!! note", "<!-- more -->",
                 "{{ config.site_name }}", "{% raw %}", "@@MAP-DATA@@", "@@MAP-TITLE@@", '<div markdown="1">x</div>'):
        page = site_page(f"{md_text(text)}\n\n{render_summary(text)}\n")
        assert html.unescape(page).count(text) == 2, (text, page)
        assert "toc" not in page and "admonition" not in page and "<abbr" not in page


# --- cost stays linear in the text ----------------------------------------------------------------

ORDINARY = ("Terra Tech supplied *drones* and `modules` to [Rosoboronexport](https://example.org/a) in 2023; "
            "the **customs records** show 12 shipments (see the report).\n")
PATHOLOGICAL = ["[", "*", "_", "<", "`", "[`", "([", "[a](", "**a", "*_", "*a*", "`a", "- ", "> ", "1. ", "\\",
                "&#", "&amp;", "![", "[](", "[[]]"]


def seconds(function, *args) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - started)
    return best


def repeat(pattern: str, length: int) -> str:
    return (pattern * (length // len(pattern) + 1))[:length]


@pytest.mark.parametrize("pattern", PATHOLOGICAL)
def test_summary_cost_is_bounded_by_ordinary_text(pattern):
    """At the longest summary allowed: before the bounds, "[" alone took minutes, "\\" and "[a](" seconds."""
    length = 20_000  # the longest summary the validator accepts
    ordinary = seconds(render_summary, repeat(ORDINARY, length))
    hostile = seconds(render_summary, repeat(pattern, length))
    assert hostile <= max(3 * ordinary, 1.0), (hostile, ordinary)
    # and in the page MkDocs parses: the summary is one HTML block, the fields are escaped text
    page = f"{render_summary(repeat(pattern, length))}\n\n- Note: {md_text(repeat(pattern, 1000))}\n"
    plain = f"{render_summary(repeat(ORDINARY, length))}\n\n- Note: {md_text(repeat(ORDINARY, 1000))}\n"
    assert seconds(site_page, page) <= max(3 * seconds(site_page, plain), 1.0)
