"""A child process for the import crash test: adds papers to a library, a few per import, and
acknowledges each import on stdout only after Library.add_papers returned (written, fsynced).

    python -m tests.import_worker FOLDER START

Line `N` means import N is on disk: its papers `imported-N-0` … are in the library, with their
abstracts. The catalog journal is folded every few papers (PAPERDECK_TEST_FOLD_PAPERS), so
kills land in appends and in folds (the two-file rewrite) alike; every import also merges a
new upvote count into a paper of the one before, so folds carry updates as well as new papers.
"""

from __future__ import annotations

import os
import sys

from paperdeck.store import catalog
from paperdeck.store.library import Library
from paperdeck.store.models import Paper

PAPERS_PER_IMPORT = 3


def papers_of(number: int) -> list[Paper]:
    """What import `number` adds, and the update it brings to import `number - 1`."""
    papers = [
        Paper(
            f"imported-{number}-{k}",
            f"Imported {number} {k}",
            f"The abstract of paper {k} of import {number}, long enough to be one. " * 3,
        )
        for k in range(PAPERS_PER_IMPORT)
    ]
    if number:
        papers.append(Paper(f"imported-{number - 1}-0", f"Imported {number - 1} 0", upvotes=number))
    return papers


def main(argv: list[str]) -> None:
    """Run imports START, START+1, ... and acknowledge each."""
    catalog.FOLD_PAPERS = int(os.environ.get("PAPERDECK_TEST_FOLD_PAPERS", catalog.FOLD_PAPERS))
    library = Library.open(argv[0], create=False, abstracts=False)
    for number in range(int(argv[1]), 10**9):
        library.add_papers(papers_of(number))
        sys.stdout.write(f"{number}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
