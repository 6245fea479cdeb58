"""Source texts as evidence, for editors: quotes must be verbatim, our own text must be our own.

Given a folder of source texts (each source card names its file in ``text_file``), this checks
every card:

- every ``quote`` field appears verbatim in the text of a source the claim cites (after
  normalising whitespace, typographic quote marks and dashes; case is kept; ``...`` or ``…``
  in a quote stands for an omission, so its parts must appear in order);
- no other text field (summaries, notes, reasons, goods, names...) shares 8 or more
  consecutive words with the text of a source it rests on: for a claim's fields, the claim's
  sources; for a card's own fields, every source cited anywhere on the card; for a source
  card, its own text. ``title`` (the headline as published) is exempt, like ``quote``.

Findings are :class:`Problem` values located with the loader's positions. Nothing here prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from build_scripts import schema as s
from build_scripts.base.problems import FieldPath, Problem, format_field
from build_scripts.cards.loader import discover, load_card
from build_scripts.cards.validate import CheckedCard, validate_dir

MIN_COPIED_WORDS = 8
QUOTE_FIELDS = frozenset({"quote"})
# exactly as published or registered: a headline, other names of a party, registry identifiers
EXEMPT_FIELDS = frozenset({"title", "aliases", "identifiers"})

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
                         "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-"})
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")  # 'state-owned' and 'it's' are one word each
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
_END_MARKS = " .,;:"  # a quote may end with a full stop where the source goes on with a comma


def normalise(text: str) -> str:
    """Whitespace collapsed, quote marks to ' and ", dashes to -; case kept."""
    return " ".join(text.translate(_QUOTES).split())


def words(text: str) -> list[str]:
    return _WORD.findall(text.translate(_QUOTES))


@dataclass
class SourceText:
    """One source's text, ready for both checks."""

    normalised: str
    grams: dict[tuple[str, ...], int]  # each run of MIN_COPIED_WORDS lower-cased words -> first position

    @classmethod
    def of(cls, text: str) -> SourceText:
        lowered = [w.casefold() for w in words(text)]
        grams: dict[tuple[str, ...], int] = {}
        for i in range(len(lowered) - MIN_COPIED_WORDS + 1):
            grams.setdefault(tuple(lowered[i:i + MIN_COPIED_WORDS]), i)
        return cls(normalise(text), grams)

    def contains_quote(self, quote: str) -> bool:
        parts = [p.strip(_END_MARKS) for p in _ELLIPSIS.split(normalise(quote)) if p.strip(_END_MARKS)]
        start = 0
        for part in parts:
            found = self.normalised.find(part, start)
            if found < 0:
                return False
            start = found + len(part)
        return bool(parts)

    def longest_copy(self, text: str) -> tuple[int, str]:
        """The longest run of ``text``'s words (MIN_COPIED_WORDS or more) that also runs in this text:
        its number of words and the passage as the card writes it; (0, '') when there is none."""
        found = list(_WORD.finditer(text.translate(_QUOTES)))  # one character for one: spans fit ``text``
        lowered = [m.group().casefold() for m in found]
        best: tuple[int, int] = (0, 0)  # (start, length)
        run_start, run = 0, 0
        for i in range(len(lowered) - MIN_COPIED_WORDS + 1):
            if tuple(lowered[i:i + MIN_COPIED_WORDS]) in self.grams:
                run_start, run = (run_start, run + 1) if run else (i, 1)
                if run + MIN_COPIED_WORDS - 1 > best[1]:
                    best = (run_start, run + MIN_COPIED_WORDS - 1)
            else:
                run = 0
        if not best[1]:
            return 0, ""
        passage = text[found[best[0]].start():found[best[0] + best[1] - 1].end()]
        return best[1], " ".join(passage.split())


@dataclass(frozen=True)
class TextField:
    """A text field of a card, where it is, and which sources it rests on."""

    path: FieldPath
    node: yaml.ScalarNode
    sources: tuple[str, ...]  # the sources cited (for quotes)
    rests_on: tuple[str, ...] = ()  # those and the sources they retell (for copied words)


@dataclass
class Report:
    findings: list[Problem] = field(default_factory=list)
    quotes_checked: int = 0
    fields_checked: int = 0
    texts: int = 0
    without_text_file: int = 0
    unchecked_quotes: int = 0  # a cited source had no text, and the quote was not in the others

    @property
    def ok(self) -> bool:
        return not self.findings


def _citation_ids(node: yaml.Node, retold: bool = False) -> tuple[str, ...]:
    """Source ids of a ``sources`` list node, plain or {source, retells}; with ``retold``, also
    the ids of the sources they retell."""
    out: list[str] = []
    for item in node.value if isinstance(node, yaml.SequenceNode) else ():
        if isinstance(item, yaml.ScalarNode):
            out.append(item.value)
        elif isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                if key.value == "source" and isinstance(value, yaml.ScalarNode):
                    out.append(value.value)
                elif key.value == "retells" and retold and isinstance(value, yaml.SequenceNode):
                    out.extend(v.value for v in value.value if isinstance(v, yaml.ScalarNode))
    return tuple(dict.fromkeys(out))


Sources = tuple[tuple[str, ...], tuple[str, ...]]  # (cited, cited and what they retell)


def _walk(typ: object, node: yaml.Node, path: FieldPath, sources: Sources) -> Iterator[TextField]:
    """Every text field under ``node``, with the sources of the nearest record that cites some."""
    if isinstance(typ, (s.Text, s.Markdown)) and isinstance(node, yaml.ScalarNode):
        yield TextField(path, node, *sources)
    elif isinstance(typ, s.Date) and isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "derived" and isinstance(value, yaml.ScalarNode):
                yield TextField((*path, "derived"), value, *sources)
    elif isinstance(typ, s.ListOf) and isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk(typ.item, item, (*path, index), sources)
    elif isinstance(typ, s.TextOrRecord):
        inner = typ.record if isinstance(node, yaml.MappingNode) else typ.record.field_named(typ.text_field)
        yield from _walk(inner if isinstance(inner, s.Record) else getattr(inner, "type", None), node, path,
                         sources)
    elif isinstance(typ, s.Record) and isinstance(node, yaml.MappingNode):
        own = next(((_citation_ids(v), _citation_ids(v, retold=True)) for k, v in node.value
                    if k.value == "sources"), None)
        for key, value in node.value:
            spec = typ.field_named(key.value)
            if spec is not None and key.value not in EXEMPT_FIELDS:
                yield from _walk(spec.type, value, (*path, key.value), own if own is not None else sources)


def card_fields(card_id: str, kind: str, root: yaml.MappingNode) -> list[TextField]:
    """Every text field of a card; top-level fields rest on every source cited on the card."""
    if kind == "source":
        return list(_walk(s.CARD_RECORDS[kind], root, (), ((card_id,), (card_id,))))
    cited: dict[str, None] = {}
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value in ("sources", "retells"):
                    cited.update(dict.fromkeys(_citation_ids(value) if key.value == "sources" else
                                               tuple(v.value for v in value.value
                                                     if isinstance(v, yaml.ScalarNode))))
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    everything = tuple(sorted(cited))
    return list(_walk(s.CARD_RECORDS[kind], root, (), (everything, everything)))


def load_texts(cards: tuple[CheckedCard, ...], texts_dir: Path,
               report: Report) -> tuple[dict[str, SourceText], dict[str, tuple[str, int, int, str]]]:
    """The texts of sources that name one, and the problems with text files that cannot be read."""
    texts: dict[str, SourceText] = {}
    missing: dict[str, tuple[str, int, int, str]] = {}
    for card in cards:
        if card.kind != "source":
            continue
        name = card.data.get("text_file")
        if not isinstance(name, str) or not name:
            report.without_text_file += 1
            continue
        if Path(name).name != name or name.startswith("."):
            missing[card.id] = (card.display, 0, 0, f"'{name}' must be a file name in the texts folder, not a path")
            continue
        path = texts_dir / name
        if not path.is_file():
            missing[card.id] = (card.display, 0, 0, f"'{name}' is not in {texts_dir}; add the text there "
                                                    "or correct the file name")
            continue
        texts[card.id] = SourceText.of(path.read_text(encoding="utf-8", errors="replace"))
    report.texts = len(texts)
    return texts, missing


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _names(ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(ids)


def check_quote(item: TextField, texts: Mapping[str, SourceText], report: Report) -> str | None:
    """The message for a quote that is not verbatim in a cited source's text, or None."""
    cited_texts = [src for src in item.sources if src in texts]
    if any(texts[src].contains_quote(item.node.value) for src in cited_texts):
        return None
    if len(cited_texts) < len(item.sources):
        report.unchecked_quotes += 1  # a cited source's text is missing: it may say it
        return None
    elsewhere = [src for src in sorted(texts) if src not in item.sources and texts[src].contains_quote(item.node.value)]
    if elsewhere:
        return (f"not found in the text of the cited sources ({_names(item.sources)}) but in the text of "
                f"{_names(elsewhere)}; cite the source that says it")
    return (f"not found in the text of the cited sources ({_names(item.sources)}); "
            "quote exactly or cite the source that says it")


def check_copies(item: TextField, texts: Mapping[str, SourceText]) -> list[str]:
    """A message for each cited source whose text shares MIN_COPIED_WORDS or more words in a row."""
    messages = []
    for src in item.rests_on:
        if src not in texts:
            continue
        count, passage = texts[src].longest_copy(item.node.value)
        if count:
            messages.append(f"{count} words copied from {src} (“…{passage}…”); "
                            "write it in your own words or move it into a quote")
    return messages


def check_sources(cards_dir: Path, texts_dir: Path) -> tuple[Report, tuple[Problem, ...]]:
    """Check every card against the source texts. Returns the report and any validation problems
    (cards must validate first: then the report is empty)."""
    report = Report()
    validation = validate_dir(cards_dir)
    if not validation.ok:
        return report, validation.problems
    texts, missing = load_texts(validation.cards, texts_dir, report)
    checked = {card.display: card for card in validation.cards}
    for path in discover(cards_dir)[0]:
        loaded, _ = load_card(path, path.parent.relative_to(cards_dir).as_posix())
        card = checked.get(loaded.display) if loaded else None
        if loaded is None or card is None:  # pragma: no cover - it validated a moment ago
            continue
        if card.id in missing:
            display, _, _, message = missing[card.id]
            node = next((v for k, v in loaded.root.value if k.value == "text_file"), loaded.root)
            report.findings.append(Problem(display, *_pos(node), "text_file", message))
        for item in card_fields(card.id, card.kind, loaded.root):
            name = item.path[-1]
            if name in QUOTE_FIELDS:
                report.quotes_checked += 1
                wrong = check_quote(item, texts, report)
                messages = [wrong] if wrong else []
            else:
                report.fields_checked += 1
                messages = check_copies(item, texts)
            report.findings.extend(Problem(card.display, *_pos(item.node), format_field(item.path), m)
                                   for m in messages)
    report.findings.sort()
    return report, ()
