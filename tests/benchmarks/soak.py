"""Memory under sustained use: the real `paperdeck` in a tmux pane, thousands of keys of one
kind at a time, its resident memory read after each round once it settled.

    python -m tests.benchmarks.soak --size 10000 [--actions 3000] [--paperdeck PATH]

Kinds: moving (j/k/PageDown), cycling the sort (S), toggling the facets (b), starring while
moving (s j), filtering and clearing (/ word Enter Esc). After a warm-up round, each kind runs
`--rounds` rounds of `--actions` actions; the table prints MB per 1,000 actions (the slope of
resident memory over the rounds after the first) — the goal is at most 10.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.synthetic import make_papers, write_dump

TMUX = ["tmux", "-L", "paperdeck-soak", "-f", "/dev/null"]
KINDS = {
    "move (j k PgDn)": ["j", "j", "k", "PageDown", "k"],
    "sort (S)": ["S"],
    "facets (b)": ["b"],
    "star + move (s j)": ["s", "j"],
    "filter + clear": ["/", "d", "i", "f", "f", "Enter", "Escape"],
}
SETTLE = 5.0  # seconds of rest before memory is read (toasts gone, timers idle)
CHUNK = 60  # keys per send-keys call


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def app_pid(session: str) -> int:
    """The pid of the paperdeck process in the pane (the pane runs it directly)."""
    out = subprocess.run([*TMUX, "list-panes", "-t", session, "-F", "#{pane_pid}"], capture_output=True, text=True)
    return int(out.stdout.split()[0])


def send(session: str, keys: list[str]) -> None:
    """Keys in chunks, each chunk given a moment so the app keeps up (it is not a flood test)."""
    for start in range(0, len(keys), CHUNK):
        subprocess.run([*TMUX, "send-keys", "-t", session, *keys[start : start + CHUNK]], check=True)
        time.sleep(0.05 * min(CHUNK, len(keys) - start) / 10)


def soak(paperdeck: str, folder: Path, actions: int, rounds: int) -> dict[str, list[float]]:
    """RSS after each round, per kind (a fresh app per kind, after one warm-up round)."""
    results: dict[str, list[float]] = {}
    for kind, pattern in KINDS.items():
        session = "soak"
        subprocess.run([*TMUX, "kill-server"], capture_output=True)
        subprocess.run(
            [*TMUX, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", paperdeck, "--library", str(folder)],
            check=True,
        )
        time.sleep(6)  # start, index build (the saved index loads)
        pid = app_pid(session)
        per_round = max(1, actions // len(pattern))
        readings = []
        for _ in range(rounds + 1):  # the first is the warm-up
            send(session, pattern * per_round)
            time.sleep(SETTLE)
            readings.append(rss_mb(pid))
        results[kind] = readings
        subprocess.run([*TMUX, "kill-server"], capture_output=True)
    return results


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--actions", type=int, default=2000, help="actions per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--paperdeck", default=str(Path(sys.executable).with_name("paperdeck")))
    parser.add_argument("--library", help="an existing library to use (else a synthetic one is made)")
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("tmux is needed")
    with tempfile.TemporaryDirectory(prefix="paperdeck-soak-") as work:
        folder = Path(args.library) if args.library else Path(work) / "lib"
        if not args.library:
            dump = write_dump(make_papers(args.size, seed=args.size), Path(work) / "dump.txt")
            subprocess.run([args.paperdeck, "--library", str(folder), "import", str(dump)], check=True)
        results = soak(args.paperdeck, folder, args.actions, args.rounds)
    print(f"{'kind':<20}{'start MB':>10}{'end MB':>10}{'MB per 1,000 actions':>24}   (after warm-up; goal <= 10)")
    for kind, readings in results.items():
        slope = (readings[-1] - readings[0]) / (args.actions * (len(readings) - 1) / 1000)
        print(f"{kind:<20}{readings[0]:>10.1f}{readings[-1]:>10.1f}{slope:>24.1f}")


if __name__ == "__main__":
    main()
