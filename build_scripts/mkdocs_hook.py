"""MkDocs hook for `mkdocs serve`: regenerate pages when a card changes.

A thin adapter: the generator does not depend on MkDocs. During `serve`,
every rebuild (triggered by a change under entities/, see `watch:` in
mkdocs.yml) re-runs the generator, which rewrites only pages whose content
changed. Invalid cards are logged with their positions and the previous pages
are kept, so the preview keeps running while an editor fixes a typo.
"""

from __future__ import annotations

import logging
from pathlib import Path

from build_scripts.tools.pipeline import generate

log = logging.getLogger("mkdocs.hooks.cards")
_serving = False


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_pre_build(config) -> None:
    if not _serving:
        return  # `make site` generated the pages already
    project = Path(config.config_file_path).resolve().parent
    result = generate(project / "entities", Path(config["docs_dir"]))
    for problem in result.validation.problems:
        log.error(str(problem))
    if result.report and (result.report.written or result.report.removed):
        log.info("cards: %d pages written, %d removed", len(result.report.written), len(result.report.removed))
