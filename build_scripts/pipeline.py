"""The stages wired together: cards folder in, Markdown pages out.

No printing and no exiting here; callers (the CLI, the MkDocs hook, tests)
decide what to do with the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import mapdata, maps, model, overviews, reference, schema_json
from .pagekit import BROWSE_DIR, ENTITY_DIR
from .render import WriteReport, render_pages, write_outputs
from .validate import Validation, validate_dir

GENERATED_DIRS = (ENTITY_DIR, BROWSE_DIR, reference.REFERENCE_DIR, mapdata.MAPS_DIR,
                  maps.VENDOR_DIR)


@dataclass(frozen=True)
class GenerateResult:
    validation: Validation
    investigation: model.Investigation | None
    report: WriteReport | None

    @property
    def ok(self) -> bool:
        return self.validation.ok


def generate(cards_dir: Path, docs_dir: Path) -> GenerateResult:
    """Validate every card; if all pass, write the generated pages under ``docs_dir``."""
    validation = validate_dir(cards_dir)
    if not validation.ok:
        return GenerateResult(validation, None, None)
    investigation = model.build(validation.cards)
    map_specs = mapdata.all_maps(investigation)
    files: dict[str, str | bytes] = {}
    files.update(render_pages(overviews.all_pages(investigation, map_specs) + reference.reference_pages()))
    files.update({spec.path: maps.render_map(spec) for spec in map_specs.values()})
    files.update(maps.vendor_assets())
    files.update(schema_json.schema_files())  # committed too, for editors' tools
    report = write_outputs(files, docs_dir, GENERATED_DIRS)
    return GenerateResult(validation, investigation, report)
