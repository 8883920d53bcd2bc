"""Sources benchmark: how long each way in takes to turn 1,000 papers into Papers.

    python -m tests.benchmarks.sources_bench [--count 1000] [--runs 7]

Rows: the Daily Papers API items (decoded JSON -> Papers, hf_api.parse_items; and the same
from bytes through detect.parse_any, JSON decoding included), an arXiv listing email of
`count` entries (arxiv_email.parse_email) and an Atom feed of `count` entries
(arxiv_atom.parse_atom). Items are copies of the recorded API answers and of the fixtures
in tests/data, numbered apart. Target: 1,000 API items parsed and merged into a library in
<= 200 ms; this measures the parsing part. Best, median and slowest of the runs, in ms (on a
shared machine the best is the cost of the code, the median adds the neighbours').
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import time
from collections.abc import Callable

import orjson

from paperdeck.store.sources.arxiv_atom import parse_atom
from paperdeck.store.sources.arxiv_email import parse_email
from paperdeck.store.sources.detect import parse_any
from paperdeck.store.sources.hf_api import parse_items
from tests.sources_support import DATA, many_items

TARGET_MS = 200.0  # 1,000 API items, parsing and merging together


def listing(count: int) -> bytes:
    """A listing email of `count` entries: the fixture's new submissions, renumbered."""
    text = (DATA / "arxiv_listing_cs_2023-12-29.txt").read_text(encoding="utf-8")
    header, _, body = text.partition("\\\\\narXiv:")
    entries = [f"\\\\\narXiv:{entry}" for entry in body.split("\\\\\narXiv:")][:3]
    rule = "-" * 78 + "\n"
    made = []
    for number in range(count):
        entry = re.sub(r"2401\.000\d\d", f"2401.{10000 + number}", entries[number % 3])
        made.append(entry.replace("Title: ", f"Title: Copy {number} of ", 1).split("-" * 20)[0])
    return (header + rule.join(made)).encode()


def feed(count: int) -> bytes:
    """An Atom feed of `count` entries: the fixture's first entry, renumbered."""
    text = (DATA / "arxiv_atom_query.xml").read_text(encoding="utf-8")
    start, end = text.index("<entry>"), text.index("</entry>") + len("</entry>")
    entries = [
        text[start:end].replace("2401.00007", f"2401.{10000 + number}").replace("<title>", f"<title>Copy {number} ")
        for number in range(count)
    ]
    return (text[:start] + "".join(entries) + "</feed>").encode()


def measure(work: Callable[[], object], runs: int) -> tuple[list[float], object]:
    """The times of `runs` calls, in ms, and the last result."""
    times: list[float] = []
    result: object = None
    for _ in range(runs):
        gc.collect()  # each run starts without the previous one's garbage to collect
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    items = many_items(args.count)
    raw_json = orjson.dumps(items)
    mail, atom = listing(args.count), feed(args.count)
    rows = [
        ("API items -> Papers (parse_items)", lambda: parse_items(items, "2026-08-20").papers),
        ("API JSON bytes -> Papers (parse_any)", lambda: parse_any(raw_json, "day.json").papers),
        ("listing email -> Papers (parse_email)", lambda: parse_email(mail, "listing.txt").papers),
        ("Atom feed -> Papers (parse_atom)", lambda: parse_atom(atom, "feed.xml").papers),
    ]
    print(f"{args.count:,} papers each, {args.runs} runs; target for API items: parsing + merging <= {TARGET_MS:g} ms")
    print(f"{'source':<40} {'papers':>7} {'best ms':>8} {'median ms':>10} {'max ms':>8} {'µs/paper':>9}")
    for label, work in rows:
        times, papers = measure(work, args.runs)
        count, best, median = len(papers), min(times), statistics.median(times)  # type: ignore[arg-type]
        per_paper = best * 1000 / max(count, 1)
        print(f"{label:<40} {count:>7,} {best:>8.1f} {median:>10.1f} {max(times):>8.1f} {per_paper:>9.1f}")


if __name__ == "__main__":
    main()
