"""Stage 2: check every card against the schema and the cards against each other.

Every problem is collected (never stop-at-first) and located by file, line,
column and field path. The result carries plain Python values for the cards
that passed, ready for ``model``.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pycountry
import yaml

from build_scripts import schema as s
from build_scripts.base.problems import FieldPath, Problem, did_you_mean, format_field, one_of
from build_scripts.cards.duplicates import near_duplicates, party_names
from build_scripts.cards.loader import CardFile, discover, display_path, load_card

_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_NULL_TAG = "tag:yaml.org,2002:null"
# YAML 1.2 core schema, as editors' tools (yaml-language-server) read plain scalars.
_YAML12 = (
    ("null", re.compile(r"^(?:~|null|Null|NULL|)$")),
    ("bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")),
    ("int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")),
    ("float", re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                         r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")),
)
_WHAT = {"null": "nothing", "bool": "true or false", "int": "a number", "float": "a number"}
_INVALID = object()


@dataclass(frozen=True)
class CheckedCard:
    """A card whose fields passed: plain values, keyed by field name."""

    id: str
    kind: str
    display: str
    data: dict


@dataclass(frozen=True)
class Validation:
    cards: tuple[CheckedCard, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()
    load_seconds: float = 0.0  # reading and parsing files, within the whole validation

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _PendingRef:
    display: str
    line: int
    column: int
    field: str
    target: str
    kinds: tuple[str, ...]
    owner: str


def slugify(text: str) -> str:
    """A valid id from any text: 'Terra Tech LLC' -> 'terra-tech-llc'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[: s.MAX_ID_LENGTH].strip("-")


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def scalar_kind(node: yaml.ScalarNode) -> str:
    """'null', 'bool', 'int', 'float' or 'str', as YAML 1.2's core schema reads the scalar."""
    if node.style not in (None, "") or node.tag not in ("tag:yaml.org,2002:" + k for k in
                                                     ("str", "int", "float", "bool", "null", "timestamp")):
        return "str"  # quoted, or a block scalar
    for kind, pattern in _YAML12:
        if pattern.match(node.value):
            return kind
    return "str"


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    kind = scalar_kind(node)
    if kind == "null":
        return "nothing"
    if kind != "str":
        return f"{_WHAT[kind]} ({node.value})"
    return f"'{node.value}'"


class _CardChecker:
    """Checks one card's node tree; collects problems and references."""

    def __init__(self, card: CardFile, card_id: str) -> None:
        self.card = card
        self.card_id = card_id
        self.problems: list[Problem] = []
        self.refs: list[_PendingRef] = []

    def error(self, node: yaml.Node, path: FieldPath, message: str) -> object:
        self.problems.append(Problem(self.card.display, *_pos(node), format_field(path), message))
        return _INVALID

    # -- scalars ----------------------------------------------------------------------------
    def scalar(self, node: yaml.Node, path: FieldPath, what: str, also: tuple[str, ...] = ()) -> str | object:
        """The text of a string scalar (or of a scalar of a kind in ``also``)."""
        if not isinstance(node, yaml.ScalarNode) or scalar_kind(node) not in ("str", *also):
            hint = "; put it in quotes if it is text" if isinstance(node, yaml.ScalarNode) and \
                scalar_kind(node) in ("bool", "int", "float") else ""
            return self.error(node, path, f"expected {what}, got {_describe(node)}{hint}")
        return node.value

    def check(self, typ: object, node: yaml.Node, path: FieldPath) -> object:
        method = getattr(self, "check_" + type(typ).__name__)
        return method(typ, node, path)

    def check_Text(self, typ: s.Text, node, path):
        value = self.scalar(node, path, "text")
        if value is _INVALID:
            return value
        value = value.strip()
        if not value:
            return self.error(node, path, "is empty; write the text or remove the field")
        if not typ.multiline and "\n" in value:
            return self.error(node, path, "must be a single line")
        if len(value) > typ.max_length:
            return self.error(node, path, f"is {len(value)} characters long; the limit is {typ.max_length}")
        if any(unicodedata.category(c) == "Cc" and c not in "\n" for c in value):
            return self.error(node, path, "contains control characters; remove them")
        return value

    def check_Markdown(self, typ: s.Markdown, node, path):
        return self.check_Text(s.Text(max_length=typ.max_length, multiline=True), node, path)

    def check_Slug(self, typ: s.Slug, node, path):
        value = self.scalar(node, path, "a lowercase word")
        if value is _INVALID:
            return value
        if not s.SLUG_RE.match(value):
            hint = slugify(value)
            suggestion = f" (did you mean '{hint}'?)" if hint else ""
            return self.error(node, path,
                              f"'{value}' must be lowercase letters, digits and hyphens{suggestion}")
        return value

    def check_Date(self, typ: s.Date, node, path):
        if isinstance(node, yaml.MappingNode):
            return self._derived_date(node, path)
        value = self.scalar(node, path, "a date", also=("int",))
        if value is _INVALID:
            return value
        match = _DATE_RE.match(value)
        if not match:
            return self.error(node, path, f"invalid date '{value}'; write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            dt.date(year, month or 1, day or 1)
        except ValueError as err:
            return self.error(node, path,
                              f"invalid date '{value}' ({err}); write YYYY, YYYY-MM or YYYY-MM-DD")
        return value

    def _derived_date(self, node: yaml.MappingNode, path: FieldPath) -> object:
        """``{value: 2023-03, derived: "the basis"}``: a date worked out from the sources."""
        given = {key.value: (key, value) for key, value in node.value}
        ok = True
        for name, (key, _) in given.items():
            if name not in ("value", "derived"):
                self.error(key, (*path, name),
                           f"unknown field '{name}'; a derived date has only 'value' and 'derived'")
                ok = False
        if "value" not in given:
            self.error(node, path, "a derived date needs its 'value': write value: YYYY, YYYY-MM or YYYY-MM-DD")
            return _INVALID
        value = self.check_Date(s.Date(), given["value"][1], (*path, "value")) \
            if not isinstance(given["value"][1], yaml.MappingNode) else \
            self.error(given["value"][1], (*path, "value"), "expected a date, got a mapping")
        if "derived" not in given:
            self.error(node, path, "a derived date needs its basis: add derived: \"how it follows from the "
                       "sources\", or write the date alone if a source states it")
            return _INVALID
        basis = self.check_Text(s.Text(max_length=s.DERIVED_BASIS_MAX), given["derived"][1], (*path, "derived"))
        if value is _INVALID or basis is _INVALID or not ok:
            return _INVALID
        return {"value": value, "derived": basis}

    def check_Country(self, typ: s.Country, node, path):
        value = self.scalar(node, path, "a country code")
        if value is _INVALID:
            return value
        if len(value) == 2 and value.isascii() and value.isupper() and pycountry.countries.get(alpha_2=value):
            return value
        try:
            guess = pycountry.countries.lookup(value).alpha_2
        except LookupError:
            guess = None
        hint = f" (did you mean '{guess}'?)" if guess else ""
        return self.error(node, path,
                          f"unknown country code '{value}'{hint}; use an ISO 3166-1 alpha-2 code such as 'CN'")

    def check_Currency(self, typ: s.Currency, node, path):
        value = self.scalar(node, path, "a currency code")
        if value is _INVALID:
            return value
        if len(value) == 3 and value.isupper() and pycountry.currencies.get(alpha_3=value):
            return value
        guess = value.upper() if pycountry.currencies.get(alpha_3=value.upper()) else None
        hint = f" (did you mean '{guess}'?)" if guess else ""
        return self.error(node, path,
                          f"unknown currency code '{value}'{hint}; use an ISO 4217 code such as 'USD'")

    def check_Url(self, typ: s.Url, node, path):
        value = self.scalar(node, path, "a URL")
        if value is _INVALID:
            return value
        try:
            parts = urlsplit(value)
        except ValueError:
            return self.error(node, path, f"'{value}' is not a valid URL")
        if parts.scheme.lower() not in ("http", "https"):
            return self.error(node, path, f"only http and https URLs are allowed, not '{value}'")
        if not parts.netloc:
            return self.error(node, path, f"'{value}' is not a valid URL; give the full address")
        bad = sorted({c for c in value if not _URL_CHARS.match(c)})
        if bad:
            shown = " ".join(repr(c) for c in bad)
            return self.error(node, path, f"the URL contains characters that must be percent-encoded: {shown}; "
                              "copy the address from the browser's address bar")
        return value

    def check_Number(self, typ: s.Number, node, path):
        kind = scalar_kind(node) if isinstance(node, yaml.ScalarNode) else None
        if kind not in ("int", "float"):
            hint = "; write digits only, without separators or units" if kind == "str" else ""
            return self.error(node, path, f"expected a number, got {_describe(node)}{hint}")
        if "inf" in node.value.lower() or "nan" in node.value.lower():
            return self.error(node, path, f"expected a finite number, got '{node.value}'")
        number = float(int(node.value, 0)) if node.value.startswith(("0o", "0x")) else float(node.value)
        if (typ.minimum is not None and number < typ.minimum) or (typ.maximum is not None and number > typ.maximum):
            return self.error(node, path, f"{node.value} is out of range; it must be between "
                              f"{typ.minimum:g} and {typ.maximum:g}" if typ.maximum is not None
                              else f"{node.value} must be at least {typ.minimum:g}")
        return int(number) if kind == "int" else number

    def check_Boolean(self, typ: s.Boolean, node, path):
        if not isinstance(node, yaml.ScalarNode) or scalar_kind(node) != "bool":
            shown = f"'{node.value}'" if isinstance(node, yaml.ScalarNode) else _describe(node)
            return self.error(node, path, f"expected true or false, got {shown}")
        return node.value.lower() == "true"

    def check_Enum(self, typ: s.Enum, node, path):
        value = self.scalar(node, path, "one of " + one_of(typ.values))
        if value is _INVALID:
            return value
        if value not in typ.values:
            hint = did_you_mean(value, typ.values)
            if hint:
                return self.error(node, path, f"unknown value '{value}'{hint}")
            return self.error(node, path, f"unknown value '{value}'; use {one_of(typ.values)}")
        return value

    def check_Ref(self, typ: s.Ref, node, path):
        value = self.scalar(node, path, "the id of a card")
        if value is _INVALID:
            return value
        if not s.SLUG_RE.match(value):
            return self.error(node, path, f"'{value}' is not an id; ids are lowercase letters, digits "
                              f"and hyphens, like the card's file name")
        self.refs.append(_PendingRef(self.card.display, *_pos(node), format_field(path), value,
                                     typ.kinds, self.card_id))
        return value

    def check_Citation(self, typ: s.Citation, node: yaml.Node, path: FieldPath) -> object:
        """A source id, or ``{source: ID, retells: [IDS]}``."""
        source_ref = s.Ref(("source",))
        if not isinstance(node, yaml.MappingNode):
            return self.check_Ref(source_ref, node, path)
        given = {key.value: (key, value) for key, value in node.value}
        ok = True
        for name, (key, _) in given.items():
            if name not in ("source", "retells"):
                self.error(key, (*path, name),
                           f"unknown field '{name}'; a citation has only 'source' and 'retells'")
                ok = False
        if "source" not in given or "retells" not in given:
            missing = "source" if "source" not in given else "retells"
            self.error(node, path, f"missing '{missing}'; write {{source: ID, retells: [IDS]}}, with the ids "
                       "of the sources whose reporting the cited source retells")
            return _INVALID
        source = self.check_Ref(source_ref, given["source"][1], (*path, "source"))
        retells = self.check_ListOf(s.ListOf(source_ref, min_items=1), given["retells"][1], (*path, "retells"))
        if source is _INVALID or retells is _INVALID or not ok:
            return _INVALID
        if source in retells:
            return self.error(given["retells"][1], (*path, "retells"),
                              f"'{source}' cannot retell itself; list the sources it retells")
        return {"source": source, "retells": retells}

    # -- containers -------------------------------------------------------------------------
    def check_ListOf(self, typ: s.ListOf, node, path):
        if not isinstance(node, yaml.SequenceNode):
            return self.error(node, path, f"expected a list, got {_describe(node)}; "
                              "write each item on its own line starting with '- '")
        if len(node.value) < typ.min_items:
            return self.error(node, path, f"needs at least {typ.min_items} item" +
                              ("s" if typ.min_items > 1 else ""))
        values, seen = [], {}
        for index, item in enumerate(node.value):
            value = self.check(typ.item, item, path + (index,))
            if value is _INVALID:
                continue
            ident = value.get("source") if isinstance(value, dict) and isinstance(typ.item, s.Citation) else value
            if typ.unique and isinstance(ident, str):
                if ident in seen:
                    self.error(item, path + (index,), f"'{ident}' is listed twice (also item {seen[ident]})")
                    continue
                seen[ident] = index
            values.append(value)
        if isinstance(typ.item, s.Record) and typ.item.field_named("id"):
            self._unique_ids(node, path)
        return values

    def _unique_ids(self, node: yaml.SequenceNode, path: FieldPath) -> None:
        """Claim ids are unique within their list (a card's relations, sanctions or events)."""
        seen: dict[str, int] = {}
        for index, item in enumerate(node.value):
            if not isinstance(item, yaml.MappingNode):
                continue
            id_node = next((v for k, v in item.value if k.value == "id"), None)
            if not isinstance(id_node, yaml.ScalarNode) or not s.SLUG_RE.match(id_node.value):
                continue
            if id_node.value in seen:
                self.error(id_node, (*path, index, "id"), f"id '{id_node.value}' is already used by item "
                           f"{seen[id_node.value]} of this list; give each claim its own id")
            else:
                seen[id_node.value] = index

    def check_TextOrRecord(self, typ: s.TextOrRecord, node, path):
        if isinstance(node, yaml.MappingNode):
            return self.check(typ.record, node, path)
        text_type = typ.record.field_named(typ.text_field).type
        value = self.check(text_type, node, path)
        return _INVALID if value is _INVALID else {typ.text_field: value}

    def check_Record(self, typ: s.Record, node, path):
        if not isinstance(node, yaml.MappingNode):
            return self.error(node, path, f"expected a mapping of field: value, got {_describe(node)}")
        names = [f.name for f in typ.fields]
        given: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        ok = True
        for key, value_node in node.value:
            if key.value not in names:
                hint = did_you_mean(key.value, names)
                message = f"unknown field '{key.value}'" + (hint or f"; allowed fields: {', '.join(names)}")
                self.error(key, path + (key.value,), message)
                ok = False
                continue
            given[key.value] = (key, value_node)
        missing = [f.name for f in typ.fields if f.required and f.name not in given]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            self.error(node, path, f"missing required field{plural} {one_of(missing).replace(' or ', ' and ')}")
            ok = False
        values = {}
        for spec in typ.fields:
            if spec.name not in given:
                continue
            value = self.check(spec.type, given[spec.name][1], path + (spec.name,))
            if value is _INVALID:
                ok = False
            else:
                values[spec.name] = value
        ok = self._check_dates(given, values, path) and ok
        if typ is s.RELATION and "type" in values and "target" in values:
            self._refine_relation_target(values)
        return values if ok else _INVALID

    def _check_dates(self, given, values, path) -> bool:
        if "date" in given and "start" in given:
            self.error(given["start"][0], path + ("start",),
                       "give either 'date' (one event) or 'start'/'end' (a period), not both")
            return False
        begin = date_iso(values.get("start") or values.get("date"))
        end = date_iso(values.get("end"))
        if begin and end and _date_key(end, last=True) < _date_key(begin, last=False):
            self.error(given["end"][1], path + ("end",), f"ends ({end}) before it starts ({begin})")
            return False
        return True

    def _refine_relation_target(self, values: dict) -> None:
        """The target's allowed kinds depend on the relation type."""
        kinds = s.RELATION_TYPES[values["type"]].target_kinds
        for index in range(len(self.refs) - 1, -1, -1):
            ref = self.refs[index]
            if ref.field.endswith(".target") and ref.target == values["target"]:
                self.refs[index] = _PendingRef(ref.display, ref.line, ref.column, ref.field, ref.target,
                                               kinds, ref.owner)
                return


def date_iso(value: object) -> str | None:
    """The ISO text of a checked date value, plain (``'2023-01'``) or derived (a mapping)."""
    if isinstance(value, dict):
        return str(value["value"])
    return value if isinstance(value, str) else None


def _date_key(value: str, last: bool) -> tuple[int, int, int]:
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return tuple(parts)  # type: ignore[return-value]
    filler = (12, 31) if last else (1, 1)
    return tuple(parts + list(filler[len(parts) - 1:]))  # type: ignore[return-value]


def _card_identity(card: CardFile, cards_dir: Path) -> tuple[str | None, str | None, list[Problem]]:
    """The card's id (from the file stem) and kind (from its folder), or problems."""
    problems = []
    stem = card.path.name[: -len(".yaml")]
    card_id = stem
    if not s.SLUG_RE.match(stem) or len(stem) > s.MAX_ID_LENGTH:
        hint = slugify(stem)
        suggestion = f"; rename it to '{hint}.yaml'" if hint else ""
        problems.append(Problem(card.display, 1, 1, "",
                                f"file name '{card.path.name}' is not a valid id: use lowercase letters, "
                                f"digits and single hyphens, at most {s.MAX_ID_LENGTH} characters{suggestion}"))
        card_id = None
    kind = s.FOLDER_KINDS.get(card.folder)
    if kind is None:
        folders = ", ".join(f"{f}/" for f in s.FOLDER_KINDS)
        hint = did_you_mean(card.folder, s.FOLDER_KINDS)
        where = f"folder '{card.folder}/'" if card.folder else "the top of the cards folder"
        problems.append(Problem(card.display, 1, 1, "",
                                f"cards in {where} have no kind{hint}; move it into one of {folders}"))
    return card_id, kind, problems


def _resolve_refs(refs: list[_PendingRef], kinds_by_id: dict[str, str]) -> list[Problem]:
    problems = []
    for ref in refs:
        kind = kinds_by_id.get(ref.target)
        if ref.target == ref.owner and not ref.field.endswith(".by"):  # a subject may reply to claims
            message = "refers to this card itself; name another card"
        elif kind is None:
            hint = did_you_mean(ref.target, kinds_by_id)
            message = f"unknown entity '{ref.target}'{hint}"
        elif kind not in ref.kinds:
            expected = one_of([s.KINDS[k].label.lower() for k in ref.kinds]).replace("'", "")
            message = f"'{ref.target}' is a {s.KINDS[kind].label.lower()}; expected a {expected}"
        else:
            continue
        problems.append(Problem(ref.display, ref.line, ref.column, ref.field, message))
    return problems


def _loops(cards: list[CheckedCard], kind: str, field: str, what: str) -> list[Problem]:
    """Cards of ``kind`` whose ``field`` references lead back to themselves."""
    links = {c.id: c.data.get(field) for c in cards if c.kind == kind}
    links = {k: ([v] if isinstance(v, str) else list(v or ())) for k, v in links.items()}
    problems = []
    for card in cards:
        if card.kind != kind:
            continue
        stack, seen = list(links.get(card.id, ())), set()
        while stack:
            current = stack.pop()
            if current == card.id:
                problems.append(Problem(card.display, 1, 1, field,
                                        f"{what} in a loop that comes back to '{card.id}'; break the loop"))
                break
            if current in seen:
                continue
            seen.add(current)
            stack.extend(links.get(current, ()))
    return problems


def validate_dir(cards_dir: Path) -> Validation:
    """Load and check every card under ``cards_dir``: all problems, and the cards that passed."""
    if not cards_dir.is_dir():
        return Validation((), (Problem(display_path(cards_dir), 0, 0, "", "no such folder of cards"),))
    name_at: dict[str, tuple[int, int]] = {}
    paths, problems = discover(cards_dir)
    checked: list[CheckedCard] = []
    refs: list[_PendingRef] = []
    first_seen: dict[str, str] = {}
    kinds_by_id: dict[str, str] = {}
    load_seconds = 0.0
    for path in paths:
        folder = path.parent.relative_to(cards_dir).as_posix()
        started = time.perf_counter()
        card, load_problems = load_card(path, "" if folder == "." else folder)
        load_seconds += time.perf_counter() - started
        problems.extend(load_problems)
        if card is None:
            continue
        card_id, kind, id_problems = _card_identity(card, cards_dir)
        problems.extend(id_problems)
        if card_id is not None:
            if card_id in first_seen:
                problems.append(Problem(card.display, 1, 1, "",
                                        f"duplicate id '{card_id}': {first_seen[card_id]} has the same file name; "
                                        "rename one of them"))
                continue
            first_seen[card_id] = card.display
            if kind is not None:
                kinds_by_id[card_id] = kind
        if card_id is None or kind is None:
            continue
        checker = _CardChecker(card, card_id)
        data = checker.check(s.CARD_RECORDS[kind], card.root, ())
        problems.extend(checker.problems)
        refs.extend(checker.refs)
        if data is not _INVALID:
            checked.append(CheckedCard(card_id, kind, card.display, data))
            name_at[card_id] = next((_pos(v) for k, v in card.root.value if k.value == "name"), (1, 1))
    problems.extend(_resolve_refs(refs, kinds_by_id))
    problems.extend(_loops(checked, "location", "parent", "places lie within each other"))
    problems.extend(_loops(checked, "source", "based_on", "sources are based on each other"))
    warnings = near_duplicates(*party_names(checked, name_at))
    return Validation(tuple(checked), tuple(sorted(set(problems))), tuple(warnings), load_seconds)
