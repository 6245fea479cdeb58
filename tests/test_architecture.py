"""The architecture, enforced: each stage imports only itself and earlier stages; only the CLI prints or exits.

Stages, in order: base < schema < cards < model < pages < render = export < tools < the entry points
(cli, mkdocs_hook, __main__). render and export are siblings and may not import each other. Every
import is read with ``ast``, including imports inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "build_scripts"
STAGES = {"base": 0, "schema": 1, "cards": 2, "model": 3, "pages": 4, "render": 5, "export": 5, "tools": 6,
          "cli": 7, "mkdocs_hook": 7, "__main__": 7, "__init__": 0}
SIBLINGS = {("render", "export"), ("export", "render")}
MAY_PRINT = {"cli"}
MAY_EXIT = {"cli", "__main__"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def stage_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def imported(tree: ast.AST, path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import of a build_scripts module, anywhere in the file."""
    found = []
    package = ".".join(("build_scripts", *path.relative_to(PACKAGE).parent.parts))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module == "build_scripts":  # from build_scripts import schema
                found += [(node.lineno, f"build_scripts.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return found


def violations() -> list[str]:
    out = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        here = stage_of(path)
        for line, module in imported(tree, path):
            parts = module.split(".")
            if parts[0] == "folium" and here == "pages":
                out.append(f"{path.relative_to(PACKAGE)}:{line}: the pages stage imports folium")
            if parts[0] != "build_scripts" or len(parts) < 2:
                continue
            there = parts[1]
            if there == here:
                continue
            if (here, there) in SIBLINGS or STAGES[there] > STAGES[here]:
                out.append(f"{path.relative_to(PACKAGE)}:{line}: {here} (stage {STAGES[here]}) imports "
                           f"{module} (stage {STAGES[there]})")
    return out


def calls(name: str) -> list[str]:
    """Files and lines calling ``name(...)`` (or ``sys.name(...)``)."""
    out = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) \
                    and isinstance(func.value, ast.Name) and func.value.id == "sys" else None
                if called == name:
                    out.append(f"{stage_of(path)}:{path.relative_to(PACKAGE)}:{node.lineno}")
    return out


def test_every_module_has_a_stage():
    assert sorted({stage_of(p) for p in modules()} - set(STAGES)) == []


def test_imports_point_to_the_same_or_an_earlier_stage():
    assert violations() == []


def test_only_the_cli_prints():
    assert [c for c in calls("print") if c.split(":")[0] not in MAY_PRINT] == []


@pytest.mark.parametrize("name", ["exit", "_exit", "quit"])
def test_only_the_entry_points_exit(name):
    assert [c for c in calls(name) if c.split(":")[0] not in MAY_EXIT] == []


def test_the_checks_can_fail(tmp_path, monkeypatch):
    """The rules catch a late import inside a function, a sibling import and a print."""
    fake = tmp_path / "build_scripts"
    for folder in ("pages", "export", "schema"):
        (fake / folder).mkdir(parents=True)
    (fake / "pages" / "x.py").write_text("def f():\n    from build_scripts.tools import pipeline\n    import folium\n")
    (fake / "export" / "y.py").write_text("from build_scripts.render import maps\n")
    (fake / "schema" / "z.py").write_text("print('hi')\nimport sys\nsys.exit(1)\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    assert violations() == [
        "export/y.py:1: export (stage 5) imports build_scripts.render (stage 5)",
        "pages/x.py:2: pages (stage 4) imports build_scripts.tools (stage 6)",
        "pages/x.py:3: the pages stage imports folium",
    ]
    assert calls("print") == ["schema:schema/z.py:1"] and calls("exit") == ["schema:schema/z.py:3"]
