"""Text helpers every stage may use: the one slug function and the one HTML-safe JSON writer."""

from __future__ import annotations

import re
import unicodedata

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

MAX_ID_LENGTH = 80
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, max_length: int = MAX_ID_LENGTH) -> str:
    """A valid id from any text: 'Terra Tech LLC' -> 'terra-tech-llc', 'Société Générale' -> 'societe-generale'.

    Accents are folded to their base letters; anything else that is not a letter
    or digit becomes a hyphen. The result is empty when nothing usable is left.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")


def html_json(data: object, *, compact: bool = False) -> str:
    """JSON that is safe inside an HTML ``<script>`` element (``<``, ``>``, ``&``, ``'`` escaped).

    Jinja2's ``htmlsafe_json_dumps``; keys sorted so the same data gives the same bytes.
    """
    separators = (",", ":") if compact else None
    text: Markup = htmlsafe_json_dumps(data, ensure_ascii=False, sort_keys=True, separators=separators)
    return str(text)
