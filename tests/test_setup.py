"""The two commands set up what they need, or say in one line what to run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    assert MAKE is not None
    return subprocess.run([MAKE, "--no-print-directory", "-C", str(ROOT), *args],
                          capture_output=True, text=True, check=False, timeout=60)


def test_a_missing_debian_package_stops_with_the_one_command_to_run() -> None:
    done = _make("system-deps", "DEB_COMMANDS=no-such-command-xyz:no-such-package", "IS_ROOT=no")
    assert done.returncode != 0
    assert done.stderr.splitlines()[0] == (
        "missing Debian packages: no-such-package; run: sudo apt-get install no-such-package")


def test_present_packages_need_nothing() -> None:
    done = _make("system-deps", "DEB_COMMANDS=sh:dash", "IS_ROOT=no")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def _prerequisites(makefile: str, target: str) -> list[str]:
    """The prerequisites of one explicit rule (`target: a b c`), read from the Makefile's text."""
    rules = [line for line in makefile.splitlines() if line.startswith(f"{target}:") and ":=" not in line]
    assert len(rules) == 1, f"expected one rule for {target!r}, found {rules!r}"
    return rules[0].partition(":")[2].split()


def test_test_and_site_depend_on_the_set_up() -> None:
    plan = _make("-n", "test", "site", "IS_ROOT=no").stdout
    assert "pytest" in plan and "build_scripts site" in plan
    graph = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert _prerequisites(graph, "site") == ["$(STAMP)", "system-deps"]
    assert sorted(_prerequisites(graph, "test")) == sorted(["$(STAMP)", "system-deps", "$(AXE)", "lint", "typecheck"])
    assert "\nAXE := tests/axe/node_modules/axe-core/axe.min.js\n" in graph
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").count("apt-get") == 0
