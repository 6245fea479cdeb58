"""The one slug function and the one HTML-safe JSON writer."""

from __future__ import annotations

import json

from build_scripts.base.text import SLUG_RE, html_json, slugify


def test_slugify_folds_accents_and_joins_words():
    assert slugify("Société Générale") == "societe-generale"
    assert slugify("Terra Tech LLC") == "terra-tech-llc"
    assert slugify("!!!") == ""
    assert len(slugify("a" * 200)) == 80 and SLUG_RE.match(slugify("a " * 100))


def test_html_json_cannot_close_its_script_element():
    text = html_json({"x": "</script><script>alert('&')</script>"})
    assert "<" not in text and ">" not in text and "&" not in text and "'" not in text
    assert json.loads(text) == {"x": "</script><script>alert('&')</script>"}
    assert html_json({"b": 1, "a": [1, 2]}, compact=True) == '{"a":[1,2],"b":1}'
