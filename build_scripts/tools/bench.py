"""The benchmark behind `make bench`: the generator and MkDocs on synthetic investigations.

For each size it synthesises an investigation, then measures, each in its own
process (peak memory read with wait4): the generator's phases; MkDocs's own
build of the generated pages; the floor, MkDocs building the same Markdown
again with generation skipped; sizes of the site, the search index and the
median entity page; and the edit loop: with `mkdocs serve` running, the
seconds from saving one card to the preview serving the change.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from build_scripts.tools.synth import synthesize, write_cards

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {
    "overhead_ratio": ("generator time / MkDocs floor", "≤ 0.15"),
    "growth": ("time at 10,000 / time at 1,000", "≤ 11"),
    "peak_mb": ("peak memory of the build", "≤ 1024 MB"),
    "median_page_kb": ("median entity page", "≤ 40 KB"),
    "search_bytes_per_entity": ("search index per entity", "≤ 2048 B"),
    "edit_loop_s": ("edit to updated preview", "≤ 2 s"),
}


@dataclass
class Figures:
    entities: int
    phases: dict[str, float]
    generator_s: float
    generator_peak_mb: float
    mkdocs_s: float
    mkdocs_peak_mb: float
    floor_s: float
    overhead_ratio: float
    peak_mb: float
    site_bytes_per_entity: float
    search_bytes_per_entity: float
    median_page_kb: float
    map_ms_per_entity: float
    edit_loop_s: float | None


def _run(command: list[str], cwd: Path, log: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one command, in its own process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}
    with open(log, "ab") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=out)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed; see {log}")
    return seconds, usage.ru_maxrss / 1024


def project(folder: Path, entities: int, seed: int) -> Path:
    """A site project around a synthetic investigation."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    write_cards(synthesize(entities, seed), folder / "entities")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", folder / "docs", ignore=shutil.ignore_patterns(
        "entities", "browse", "reference", "maps", "vendor"))
    (folder / "docs" / "index.md").write_text(f"# Synthetic investigation of {entities} cards\n")
    (folder / "build_scripts").symlink_to(ROOT / "build_scripts")
    return folder


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body: bytes = response.read()
            return body.decode("utf-8")
    except OSError:
        return ""


def edit_loop(folder: Path, log: Path, limit: float, startup: float = 3600.0) -> float | None:
    """Seconds from saving a card to `mkdocs serve` serving the change; None past ``limit``.

    ``startup`` bounds the wait for the first full build, which is not part of the loop.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with open(log, "ab") as out:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dirty",
                                   "--dev-addr", f"127.0.0.1:{port}"], cwd=folder, env=env, stdout=out, stderr=out)
    try:
        card = sorted((folder / "entities" / "companies").glob("*.yaml"))[0]
        url = f"http://127.0.0.1:{port}/entities/{card.stem}/"
        deadline = time.monotonic() + startup
        while "<html" not in _fetch(url):
            if time.monotonic() > deadline or server.poll() is not None:
                return None
            time.sleep(0.5)
        marker = f"Edited {int(time.time())}"
        text = card.read_text(encoding="utf-8")
        card.write_text(text.replace("\nname: ", f"\nname: {marker} ", 1), encoding="utf-8")
        started = time.perf_counter()
        while marker not in _fetch(url):
            if time.perf_counter() - started > limit:
                return None
            time.sleep(0.1)
        return time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(entities: int, seed: int, work: Path, edit_limit: float = 120.0) -> Figures:
    folder = project(work / f"n{entities}", entities, seed)
    log = work / f"n{entities}.log"
    log.unlink(missing_ok=True)
    timings = folder / "timings.json"
    python = sys.executable
    generator_s, generator_mb = _run([python, "-m", "build_scripts", "generate", "--no-progress",
                                      "--timings", str(timings)], folder, log)
    phases: dict[str, float] = json.loads(timings.read_text())
    build = [python, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir"]
    mkdocs_s, mkdocs_mb = _run([*build, str(folder / "site")], folder, log)
    floor_s, _ = _run([*build, str(folder / "site-floor")], folder, log)
    site = folder / "site"
    site_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = [p.stat().st_size for p in (site / "entities").glob("*/index.html")]
    search = (site / "search" / "search_index.json").stat().st_size
    return Figures(
        entities=entities, phases={k: round(v, 2) for k, v in phases.items()},
        generator_s=round(generator_s, 2), generator_peak_mb=round(generator_mb),
        mkdocs_s=round(mkdocs_s, 2), mkdocs_peak_mb=round(mkdocs_mb), floor_s=round(floor_s, 2),
        overhead_ratio=round(sum(phases.values()) / floor_s, 3), peak_mb=round(max(generator_mb, mkdocs_mb)),
        site_bytes_per_entity=round(site_bytes / entities), search_bytes_per_entity=round(search / entities),
        median_page_kb=round(statistics.median(pages) / 1024, 1),
        map_ms_per_entity=round(phases.get("maps", 0) * 1000 / entities, 3),
        edit_loop_s=round(loop, 2) if (loop := edit_loop(folder, log, edit_limit)) is not None else None,
    )


def report(results: list[Figures]) -> str:
    """The results as Markdown, against the targets."""
    lines = ["| figure | " + " | ".join(f"N = {r.entities:,}" for r in results) + " | target |",
             "| --- |" + " --- |" * len(results) + " --- |"]

    def row(label: str, values: list[str], target: str = "") -> None:
        lines.append(f"| {label} | " + " | ".join(values) + f" | {target} |")

    for phase in results[0].phases:
        row(f"generator: {phase} (s)", [f"{r.phases.get(phase, 0):.2f}" for r in results])
    row("generator, whole process (s)", [f"{r.generator_s:.1f}" for r in results])
    row("MkDocs build of the generated pages (s)", [f"{r.mkdocs_s:.1f}" for r in results])
    row("floor: MkDocs again, generation skipped (s)", [f"{r.floor_s:.1f}" for r in results])
    row("generator phases / floor", [f"{r.overhead_ratio:.2f}" for r in results], TARGETS["overhead_ratio"][1])
    row("peak memory (MB)", [f"{r.peak_mb:.0f}" for r in results], TARGETS["peak_mb"][1])
    row("site bytes per entity", [f"{r.site_bytes_per_entity:,.0f}" for r in results])
    row("search index bytes per entity", [f"{r.search_bytes_per_entity:,.0f}" for r in results],
        TARGETS["search_bytes_per_entity"][1])
    row("median entity page (KB)", [f"{r.median_page_kb:.1f}" for r in results], TARGETS["median_page_kb"][1])
    row("maps: ms per entity", [f"{r.map_ms_per_entity:.2f}" for r in results])
    row("edit loop (s)", [f"{r.edit_loop_s:.1f}" if r.edit_loop_s is not None else "over the limit"
                          for r in results], TARGETS["edit_loop_s"][1])
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = (last.generator_s + last.mkdocs_s) / (first.generator_s + first.mkdocs_s)
        lines.append("")
        lines.append(f"Growth of generator + MkDocs time from N = {first.entities:,} to N = {last.entities:,}: "
                     f"{growth:.1f}x for {last.entities / first.entities:.0f}x the cards "
                     f"(target {TARGETS['growth'][1]}).")
    return "\n".join(lines) + "\n"


def run(sizes: list[int], seed: int, work: Path, out: Path) -> list[Figures]:
    results = [measure(n, seed, work) for n in sizes]
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    (out / "results.md").write_text(f"# Benchmark results\n\nMachine: {machine}. Reproduce with `make bench`.\n\n"
                                    + report(results))
    return results
