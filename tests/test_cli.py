"""The command line: exit codes and the exact messages an editor sees."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, run_cli

ACCEPTANCE_CARDS = {
    "companies/typo.yaml": "name: Typo Co\ncontry: CN\n",
    "companies/dangling.yaml": (
        "name: Dangling\nrelations:\n  - type: supplied\n    target: terra-tek\n"
        "    status: reported\n    sources: [src]\n"),
    "companies/bad-date.yaml": (
        "name: Bad Date\nrelations:\n  - type: owns\n    target: terra-tech\n    status: reported\n"
        "    date: 2023-13\n    sources: [src]\n"),
    "companies/broken.yaml": "name: Broken\naliases: [a, b\n",
    "companies/terra-tech.yaml": "name: Terra Tech\n",
    "sources/src.yaml": "name: Src\ntype: report\n",
}


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_validate_reports_each_problem_and_exits_1(tmp_path):
    write(tmp_path / "entities", ACCEPTANCE_CARDS)
    done = run_cli("validate", "entities", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "entities/companies/bad-date.yaml:6:11: relations[0].date: invalid date '2023-13' "
        "(month must be in 1..12); write YYYY, YYYY-MM or YYYY-MM-DD",
        "entities/companies/broken.yaml:3:1: YAML syntax error: did not find expected ',' or ']'",
        "entities/companies/dangling.yaml:4:13: relations[0].target: unknown entity 'terra-tek' "
        "(did you mean 'terra-tech'?)",
        "entities/companies/typo.yaml:2:1: contry: unknown field 'contry' (did you mean 'country'?)",
        "4 problems in 4 files; fix them and run again",
    ]
    assert "Traceback" not in done.stderr


def test_validate_defaults_to_entities_and_exits_0(tmp_path):
    write(tmp_path / "entities", {"companies/a.yaml": "name: A\n"})
    done = run_cli("validate", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "1 cards valid\n", "")


def test_the_seed_investigation_is_valid():
    done = run_cli("validate", "entities", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("cards valid\n")


def test_generate_refuses_invalid_cards(tmp_path):
    write(tmp_path / "entities", {"companies/a.yaml": "name: A\ncountry: ZZ\n"})
    done = run_cli("generate", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "entities/companies/a.yaml:2:10: country: unknown country code 'ZZ'; "
        "use an ISO 3166-1 alpha-2 code such as 'CN'")
    assert not (tmp_path / "docs").exists()


def test_generate_succeeds_when_an_event_cites_a_source(tmp_path: Path) -> None:
    write(tmp_path / "entities", {
        "companies/a.yaml": ("name: A\nevents:\n  - date: 2023-03\n    summary: Opened a plant.\n"
                             "    status: reported\n    sources: [src]\n"),
        "sources/src.yaml": "name: Src\ntype: report\n",
    })
    done = run_cli("generate", "--no-progress", cwd=tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0


def test_unknown_command_is_a_usage_error(tmp_path):
    done = run_cli("frobnicate", cwd=tmp_path)
    assert done.returncode == 2
    assert "invalid choice: 'frobnicate'" in done.stderr
