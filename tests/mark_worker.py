"""A child process for the crash and concurrency tests: applies a deterministic sequence of
marks to a library and acknowledges each one on stdout only after the Library call returned
(the write is fsynced and renamed by then).

    python -m tests.mark_worker FOLDER START [COUNT [SHARE/SHARES]]

Line `N` on stdout means operation N is on disk. Killed at any instant, the library must hold
every acknowledged operation; at most the one operation after the last acknowledgement may
also be there (it was written but not yet acknowledged).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from paperdeck.store import marks_store
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange

TAGS = ("to-read", "gs", "llm", "later")


@dataclass(slots=True)
class Operation:
    """One mark: star/unstar, or add/remove one tag, on the paper at `paper` in id order."""

    paper: int
    kind: str  # "star", "tag" or "untag"
    value: bool | str


@dataclass(slots=True)
class MarkState:
    """What the marks of one paper should be after some operations."""

    starred: bool = False
    tags: set[str] = field(default_factory=set)


def operation(number: int, papers: int, share: int = 0, shares: int = 1) -> Operation:
    """The `number`-th operation of the sequence (a fixed, idempotent-per-step mix), on the
    papers whose index is `share` modulo `shares` (so workers can be given disjoint papers)."""
    paper = share + shares * ((number * 7919) % (papers // shares))
    step = number % 4
    if step == 0:
        return Operation(paper, "star", number % 3 != 0)
    if step in (1, 2):
        return Operation(paper, "tag", TAGS[number % len(TAGS)])
    return Operation(paper, "untag", TAGS[(number // 4) % len(TAGS)])


def apply_to_model(model: dict[int, MarkState], op: Operation) -> None:
    """What `op` does to the expected marks."""
    state = model.setdefault(op.paper, MarkState())
    if op.kind == "star":
        state.starred = bool(op.value)
    elif op.kind == "tag":
        state.tags.add(str(op.value))
    else:
        state.tags.discard(str(op.value))


def apply_to_library(library: Library, paper_id: str, op: Operation) -> None:
    """Do `op` through the Library API, as the browser and the CLI do."""
    if op.kind == "star":
        library.change_marks([paper_id], MarkChange(starred=bool(op.value)))
    elif op.kind == "tag":
        library.change_marks([paper_id], MarkChange(add_tags=(str(op.value),)))
    else:
        library.change_marks([paper_id], MarkChange(remove_tags=(str(op.value),)))


def main(argv: list[str]) -> None:
    """Apply operations START, START+1, ... and acknowledge each."""
    folder, start = argv[0], int(argv[1])
    count = int(argv[2]) if len(argv) > 2 else 10**9
    share, shares = (int(part) for part in argv[3].split("/")) if len(argv) > 3 else (0, 1)
    # The crash tests fold the marks journal every few marks, so kills land in both kinds of write.
    marks_store.COMPACT_AT = int(os.environ.get("PAPERDECK_TEST_COMPACT_AT", marks_store.COMPACT_AT))
    library = Library.open(folder, create=False)
    ids = sorted(library.papers)
    for number in range(start, start + count):
        op = operation(number, len(ids), share, shares)
        apply_to_library(library, ids[op.paper], op)
        sys.stdout.write(f"{number}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
