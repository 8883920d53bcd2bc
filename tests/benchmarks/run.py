"""The scale benchmark (issue #5): what a user feels at 1k, 10k and 100k papers.

    python -m tests.benchmarks.run --sizes 1000,10000,100000 [--runs 3] [--json-out FILE]

For each size: a deterministic synthetic dump is written (tests/benchmarks/synthetic.py) and
imported through the real `paperdeck import` command; 10% of the papers are starred and 20%
tagged in one bulk write. Then, each in fresh processes:
- import: papers/s of the real command (process start to exit; median of the runs) and the
  library's size on disk;
- cold start: process start to the first frame with titles painted, headless in-process
  (tests/benchmarks/app_probe.py) and the real `paperdeck` in a tmux pty until the first
  title is on the screen;
- keystroke -> filtered list painted, typing several queries character by character, and
  clear filter -> full list painted (frames are timestamped where Textual hands them over);
- star toggle / tag add persisted (fsynced), and resident memory with the library loaded.
The first start after the import indexes every abstract and saves the index; only when the
abstracts became searchable and its memory are kept from it (rows of their own). The figures are from the
starts after it, which load the saved index as every later start of a user's does.
Prints one table (median, max in brackets) and writes the same figures as JSON.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from tests.benchmarks.synthetic import make_papers, write_dump

PAPERDECK = str(Path(sys.executable).with_name("paperdeck"))
# A tmux server of our own: never the user's sessions, and kept alive between measurements
# by a idle session (a server that lost its last session exits while the next one starts).
TMUX = ["tmux", "-L", "paperdeck-bench"]
# (figure, unit, target at 10k, target at 100k, lower is better)
TARGETS = {
    "cold_start_ms": (400, 1000),
    "pty_start_ms": (400, 1000),
    "keystroke_ms": (10, 16),
    "clear_ms": (16, 33),
    "star_ms": (3, 5),
    "tag_ms": (3, 5),
    "rss_mb": (80, 400),
}


def prepare(size: int, work: Path, runs: int) -> tuple[Path, dict[str, float]]:
    """Write the dump (cached across runs), import it with the real command into a fresh
    library `runs` times (the median counts), add marks."""
    dump = work / f"dump-{size}.txt"
    if not dump.exists():
        write_dump(make_papers(size, seed=size), dump)
    folder = work / f"library-{size}"
    times = []
    for _ in range(runs):
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        subprocess.run([PAPERDECK, "--library", str(folder), "import", str(dump)], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    library = Library.open(folder, create=False)
    ids = sorted(library.papers)
    library.change_marks(ids[::10], MarkChange(starred=True))
    library.change_marks(ids[::5], MarkChange(add_tags=("to-read",)))
    disk = sum(path.stat().st_size for path in folder.iterdir() if path.is_file())  # backups/ not counted
    return folder, {"import_papers_per_s": size / seconds, "import_s": seconds, "disk_mb": disk / 1e6}


def probe(folder: Path) -> dict[str, Any]:
    """One headless app process (see app_probe.py)."""
    spawned = time.time()
    output = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.app_probe", str(folder), repr(spawned)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    return orjson.loads(output.strip().splitlines()[-1])


def pty_start(folder: Path, first_title: str) -> float:
    """Seconds from starting the real `paperdeck` in a 120x40 tmux pane to its first title on screen."""
    return pty_until([PAPERDECK, "--library", str(folder)], first_title[:40])


def pty_until(command: list[str], needle: str) -> float:
    """Seconds from starting `command` in a 120x40 tmux pane until `needle` is on screen."""
    session = f"pdbench-{time.monotonic_ns()}"
    started = time.perf_counter()
    subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", *command], check=True)
    try:
        deadline = started + 120
        while time.perf_counter() < deadline:
            screen = subprocess.run([*TMUX, "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout
            if needle in screen:
                return time.perf_counter() - started
            time.sleep(0.005)
        raise TimeoutError(f"{needle!r} never appeared")
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", session], capture_output=True)


def first_title(folder: Path) -> str:
    """The title the browser shows first on a fresh library (newest added, then import order)."""
    library = Library.open(folder, create=False)
    newest = max(paper.added for paper in library.papers.values())
    return next(paper.title for paper in library.papers.values() if paper.added == newest)


def bench(size: int, work: Path, runs: int) -> dict[str, Any]:
    """All figures for one size."""
    folder, figures = prepare(size, work, runs)
    # The first start after an import indexes every abstract and saves the index; the starts
    # measured after it load that (store/index_file.py), as a user's every later start does.
    first = probe(folder)
    probes = [probe(folder) for _ in range(runs)]
    title = first_title(folder)
    starts = []
    if shutil.which("tmux"):
        subprocess.run([*TMUX, "new-session", "-d", "-s", "keepalive", "sleep", "3600"], check=True)
        try:
            starts = [pty_start(folder, title) for _ in range(runs)]
        finally:
            subprocess.run([*TMUX, "kill-server"], capture_output=True)

    def summary(values: list[float]) -> dict[str, float]:
        return {"median": statistics.median(values), "max": max(values)}

    figures["cold_start_ms"] = summary([p["cold_start_s"] * 1000 for p in probes])
    figures["titles_searchable_ms"] = summary([p["titles_searchable_s"] * 1000 for p in probes])
    figures["index_ready_ms"] = summary([p["index_ready_s"] * 1000 for p in probes])
    figures["first_index_ready_ms"] = summary([first["index_ready_s"] * 1000])
    figures["first_rss_mb"] = summary([first["rss_mb"]])
    if starts:
        figures["pty_start_ms"] = summary([s * 1000 for s in starts])
    for name in ("keystroke_ms", "clear_ms", "star_ms", "tag_ms"):
        figures[name] = summary([value for p in probes for value in p[name]])
    figures["rss_mb"] = summary([p["rss_mb"] for p in probes])
    figures["papers"] = size
    return figures


def compile_bytecode() -> None:
    """Byte-compile paperdeck's own modules, as the first run on any machine leaves them (and
    a non-editable install ships them). An editable install where PYTHONDONTWRITEBYTECODE is
    set, as on our CI machines, never writes them: every process compiled ~6,000 lines
    again, ~20 ms of each cold start and import measured."""
    root = Path(__file__).resolve().parents[2]
    for package in ("store", "tui"):
        compileall.compile_dir(root / package, quiet=1)


def floor_ms(runs: int) -> dict[str, float] | None:
    """Cold start of a Textual app that paints one line (tests/benchmarks/floor_app.py) in the
    same tmux pty: the floor any Textual app starts from on this machine."""
    if not shutil.which("tmux"):
        return None
    from tests.benchmarks.floor_app import NEEDLE

    command = [sys.executable, "-m", "tests.benchmarks.floor_app"]
    subprocess.run([*TMUX, "new-session", "-d", "-s", "keepalive", "sleep", "3600"], check=True)
    try:
        values = [pty_until(command, NEEDLE) * 1000 for _ in range(runs)]
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)
    return {"median": statistics.median(values), "max": max(values)}


def table(results: list[dict[str, Any]]) -> str:
    """The figures as one plain-text table, with the issue's targets."""
    sizes = [f"{r['papers']:,}" for r in results]
    lines = [f"{'':34}" + "".join(f"{size:>20}" for size in sizes) + "   target 10k / 100k"]

    def row(label: str, cells: list[str], target: str = "") -> None:
        lines.append(f"{label:34}" + "".join(f"{cell:>20}" for cell in cells) + f"   {target}")

    row("import (papers/s)", [f"{r['import_papers_per_s']:,.0f}" for r in results], ">= 20,000")
    row("library on disk (MB)", [f"{r['disk_mb']:.1f}" for r in results])
    labels = {
        "cold_start_ms": "cold start, headless (ms)",
        "pty_start_ms": "cold start, real pty (ms)",
        "titles_searchable_ms": "titles searchable (ms)",
        "index_ready_ms": "abstracts searchable too (ms)",
        "first_index_ready_ms": "  same, 1st start after import (ms)",
        "keystroke_ms": "keystroke -> list painted (ms)",
        "clear_ms": "clear filter -> list painted (ms)",
        "star_ms": "star persisted, fsync (ms)",
        "tag_ms": "tag persisted, fsync (ms)",
        "rss_mb": "RSS, library loaded (MB)",
        "first_rss_mb": "  same, 1st start after import (MB)",
    }
    for name, label in labels.items():
        if name not in results[0]:
            continue
        target = TARGETS.get(name)
        row(
            label,
            [f"{r[name]['median']:,.1f} ({r[name]['max']:,.1f})" for r in results],
            f"<= {target[0]} / {target[1]}" if target else "",
        )
    return "\n".join(lines)


def main() -> None:
    """Run the sizes, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3, help="processes per figure (median and max over them)")
    parser.add_argument("--work", type=Path, help="where dumps and libraries go (default: a temp folder)")
    parser.add_argument("--json-out", type=Path, default=Path("benchmark-results.json"))
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="paperdeck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    results = []
    for size in (int(text) for text in args.sizes.split(",")):
        print(f"… {size:,} papers", file=sys.stderr, flush=True)
        results.append(bench(size, work, args.runs))
    print(table(results))
    floor = floor_ms(args.runs)
    if floor:
        print(
            f"{'floor: bare Textual app, pty (ms)':34}{floor['median']:>20,.1f} ({floor['max']:,.1f})"
            "   one painted line, no library: the part of a cold start that is Python + Textual"
        )
    args.json_out.write_bytes(orjson.dumps({"sizes": results, "floor_pty_ms": floor}, option=orjson.OPT_INDENT_2))
    print(f"figures written to {args.json_out}", file=sys.stderr)


if __name__ == "__main__":
    main()
