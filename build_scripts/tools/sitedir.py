"""Putting a finished site in place: readers of the site folder see the old site or the new one,
never half of either, and a failed build leaves the old one untouched."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def swap_in(built: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` with the finished site at ``built`` (moved next to it first if need be)."""
    site_dir = site_dir.resolve()
    if built.resolve().parent != site_dir.parent:  # a rename is atomic only within one folder
        staging = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.tmp-", dir=site_dir.parent))
        staging.rmdir()
        shutil.move(str(built), staging)
        built = staging
    old = site_dir.with_name(site_dir.name + ".old")
    if site_dir.exists():
        shutil.rmtree(old, ignore_errors=True)
        site_dir.rename(old)
    built.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
