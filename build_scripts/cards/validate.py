"""Stage 2: check every card against the schema and the cards against each other.

Every problem is collected (never stop-at-first) and located by file, line,
column and field path. The result carries plain Python values for the cards
that passed, ready for ``model``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from build_scripts import schema as s
from build_scripts.base.problems import FieldPath, Problem, did_you_mean, format_field, one_of
from build_scripts.base.text import slugify
from build_scripts.cards.duplicates import near_duplicates, party_names
from build_scripts.cards.loader import CardFile, discover, display_path, load_card

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
    data: dict[str, object]


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
    assert isinstance(node, yaml.ScalarNode)  # YAML has no other kind of node
    kind = scalar_kind(node)
    if kind == "null":
        return "nothing"
    if kind != "str":
        return f"{_WHAT[kind]} ({node.value})"
    return f"'{node.value}'"


class _CardChecker:
    """Checks one card's node tree against the schema; collects problems and references.

    The value types do the checking of values (``schema.types``); this class walks the
    nodes, keeps positions and field paths, and handles lists, records and mapping forms.
    """

    def __init__(self, card: CardFile, card_id: str) -> None:
        self.card = card
        self.card_id = card_id
        self.problems: list[Problem] = []
        self.refs: list[_PendingRef] = []

    def error(self, node: yaml.Node, path: FieldPath, message: str) -> object:
        self.problems.append(Problem(self.card.display, *_pos(node), format_field(path), message))
        return _INVALID

    def check(self, typ: object, node: yaml.Node, path: FieldPath) -> object:
        """The checked value of ``node`` as ``typ``, or ``_INVALID`` (with the problems recorded)."""
        if isinstance(typ, s.ListOf):
            return self.check_list(typ, node, path)
        if isinstance(typ, s.TextOrRecord):
            return self.check_text_or_record(typ, node, path)
        if isinstance(typ, s.Record):
            return self.check_record(typ, node, path)
        if isinstance(typ, s.ValueType):
            return self.check_value(typ, node, path)
        raise TypeError(f"not a schema type: {typ!r}")

    def check_value(self, typ: s.ValueType, node: yaml.Node, path: FieldPath) -> object:
        form = typ.mapping_form
        if form and isinstance(node, yaml.MappingNode):
            values = self.check_record(s.FORMS[form], node, path)
            if values is _INVALID:
                return values
            value = typ.from_mapping(values)  # type: ignore[arg-type]
            if isinstance(value, s.Invalid):  # a rule across the form's fields, e.g. a source retelling itself
                at = next((v for k, v in node.value if k.value == value.field), None)
                if value.field is None or at is None:
                    return self.error(node, path, value.message)
                return self.error(at, (*path, value.field), value.message)
            return value
        kind = scalar_kind(node) if isinstance(node, yaml.ScalarNode) else None
        if kind is None or kind not in typ.accepts:
            raw = node.value if isinstance(node, yaml.ScalarNode) else None
            return self.error(node, path, typ.wrong_kind(_describe(node), kind, raw))
        value = typ.parse(node.value, kind)
        if isinstance(value, s.Invalid):
            return self.error(node, path, value.message)
        if isinstance(typ, s.Ref):
            self.refs.append(_PendingRef(self.card.display, *_pos(node), format_field(path), node.value,
                                         typ.kinds, self.card_id))
        return value

    # -- containers -------------------------------------------------------------------------
    def check_list(self, typ: s.ListOf, node: yaml.Node, path: FieldPath) -> object:
        if not isinstance(node, yaml.SequenceNode):
            return self.error(node, path, f"expected a list, got {_describe(node)}; "
                              "write each item on its own line starting with '- '")
        if len(node.value) < typ.min_items:
            return self.error(node, path, f"needs at least {typ.min_items} item" +
                              ("s" if typ.min_items > 1 else ""))
        values: list[object] = []
        seen: dict[str, int] = {}
        ids: dict[str, int] = {}
        for index, item in enumerate(node.value):
            value = self.check(typ.item, item, (*path, index))
            if value is _INVALID:
                continue
            key = value.source if isinstance(value, s.Citation) else value
            if typ.unique and isinstance(key, str):
                if key in seen:
                    self.error(item, (*path, index), f"'{key}' is listed twice (also item {seen[key]})")
                    continue
                seen[key] = index
            if typ.unique_by and isinstance(value, dict) and isinstance(value.get(typ.unique_by), str):
                item_id = str(value[typ.unique_by])
                if item_id in ids:
                    where = next(v for k, v in item.value if k.value == typ.unique_by)
                    self.error(where, (*path, index, typ.unique_by),
                               f"'{item_id}' is already the {typ.unique_by} of item {ids[item_id]}; "
                               f"give each item its own {typ.unique_by}")
                    continue
                ids[item_id] = index
            values.append(value)
        return values

    def check_text_or_record(self, typ: s.TextOrRecord, node: yaml.Node, path: FieldPath) -> object:
        if isinstance(node, yaml.MappingNode):
            return self.check_record(typ.record, node, path)
        text_field = typ.record.field_named(typ.text_field)
        assert text_field is not None  # the schema names one of its own fields
        value = self.check(text_field.type, node, path)
        return _INVALID if value is _INVALID else {typ.text_field: value}

    def check_record(self, typ: s.Record, node: yaml.Node, path: FieldPath) -> object:
        if not isinstance(node, yaml.MappingNode):
            return self.error(node, path, f"expected a mapping of field: value, got {_describe(node)}")
        names = [f.name for f in typ.fields]
        given: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        ok = True
        for key, value_node in node.value:
            if key.value not in names:
                hint = did_you_mean(key.value, names)
                message = f"unknown field '{key.value}'" + (hint or f"; allowed fields: {', '.join(names)}")
                self.error(key, (*path, key.value), message)
                ok = False
                continue
            given[key.value] = (key, value_node)
        missing = [f for f in typ.fields if f.required and f.name not in given]
        for spec in missing:
            if spec.missing:
                self.error(node, path, spec.missing)
        plain = [f.name for f in missing if not f.missing]
        if plain:
            plural = "s" if len(plain) > 1 else ""
            self.error(node, path, f"missing required field{plural} {one_of(plain).replace(' or ', ' and ')}")
        ok = ok and not missing
        values: dict[str, object] = {}
        for spec in typ.fields:
            if spec.name not in given:
                continue
            value = self.check(spec.type, given[spec.name][1], (*path, spec.name))
            if value is _INVALID:
                ok = False
            else:
                values[spec.name] = value
        ok = self._check_dates(given, values, path) and ok
        if typ is s.RELATION and "type" in values and "target" in values:
            self._refine_relation_target(values)
        return values if ok else _INVALID

    def _check_dates(self, given: dict[str, tuple[yaml.Node, yaml.Node]], values: dict[str, object],
                     path: FieldPath) -> bool:
        if "date" in given and "start" in given:
            self.error(given["start"][0], (*path, "start"),
                       "give either 'date' (one event) or 'start'/'end' (a period), not both")
            return False
        begin = values.get("start") or values.get("date")
        end = values.get("end")
        if isinstance(begin, s.PartialDate) and isinstance(end, s.PartialDate) and end.last() < begin.first():
            self.error(given["end"][1], (*path, "end"), f"ends ({end}) before it starts ({begin})")
            return False
        return True

    def _refine_relation_target(self, values: dict[str, object]) -> None:
        """The target's allowed kinds depend on the relation type."""
        kinds = s.RELATION_TYPES[str(values["type"])].target_kinds
        for index in range(len(self.refs) - 1, -1, -1):
            ref = self.refs[index]
            if ref.field.endswith(".target") and ref.target == values["target"]:
                self.refs[index] = _PendingRef(ref.display, ref.line, ref.column, ref.field, ref.target,
                                               kinds, ref.owner)
                return


def _card_identity(card: CardFile, cards_dir: Path) -> tuple[str | None, str | None, list[Problem]]:
    """The card's id (from the file stem) and kind (from its folder), or problems."""
    problems = []
    stem = card.path.name[: -len(".yaml")]
    card_id: str | None = stem
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
    links: dict[str, list[str]] = {}
    for c in cards:
        if c.kind == kind:
            value = c.data.get(field)
            links[c.id] = [value] if isinstance(value, str) else [str(v) for v in value or ()]  # type: ignore[attr-defined]
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


@dataclass(frozen=True)
class _FileCheck:
    """What checking one file found on its own, before the cards are checked against each other."""

    stamp: tuple[int, int, int, int]  # modification and change time, size and inode when it was read
    settled: bool  # read two seconds or more after its last change: a later save cannot share its stamp
    problems: tuple[Problem, ...]  # reading the file, its name and folder
    field_problems: tuple[Problem, ...]  # its fields, against the schema
    display: str
    card_id: str | None
    kind: str | None
    card: CheckedCard | None
    refs: tuple[_PendingRef, ...]
    name_at: tuple[int, int]
    load_seconds: float


SETTLED_NS = 2_000_000_000  # file systems with coarse timestamps: a save within this of a read may keep its stamp


class CardCache:
    """Each file's own check from earlier validations, reused while the file is unchanged.

    The preview keeps one, so that saving a card re-reads that card only; the checks across
    cards (references, loops, near-duplicate names) run again over all of them every time.
    """

    def __init__(self) -> None:
        self.files: dict[Path, _FileCheck] = {}


def _stamp(path: Path) -> tuple[int, int, int, int]:
    status = path.lstat()
    return status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino


def _check_file(path: Path, cards_dir: Path, stamp: tuple[int, int, int, int]) -> _FileCheck:
    settled = time.time_ns() - stamp[0] >= SETTLED_NS
    folder = path.parent.relative_to(cards_dir).as_posix()
    started = time.perf_counter()
    card, load_problems = load_card(path, "" if folder == "." else folder)
    seconds = time.perf_counter() - started
    if card is None:
        return _FileCheck(stamp, settled, tuple(load_problems), (), display_path(path), None, None, None, (), (1, 1),
                          seconds)
    card_id, kind, id_problems = _card_identity(card, cards_dir)
    problems = (*load_problems, *id_problems)
    if card_id is None or kind is None:
        return _FileCheck(stamp, settled, problems, (), card.display, card_id, kind, None, (), (1, 1), seconds)
    checker = _CardChecker(card, card_id)
    data = checker.check(s.CARD_RECORDS[kind], card.root, ())
    checked = CheckedCard(card_id, kind, card.display, data) if isinstance(data, dict) else None
    name_at = next((_pos(v) for k, v in card.root.value if k.value == "name"), (1, 1))
    return _FileCheck(stamp, settled, problems, tuple(checker.problems), card.display, card_id, kind, checked,
                      tuple(checker.refs), name_at, seconds)


def validate_dir(cards_dir: Path, cache: CardCache | None = None) -> Validation:
    """Load and check every card under ``cards_dir``: all problems, and the cards that passed.

    With a ``cache``, files unchanged since the cache last saw them are not read again."""
    if not cards_dir.is_dir():
        return Validation((), (Problem(display_path(cards_dir), 0, 0, "", "no such folder of cards"),))
    name_at: dict[str, tuple[int, int]] = {}
    paths, problems = discover(cards_dir)
    checked: list[CheckedCard] = []
    refs: list[_PendingRef] = []
    first_seen: dict[str, str] = {}
    kinds_by_id: dict[str, str] = {}
    load_seconds = 0.0
    seen: dict[Path, _FileCheck] = {}
    for path in paths:
        stamp = _stamp(path)
        done = cache.files.get(path) if cache is not None else None
        if done is None or done.stamp != stamp or not done.settled:
            done = _check_file(path, cards_dir, stamp)
            load_seconds += done.load_seconds
        seen[path] = done
        card_id, kind = done.card_id, done.kind
        problems.extend(done.problems)
        if card_id is not None and card_id in first_seen:  # its fields are not checked: rename it first
            problems.append(Problem(done.display, 1, 1, "",
                                    f"duplicate id '{card_id}': {first_seen[card_id]} has the same file name; "
                                    "rename one of them"))
            continue
        problems.extend(done.field_problems)
        if card_id is not None:
            first_seen[card_id] = done.display
            if kind is not None:
                kinds_by_id[card_id] = kind
        refs.extend(done.refs)
        if done.card is not None:
            checked.append(done.card)
            name_at[done.card.id] = done.name_at
    if cache is not None:
        cache.files = seen
    problems.extend(_resolve_refs(refs, kinds_by_id))
    problems.extend(_loops(checked, "location", "parent", "places lie within each other"))
    problems.extend(_loops(checked, "source", "based_on", "sources are based on each other"))
    warnings = near_duplicates(*party_names(checked, name_at))
    return Validation(tuple(checked), tuple(sorted(set(problems))), tuple(warnings), load_seconds)
