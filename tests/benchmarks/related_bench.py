"""Related papers: how well `like:` ranks, and how fast `like:` and `for-you` answer.

    python -m tests.benchmarks.related_bench [--sizes 100000] [--no-cli]

Quality: precision@5 of `like:` on the seed library's topic families (labelled by reading the
titles: tests/related_families.py), for plain TF-IDF cosine over title+abstract and for the
index's ranking (store/search/related.py); tests/test_related.py keeps the same comparison.

Speed, per size of synthetic library (tests/benchmarks/synthetic.py, 10% starred with mark
times, 20% tagged): `like:` one paper, alone and with a filter, from query to the first 60 ids;
the first `for-you` (profile learned from 200 marks, their abstracts read) and the re-rank after
one more star. With the CLI rows, a library is imported with the real command and timed in
fresh processes: `paperdeck list is:starred` (no index: time and peak RSS) and `paperdeck list
like:REF` with the saved index.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from paperdeck.store.models import Marks
from paperdeck.store.search import SearchIndex
from tests.benchmarks.synthetic import make_papers
from tests.conftest import load_papers, seed_files
from tests.related_families import FAMILIES
from tests.test_related import PlainCosine, precision_at_5

RUNS = 20


def quality() -> None:
    """The precision@5 table of the seed families."""
    papers = load_papers(seed_files())
    index = SearchIndex(papers)
    cosine = precision_at_5(papers, PlainCosine(papers).top)
    ours = precision_at_5(papers, lambda paper_id: list(index.search(f"like:{paper_id}", {}).ids[:5]))
    sizes = {family: len(prefixes) for family, prefixes in FAMILIES.items()}
    print(f"{'family':<34} {'papers':>6} {'cosine':>7} {'like:':>7}")
    for family in FAMILIES:
        print(f"{family:<34} {sizes[family]:>6} {cosine[family]:>7.2f} {ours[family]:>7.2f}")
    mean = statistics.mean
    print(f"{'mean':<34} {sum(sizes.values()):>6} {mean(cosine.values()):>7.2f} {mean(ours.values()):>7.2f}")
    better = sum(ours[f] > cosine[f] for f in FAMILIES)
    worse = sum(ours[f] < cosine[f] for f in FAMILIES)
    print(f"like: better on {better} families, equal on {len(FAMILIES) - better - worse}, worse on {worse}\n")


def timed(action: object) -> float:
    gc.collect()  # as the browser, which holds full collections while typing over 20k papers
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def speed(size: int) -> dict[str, str]:
    """Milliseconds, median (max) of RUNS, in one process with a built index."""
    papers = make_papers(size, seed=size)
    marks = {
        p.id: Marks(starred=i % 10 == 0, tags=["to-read"] if i % 5 == 0 else [], updated=float(i))
        for i, p in enumerate(papers)
        if i % 5 == 0 or i % 10 == 0
    }
    index = SearchIndex(papers)
    rng = random.Random(size)
    refs = [papers[rng.randrange(size)].id for _ in range(RUNS)]
    like = [timed(lambda ref=ref: index.search(f"like:{ref}", marks).ids[:60]) for ref in refs]
    filtered = [timed(lambda ref=ref: index.search(f"like:{ref} -is:starred", marks).ids[:60]) for ref in refs]
    first = timed(lambda: index.search("", marks, sort="for-you").ids[:60])
    again = []
    for step, ref in enumerate(refs):
        marks[ref] = Marks(starred=True, updated=float(size + step))
        again.append(timed(lambda: index.search("", marks, sort="for-you").ids[:60]))

    def cell(values: list[float]) -> str:
        return f"{statistics.median(values):.1f} ({max(values):.1f})"

    return {
        "like: one paper (ms)": cell(like),
        "like: + filter (ms)": cell(filtered),
        "for-you, first (ms)": f"{first:.1f}",
        "for-you after a star (ms)": cell(again),
    }


def peak_command(args: list[str]) -> tuple[float, float]:
    """(ms, peak RSS MB) of a command in a fresh process, by /usr/bin/time."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *args], capture_output=True, text=True, check=True)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, int(done.stderr.strip().splitlines()[-1]) / 1000


def cli(size: int) -> dict[str, str]:
    """The CLI rows on an imported library (see tests/benchmarks/run.py)."""
    from tests.benchmarks.run import PAPERDECK, compile_bytecode, prepare

    compile_bytecode()
    with tempfile.TemporaryDirectory() as work:
        folder, _ = prepare(size, Path(work), 1)
        base = [PAPERDECK, "--library", str(folder), "list"]
        starred = [peak_command([*base, "is:starred"]) for _ in range(5)]
        subprocess.run([*base, "--limit", "1", "diffusion"], check=True, capture_output=True)  # builds, saves
        ref = _first_id(folder)
        like = [peak_command([*base, "--limit", "60", f"like:{ref}"]) for _ in range(5)]

    def cell(runs: list[tuple[float, float]]) -> str:
        return f"{statistics.median(t for t, _ in runs):.0f} ({max(t for t, _ in runs):.0f})"

    return {
        "list is:starred (ms)": cell(starred),
        "list is:starred, peak RSS (MB)": f"{max(m for _, m in starred):.0f}",
        "list like:REF, saved index (ms)": cell(like),
        "list like:REF, peak RSS (MB)": f"{max(m for _, m in like):.0f}",
    }


def _first_id(folder: Path) -> str:
    from paperdeck.store.library import Library

    return next(iter(Library.open(folder, create=False, abstracts=False).papers))


def main() -> None:
    """Print the quality table and the speed rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--no-cli", action="store_true", help="skip the rows that import a library")
    args = parser.parse_args()
    quality()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: dict[str, dict[int, str]] = {}
    for size in sizes:
        figures = speed(size)
        if not args.no_cli:
            figures.update(cli(size))
        for name, value in figures.items():
            rows.setdefault(name, {})[size] = value
    print(f"{'median (max) of ' + str(RUNS) + ' / 5 runs':<34}" + "".join(f"{size:>16,}" for size in sizes))
    for name, values in rows.items():
        print(f"{name:<34}" + "".join(f"{values.get(size, ''):>16}" for size in sizes))


if __name__ == "__main__":
    main()
