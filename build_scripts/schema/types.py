"""Value types, in the style of FollowTheMoney's property types.

Each type is one class that knows everything about its values: how to read one
from a card (``parse``: the typed value, or an :class:`Invalid` with a message
for the editor), how to describe itself (field reference), an example
(card skeleton, docs), its JSON Schema fragment (editors' tools), how it is
exported (CSV cells, JSON values) and how it maps to a FollowTheMoney property
(``ftm_type``, ``to_ftm``, ``from_ftm``). Nothing here looks at YAML nodes:
the validator passes the scalar's text and its YAML 1.2 kind.

The value classes :class:`PartialDate` and :class:`Citation` live here too, so
that every stage reads dates and citations the same way.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import total_ordering
from urllib.parse import urlsplit

import pycountry

from build_scripts.base.problems import did_you_mean, one_of
from build_scripts.base.text import SLUG_RE, slugify
from build_scripts.base.urls import browser_url
from build_scripts.schema.vocab import KINDS

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_LEADING_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?")
_DATE_HELP = "write YYYY, YYYY-MM or YYYY-MM-DD"
_URL_CHARS = r"A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%"
_URL_CHAR = re.compile(f"[{_URL_CHARS}]")
_NO_CONTROL = "[\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f]"
_NUMBERS = ("int", "float")

JSON = dict[str, object]


# --- value classes -----------------------------------------------------------------------------

@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """An ISO 8601 date of year, month or day precision, optionally derived (with its basis in words).

    Dates sort by their text (``2022-12-31`` < ``2023`` < ``2023-01``), the basis only breaking ties.
    """

    iso: str
    derived: str | None = field(default=None, kw_only=True)

    @classmethod
    def parse(cls, text: str, derived: str | None = None) -> PartialDate:
        """The date written as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ValueError says what is wrong."""
        match = _DATE_RE.match(text)
        if not match:
            raise ValueError(f"invalid date '{text}'; {_DATE_HELP}")
        year, month, day = (int(g) if g else 1 for g in match.groups())
        try:
            dt.date(year, month, day)
        except ValueError as err:
            raise ValueError(f"invalid date '{text}' ({err}); {_DATE_HELP}") from None
        return cls(text, derived=derived)

    @classmethod
    def leading(cls, text: str) -> PartialDate | None:
        """The date at the start of ``text`` (FtM dates may carry a time), or None."""
        match = _LEADING_DATE.match(text)
        if not match:
            return None
        try:
            return cls.parse(match.group(0))
        except ValueError:
            return None

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return (self.iso, self.derived or "") < (other.iso, other.derived or "")

    def __str__(self) -> str:
        return self.iso

    @property
    def parts(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.iso.split("-"))

    @property
    def year(self) -> int:
        return self.parts[0]

    def first(self) -> tuple[int, int, int]:
        """The first day the date may mean: the sort key for a start."""
        parts = self.parts + (1, 1)[len(self.parts) - 1:]
        return parts[0], parts[1], parts[2]

    def last(self) -> tuple[int, int, int]:
        """The last day the date may mean: the sort key for an end."""
        parts = self.parts
        if len(parts) == 3:
            return parts[0], parts[1], parts[2]
        month = parts[1] if len(parts) == 2 else 12
        return parts[0], month, calendar.monthrange(parts[0], month)[1]

    def month(self) -> PartialDate:
        """The date to month precision (itself when coarser)."""
        return PartialDate("-".join(self.iso.split("-")[:2]))

    def human(self) -> str:
        """'2023', 'March 2023' or '1 March 2023'."""
        parts = self.parts
        if len(parts) == 1:
            return str(parts[0])
        if len(parts) == 2:
            return f"{MONTHS[parts[1] - 1]} {parts[0]}"
        return f"{parts[2]} {MONTHS[parts[1] - 1]} {parts[0]}"

    def described(self) -> str:
        """The human date, with the basis of a derived one: 'March 2023 (derived: ...)'."""
        return f"{self.human()} (derived: {self.derived})" if self.derived else self.human()


@dataclass(frozen=True)
class Citation:
    """A source cited for a claim; ``retells`` names the outlets whose reporting it only retells."""

    source: str
    retells: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.source if not self.retells else f"{self.source} (retells {', '.join(self.retells)})"


@dataclass(frozen=True)
class Invalid:
    """What ``parse`` (or ``from_mapping``) returns for a value it refuses: the message for the
    editor, and for a mapping form the field it concerns, if one."""

    message: str
    field: str | None = None


# --- value types -------------------------------------------------------------------------------

def _canonical(value: object) -> str:
    """One text form per value: 1200000 and 1200000.0 are both '1200000'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ValueType:
    """The base of every value type. Subclasses are frozen dataclasses holding their options."""

    what = "text"  # "expected <what>, got ..."
    accepts: tuple[str, ...] = ("str",)  # the YAML 1.2 scalar kinds it reads
    ftm_type = "string"  # the FollowTheMoney property type its values map to
    mapping_form: str | None = None  # the name of a record it may also be written as (see records.FORMS)

    def wrong_kind(self, shown: str, kind: str | None, raw: str | None) -> str:
        """The message for a node the type cannot read (a list, a mapping, a scalar of another kind)."""
        hint = "; put it in quotes if it is text" if kind in ("bool", "int", "float") else ""
        return f"expected {self.what}, got {shown}{hint}"

    def parse(self, text: str, kind: str) -> object:
        """The typed value of a scalar of YAML 1.2 ``kind`` (one of ``accepts``), or :class:`Invalid`."""
        return text

    def from_mapping(self, values: dict[str, object]) -> object:
        """The value from its mapping form's checked fields, or :class:`Invalid`."""
        raise TypeError(f"{type(self).__name__} has no mapping form")

    def describe(self) -> str:
        raise NotImplementedError

    def example(self) -> str:
        return "..."

    def json_schema(self) -> JSON:
        return {"type": "string"}

    # export
    def columns(self, name: str) -> tuple[str, ...]:
        """CSV column names for a field of this type called ``name``."""
        return (name,)

    def cells(self, value: object) -> tuple[object, ...]:
        return (self.cell(value),)

    def cell(self, value: object) -> object:
        return value

    def to_json(self, value: object) -> object:
        return value

    def json_items(self, name: str, value: object) -> dict[str, object]:
        """Keys and values of a field of this type in a JSON export record."""
        return {name: self.to_json(value)}

    # FollowTheMoney
    def to_ftm(self, value: object) -> list[str]:
        return [] if value is None or value is False or value == "" else [_canonical(value)]

    def from_ftm(self, text: str) -> object:
        """The value of one FtM property value, or :class:`Invalid`."""
        return text


@dataclass(frozen=True)
class Text(ValueType):
    """Plain text, shown as written (never as HTML or Markdown)."""

    max_length: int = 300
    multiline: bool = False

    def parse(self, text: str, kind: str) -> object:
        value = text.strip()
        if not value:
            return Invalid("is empty; write the text or remove the field")
        if not self.multiline and "\n" in value:
            return Invalid("must be a single line")
        if len(value) > self.max_length:
            return Invalid(f"is {len(value)} characters long; the limit is {self.max_length}")
        if any(unicodedata.category(c) == "Cc" and c not in "\n" for c in value):
            return Invalid("contains control characters; remove them")
        return value

    def describe(self) -> str:
        return "text" if not self.multiline else "text (may span lines)"

    def json_schema(self) -> JSON:
        line = "[^\\n]" if not self.multiline else "[\\s\\S]"
        return {"type": "string", "maxLength": self.max_length,
                "pattern": f"^\\s*{line}*\\S{line}*\\s*$", "not": {"pattern": _NO_CONTROL}}

    def cell(self, value: object) -> object:
        return " ".join(str(value).split()) if self.multiline else value

    def from_ftm(self, text: str) -> object:
        return self.parse(text, "str")


@dataclass(frozen=True)
class Markdown(Text):
    """Markdown text; raw HTML is shown as text, images are not allowed."""

    max_length: int = 20_000
    multiline: bool = True

    def describe(self) -> str:
        return "Markdown"

    def example(self) -> str:
        return "A short account in our own words."


@dataclass(frozen=True)
class Slug(ValueType):
    """A lowercase word or words joined by hyphens, e.g. ``dual-use``."""

    what = "a lowercase word"

    def parse(self, text: str, kind: str) -> object:
        if not SLUG_RE.match(text):
            hint = slugify(text)
            suggestion = f" (did you mean '{hint}'?)" if hint else ""
            return Invalid(f"'{text}' must be lowercase letters, digits and hyphens{suggestion}")
        return text

    def describe(self) -> str:
        return "lowercase-word"

    def example(self) -> str:
        return "lowercase-words"

    def json_schema(self) -> JSON:
        return {"type": "string", "pattern": SLUG_RE.pattern}

    def from_ftm(self, text: str) -> object:
        return slugify(text) or Invalid(f"'{text}' has no letters or digits")


@dataclass(frozen=True)
class Language(Slug):
    """An ISO 639-1 language code, e.g. ``zh`` (FtM writes ISO 639-3: ``zho``)."""

    ftm_type = "language"

    def example(self) -> str:
        return "en"

    def to_ftm(self, value: object) -> list[str]:
        if not value:
            return []
        language = pycountry.languages.get(alpha_2=str(value))
        return [language.alpha_3 if language is not None else str(value)]

    def from_ftm(self, text: str) -> object:
        language = pycountry.languages.get(alpha_3=text)
        code = getattr(language, "alpha_2", None) if language is not None else None
        return code if code else Invalid(f"'{text}' is not an ISO 639-3 code with a two-letter equivalent")


@dataclass(frozen=True)
class Date(ValueType):
    """An ISO 8601 date: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; or, when worked out rather than
    given by a source, ``{value: <date>, derived: <basis in words>}``."""

    derivable: bool = True  # False for the date inside a derived date
    what = "a date"
    accepts = ("str", "int")
    ftm_type = "date"

    @property
    def mapping_form(self) -> str | None:  # type: ignore[override]
        return "derived date" if self.derivable else None

    def parse(self, text: str, kind: str) -> object:
        try:
            return PartialDate.parse(text)
        except ValueError as err:
            return Invalid(str(err))

    def from_mapping(self, values: dict[str, object]) -> object:
        value = values["value"]
        assert isinstance(value, PartialDate)  # the record's own type guarantees it
        return PartialDate(value.iso, derived=str(values["derived"]))

    def describe(self) -> str:
        return "date (YYYY, YYYY-MM or YYYY-MM-DD)"

    def example(self) -> str:
        return "2023-01"

    def json_schema(self) -> JSON:
        return {"anyOf": [
            {"type": "integer", "minimum": 0, "maximum": 9999},
            {"type": "string", "pattern": "^[0-9]{4}(-(0[1-9]|1[0-2]))?$"},
            {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"},
        ]}

    def columns(self, name: str) -> tuple[str, ...]:
        return (name, f"{name}_derived")

    def cells(self, value: object) -> tuple[object, ...]:
        if not isinstance(value, PartialDate):
            return (None, None)
        return (value.iso, value.derived)

    def json_items(self, name: str, value: object) -> dict[str, object]:
        if not isinstance(value, PartialDate):
            return {name: value}
        return {name: value.iso, **({f"{name}_derived": value.derived} if value.derived else {})}

    def to_ftm(self, value: object) -> list[str]:
        return [value.iso] if isinstance(value, PartialDate) else []

    def from_ftm(self, text: str) -> object:
        return PartialDate.leading(text) or Invalid(f"'{text}' is not a date")


@dataclass(frozen=True)
class Country(ValueType):
    """An ISO 3166-1 alpha-2 country code, e.g. ``CN``."""

    what = "a country code"
    ftm_type = "country"

    def parse(self, text: str, kind: str) -> object:
        if len(text) == 2 and text.isascii() and text.isupper() and pycountry.countries.get(alpha_2=text):
            return text
        try:
            guess = pycountry.countries.lookup(text).alpha_2
        except LookupError:
            guess = None
        hint = f" (did you mean '{guess}'?)" if guess else ""
        return Invalid(f"unknown country code '{text}'{hint}; use an ISO 3166-1 alpha-2 code such as 'CN'")

    def describe(self) -> str:
        return "country code (ISO 3166-1 alpha-2)"

    def example(self) -> str:
        return "CN"

    def json_schema(self) -> JSON:
        return {"type": "string", "enum": sorted(c.alpha_2 for c in pycountry.countries)}

    def to_ftm(self, value: object) -> list[str]:
        return [str(value).lower()] if value else []  # FtM's form of ISO 3166-1 codes

    def from_ftm(self, text: str) -> object:
        return self.parse(text.upper(), "str")


@dataclass(frozen=True)
class Currency(ValueType):
    """An ISO 4217 currency code, e.g. ``USD``."""

    what = "a currency code"

    def parse(self, text: str, kind: str) -> object:
        if len(text) == 3 and text.isupper() and pycountry.currencies.get(alpha_3=text):
            return text
        guess = text.upper() if pycountry.currencies.get(alpha_3=text.upper()) else None
        hint = f" (did you mean '{guess}'?)" if guess else ""
        return Invalid(f"unknown currency code '{text}'{hint}; use an ISO 4217 code such as 'USD'")

    def describe(self) -> str:
        return "currency code (ISO 4217)"

    def example(self) -> str:
        return "USD"

    def json_schema(self) -> JSON:
        return {"type": "string", "enum": sorted(c.alpha_3 for c in pycountry.currencies)}


@dataclass(frozen=True)
class Url(ValueType):
    """An absolute ``http`` or ``https`` URL."""

    what = "a URL"
    ftm_type = "url"

    def parse(self, text: str, kind: str) -> object:
        read = browser_url(text)
        if read != text:  # what a browser would follow is not what is written
            return Invalid(f"{text!r} reads as {read!r} in a browser: it contains "
                           "character references (&...;), tabs, line breaks or leading or trailing "
                           "spaces; write the address exactly as the browser's address bar shows it")
        try:
            parts = urlsplit(text)
        except ValueError:
            return Invalid(f"'{text}' is not a valid URL")
        if parts.scheme.lower() not in ("http", "https"):
            return Invalid(f"only http and https URLs are allowed, not '{text}'")
        if not parts.netloc:
            return Invalid(f"'{text}' is not a valid URL; give the full address")
        bad = sorted({c for c in text if not _URL_CHAR.match(c)})
        if bad:
            shown = " ".join(repr(c) for c in bad)
            return Invalid(f"the URL contains characters that must be percent-encoded: {shown}; "
                           "copy the address from the browser's address bar")
        return text

    def describe(self) -> str:
        return "http(s) URL"

    def example(self) -> str:
        return "https://example.org/article"

    def json_schema(self) -> JSON:
        return {"type": "string",
                "pattern": f"^[Hh][Tt][Tt][Pp][Ss]?://[{_URL_CHARS.replace('/?#', '')}]+([/?#][{_URL_CHARS}]*)?$"}

    def from_ftm(self, text: str) -> object:
        return self.parse(text, "str")


@dataclass(frozen=True)
class Number(ValueType):
    """A decimal number, optionally bounded."""

    minimum: float | None = None
    maximum: float | None = None
    what = "a number"
    accepts = _NUMBERS
    ftm_type = "number"

    def wrong_kind(self, shown: str, kind: str | None, raw: str | None) -> str:
        hint = "; write digits only, without separators or units" if kind == "str" else ""
        return f"expected a number, got {shown}{hint}"

    def parse(self, text: str, kind: str) -> object:
        if "inf" in text.lower() or "nan" in text.lower():
            return Invalid(f"expected a finite number, got '{text}'")
        number = float(int(text, 0)) if text.startswith(("0o", "0x")) else float(text)
        invalid = self._range(text, number)
        if invalid:
            return invalid
        return int(number) if kind == "int" else number

    def _range(self, text: str, number: float) -> Invalid | None:
        if (self.minimum is not None and number < self.minimum) or \
                (self.maximum is not None and number > self.maximum):
            if self.maximum is not None:
                return Invalid(f"{text} is out of range; it must be between {self.minimum:g} and {self.maximum:g}")
            return Invalid(f"{text} must be at least {self.minimum:g}")
        return None

    def describe(self) -> str:
        return "number"

    def example(self) -> str:
        return "0"

    def json_schema(self) -> JSON:
        out: JSON = {"type": "number"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out

    def from_ftm(self, text: str) -> object:
        try:
            number = float(text)
        except ValueError:
            return Invalid(f"'{text}' is not a number")
        if not math.isfinite(number):
            return Invalid(f"'{text}' is not a finite number")
        return self._range(f"'{text}'", number) or number


@dataclass(frozen=True)
class Boolean(ValueType):
    """``true`` or ``false``. ``ftm_value`` is the FtM property value that stands for true, if any."""

    ftm_value: str | None = None
    what = "true or false"
    accepts = ("bool",)

    def wrong_kind(self, shown: str, kind: str | None, raw: str | None) -> str:
        return f"expected true or false, got '{raw}'" if raw is not None else f"expected true or false, got {shown}"

    def parse(self, text: str, kind: str) -> object:
        return text.lower() == "true"

    def describe(self) -> str:
        return "true or false"

    def example(self) -> str:
        return "true"

    def json_schema(self) -> JSON:
        return {"type": "boolean"}

    def cell(self, value: object) -> object:
        return "yes" if value else ""

    def to_ftm(self, value: object) -> list[str]:
        return [self.ftm_value] if value and self.ftm_value else []

    def from_ftm(self, text: str) -> object:
        return True if text == self.ftm_value else None


@dataclass(frozen=True)
class Enum(ValueType):
    """One word of a fixed list."""

    values: tuple[str, ...] = ()

    @property
    def what(self) -> str:  # type: ignore[override]
        return "one of " + one_of(self.values)

    def parse(self, text: str, kind: str) -> object:
        if text not in self.values:
            hint = did_you_mean(text, self.values)
            if hint:
                return Invalid(f"unknown value '{text}'{hint}")
            return Invalid(f"unknown value '{text}'; use {one_of(self.values)}")
        return text

    def describe(self) -> str:
        return "one of: " + ", ".join(self.values)

    def example(self) -> str:
        return self.values[0]

    def json_schema(self) -> JSON:
        return {"type": "string", "enum": list(self.values)}

    def from_ftm(self, text: str) -> object:
        return text if text in self.values else Invalid(f"'{text}' is not one of {', '.join(self.values)}")


@dataclass(frozen=True)
class Ref(ValueType):
    """The id of another card, of one of ``kinds``."""

    kinds: tuple[str, ...] = ()
    what = "the id of a card"
    ftm_type = "entity"

    def parse(self, text: str, kind: str) -> object:
        if not SLUG_RE.match(text):
            return Invalid(f"'{text}' is not an id; ids are lowercase letters, digits "
                           f"and hyphens, like the card's file name")
        return text

    def kinds_text(self) -> str:
        return " or ".join(KINDS[k].label.lower() for k in self.kinds)

    def describe(self) -> str:
        return f"id of a {self.kinds_text()} card"

    def example(self) -> str:
        return "card-id"

    def json_schema(self) -> JSON:
        return {"type": "string", "pattern": SLUG_RE.pattern, "description": self.describe()}


@dataclass(frozen=True)
class Cites(Ref):
    """A source card cited for a claim: its id, or ``{source: <id>, retells: [<ids>]}`` when it
    only retells other outlets' reporting."""

    kinds: tuple[str, ...] = ("source",)
    mapping_form = "citation"

    def parse(self, text: str, kind: str) -> object:
        value = super().parse(text, kind)
        return Citation(text) if isinstance(value, str) else value

    def from_mapping(self, values: dict[str, object]) -> object:
        retells = values.get("retells", ())
        assert isinstance(retells, (list, tuple))  # the record's own type guarantees it
        source = str(values["source"])
        if source in retells:
            return Invalid(f"'{source}' cannot retell itself; list the sources it retells", field="retells")
        return Citation(source, tuple(str(r) for r in retells))

    def example(self) -> str:
        return "source-id"

    def cell(self, value: object) -> object:
        return str(value)

    def to_json(self, value: object) -> object:
        if isinstance(value, Citation) and value.retells:
            return {"source": value.source, "retells": list(value.retells)}
        return value.source if isinstance(value, Citation) else value

    def to_ftm(self, value: object) -> list[str]:
        return [value.source] if isinstance(value, Citation) else []

    def from_ftm(self, text: str) -> object:
        return Citation(text)
