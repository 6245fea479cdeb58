"""Command line: the only place that prints or exits.

    python -m build_scripts validate [DIR]     check the cards; exit 1 on any problem
    python -m build_scripts generate           validate, then write the pages under docs/
    python -m build_scripts site               generate, then build the site into site/
    python -m build_scripts serve              live preview on http://127.0.0.1:8000/
    python -m build_scripts new KIND NAME      write a card skeleton (never overwrites)
    python -m build_scripts check-sources TEXTS   quotes verbatim, no copied passages (editors only)
    python -m build_scripts import-ftm FILE OUT [--keep-going]   cards from FollowTheMoney entity JSON lines
    python -m build_scripts synth / bench      synthetic investigations and the benchmark
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from build_scripts.base.problems import Problem
from build_scripts.cards.validate import validate_dir
from build_scripts.tools.sitedir import swap_in

Command = Callable[[argparse.Namespace], int]  # a subcommand: parsed arguments in, exit status out

if TYPE_CHECKING:
    from build_scripts.pages.search import SearchEntry
    from build_scripts.tools.pipeline import GenerateResult


def _print_problems(problems: tuple[Problem, ...]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    count = len(problems)
    files = len({p.path for p in problems})
    print(f"{count} problem{'s' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}; "
          "fix them and run again", file=sys.stderr)


def _print_warnings(warnings: tuple[Problem, ...]) -> None:
    for warning in warnings:
        print(warning, file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    result = validate_dir(Path(args.cards))
    _print_warnings(result.warnings)
    if not result.ok:
        _print_problems(result.problems)
        return 1
    print(f"{len(result.cards)} cards valid")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    return 0 if _generate(args) is not None else 1


def _generate(args: argparse.Namespace) -> GenerateResult | None:
    from build_scripts.pages.network import DiagramError
    from build_scripts.tools.pipeline import generate  # imports Folium and friends: only when pages are made

    started = time.perf_counter()

    def progress(phase: str, what: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {phase}: {what}", file=sys.stderr, flush=True)

    try:
        # each file written as it is made: the site build reads the pages back one by one
        result = generate(Path(args.cards), Path(args.docs), progress if args.progress else None, keep=False)
    except DiagramError as error:  # Graphviz missing or failing: say what to do, no traceback
        print(f"error: {error}", file=sys.stderr)
        return None
    _print_warnings(result.validation.warnings)
    if not result.ok:
        _print_problems(result.validation.problems)
        return None
    report = result.report
    assert report is not None
    if getattr(args, "timings", None):
        Path(args.timings).write_text(json.dumps(result.timings, indent=2) + "\n", encoding="utf-8")
    print(f"{len(result.validation.cards)} cards valid; pages: {len(report.written)} written, "
          f"{report.unchanged} unchanged, {len(report.removed)} removed")
    return result


def source_date_epoch(cards_dir: Path) -> str:
    """SOURCE_DATE_EPOCH if set; else the time of the last commit touching the cards; else 0.

    MkDocs dates the sitemap with it, so the same input builds the same bytes on any day.
    """
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct", "--", "."], cwd=cards_dir,
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return "0"
    stamp = done.stdout.strip()
    return stamp if done.returncode == 0 and stamp.isdigit() else "0"


def cmd_check_sources(args: argparse.Namespace) -> int:
    from build_scripts.tools.check_sources import check_sources

    texts = Path(args.texts)
    if not texts.is_dir():
        print(f"{args.texts}: no such folder of source texts; give the folder that holds the files "
              "named in the source cards' text_file", file=sys.stderr)
        return 1
    report, problems = check_sources(Path(args.cards), texts)
    if problems:
        _print_problems(problems)
        return 1
    for finding in report.findings:
        print(finding)
    if report.without_text_file:
        count = report.without_text_file
        print(f"note: {count} source{'s' if count != 1 else ''} without text_file skipped", file=sys.stderr)
    if report.unchecked_quotes:
        print(f"note: {report.unchecked_quotes} quote(s) not checked: a source they cite has no text",
              file=sys.stderr)
    found = len(report.findings)
    print(f"checked {report.quotes_checked} quotes and {report.fields_checked} text fields against "
          f"{report.texts} source texts: {found} finding{'s' if found != 1 else ''}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_new(args: argparse.Namespace) -> int:
    from build_scripts.schema import KINDS
    from build_scripts.tools import scaffold

    kind = scaffold.kind_of(args.kind)
    if kind is None:
        print(f"unknown kind '{args.kind}'; use one of: {', '.join(KINDS)}", file=sys.stderr)
        return 2
    card_id = scaffold.new_card_id(args.name)
    if not card_id:
        print(f"cannot make an id from '{args.name}'; give a name with letters or digits", file=sys.stderr)
        return 2
    cards = Path(args.cards)
    existing = sorted(cards.glob(f"*/{card_id}.yaml")) if cards.is_dir() else []
    if existing:
        print(f"{existing[0]} already exists; edit it, or choose another name", file=sys.stderr)
        return 1
    place = scaffold.suggest_place(args.name) if kind == "location" else None
    target = cards / KINDS[kind].folder / f"{card_id}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:  # "x": never overwrite
        handle.write(scaffold.skeleton(kind, args.name, place))
    print(f"wrote {target}")
    if kind == "location":
        print(f"coordinates suggested for {place.name}, {place.country}: check them" if place else
              "no place of that name in the offline gazetteer: fill in latitude and longitude")
    print(f"next: edit it, then run: python -m build_scripts validate {args.cards}")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from build_scripts.tools.synth import synthesize, write_cards

    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        print(f"{out} is not empty; choose a new folder", file=sys.stderr)
        return 1
    count = write_cards(synthesize(args.entities, args.seed), out)
    print(f"wrote {count} synthetic cards to {out}")
    return 0


def cmd_import_ftm(args: argparse.Namespace) -> int:
    from build_scripts.tools.ftm_import import import_lines, write_cards

    source, out = Path(args.file), Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"{out} is not empty; import into a new folder, then move the cards you want", file=sys.stderr)
        return 1
    try:
        data = source.read_bytes()
    except OSError as err:
        print(f"{source}: cannot read it ({err.strerror or err})", file=sys.stderr)
        return 1
    report = import_lines(data)
    for problem in report.problems:
        print(f"{source}:{problem.line}: {problem.message}", file=sys.stderr)
    for line in report.lines():
        print(f"{source}: {line}", file=sys.stderr)
    count = len(report.problems)
    if count and not args.keep_going:
        print(f"{count} problem{'s' if count != 1 else ''} in {source}; nothing written "
              "(fix them, or use --keep-going to import the other lines)", file=sys.stderr)
        return 1
    written = write_cards(report, out)
    print(f"wrote {written} cards to {out}; next: python -m build_scripts validate {out}")
    return 1 if count else 0


def cmd_bench(args: argparse.Namespace) -> int:
    from build_scripts.tools.bench import report, run

    results = run(args.sizes, args.seed, Path(args.work), Path(args.out), args.mkdocs_max)
    print(report(results))
    print(f"results written to {args.out}/results.md and results.json")
    return 0


def build_site(config: Path, site_dir: Path, epoch: str = "0") -> int:
    """``mkdocs build --strict`` into a temporary folder, swapped in only on success.

    Not ``--quiet``: MkDocs then drops warnings before strict mode counts them.
    """
    site_dir = site_dir.resolve()
    staging = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.tmp-", dir=site_dir.parent))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict",
             "--config-file", str(config), "--site-dir", str(staging)],
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": epoch},
            check=False,  # a failed build is reported by the caller, the old site kept
        )
        if done.returncode != 0:
            return done.returncode
        swap_in(staging, site_dir)
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def cmd_site(args: argparse.Namespace) -> int:
    result = _generate(args)
    if result is None:
        return 1
    if args.engine == "html":
        files, search, timings = result.files, result.search, result.timings
        del result  # the cards and the model are done with: their memory is free for converting pages
        return _html_site(args, files, search, timings)
    status = build_site(Path(args.config), Path(args.site), source_date_epoch(Path(args.cards)))
    if status:
        print("mkdocs build failed; the previous site/ is untouched", file=sys.stderr)
        return 1
    print(f"site built into {args.site}/")
    return 0


def _html_site(args: argparse.Namespace, files: Mapping[str, str | bytes],
               search: Mapping[str, tuple[SearchEntry, ...]], generated: Mapping[str, float]) -> int:
    """The fast path: generated pages rendered to HTML here, MkDocs builds the hand-written ones."""
    from build_scripts.tools import htmlsite
    from build_scripts.tools.mdpages import SiteError
    from build_scripts.tools.pipeline import GENERATED_DIRS

    started = time.perf_counter()
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(Path(args.cards))
    try:
        timings = htmlsite.build(files, Path(args.docs), Path(args.config), Path(args.site), GENERATED_DIRS,
                                 search=search)
    except SiteError as err:
        print(err, file=sys.stderr)
        print("site build failed; the previous site/ is untouched", file=sys.stderr)
        return 1
    if args.progress:
        for name, seconds in timings.items():
            print(f"[{seconds:6.1f}s] {name}", file=sys.stderr)
    if getattr(args, "timings", None):
        path = Path(args.timings)
        path.write_text(json.dumps({**generated, **{f"site: {k}": v for k, v in timings.items()}},
                                   indent=2) + "\n", encoding="utf-8")
    print(f"site built into {args.site}/ in {time.perf_counter() - started:.1f}s")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from build_scripts.tools.preview import serve

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    return serve(Path(args.cards), Path(args.docs), Path(args.config), (args.host, args.port), say)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m build_scripts",
                                  description="Validate entity cards and build the investigation site.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check every card; exit 1 on any problem")
    validate.add_argument("cards", nargs="?", default="entities", help="folder of cards (default: entities)")
    validate.set_defaults(run=cmd_validate)

    check = commands.add_parser("check-sources", help="check quotes and copied passages against the "
                                "source texts; exit 1 on any finding")
    check.add_argument("texts", help="folder of source texts, the files named by the source cards' text_file")
    check.add_argument("--cards", default="entities", help="folder of cards (default: entities)")
    check.set_defaults(run=cmd_check_sources)

    new = commands.add_parser("new", help="write a card skeleton with every field explained")
    new.add_argument("kind", help="company, organization, public-body, person, location or source")
    new.add_argument("name", help="the name (or, for a source, a short description)")
    new.add_argument("--cards", default="entities", help="folder of cards (default: entities)")
    new.set_defaults(run=cmd_new)

    synth = commands.add_parser("synth", help="write a synthetic investigation, for benchmarks")
    synth.add_argument("--entities", type=int, default=1000, help="number of cards (default: 1000)")
    synth.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    synth.add_argument("out", help="an empty or new folder")
    synth.set_defaults(run=cmd_synth)

    importer = commands.add_parser("import-ftm", help="turn FollowTheMoney entity JSON lines into cards")
    importer.add_argument("file", help="FtM entities, one JSON object per line")
    importer.add_argument("out", help="a new or empty folder for the cards")
    importer.add_argument("--keep-going", action="store_true",
                          help="write the cards of the good lines even if some lines are bad (still exit 1)")
    importer.set_defaults(run=cmd_import_ftm)

    bench = commands.add_parser("bench", help="measure the generator and MkDocs on synthetic investigations")
    bench.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="numbers of cards")
    bench.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    bench.add_argument("--work", default=".bench", help="scratch folder (default: .bench)")
    bench.add_argument("--out", default="tests/benchmarks", help="where results go (default: tests/benchmarks)")
    bench.add_argument("--mkdocs-max", type=int, default=2000,
                       help="run the old all-MkDocs path only up to this many cards (default: 2000)")
    bench.set_defaults(run=cmd_bench)

    serve = commands.add_parser("serve", help="live preview: saving a card updates the pages it shows on")
    serve.add_argument("--cards", default="entities", help="folder of cards (default: entities)")
    serve.add_argument("--docs", default="docs", help="MkDocs docs folder (default: docs)")
    serve.add_argument("--config", default="mkdocs.yml", help="MkDocs config (default: mkdocs.yml)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.set_defaults(run=cmd_serve)

    for name, run, text in (("generate", cmd_generate, "validate, then write the Markdown pages"),
                            ("site", cmd_site, "generate, then build the site into site/")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--cards", default="entities", help="folder of cards (default: entities)")
        command.add_argument("--docs", default="docs", help="MkDocs docs folder (default: docs)")
        command.add_argument("--progress", action=argparse.BooleanOptionalAction, default=True,
                             help="report each phase with counts on standard error (default: on)")
        command.add_argument("--timings", metavar="FILE", help="write the seconds of each phase as JSON")
        if name == "site":
            command.add_argument("--config", default="mkdocs.yml", help="MkDocs config (default: mkdocs.yml)")
            command.add_argument("--site", default="site", help="output folder (default: site)")
            command.add_argument("--engine", choices=("html", "mkdocs"), default="html",
                                 help="html (default): generated pages rendered here on both cores, their search "
                                      "records made from the cards, MkDocs builds the hand-written pages; mkdocs: "
                                      "`mkdocs build --strict` of everything, Material's search indexing every page")
        command.set_defaults(run=run)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    run: Command = args.run  # set_defaults(run=...) on every subcommand
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130
