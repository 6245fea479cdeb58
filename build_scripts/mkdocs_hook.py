"""MkDocs hook for `mkdocs serve`: regenerate pages when a card changes.

A thin adapter: the generator does not depend on MkDocs. During `serve`,
every rebuild (triggered by a change under entities/, see `watch:` in
mkdocs.yml) re-runs the generator, which rewrites only pages whose content
changed. Invalid cards are logged with their positions and the previous pages
are kept, so the preview keeps running while an editor fixes a typo.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from build_scripts.tools.pipeline import generate

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.hooks.cards")


@dataclass
class _Session:
    """What the hook remembers between the events of one MkDocs run."""

    serving: bool = False


_session = _Session()


def on_startup(*, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
    _session.serving = command == "serve"


def on_pre_build(*, config: MkDocsConfig) -> None:
    if not _session.serving:
        return  # `make site` generated the pages already
    project = Path(config.config_file_path).resolve().parent
    result = generate(project / "entities", Path(config.docs_dir), keep=False)
    for problem in result.validation.problems:
        log.error(str(problem))
    if result.report and (result.report.written or result.report.removed):
        log.info("cards: %d pages written, %d removed", len(result.report.written), len(result.report.removed))
