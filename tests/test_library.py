"""The Library: import and merge, marks, schema and damage checks, atomic writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import orjson
import pytest

from paperdeck.store.dumps import parse_file, parse_text
from paperdeck.store.errors import LibraryError, PaperdeckError, RefError
from paperdeck.store.library import Library
from paperdeck.store.models import Marks

LONG = "We propose a method that does things well. " * 10


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_import_counts_and_idempotence(tmp_path: Path, seed_paths: list[Path]) -> None:
    lib = Library.open(tmp_path / "lib")
    report = lib.import_parsed([parse_file(path) for path in seed_paths])
    assert report.summary() == "5 files: 362 papers (362 new, 0 updated), 46 duplicates in input, 0 warnings"
    before = snapshot(tmp_path / "lib")
    again = lib.import_parsed([parse_file(path) for path in seed_paths])
    assert (again.new, again.updated, again.papers) == (0, 0, 362)
    assert snapshot(tmp_path / "lib") == before
    reopened = Library.open(tmp_path / "lib")
    assert list(reopened.papers) == list(lib.papers)
    assert [paper.to_dict() for paper in reopened.papers.values()] == [p.to_dict() for p in lib.papers.values()]


def test_merge_fills_missing_metadata_and_keeps_marks(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.import_parsed([parse_text(f"Paper A\n\n{LONG}\n", "one.txt")])
    paper_id = "paper-a"
    lib.set_starred(paper_id, True)
    lib.add_tags(paper_id, ["To Read"])
    report = lib.import_parsed(
        [parse_text(f"Paper A\n\n{LONG} https://a.github.io/x\n\n  • 3 authors\n·\nJun 17 4\n", "two.txt")]
    )
    assert (report.new, report.updated) == (0, 1)
    paper = Library.open(tmp_path / "lib").papers[paper_id]
    assert (paper.authors_count, paper.published_text, paper.upvotes) == (3, "Jun 17", 4)
    assert [source.name for source in paper.sources] == ["one.txt", "two.txt"]
    assert paper.primary_link is not None
    marks = Library.open(tmp_path / "lib").marks_of(paper_id)
    assert marks.starred and marks.tags == ["to-read"]
    # An older sighting with fewer upvotes never lowers the count.
    lib.import_parsed([parse_text(f"Paper A\n\n{LONG}\n\nJun 17 1\n", "three.txt")])
    assert Library.open(tmp_path / "lib").papers[paper_id].upvotes == 4


def test_marks_persist_and_tags_normalize(library: Library) -> None:
    paper_id = next(iter(library.papers))
    library.toggle_starred(paper_id)
    library.add_tags(paper_id, ["Diffusion", " to read ", "diffusion"])
    library.set_read(paper_id, True)
    reopened = Library.open(library.folder)
    marks = reopened.marks_of(paper_id)
    assert (marks.starred, marks.tags, marks.read) == (True, ["diffusion", "to-read"], True)
    reopened.remove_tags(paper_id, ["DIFFUSION"])
    assert Library.open(library.folder).marks_of(paper_id).tags == ["to-read"]
    assert dict(Library.open(library.folder).tag_counts()) == {"to-read": 1}
    with pytest.raises(PaperdeckError, match="empty tag"):
        library.add_tags(paper_id, ["  "])


def test_marks_never_rewrite_the_catalog(library: Library) -> None:
    before = library.catalog_path.stat()
    library.toggle_starred(next(iter(library.papers)))
    after = library.catalog_path.stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_resolve_by_prefix(library: Library) -> None:
    assert library.resolve("flexvar").title.startswith("FlexVAR")
    with pytest.raises(RefError) as error:
        library.resolve("g")
    assert len(error.value.candidates) > 1
    with pytest.raises(RefError, match="no paper"):
        library.resolve("zzz-nothing")


def test_marks_from_another_process_are_seen_and_not_lost(library: Library) -> None:
    first, second = list(library.papers)[:2]
    other = Library.open(library.folder)
    other.set_starred(second, True)
    library.set_starred(first, True)  # must re-read, not overwrite the other process's star
    fresh = Library.open(library.folder)
    assert fresh.marks_of(first).starred and fresh.marks_of(second).starred
    assert library.marks_of(second).starred
    other.add_tags(first, ["x"])
    assert library.refresh().marks_changed
    assert library.marks_of(first).tags == ["x"]


def test_refresh_sees_papers_imported_elsewhere(library: Library) -> None:
    other = Library.open(library.folder)
    other.import_parsed([parse_text(f"Brand New Paper\n\n{LONG}\n", "new.txt")])
    assert library.refresh().new_ids == ["brand-new-paper"]
    assert "brand-new-paper" in library.papers


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b'{"_meta": {"1": {"schema": 1, "kind": "catalog"}}, "papers": {"1": {"id"', "damaged JSON"),
        (b"\x89PNG\x00\x00", "damaged JSON"),
        (b"[1, 2, 3]", "wrong shape"),
        (b'{"papers": {}}', "no schema record"),
        (b'{"_meta": {"1": {"schema": 99, "kind": "catalog"}}, "papers": {}}', "newer paperdeck"),
        (b'{"_meta": {"1": {"schema": 1, "kind": "catalog"}}, "papers": {"1": {"title": "x"}}}', "wrong shape"),
    ],
)
def test_damaged_catalog_is_refused_and_left_untouched(library: Library, content: bytes, message: str) -> None:
    library.catalog_path.write_bytes(content)
    with pytest.raises(LibraryError, match=message) as error:
        Library.open(library.folder)
    assert str(library.catalog_path) in str(error.value)
    assert library.catalog_path.read_bytes() == content


def test_newer_marks_schema_refused(library: Library) -> None:
    library.marks_path.write_bytes(b'{"_meta": {"1": {"schema": 7, "kind": "marks"}}, "marks": {}}')
    with pytest.raises(LibraryError, match="newer paperdeck"):
        Library.open(library.folder)


def test_failed_write_rolls_back_memory(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    paper_id = next(iter(library.papers))
    before = library.marks_path.read_bytes()

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", refuse)
    with pytest.raises(LibraryError, match="No space left on device"):
        library.set_starred(paper_id, True)
    monkeypatch.undo()
    assert not library.marks_of(paper_id).starred
    assert library.marks_path.read_bytes() == before
    assert not list(library.folder.glob(".tmp-*"))
    library.set_starred(paper_id, True)
    assert Library.open(library.folder).marks_of(paper_id).starred


KILL_SCRIPT = textwrap.dedent(
    """
    import sys
    from paperdeck.store.library import Library
    lib = Library.open(sys.argv[1])
    ids = list(lib.papers)
    i = 0
    while True:
        lib.set_starred(ids[i % len(ids)], i % 3 != 0)
        lib.add_tags(ids[(i * 7) % len(ids)], [f"t{i % 5}"])
        print(i, flush=True)
        i += 1
    """
)


def test_writer_killed_mid_write_leaves_a_loadable_library(library: Library) -> None:
    for round_number in range(8):
        child = subprocess.Popen(
            [sys.executable, "-c", KILL_SCRIPT, str(library.folder)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        for _ in range(5 + round_number * 3):
            child.stdout.readline()
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        reopened = Library.open(library.folder)  # raises if a file were torn
        assert len(reopened.papers) == 362
        orjson.loads(library.marks_path.read_bytes())
    assert not list(library.folder.glob(".tmp-*"))  # stale temps are cleaned when the next open creates


def test_stale_temp_files_are_removed_at_open(library: Library) -> None:
    stale = library.folder / ".tmp-marks.json.abc123"
    stale.write_bytes(b'{"half": ')
    Library.open(library.folder)
    assert not stale.exists()


def test_backups_rotate_and_doctor_repairs(library: Library) -> None:
    from paperdeck.store.backups import backup_paths, check_file, repair_file

    first = next(iter(library.papers))
    library.set_starred(first, True)
    library.compact_marks()  # marks reach marks.json (and its backups) when the journal is folded in
    library.add_tags(first, ["keep"])
    library.compact_marks()
    backups = backup_paths(library.marks_path)
    assert backups[0].exists() and backups[1].exists()
    good = library.marks_path.read_bytes()
    library.marks_path.write_bytes(good[: len(good) // 2])  # torn by something outside paperdeck
    assert "damaged JSON" in (check_file(library.marks_path, "marks") or "")
    report = repair_file(library.marks_path, "marks")
    assert report.repaired_from == backups[0]
    assert report.moved_aside is not None and report.moved_aside.read_bytes() == good[: len(good) // 2]
    restored = Library.open(library.folder).marks_of(first)
    assert restored.starred  # backup 1 is the state before the last write: starred, not yet tagged


def test_set_marks_writes_many_papers_at_once(library: Library) -> None:
    ids = sorted(library.papers)
    library.set_starred(ids[0], True)  # an existing record is replaced, not duplicated
    library.set_marks({paper_id: Marks(starred=i % 2 == 0, tags=["bulk"]) for i, paper_id in enumerate(ids[:100])})
    library.add_tags(ids[200], ["single"])  # single-paper writes still find free record ids
    reopened = Library.open(library.folder)
    assert sum(reopened.marks_of(paper_id).starred for paper_id in ids[:100]) == 50
    assert all(reopened.marks_of(paper_id).tags == ["bulk"] for paper_id in ids[:100])
    assert reopened.marks_of(ids[200]).tags == ["single"] and len(reopened.marks) == 101
    with pytest.raises(RefError):
        library.set_marks({"no-such-paper": Marks(starred=True)})
