"""A write the disk refuses (ENOSPC, EROFS) is one clear line, memory is as on disk, and no byte
of the library folder changes — backups included — for marks, imports (journal appends and
folds), and the browser. Each step of a write is refused in turn (simulated), and the whole
scenario runs once on a real full file system (a 4 MB tmpfs, when the tests run as root)."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from paperdeck.store import catalog, marks_store
from paperdeck.store.dumps import parse_text
from paperdeck.store.errors import LibraryError
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from tests.conftest import import_results
from tests.pilot import make_app, screen_of

# Each step of an atomic rewrite (imports; marks when the journal is folded in) ...
FAILURES = {
    "ENOSPC at fsync": ("fsync", errno.ENOSPC),
    "EROFS at rename": ("replace", errno.EROFS),
    "ENOSPC at write": ("write", errno.ENOSPC),
    "EROFS at create": ("mkstemp", errno.EROFS),
}
# ... and of an append to a journal (every star and tag, and imports of a few papers).
JOURNAL_FAILURES = {
    "ENOSPC at journal fsync": ("fsync", errno.ENOSPC),
    "ENOSPC at journal write": ("os.write", errno.ENOSPC),
    "EROFS at journal open": ("os.open", errno.EROFS),
}
PAPERDECK = str(Path(sys.executable).with_name("paperdeck"))
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
            if str(path).endswith(".journal"):
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


APPENDS = (("star", STAR), ("tag", TAG), ("import", IMPORT), ("merge", MERGE))
CASES = [
    *[(name, change, failure) for name, change in APPENDS for failure in JOURNAL_FAILURES],
    # Folds go through the atomic rewrite of several files: a star that folds the marks
    # journal, an import that folds the catalog journal (both files, backups rotated).
    *[
        (name, change, failure)
        for name, change in (("star-folding", STAR), ("import-folding", IMPORT))
        for failure in FAILURES
    ],
]


@pytest.mark.parametrize(("name", "change", "failure"), CASES, ids=[f"{case[0]}-{case[2]}" for case in CASES])
def test_refused_write_rolls_back_and_damages_nothing(
    library: Library,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    failure: str,
    change: Callable[[Library, str], object],
) -> None:
    if name == "star-folding":
        monkeypatch.setattr(marks_store, "COMPACT_AT", 0)
    if name == "import-folding":
        monkeypatch.setattr(catalog, "FOLD_PAPERS", 0)
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
    assert files(library.folder) == before_disk  # backups included
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


@contextlib.contextmanager
def small_file_system(folder: Path, size: str = "4m") -> Iterator[Path]:
    """A real tmpfs of `size` at `folder` (root only: skipped with the reason otherwise)."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        reason = mounted.stderr.decode(errors="replace").strip() or "mount failed"
        pytest.skip(f"a real full disk needs a tmpfs mount, which this user cannot make ({reason})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(path: Path) -> None:
    """Fill the file system holding `path`, to the last byte."""
    with open(path, "wb", buffering=0) as handle:
        for block in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    handle.write(b"\0" * block)
            except OSError as error:
                assert error.errno == errno.ENOSPC


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PAPERDECK, "--library", str(folder), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root (CI runs as root)")
def test_a_full_disk_refuses_imports_and_marks_and_changes_no_byte(tmp_path: Path, seed_paths: list[Path]) -> None:
    """A library on a 4 MB tmpfs with three generations of backups; the disk filled; three
    imports and a star, a tag and a read refused, each with one true line: not one byte of the
    folder changes, backups included. With room again, doctor finds nothing and the import works."""
    with small_file_system(tmp_path / "small") as disk:
        folder = disk / "lib"
        for dumps in (seed_paths[:1], seed_paths[1:3], seed_paths[3:4]):
            assert cli(folder, "import", *map(str, dumps)).returncode == 0
        assert len(list((folder / "backups").glob("catalog.json.*"))) == 3
        paper_id = sorted(Library.open(folder).papers)[0]
        assert cli(folder, "star", paper_id[:30]).returncode == 0
        Library.open(folder).compact_marks()  # an empty journal: the next mark needs a new page
        filler = disk / "filler"
        fill(filler)
        before = files(folder)
        for _ in range(3):
            refused = cli(folder, "import", str(seed_paths[4]))
            assert refused.returncode == 1 and refused.stdout == ""
            assert refused.stderr.count("\n") == 1 and "No space left on device); nothing was changed" in refused.stderr
        for args in (("unstar", paper_id), ("tag", paper_id, "full"), ("read", paper_id)):
            refused = cli(folder, *args)
            assert refused.returncode == 1 and "No space left on device" in refused.stderr, refused.stderr
        assert files(folder) == before
        filler.unlink()
        doctor = cli(folder, "doctor")
        assert doctor.returncode == 0 and "damaged" not in doctor.stdout, doctor.stdout
        imported = cli(folder, "import", str(seed_paths[4]))
        assert imported.returncode == 0, imported.stderr
        assert len(Library.open(folder).papers) == 362
