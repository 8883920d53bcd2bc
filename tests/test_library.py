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
from paperdeck.store.mark_changes import MarkChange
from tests.conftest import import_results

LONG = "We propose a method that does things well. " * 10


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_import_counts_and_idempotence(tmp_path: Path, seed_paths: list[Path]) -> None:
    lib = Library.open(tmp_path / "lib")
    report = import_results(lib, [parse_file(path) for path in seed_paths])
    assert (report.papers, report.new, report.updated, report.duplicates) == (362, 362, 0, 46)
    before = snapshot(tmp_path / "lib")
    again = import_results(lib, [parse_file(path) for path in seed_paths])
    assert (again.new, again.updated, again.papers) == (0, 0, 362)
    assert snapshot(tmp_path / "lib") == before
    reopened = Library.open(tmp_path / "lib")
    assert list(reopened.papers) == list(lib.papers)
    assert [paper.to_dict() for paper in reopened.papers.values()] == [p.to_dict() for p in lib.papers.values()]


def test_merge_fills_missing_metadata_and_keeps_marks(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    import_results(lib, [parse_text(f"Paper A\n\n{LONG}\n", "one.txt")])
    paper_id = "paper-a"
    lib.change_marks([paper_id], MarkChange(starred=True))
    lib.change_marks([paper_id], MarkChange(add_tags=("To Read",)))
    report = import_results(
        lib, [parse_text(f"Paper A\n\n{LONG} https://a.github.io/x\n\n  • 3 authors\n·\nJun 17 4\n", "two.txt")]
    )
    assert (report.new, report.updated) == (0, 1)
    paper = Library.open(tmp_path / "lib").papers[paper_id]
    assert (paper.authors_count, paper.published_text, paper.upvotes) == (3, "Jun 17", 4)
    assert [source.name for source in paper.sources] == ["one.txt", "two.txt"]
    assert paper.primary_link is not None
    marks = Library.open(tmp_path / "lib").marks_of(paper_id)
    assert marks.starred and marks.tags == ["to-read"]
    # An older sighting with fewer upvotes never lowers the count.
    import_results(lib, [parse_text(f"Paper A\n\n{LONG}\n\nJun 17 1\n", "three.txt")])
    assert Library.open(tmp_path / "lib").papers[paper_id].upvotes == 4


def test_marks_persist_and_tags_normalize(library: Library) -> None:
    paper_id = next(iter(library.papers))
    library.change_marks([paper_id], MarkChange(starred=not library.marks_of(paper_id).starred))
    library.change_marks([paper_id], MarkChange(add_tags=("Diffusion", " to read ", "diffusion")))
    library.change_marks([paper_id], MarkChange(read=True))
    reopened = Library.open(library.folder)
    marks = reopened.marks_of(paper_id)
    assert (marks.starred, marks.tags, marks.read) == (True, ["diffusion", "to-read"], True)
    reopened.change_marks([paper_id], MarkChange(remove_tags=("DIFFUSION",)))
    assert Library.open(library.folder).marks_of(paper_id).tags == ["to-read"]
    assert dict(Library.open(library.folder).tag_counts()) == {"to-read": 1}
    with pytest.raises(PaperdeckError, match="empty tag"):
        library.change_marks([paper_id], MarkChange(add_tags=("  ",)))


def test_marks_never_rewrite_the_catalog(library: Library) -> None:
    before = library.catalog_path.stat()
    library.change_marks(
        [next(iter(library.papers))], MarkChange(starred=not library.marks_of(next(iter(library.papers))).starred)
    )
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
    other.change_marks([second], MarkChange(starred=True))
    library.change_marks([first], MarkChange(starred=True))  # must re-read, not overwrite the other process's star
    fresh = Library.open(library.folder)
    assert fresh.marks_of(first).starred and fresh.marks_of(second).starred
    assert library.marks_of(second).starred
    other.change_marks([first], MarkChange(add_tags=("x",)))
    assert library.refresh().marks_changed
    assert library.marks_of(first).tags == ["x"]


def test_refresh_sees_papers_imported_elsewhere(library: Library) -> None:
    other = Library.open(library.folder)
    import_results(other, [parse_text(f"Brand New Paper\n\n{LONG}\n", "new.txt")])
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
        library.change_marks([paper_id], MarkChange(starred=True))
    monkeypatch.undo()
    assert not library.marks_of(paper_id).starred
    assert library.marks_path.read_bytes() == before
    assert not list(library.folder.glob(".tmp-*"))
    library.change_marks([paper_id], MarkChange(starred=True))
    assert Library.open(library.folder).marks_of(paper_id).starred


KILL_SCRIPT = textwrap.dedent(
    """
    import sys
    from paperdeck.store.library import Library
    lib = Library.open(sys.argv[1])
    ids = list(lib.papers)
    i = 0
    while True:
        lib.change_marks([ids[i % len(ids)]], MarkChange(starred=i % 3 != 0))
        lib.change_marks([ids[(i * 7) % len(ids)]], MarkChange(add_tags=(f"t{i % 5}",)))
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


def test_backups_keep_three_hard_linked_generations_and_doctor_restores(library: Library) -> None:
    """Each fold keeps the file it replaces as backup 1 — the very file (a hard link: same
    inode, no copy) — and shifts the others down; three are kept."""
    from paperdeck.store.backups import backup_paths
    from paperdeck.store.doctor import check_file, examine

    first = next(iter(library.papers))
    replaced = []
    for tag in ("a", "b", "c", "d"):
        replaced.append(library.marks_path.stat().st_ino)
        library.change_marks([first], MarkChange(add_tags=(tag,)))
        library.compact_marks()  # marks reach marks.json (and its backups) when the journal is folded in
    backups = backup_paths(library.marks_path)
    assert [path.stat().st_ino for path in backups] == replaced[::-1][:3]
    kept = sorted(path.name for path in backups[0].parent.glob("marks.json*"))
    assert kept == sorted(path.name for path in backups)  # three, no more
    good = library.marks_path.read_bytes()
    library.marks_path.write_bytes(good[: len(good) // 2])  # torn by something outside paperdeck
    assert "damaged JSON" in (check_file(library.marks_path, "marks") or "")
    (report,) = [r for r in examine(library.folder, repair=True) if r.path == library.marks_path]
    assert report.repaired_from == backups[0]
    assert report.moved_aside is not None and report.moved_aside.read_bytes() == good[: len(good) // 2]
    restored = Library.open(library.folder).marks_of(first)
    assert restored.tags == ["a", "b", "c"]  # backup 1 is the state before the last fold


def test_one_batch_marks_many_papers_in_one_record(library: Library) -> None:
    ids = sorted(library.papers)
    library.change_marks([ids[0]], MarkChange(starred=True))
    batch = library.change_marks(ids[:100], MarkChange(starred=True, add_tags=("bulk",)))
    assert batch.count == 100 and not batch.before[ids[0]].tags and batch.before[ids[0]].starred
    assert all(batch.after[paper_id].starred and batch.after[paper_id].tags == ["bulk"] for paper_id in ids[:100])
    library.change_marks([ids[200]], MarkChange(add_tags=("single",)))
    reopened = Library.open(library.folder)
    assert all(reopened.marks_of(paper_id).tags == ["bulk"] for paper_id in ids[:100])
    assert reopened.marks_of(ids[200]).tags == ["single"] and len(reopened.marks) == 101
    lines = library.marks_store.journal_path.read_bytes().splitlines()
    assert len(lines) == 3  # one record per batch
    with pytest.raises(RefError):
        library.change_marks(["no-such-paper"], MarkChange(starred=True))


@pytest.mark.parametrize(
    "ref",
    [
        "2510.00537",
        "arXiv:2510.00537v2",
        "https://arxiv.org/abs/2510.00537",
        "https://export.arxiv.org/abs/2510.00537",
        "https://arxiv.org/pdf/2510.00537v2.pdf",
    ],
)
def test_a_paper_by_any_form_of_its_arxiv_id_on_the_command_line_and_in_like(library: Library, ref: str) -> None:
    """`REF` and `like:` read arXiv ids by the one rule the sources use (store/arxiv_ids.py)."""
    from paperdeck.store.models import Paper
    from paperdeck.store.search import SearchIndex

    library.add_papers([Paper(id="attention-paper", title="An Attention Paper For References", arxiv_id="2510.00537")])
    assert library.resolve(ref).id == "attention-paper"
    index = SearchIndex(library.papers.values())
    result = index.search(f"like:{ref}", library.marks)
    assert not [warning for warning in result.warnings if ref in warning]
