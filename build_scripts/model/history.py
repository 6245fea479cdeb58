"""Corrections and updates, as newsrooms publish them: read from the git history of the cards.

One ``git log`` call per build reads every commit that touched the cards folder, with its
committer date, its message and the cards it changed (renames followed, so a card keeps its
history under a new name). A commit whose message ends with a trailer paragraph holding a
line ``Correction: <text>`` (git interpret-trailers format) is a correction of every card it
changed; any other commit is an update. Dates come from git, so builds stay reproducible.

A copy without history (a tarball, not a git repository, or a shallow clone) gives ``None``:
pages say so.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

_RECORD = "\x1e"  # starts each commit in the log; the format separates fields with NUL
_FORMAT = f"--format={_RECORD}%H%x00%ct%x00%B"
_TRAILER = re.compile(r"^([A-Za-z0-9-]+)\s*:\s*(.*)$")
CORRECTION_KEY = "correction"


@dataclass(frozen=True)
class Change:
    """One commit that changed cards."""

    commit: str
    date: dt.datetime  # committer date, UTC
    corrections: tuple[str, ...]  # texts of its Correction: trailers; empty for an update
    cards: tuple[str, ...]  # the cards it changed, as paths under the cards folder at their current names

    @property
    def is_correction(self) -> bool:
        return bool(self.corrections)


@dataclass(frozen=True)
class History:
    changes: tuple[Change, ...]  # newest first
    by_card: Mapping[str, tuple[Change, ...]]  # card path under the cards folder -> its changes, newest first

    def of(self, card: str) -> tuple[Change, ...]:
        return self.by_card.get(card, ())

    @property
    def corrections(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.is_correction)


def trailers(message: str) -> list[tuple[str, str]]:
    """(key, value) pairs of the trailer block: the last paragraph of a message with a body.

    Continuation lines (starting with white space) are folded into the trailer above them.
    """
    paragraphs = [p for p in re.split(r"\n\s*\n", message.strip()) if p.strip()]
    if len(paragraphs) < 2:  # a subject line alone has no trailers
        return []
    found: list[tuple[str, str]] = []
    for line in paragraphs[-1].splitlines():
        if line[:1].isspace() and found:
            key, value = found[-1]
            found[-1] = (key, f"{value} {line.strip()}")
            continue
        match = _TRAILER.match(line)
        if match is None:
            return []  # not a trailer block
        found.append((match.group(1), match.group(2).strip()))
    return found


def corrections_in(message: str) -> tuple[str, ...]:
    return tuple(value for key, value in trailers(message) if key.lower() == CORRECTION_KEY and value)


def parse_log(output: str) -> tuple[Change, ...]:
    """Changes from ``git log -z -M --name-status --relative`` in ``_FORMAT``, newest first,
    with every path given at its current name (renames followed back through history)."""
    renamed: dict[str, str] = {}  # an older name -> the card's current name
    changes = []
    for record in output.split(_RECORD)[1:]:
        commit, stamp, rest = record.split("\0", 2)
        message, _, files = rest.partition("\0")
        tokens = [t for t in files.lstrip("\n").split("\0") if t]
        paths: list[str] = []
        index = 0
        while index < len(tokens):
            status = tokens[index]
            if status[:1] in ("R", "C") and index + 2 < len(tokens):
                old, new = tokens[index + 1], tokens[index + 2]
                current = renamed.get(new, new)
                if status[:1] == "R":
                    renamed[old] = current
                paths.append(current)
                index += 3
            else:
                path = tokens[index + 1] if index + 1 < len(tokens) else ""
                paths.append(renamed.get(path, path))
                index += 2
        cards = tuple(sorted({p for p in paths if p.endswith(".yaml")}))
        if cards:
            date = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)
            changes.append(Change(commit, date, corrections_in(message), cards))
    return tuple(changes)


def build(changes: tuple[Change, ...]) -> History:
    by_card: dict[str, list[Change]] = {}
    for change in changes:
        for card in change.cards:
            by_card.setdefault(card, []).append(change)
    return History(changes, MappingProxyType({k: tuple(v) for k, v in sorted(by_card.items())}))


def read_history(cards_dir: Path) -> History | None:
    """The history of the cards folder from one ``git log`` call; None without git history."""
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "-z", "-M", "--name-status", "--relative", _FORMAT,
             "--", "."],
            check=False, cwd=cards_dir, capture_output=True, text=True, encoding="utf-8", errors="replace",
            timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0 or _shallow(cards_dir):
        return None  # not a repository, one without commits, or a shallow clone that lacks the history
    return build(parse_log(done.stdout))


def _shallow(cards_dir: Path) -> bool:
    """True in a shallow clone (CI checkouts are, by default): its log is not the card's history."""
    try:
        done = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], check=False, cwd=cards_dir,
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return True
    return done.stdout.strip() != "false"


def card_path(folder: str, card_id: str) -> str:
    """Where a valid card sits under the cards folder."""
    return f"{folder}/{card_id}.yaml"
