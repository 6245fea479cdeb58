"""Stage 1: read card files into YAML node trees that remember positions.

Cards are plain data. The loader accepts the safe subset of YAML and turns
everything else into a located :class:`Problem`: bytes that are not UTF-8, a
byte-order mark, tabs in indentation, syntax errors, anchors and aliases
(which also rules out alias-expansion bombs), explicit tags such as
``!!python/object``, duplicate keys, excessive nesting and oversized files.
Nothing here constructs Python objects from tags, so no card can run code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import yaml

from build_scripts.base.problems import FieldPath, Problem, format_field

MAX_CARD_BYTES = 256 * 1024
MAX_DEPTH = 32
CARD_SUFFIX = ".yaml"

_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)


@dataclass(frozen=True)
class CardFile:
    """A card that parsed: its place on disk and its YAML node tree."""

    path: Path  # as found under the cards folder
    display: str  # how messages name it
    folder: str  # the kind folder it sits in ('' at the top level)
    root: yaml.MappingNode


class _Position(Protocol):
    """Where a YAML event or node starts: PyYAML's Python and libyaml's C marks both fit."""

    line: int  # 0-based
    column: int  # 0-based


class _CardSyntaxError(Exception):
    def __init__(self, mark: _Position | None, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _RefusesAnchors(yaml.composer.Composer):
    """Composes nodes only (never objects), refusing anchors and aliases."""

    if TYPE_CHECKING:  # supplied by the parser the concrete composer also derives from
        def peek_event(self) -> yaml.Event | None: ...

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _CardSyntaxError(
                event.start_mark,
                f"YAML alias '*{event.anchor}' is not allowed in cards; write the value out in full",
            )
        if isinstance(event, yaml.NodeEvent) and event.anchor:
            raise _CardSyntaxError(
                event.start_mark,
                f"YAML anchor '&{event.anchor}' is not allowed in cards; write the value out in full",
            )
        return super().compose_node(parent, index)


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _CardComposer(_RefusesAnchors, yaml.resolver.Resolver, CParser):
        """libyaml's C parser for speed, with the Python composer (and its checks) on top."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def get_single_node(self) -> yaml.Node | None:  # the Python composer's, not libyaml's
            return yaml.composer.Composer.get_single_node(self)
else:  # pragma: no cover - PyYAML built without libyaml
    # mypy sees both branches; only one defines the class at run time.
    class _CardComposer(_RefusesAnchors, yaml.SafeLoader):  # type: ignore[no-redef]
        pass


def display_path(path: Path) -> str:
    """The path as an editor would type it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def discover(cards_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Every card file under ``cards_dir`` (sorted), and problems with stray files."""
    problems: list[Problem] = []
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(cards_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") and not name.endswith((CARD_SUFFIX, ".yml")):
                continue  # editor and system files; a hidden card is still checked (and refused)
            if name.endswith(".yml"):
                problems.append(
                    Problem(display_path(path), 1, 1, "",
                            f"cards use the '{CARD_SUFFIX}' extension; rename this file to '{name[:-4]}{CARD_SUFFIX}'")
                )
            elif name.endswith(CARD_SUFFIX):
                found.append(path)
    return found, problems


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _decode(data: bytes, where: str) -> str | Problem:
    """The text of a card, or the problem that stops reading it."""
    if data.startswith(b"\xef\xbb\xbf"):
        return Problem(where, 1, 1, "", "file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        good = data[: err.start].decode("utf-8")
        line, column = _position(good, len(good))
        return Problem(where, line, column, "",
                       f"file is not valid UTF-8 (byte 0x{data[err.start]:02x}); save it as UTF-8")


def _tab_problems(text: str, where: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(where, number, indent.index("\t") + 1, "",
                                    "tab character in indentation; indent with spaces"))
    return problems


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _structure_problems(root: yaml.Node, where: str) -> list[Problem]:
    """Explicit tags, duplicate keys and nesting depth, all collected."""
    problems: list[Problem] = []
    stack: list[tuple[yaml.Node, FieldPath, int]] = [(root, (), 0)]
    while stack:
        node, field, depth = stack.pop()
        if depth > MAX_DEPTH:
            problems.append(Problem(where, *_mark(node), format_field(field),
                                    f"nested more than {MAX_DEPTH} levels deep"))
            continue
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            problems.append(Problem(
                where, *_mark(node), format_field(field),
                f"YAML tag '{tag}' is not allowed; cards hold plain text, numbers, lists and mappings"))
            continue
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    problems.append(Problem(where, *_mark(key), format_field(field),
                                            "keys must be plain words, not lists or mappings"))
                    continue
                if key.value in seen:
                    first = seen[key.value].start_mark.line + 1
                    problems.append(Problem(where, *_mark(key), format_field((*field, key.value)),
                                            f"duplicate key '{key.value}' (first given on line {first}); keep one"))
                    continue
                seen[key.value] = key
                stack.append((value, (*field, key.value), depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, (*field, index), depth + 1))
    return problems


def load_card(path: Path, folder: str = "") -> tuple[CardFile | None, list[Problem]]:
    """Read one card. Returns the card, or ``None`` with the problems that stop it."""
    where = display_path(path)
    if path.is_symlink():
        return None, [Problem(where, 1, 1, "", "symbolic links are not allowed as cards; commit a regular file")]
    size = path.stat().st_size
    if size > MAX_CARD_BYTES:
        return None, [Problem(
            where, 1, 1, "", f"file is {size} bytes, over the limit of {MAX_CARD_BYTES}; split it or shorten the text")]
    text = _decode(path.read_bytes(), where)
    if isinstance(text, Problem):
        return None, [text]
    tabs = _tab_problems(text, where)
    if tabs:
        return None, tabs
    try:
        composer = _CardComposer(text)
        try:
            root = composer.get_single_node()
        finally:
            composer.dispose()
    except _CardSyntaxError as err:
        line, column = (err.mark.line + 1, err.mark.column + 1) if err.mark else (1, 1)
        return None, [Problem(where, line, column, "", err.message)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = err.problem or err.context or "cannot be parsed"
        return None, [Problem(where, line, column, "", f"YAML syntax error: {detail}")]
    except yaml.YAMLError as err:
        return None, [Problem(where, 1, 1, "", f"YAML syntax error: {err}")]
    except RecursionError:
        return None, [Problem(where, 1, 1, "", f"nested too deeply; cards allow {MAX_DEPTH} levels")]
    if root is None:
        return None, [Problem(where, 1, 1, "", "file is empty; a card is a mapping of field: value")]
    if not isinstance(root, yaml.MappingNode):
        shape = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        return None, [Problem(where, *_mark(root), "", f"a card must be a mapping of field: value, not {shape}")]
    problems = _structure_problems(root, where)
    if problems:
        return None, problems
    return CardFile(path=path, display=where, folder=folder, root=root), []
