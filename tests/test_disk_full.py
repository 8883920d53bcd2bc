"""Issue 6.8: a write the disk refuses (ENOSPC, EROFS) is a clear message; memory is rolled
back to what is on disk and nothing on disk is damaged — for marks, imports and the browser."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from paperdeck.store import marks_store
from paperdeck.store.dumps import parse_text
from paperdeck.store.errors import LibraryError
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from paperdeck.store.marks_store import JOURNAL_FILE
from tests.conftest import import_results
from tests.pilot import make_app, screen_of

# Each step of an atomic rewrite (imports; marks when the journal is folded in) ...
FAILURES = {
    "ENOSPC at fsync": ("fsync", errno.ENOSPC),
    "EROFS at rename": ("replace", errno.EROFS),
    "ENOSPC at write": ("write", errno.ENOSPC),
    "EROFS at create": ("mkstemp", errno.EROFS),
}
# ... and of an append to the marks journal (every star and tag).
JOURNAL_FAILURES = {
    "ENOSPC at journal fsync": ("fsync", errno.ENOSPC),
    "ENOSPC at journal write": ("os.write", errno.ENOSPC),
    "EROFS at journal open": ("os.open", errno.EROFS),
}
ABSTRACT = "We propose a method that does things well and report results on benchmarks. " * 5


def refuse_writes(monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    """Make one step of a write fail the way a full or read-only disk does."""
    name, code = {**FAILURES, **JOURNAL_FAILURES}[failure]

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    if name == "os.write":
        monkeypatch.setattr(os, "write", refuse)
    elif name == "os.open":
        real_open = os.open

        def read_only_journal(path: Any, *args: Any, **kwargs: Any) -> int:
            if str(path).endswith(JOURNAL_FILE):
                refuse()
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", read_only_journal)
    elif name == "write":
        real_fdopen = os.fdopen

        def full_disk_fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
            handle = real_fdopen(fd, *args, **kwargs)
            handle.close()
            return contextlib.nullcontext(SimpleNamespace(write=refuse, writelines=refuse))

        monkeypatch.setattr(os, "fdopen", full_disk_fdopen)
    elif name == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    else:
        monkeypatch.setattr(os, name, refuse)


def files(folder: Path) -> dict[str, bytes]:
    """Every file of the library folder, backups included, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def STAR(lib: Library, pid: str) -> object:
    return lib.change_marks([pid], MarkChange(starred=True))


def TAG(lib: Library, pid: str) -> object:
    return lib.change_marks([pid], MarkChange(add_tags=("later",)))


def IMPORT(lib: Library, pid: str) -> object:
    return import_results(lib, [parse_text(f"A Paper Nobody Had Seen\n\n{ABSTRACT}\n", "new.txt")])


def MERGE(lib: Library, pid: str) -> object:
    text = f"{lib.papers[pid].title}\n\n{ABSTRACT}\n  • 3 authors\n·\nJun 17 40\n"
    return import_results(lib, [parse_text(text, "u")])


CASES = [
    *[(name, change, failure) for name, change in (("star", STAR), ("tag", TAG)) for failure in JOURNAL_FAILURES],
    *[(name, change, failure) for name, change in (("import", IMPORT), ("merge", MERGE)) for failure in FAILURES],
    # A star that folds the journal into marks.json goes through the atomic rewrite.
    *[("star-compacting", STAR, failure) for failure in FAILURES],
]


@pytest.mark.parametrize(("name", "change", "failure"), CASES, ids=[f"{case[0]}-{case[2]}" for case in CASES])
def test_refused_write_rolls_back_and_damages_nothing(
    library: Library,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    failure: str,
    change: Callable[[Library, str], object],
) -> None:
    if name == "star-compacting":
        monkeypatch.setattr(marks_store, "COMPACT_AT", 0)
    paper_id = sorted(library.papers)[0]
    library.change_marks([sorted(library.papers)[1]], MarkChange(starred=True))  # so backups exist
    before_disk = files(library.folder)
    before_marks = {pid: (m.starred, list(m.tags)) for pid, m in library.marks.items()}
    before_papers = {pid: paper.to_dict() for pid, paper in library.papers.items()}
    refuse_writes(monkeypatch, failure)
    with pytest.raises(LibraryError) as error:
        change(library, paper_id)
    monkeypatch.undo()
    message = str(error.value)
    assert os.strerror({**FAILURES, **JOURNAL_FAILURES}[failure][1]) in message and "nothing was changed" in message
    assert "\n" not in message
    assert {pid: (m.starred, list(m.tags)) for pid, m in library.marks.items()} == before_marks
    assert {pid: paper.to_dict() for pid, paper in library.papers.items()} == before_papers
    after = files(library.folder)
    assert {k: v for k, v in after.items() if not k.startswith("backups")} == {
        k: v for k, v in before_disk.items() if not k.startswith("backups")
    }
    reopened = Library.open(library.folder)  # still a good library
    assert not reopened.marks_of(paper_id).tags and set(reopened.papers) == set(before_papers)
    change(library, paper_id)  # and the same change works once the disk has room again


async def test_browser_says_so_and_shows_the_state_on_disk(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    app, toasts = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        paper_id = screen_of(app).paper_list.highlighted_id
        assert paper_id is not None
        before = library.marks_path.read_bytes()
        refuse_writes(monkeypatch, "ENOSPC at fsync")
        await pilot.press("s")
        await pilot.pause()
        monkeypatch.undo()
        assert any("No space left on device" in toast for toast in toasts), toasts
        assert not any(toast.startswith("★ Starred") for toast in toasts)
        assert not library.marks_of(paper_id).starred
        assert not screen_of(app).row(paper_id).starred
        assert library.marks_path.read_bytes() == before
        await pilot.press("s")
        await pilot.pause()
        assert library.marks_of(paper_id).starred
    assert Library.open(library.folder).marks_of(paper_id).starred
