"""Marks and imports survive SIGKILL at any instant, and two processes marking at once lose
nothing. The children are `tests.mark_worker` and `tests.import_worker`, which acknowledge each
change on a pipe only after the Library call returned."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from paperdeck.store.library import Library
from paperdeck.store.storage import TEMP_PREFIX
from tests.conftest import REPO
from tests.import_worker import PAPERS_PER_IMPORT
from tests.mark_worker import MarkState, apply_to_model, operation

KILLS = 200
SEED = int(os.environ.get("PAPERDECK_CRASH_SEED", "20261123"))


COMPACT_EVERY = 5  # marks: kills then hit journal appends and snapshot rewrites alike


def start_worker(folder: Path, *args: str) -> subprocess.Popen[bytes]:
    """A mark worker on `folder` (see tests/mark_worker.py for the arguments)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.mark_worker", str(folder), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        env={**os.environ, "PAPERDECK_TEST_COMPACT_AT": str(COMPACT_EVERY)},
    )


def marks_by_index(library: Library) -> dict[int, MarkState]:
    """The library's marks keyed like the model: by the paper's index in sorted id order."""
    ids = sorted(library.papers)
    return {
        ids.index(paper_id): MarkState(marks.starred, set(marks.tags))
        for paper_id, marks in library.marks.items()
        if marks.starred or marks.tags
    }


def normalized(model: dict[int, MarkState]) -> dict[int, tuple[bool, frozenset[str]]]:
    """Model without papers whose marks are all empty (the library may keep empty records)."""
    return {i: (s.starred, frozenset(s.tags)) for i, s in model.items() if s.starred or s.tags}


def read_acks(worker: subprocess.Popen[bytes], until: float, want: int | None = None) -> list[int]:
    """Acknowledgements the worker printed until the deadline, `want` of them, or its exit.
    Raw reads: a buffered reader could hold lines that `select` no longer reports."""
    assert worker.stdout is not None
    fd = worker.stdout.fileno()
    pending = b""
    acks: list[int] = []
    while time.monotonic() < until and (want is None or len(acks) < want):
        ready, _, _ = select.select([fd], [], [], max(0.0, until - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        acks.extend(int(line) for line in lines)
    worker.pending = pending  # type: ignore[attr-defined]
    return acks


def rest_of_acks(worker: subprocess.Popen[bytes]) -> list[int]:
    """What the (dead) worker printed that was not read yet; a torn last line never counts."""
    assert worker.stdout is not None
    data = getattr(worker, "pending", b"") + worker.stdout.read()
    complete = data[: data.rfind(b"\n") + 1]
    return [int(line) for line in complete.split()]


def test_sigkill_at_random_moments_never_loses_an_acknowledged_mark(library: Library) -> None:
    """200+ kills; after each, the library opens, holds every acknowledged mark (and at most
    the one in flight), and no temp file is left once it has been opened."""
    rng = random.Random(SEED)
    print(f"crash seed {SEED} (set PAPERDECK_CRASH_SEED to replay)")
    papers = len(library.papers)
    model: dict[int, MarkState] = {}
    next_op = 0
    kills_mid_run = 0
    for _ in range(KILLS):
        worker = start_worker(library.folder, str(next_op))
        # Wait for the first acknowledgement so most kills land among writes, not at start-up.
        acks = read_acks(worker, time.monotonic() + 10, want=1)
        acks += read_acks(worker, time.monotonic() + rng.uniform(0, 0.02))
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        acks += rest_of_acks(worker)  # printed before the kill
        kills_mid_run += worker.returncode == -signal.SIGKILL
        for number in acks:
            assert number == next_op, "acknowledgements arrive in order"
            apply_to_model(model, operation(number, papers))
            next_op += 1

        reopened = Library.open(library.folder, create=False)  # raises on a torn file
        assert not list(library.folder.glob(f"{TEMP_PREFIX}*")), "stale temp files were not cleaned at open"
        in_flight = {i: MarkState(s.starred, set(s.tags)) for i, s in model.items()}
        apply_to_model(in_flight, operation(next_op, papers))
        found = normalized(marks_by_index(reopened))
        if found == normalized(in_flight):
            # The next mark reached the disk before its acknowledgement did.
            model = in_flight
            next_op += 1
        else:
            assert found == normalized(model), f"after {next_op} acknowledged marks the library differs"
    assert kills_mid_run == KILLS
    assert next_op > KILLS  # the workers got real work done between kills


def test_two_processes_marking_at_once_lose_nothing(library: Library) -> None:
    """Two workers mark disjoint halves of the library concurrently; every mark is kept."""
    count = 150
    papers = len(library.papers)
    workers = [start_worker(library.folder, "0", str(count), f"{share}/2") for share in (0, 1)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    model: dict[int, MarkState] = {}
    for share in (0, 1):
        for number in range(count):
            apply_to_model(model, operation(number, papers, share, 2))
    assert normalized(marks_by_index(Library.open(library.folder))) == normalized(model)


@pytest.mark.parametrize("share", [0, 1])
def test_worker_partitions_are_disjoint(share: int) -> None:
    """The concurrency test is only meaningful if the two workers never touch one paper."""
    mine = {operation(n, 362, share, 2).paper for n in range(500)}
    theirs = {operation(n, 362, 1 - share, 2).paper for n in range(500)}
    assert mine and not mine & theirs


IMPORT_KILLS = 60


def check_imports(folder: Path, acknowledged: int) -> int:
    """The library holds every acknowledged import whole (papers, abstracts, the update the
    next one brought) and at most one more; the number of imports it holds."""
    library = Library.open(folder, create=False)
    imported = {paper_id for paper_id in library.papers if paper_id.startswith("imported-")}
    held = len({paper_id.rsplit("-", 1)[0] for paper_id in imported})
    assert acknowledged <= held <= acknowledged + 1, (acknowledged, held)
    assert len(imported) == held * PAPERS_PER_IMPORT  # no import half in
    for number in range(held):
        for k in range(PAPERS_PER_IMPORT):
            assert library.abstract_of(f"imported-{number}-{k}").startswith(f"The abstract of paper {k}")
        if number + 1 < held:
            assert library.papers[f"imported-{number}-0"].upvotes == number + 1
    assert not list(folder.glob(f"{TEMP_PREFIX}*")) and not list((folder / "backups").glob(f"{TEMP_PREFIX}*"))
    return held


def test_sigkill_during_imports_leaves_the_old_or_the_new_state(library: Library) -> None:
    """60 kills of a process importing (journal appends, and folds of catalog.json and
    abstracts.json every few papers): every acknowledged import is there whole after each."""
    rng = random.Random(SEED)
    done = 0
    for _ in range(IMPORT_KILLS):
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.import_worker", str(library.folder), str(done)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            env={**os.environ, "PAPERDECK_TEST_FOLD_PAPERS": "8"},
        )
        acks = read_acks(worker, time.monotonic() + 10, want=1)
        acks += read_acks(worker, time.monotonic() + rng.uniform(0, 0.05))
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        acks += rest_of_acks(worker)
        assert acks == list(range(done, done + len(acks))), "acknowledgements arrive in order"
        done = check_imports(library.folder, done + len(acks))
    assert done > IMPORT_KILLS
