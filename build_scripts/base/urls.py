"""URLs as a browser reads them, so that what is checked is what is followed.

A browser decodes character references in an ``href`` value, strips leading and
trailing C0 controls and spaces, and removes ASCII tabs and newlines anywhere
before it reads the scheme (the WHATWG HTML and URL standards). ``&#106;avascript:``
and ``java&Tab;script:`` are ``javascript:`` links to it, so they must be to us.
"""

from __future__ import annotations

import html
import re
from html.entities import html5 as _HTML5_ENTITIES

_SAFE_SCHEMES = ("http", "https", "mailto")
_CHARREF = re.compile(r"&(?:#([xX][0-9A-Fa-f]+|[0-9]+);?|([A-Za-z][A-Za-z0-9]*;?))")
_LONGEST_ENTITY = max(len(name) for name in _HTML5_ENTITIES)
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+\-.]*):")


def _numeric_reference(digits: str) -> str:
    number = int(digits[1:], 16) if digits[0] in "xX" else int(digits)
    if len(digits) > 8 or number > 0x10FFFF:
        number = 0x110000  # out of range: U+FFFD, as the WHATWG tokenizer says
    return html.unescape(f"&#{number};")  # the spec's replacements for 0, surrogates, C1 codes


def _named_reference(match: re.Match[str], text: str) -> str:
    name = match.group(2)
    if name.endswith(";") and name in _HTML5_ENTITIES:
        return _HTML5_ENTITIES[name]
    bare = name.rstrip(";")
    for length in range(min(len(bare), _LONGEST_ENTITY), 0, -1):
        candidate = bare[:length]
        if candidate in _HTML5_ENTITIES and not candidate.endswith(";"):
            after = bare[length:length + 1] or (";" if name.endswith(";") else text[match.end():match.end() + 1])
            if after == "=" or (after.isascii() and after.isalnum()):
                return match.group(0)  # in an attribute, kept as written "for historical reasons"
            return _HTML5_ENTITIES[candidate] + name[length:]
    return match.group(0)


def decode_attribute(text: str) -> str:
    """Character references decoded as the WHATWG HTML tokenizer does in an attribute value.

    Named (with or without ``;`` where the spec allows it), decimal and hexadecimal, with
    or without ``;``; a named reference without ``;`` followed by ``=`` or a letter or digit
    is kept as written, as browsers do in attributes.
    """
    if "&" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return _numeric_reference(match.group(1))
        return _named_reference(match, text)

    return _CHARREF.sub(replace, text)


def browser_url(url: str) -> str:
    """The URL a browser follows for this ``href`` value, before it parses the scheme.

    Character references decoded (as in an attribute), leading and trailing C0 controls and
    spaces stripped, ASCII tabs and newlines removed anywhere: the WHATWG HTML and URL
    standards' own steps, so ``&#106;avascript:`` and ``java&Tab;script:`` read as
    ``javascript:`` here too.
    """
    return _TAB_OR_NEWLINE.sub("", decode_attribute(url).strip(_C0_OR_SPACE))


def url_scheme(url: str) -> str | None:
    """The scheme of a normalised URL (lowercase), or None for a relative URL."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def safe_url(url: str) -> bool:
    """True for a URL a reader may follow: http, https, mailto, or relative (not ``//host``).

    ``url`` is read as a browser reads an ``href`` value (see :func:`browser_url`).
    """
    normal = browser_url(url)
    scheme = url_scheme(normal)
    if scheme is not None:
        return scheme in _SAFE_SCHEMES
    return not re.match(r"[/\\]{2}", normal)  # "//host" and "\\host" leave the site
