"""The marks journal (issue 5: a star costs an fsync'd append, not a rewrite of every mark):
replay, torn tails, compaction, damage, and doctor."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from paperdeck.store import marks_store
from paperdeck.store.errors import LibraryError
from paperdeck.store.library import Library
from paperdeck.store.marks_store import JOURNAL_FILE


def journal(library: Library) -> Path:
    return library.folder / JOURNAL_FILE


def test_a_star_is_one_appended_line_and_leaves_marks_json_alone(library: Library) -> None:
    before = library.marks_path.read_bytes()
    paper_id = sorted(library.papers)[0]
    library.set_starred(paper_id, True)
    library.add_tags(paper_id, ["later"])
    assert library.marks_path.read_bytes() == before
    lines = journal(library).read_bytes().splitlines()
    assert [orjson.loads(line)["paper"] for line in lines] == [paper_id, paper_id]
    assert orjson.loads(lines[-1])["tags"] == ["later"] and orjson.loads(lines[-1])["starred"] is True
    reopened = Library.open(library.folder)
    assert reopened.marks_of(paper_id).starred and reopened.marks_of(paper_id).tags == ["later"]


def test_a_torn_last_line_is_not_replayed_and_is_cut_before_the_next_append(library: Library) -> None:
    first, second = sorted(library.papers)[:2]
    library.set_starred(first, True)
    good = journal(library).read_bytes()
    torn = orjson.dumps({"paper": second, "starred": True, "tags": [], "read": False})[:25]
    journal(library).write_bytes(good + torn)  # a writer killed mid-append
    reopened = Library.open(library.folder)
    assert reopened.marks_of(first).starred and not reopened.marks_of(second).starred
    reopened.add_tags(second, ["x"])
    rest = journal(library).read_bytes().removeprefix(good)
    assert rest.count(b"\n") == 1 and orjson.loads(rest)["tags"] == ["x"]  # the torn bytes are gone
    again = Library.open(library.folder)
    assert again.marks_of(second).tags == ["x"] and not again.marks_of(second).starred


def test_the_journal_is_folded_into_marks_json_every_compact_at_lines(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(marks_store, "COMPACT_AT", 3)
    ids = sorted(library.papers)[:7]
    before = library.marks_path.read_bytes()
    for paper_id in ids:
        library.set_starred(paper_id, True)
    # Lines 1-3 appended, the 4th write folded all 4 in and emptied the journal, 5-7 appended.
    assert library.marks_path.read_bytes() != before
    assert len(journal(library).read_bytes().splitlines()) == 3
    snapshot = orjson.loads(library.marks_path.read_bytes())["marks"]
    assert {record["paper"] for record in snapshot.values()} == set(ids[:4])
    assert all(Library.open(library.folder).marks_of(paper_id).starred for paper_id in ids)


def test_a_journal_left_after_a_compaction_replays_to_the_same_marks(library: Library) -> None:
    """Crash between the new marks.json and emptying the journal: lines are whole records."""
    first = sorted(library.papers)[0]
    library.set_starred(first, True)
    library.add_tags(first, ["a"])
    lines = journal(library).read_bytes()
    library.compact_marks()
    assert journal(library).read_bytes() == b""
    journal(library).write_bytes(lines)
    reopened = Library.open(library.folder)
    assert reopened.marks_of(first).starred and reopened.marks_of(first).tags == ["a"]


def test_another_process_sees_journal_marks(library: Library) -> None:
    other = Library.open(library.folder)
    paper_id = sorted(library.papers)[3]
    other.set_starred(paper_id, True)
    assert library.refresh().marks_changed
    assert library.marks_of(paper_id).starred


def test_a_damaged_line_is_one_error_naming_the_line_and_doctor_keeps_the_good_ones(
    library: Library, tmp_path: Path
) -> None:
    from tests.test_cli import run

    first, second = sorted(library.papers)[:2]
    library.set_starred(first, True)
    library.set_starred(second, True)
    lines = journal(library).read_bytes().splitlines(keepends=True)
    journal(library).write_bytes(lines[0] + b"{not json\n" + lines[1])
    with pytest.raises(LibraryError, match=rf"{JOURNAL_FILE}:2: damaged journal line"):
        Library.open(library.folder)
    check = run("doctor", home=library.folder)
    assert check.returncode == 1 and f"{JOURNAL_FILE}:2: damaged journal line" in check.stdout
    repair = run("doctor", "--repair", home=library.folder)
    assert repair.returncode == 0 and "kept the 2 readable lines" in repair.stdout, repair.stdout
    assert any(b"{not json" in path.read_bytes() for path in library.folder.glob(f"{JOURNAL_FILE}.damaged-*"))
    repaired = Library.open(library.folder)
    assert repaired.marks_of(first).starred and repaired.marks_of(second).starred


def test_starred_count_follows_every_change(library: Library) -> None:
    ids = sorted(library.papers)[:3]
    assert library.starred_count() == 0
    library.set_starred(ids[0], True)
    library.set_starred(ids[1], True)
    assert library.starred_count() == 2
    library.set_starred(ids[0], False)
    assert library.starred_count() == 1
    Library.open(library.folder).set_starred(ids[2], True)  # another process
    library.refresh()
    assert library.starred_count() == 2
