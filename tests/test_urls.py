"""URLs are checked as a browser reads them: character references, tabs and controls cannot hide a scheme."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_scripts.base.urls import browser_url, decode_attribute, safe_url, url_scheme

# Every way the hostile tester (and the WHATWG standards) allow a scheme to be spelled.
HIDDEN_JAVASCRIPT = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)",
    "&#X6a;avascript:alert(1)", "&#106avascript:alert(1)", "&#0000106;avascript:alert(1)",
    "java&Tab;script:alert(1)", "java&NewLine;script:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "java\rscript:alert(1)", "\x01\x1f javascript:alert(1)",
    "  javascript:alert(1)", "javascript&colon;alert(1)", "javascript&#58;alert(1)", "javascript&#x3a;alert(1)",
    "&#x09;javascript:alert(1)", "j&#x0A;avascript:alert(1)", "&Tab;&NewLine;javascript:alert(1)",
]
OTHER_UNSAFE = ["data:text/html,<script>alert(1)</script>", "&#100;ata:text/html,x", "vbscript:msgbox(1)",
                "VBScript&colon;x", "file:///etc/passwd", "//evil.example/x", "\\\\evil.example/x", "/\\evil.example",
                "&#47;/evil.example"]


@pytest.mark.parametrize("url", HIDDEN_JAVASCRIPT)
def test_hidden_javascript_is_read_as_javascript(url):
    assert url_scheme(browser_url(url)) == "javascript"
    assert not safe_url(url)


@pytest.mark.parametrize("url", OTHER_UNSAFE)
def test_other_unsafe_urls(url):
    assert not safe_url(url)


@pytest.mark.parametrize("url", ["https://example.org/a?b=1&c=2", "http://a.b", "mailto:x@example.org", "other.md#x",
                                 "../entities/x/", "#anchor", "java script:x", "java\\script:x"])
def test_safe_urls(url):
    assert safe_url(url)


def test_references_decode_as_in_an_attribute():
    assert decode_attribute("&amp;&lt;&gt;&quot;&#39;&#x27;") == "&<>\"''"
    # A named reference without ";" before "=" or a letter or digit stays as written (attribute rule) ...
    assert decode_attribute("?a=1&copy=2&region=3&not=4") == "?a=1&copy=2&region=3&not=4"
    # ... and is decoded before anything else.
    assert decode_attribute("&copy/&amp x&lt") == "©/& x<"
    assert decode_attribute("&notit;") == "&notit;" and decode_attribute("&notin;") == "∉"
    # Numeric references: the spec's replacements for 0, surrogates, out of range, C1 codes.
    assert decode_attribute("&#0;&#xD800;&#x110000;&#99999999999999;&#128;") == "\ufffd\ufffd\ufffd\ufffd€"
    assert decode_attribute("&unknown; &# &#x; &") == "&unknown; &# &#x; &"


@given(st.integers(min_value=0, max_value=0x10FFFF), st.booleans(), st.booleans())
def test_numeric_references_agree_with_the_standard_library(code, hexadecimal, semicolon):
    reference = (f"&#x{code:x}" if hexadecimal else f"&#{code}") + (";" if semicolon else "")
    assert decode_attribute(reference + " ") == html.unescape(reference + " ")


@given(st.text())
def test_a_url_judged_safe_has_a_safe_scheme_after_normalisation(text):
    normal = browser_url(text)
    assert browser_url(normal) == normal or "&" in normal  # tabs, controls at the ends: gone in one pass
    if safe_url(text):
        assert url_scheme(normal) in (None, "http", "https", "mailto")
        assert not normal.lower().startswith(("javascript:", "data:", "vbscript:"))
