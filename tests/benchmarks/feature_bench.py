"""The daily loop's own figures on a big library: fetching a day, parsing and merging API
items, bulk marks and their undo, and `has:note`.

    python -m tests.benchmarks.feature_bench --size 100000 [--library DIR]

Rows (median of `--runs`, max in brackets):
- fetch one day into the library: the real `paperdeck fetch --date` against a loopback HTTP
  server serving a recorded day (whole command);
- parse + merge 1,000 API items: hf_api.parse_items, then Library.add_papers (with its write);
- star 10,000 papers at once, and its undo: seconds and fsyncs (the target: one fsync);
- has:note, 1,000 notes: one keystroke's search on the index.
"""

from __future__ import annotations

import argparse
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from tests.benchmarks.synthetic import make_papers, write_dump
from tests.conftest import REPO
from tests.sources_support import many_items

PAPERDECK = str(Path(sys.executable).with_name("paperdeck"))
RECORDED = REPO.parent / "shared" / "hf-api" / "daily_papers_2026-08-20.json"


def serve(body: bytes) -> tuple[http.server.HTTPServer, str]:
    """A loopback server answering every GET with `body` (JSON)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def counting_fsyncs() -> list[int]:
    """Count os.fsync calls from now on (the returned list holds the count)."""
    count = [0]
    real = os.fsync

    def fsync(fd: int) -> None:
        count[0] += 1
        real(fd)

    os.fsync = fsync  # type: ignore[assignment]
    return count


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def one_run(base: Path, folder: Path, endpoint: str, rows: dict[str, list[float]]) -> Path:
    """One run of the fetch, merge and bulk-mark rows, on a fresh copy of the library."""
    from paperdeck.store.sources.hf_api import parse_items

    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(base, folder)
    env = {**os.environ, "HF_ENDPOINT": endpoint}
    started = time.perf_counter()
    command = [PAPERDECK, "--library", str(folder), "fetch", "--date", "2026-08-20"]
    subprocess.run(command, env=env, check=True, capture_output=True)
    rows.setdefault("fetch one day (whole command)", []).append(time.perf_counter() - started)
    library = Library.open(folder, abstracts=False, lazy=True)
    items = many_items(1000)
    started = time.perf_counter()
    library.add_papers(parse_items(items, "2026-08-21").papers)
    rows.setdefault("parse + merge 1,000 API items", []).append(time.perf_counter() - started)
    ids = sorted(library.papers)[:10_000]
    fsyncs = counting_fsyncs()
    started = time.perf_counter()
    batch = library.change_marks(ids, MarkChange(starred=True))
    rows.setdefault("star 10,000 papers", []).append(time.perf_counter() - started)
    rows.setdefault("  fsyncs", []).append(fsyncs[0])
    fsyncs[0] = 0
    started = time.perf_counter()
    library.undo(batch)
    rows.setdefault("undo it", []).append(time.perf_counter() - started)
    rows.setdefault("  fsyncs ", []).append(fsyncs[0])
    return folder


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--library", help="an existing library of --size papers (copied, never changed)")
    args = parser.parse_args()
    from paperdeck.store.search import SearchIndex

    rows: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="paperdeck-feature-bench-") as work:
        base = Path(work) / "base"
        if args.library:
            shutil.copytree(args.library, base)
        else:
            dump = write_dump(make_papers(args.size, seed=args.size), Path(work) / "dump.txt")
            subprocess.run([PAPERDECK, "--library", str(base), "import", str(dump)], check=True, capture_output=True)
        server, endpoint = serve(RECORDED.read_bytes())
        for _ in range(args.runs):
            folder = one_run(base, Path(work) / "copy", endpoint, rows)
        server.shutdown()
        library = Library.open(folder, abstracts=False)
        noted = sorted(library.papers)[:: max(1, len(library.papers) // 1000)][:1000]
        for number, paper_id in enumerate(noted):
            library.change_marks([paper_id], MarkChange(note=f"note {number} about ablations"))
        index = SearchIndex(library.papers.values(), defer_abstracts=True)
        index.set_notes(library.marks)
        for _ in range(args.runs):
            rows.setdefault("has:note (one keystroke)", []).append(
                timed(lambda: index.search("has:note", library.marks).ids[:60])
            )
    print(f"{'row':<34}{args.size:>12,} papers   median (max)")
    for name, values in rows.items():
        if "fsync" in name:
            print(f"{name:<34}{statistics.median(values):>12.0f}")
        else:
            print(f"{name:<34}{statistics.median(values) * 1000:>10.1f} ms ({max(values) * 1000:.1f})")


if __name__ == "__main__":
    main()
