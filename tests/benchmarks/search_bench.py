"""Search benchmark: index build time and memory, and per-keystroke latency while typing.

    python -m tests.benchmarks.search_bench [--sizes 1000,10000,100000]

Each keystroke is timed from the query text to the first 60 ids the list would paint.
Targets (issue #3) at 100k papers: median <= 5 ms, max <= 20 ms per keystroke; build <= 1.5 s.
`build s` is the whole index; `titles s` the same papers with `defer_abstracts=True` (titles
searchable), and `chunk ms` the slowest `index_abstracts(CHUNK)` call that completes it;
`load s` reads the index the browser saves (store/index_file.py), as the next start does, and
`held MB` is what the loaded index keeps (traced by tracemalloc; `index MB` is the resident
growth of a build, its peak: the overlay and the flat copy it is folded into);
`words s` is the floor under any build: only splitting every abstract into its set of words.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
import tracemalloc
from collections import deque
from pathlib import Path

from paperdeck.store.models import Marks
from paperdeck.store.search import SearchIndex
from paperdeck.store.search.index_file import load_index, save_index
from paperdeck.store.text import word_set
from tests.benchmarks.synthetic import make_papers

QUERIES = (
    "gaussian splatting",
    "difusion modle",
    "large language models reasoning",
    "speculative decodng",
    "llm agents",
    "transfor",
    '"language models"',
    "is:starred",
    "tag:to-read vision",
    "has:code year:2023 graph",
)
CHUNK = 5000  # papers per index_abstracts call, as a worker would run it


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * 4096 / 1e6


def type_queries(index: SearchIndex, marks: dict[str, Marks]) -> list[tuple[float, str]]:
    """Latency in ms of every prefix of every query, as typed, with the text typed so far."""
    timings: list[tuple[float, str]] = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            started = time.perf_counter()
            result = index.search(query[:end], marks)
            _ = result.ids[:60]
            timings.append(((time.perf_counter() - started) * 1000, query[:end]))
    return timings


def bench(size: int) -> dict[str, float | str]:
    """Figures for one library size."""
    papers = make_papers(size, seed=size)
    # Like a real library: 10% starred, 20% tagged; papers without marks have no entry.
    marks = {
        p.id: Marks(starred=i % 10 == 0, tags=["to-read"] if i % 5 == 0 else [])
        for i, p in enumerate(papers)
        if i % 5 == 0 or i % 10 == 0
    }
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    index = SearchIndex(papers)
    index.search("x", marks)  # vocabulary lists are finished on first use
    build = time.perf_counter() - started
    gc.collect()
    memory = rss_mb() - before

    typed = type_queries(index, marks)
    timings = [ms for ms, _ in typed]
    with tempfile.TemporaryDirectory() as folder:
        saved = Path(folder) / "search-index.bin"
        save_index(saved, index)
        del index
        gc.collect()
        started = time.perf_counter()
        loaded = load_index(saved, papers)
        assert loaded is not None
        loaded.search("x", marks)
        load = time.perf_counter() - started
        del loaded
        gc.collect()
        tracemalloc.start()
        loaded = load_index(saved, papers)
        held = tracemalloc.get_traced_memory()[0] / 1e6
        tracemalloc.stop()
        del loaded
    gc.collect()
    started = time.perf_counter()
    deferred = SearchIndex(papers, defer_abstracts=True)
    deferred.search("x", marks)
    titles = time.perf_counter() - started
    chunks = [0.0]
    more = True
    while more:
        started = time.perf_counter()
        more = deferred.index_abstracts(CHUNK)
        chunks.append((time.perf_counter() - started) * 1000)
    # The floor under a build: only splitting every abstract into its set of words, as the
    # index must (C calls; no posting stored). 2.3 s at 100k papers on this machine.
    gc.collect()
    started = time.perf_counter()
    deque(map(word_set, (paper.abstract for paper in papers)), 0)
    floor = time.perf_counter() - started
    return {
        "papers": size,
        "floor_s": floor,
        "build_s": build,
        "index_mb": memory,
        "titles_s": titles,
        "load_s": load,
        "held_mb": held,
        "chunk_ms": max(chunks),
        "keystrokes": len(timings),
        "median_ms": statistics.median(timings),
        "p95_ms": statistics.quantiles(timings, n=20)[-1],
        "max_ms": max(timings),
        "slowest": max(typed)[1],  # which keystroke to look at first
    }


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    header = (
        f"{'papers':>8} {'words s':>8} {'build s':>8} {'index MB':>9} {'titles s':>9} {'chunk ms':>9} "
        f"{'load s':>7} {'held MB':>8} {'keys':>5} {'median ms':>10} {'p95 ms':>7} {'max ms':>7}"
    )
    print(header + "  slowest keystroke")
    for size in (int(s) for s in args.sizes.split(",")):
        row = bench(size)
        print(
            f"{row['papers']:>8} {row['floor_s']:>8.2f} {row['build_s']:>8.2f} {row['index_mb']:>9.0f} "
            f"{row['titles_s']:>9.2f} {row['chunk_ms']:>9.0f} {row['load_s']:>7.2f} {row['held_mb']:>8.0f} "
            f"{row['keystrokes']:>5} "
            f"{row['median_ms']:>10.2f} {row['p95_ms']:>7.2f} {row['max_ms']:>7.2f}  {row['slowest']!r}",
            flush=True,
        )


if __name__ == "__main__":
    main()
