"""What a script calling paperdeck in a loop feels: whole commands on a big library.

    python -m tests.benchmarks.cli_bench --sizes 100000 [--runs 5] [--paperdeck PATH]

For each size a synthetic library is imported with the real command (tests/benchmarks/synthetic.py),
10% of it starred and 20% tagged `to-read`. Then each row is the real `paperdeck` process, start to
exit, median (max) of the runs, with its peak resident memory (VmHWM, through /usr/bin/time):
importing 50 new papers, or 50 known papers with new upvotes and links, each into a fresh copy of
the library; `list is:starred`, `list tag:to-read`, `show REF`, `star REF`; and `list 'two words'`
once a saved search index exists. `--paperdeck` measures another build (e.g. an older checkout's
venv) on the same libraries, for before/after tables.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from paperdeck.store.models import Link
from tests.benchmarks.synthetic import make_papers, write_dump

TARGETS = {  # seconds, at 100k papers (the foundations issue)
    "import 50 new": 1.0,
    "import 50 updated": 1.0,
    "list is:starred": 0.3,
    "list tag:to-read": 0.3,
    "show REF": 0.3,
    "star REF": 0.3,
    "list 'two words'": 0.5,
}
RSS_TARGET_MB = 150  # for the quick commands (all but import and a text query)


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one process."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", *command], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{command}: exit {result.returncode}: {result.stderr[-500:]}")
    seconds, kilobytes = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes) / 1024


def mark(python: str, folder: Path) -> None:
    """Star 10% and tag 20% of the papers in one write, with the measured build's own code."""
    script = f"""
try:
    from paperdeck.store.library import Library
except ImportError:  # a build from before the one import package
    from store.library import Library
library = Library.open({str(folder)!r}, create=False)
ids = sorted(library.papers)
starred = [p for i, p in enumerate(ids) if i % 10 == 0]
tagged = [p for i, p in enumerate(ids) if i % 5 == 0]
if hasattr(library, "change_marks"):
    from paperdeck.store.mark_changes import MarkChange
    library.change_marks(starred, MarkChange(starred=True))
    library.change_marks(tagged, MarkChange(add_tags=("to-read",)))
else:
    import importlib
    Marks = importlib.import_module(Library.__module__.rsplit(".", 1)[0] + ".models").Marks
    library.set_marks({{p: Marks(starred=i % 10 == 0, tags=["to-read"] if i % 5 == 0 else [])
                       for i, p in enumerate(ids) if i % 5 == 0 or i % 10 == 0}})
"""
    # Run in the library folder, not the repository, whose store/ would shadow an old build.
    subprocess.run([python, "-c", script], check=True, cwd=folder)


def bench(size: int, work: Path, runs: int, paperdeck: str) -> dict[str, list[tuple[float, float]]]:
    """Every row for one library size."""
    python = str(Path(paperdeck).with_name("python"))
    papers = make_papers(size + 50, seed=size)
    base, extra = papers[:size], papers[size:]
    dump = work / f"dump-{size}.txt"
    write_dump(base, dump)
    new_dump = write_dump(extra, work / "new-50.txt")
    known = base[:: max(1, size // 50)][:50]
    for number, paper in enumerate(known):
        paper.upvotes = 1000 + number
        paper.published_text = paper.published_text or "Mar 2"
        paper.abstract += f" Code: https://github.com/bench/updated{number}"
        paper.links = [*paper.links, Link(f"https://github.com/bench/updated{number}", "code")]
    updated_dump = write_dump(known, work / "updated-50.txt")
    folder = work / f"library-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([paperdeck, "--library", str(folder), "import", str(dump)], check=True, capture_output=True)
    mark(python, folder)
    rows: dict[str, list[tuple[float, float]]] = {}
    for name, source in (("import 50 new", new_dump), ("import 50 updated", updated_dump)):
        for _ in range(runs):
            copy = work / "copy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(folder, copy)
            rows.setdefault(name, []).append(timed([paperdeck, "--library", str(copy), "import", str(source)]))
    shutil.rmtree(work / "copy", ignore_errors=True)
    ref = sorted(p.id for p in base)[size // 2]
    # The first text query builds and saves the index (a browser start would too); then measured.
    subprocess.run([paperdeck, "--library", str(folder), "list", "diffusion model"], check=True, capture_output=True)
    commands = {
        "list is:starred": ["list", "is:starred"],
        "list tag:to-read": ["list", "tag:to-read"],
        "show REF": ["show", ref],
        "star REF": ["star", ref],
        "list 'two words'": ["list", "diffusion model"],
    }
    for name, args in commands.items():
        rows[name] = [timed([paperdeck, "--library", str(folder), *args]) for _ in range(runs)]
    return rows


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--paperdeck", default=str(Path(sys.executable).with_name("paperdeck")))
    args = parser.parse_args()
    from tests.benchmarks.run import compile_bytecode

    compile_bytecode()  # as the first run leaves them (see there); another build's are its own
    sizes = [int(size) for size in args.sizes.split(",")]
    results = {}
    with tempfile.TemporaryDirectory(prefix="paperdeck-cli-bench-") as work:
        for size in sizes:
            results[size] = bench(size, Path(work), args.runs, args.paperdeck)
    header = f"{'command':<22}" + "".join(f"{f'{size:,} s (max)':>22}{'MB':>7}" for size in sizes) + "   target"
    print(header)
    for name in next(iter(results.values())):
        line = f"{name:<22}"
        for size in sizes:
            times = [seconds for seconds, _ in results[size][name]]
            peak = max(mb for _, mb in results[size][name])
            line += f"{statistics.median(times):>14.2f} ({max(times):.2f}){peak:>7.0f}"
        target = f"<= {TARGETS[name]:.1f} s"
        if not name.startswith(("import", "list '")):
            target += f", {RSS_TARGET_MB} MB"
        print(line + "   " + target)


if __name__ == "__main__":
    main()
