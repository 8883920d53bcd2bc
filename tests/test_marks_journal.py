"""The marks journal: a change of marks (one paper or ten thousand) is one fsynced line, the
batch with every paper's marks before and after; replay, torn tails, folds and their
generations, damage and doctor, undo and redo, and marks written by older versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from paperdeck.store import marks_store
from paperdeck.store.errors import LibraryError
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from paperdeck.store.marks_store import JOURNAL_FILE
from tests.conftest import REPO

LEGACY = REPO / "tests" / "data" / "legacy-library"


def journal(library: Library) -> Path:
    return library.folder / JOURNAL_FILE


def records(library: Library) -> list[dict]:
    return [orjson.loads(line) for line in journal(library).read_bytes().splitlines()]


def test_a_change_is_one_appended_batch_and_leaves_marks_json_alone(library: Library) -> None:
    before = library.marks_path.read_bytes()
    paper_id = sorted(library.papers)[0]
    library.change_marks([paper_id], MarkChange(starred=True))
    library.change_marks([paper_id], MarkChange(add_tags=("later",)))
    assert library.marks_path.read_bytes() == before
    first, second = records(library)
    assert list(first["papers"]) == [paper_id] and first["papers"][paper_id]["after"]["starred"] is True
    change = second["papers"][paper_id]
    assert change["before"]["tags"] == [] and change["after"]["tags"] == ["later"] and change["after"]["starred"]
    assert first["gen"] == second["gen"] == library.marks_store.generation
    reopened = Library.open(library.folder)
    assert reopened.marks_of(paper_id).starred and reopened.marks_of(paper_id).tags == ["later"]


def test_a_torn_last_line_is_not_replayed_and_is_cut_before_the_next_append(library: Library) -> None:
    first, second = sorted(library.papers)[:2]
    library.change_marks([first], MarkChange(starred=True))
    good = journal(library).read_bytes()
    library.change_marks([second], MarkChange(starred=True))
    torn = journal(library).read_bytes()[len(good) : len(good) + 40]
    journal(library).write_bytes(good + torn)  # a writer killed mid-append
    reopened = Library.open(library.folder)
    assert reopened.marks_of(first).starred and not reopened.marks_of(second).starred
    reopened.change_marks([second], MarkChange(add_tags=("x",)))
    rest = journal(library).read_bytes().removeprefix(good)
    assert rest.count(b"\n") == 1 and orjson.loads(rest)["papers"][second]["after"]["tags"] == ["x"]
    again = Library.open(library.folder)
    assert again.marks_of(second).tags == ["x"] and not again.marks_of(second).starred


def test_the_journal_is_folded_into_marks_json_once_it_holds_compact_at_changes(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(marks_store, "COMPACT_AT", 3)
    ids = sorted(library.papers)[:7]
    before = library.marks_path.read_bytes()
    for paper_id in ids:
        library.change_marks([paper_id], MarkChange(starred=True))
    # Changes 1-3 appended; the 4th write first folded those 3 in, then appended; and so on.
    assert library.marks_path.read_bytes() != before
    assert len(records(library)) == 1
    snapshot = orjson.loads(library.marks_path.read_bytes())
    assert {record["paper"] for record in snapshot["marks"].values()} == set(ids[:6])
    history = orjson.loads(library.marks_store.history_path.read_bytes())
    assert len(history["batches"]) == 6  # the folded batches, kept for undo
    assert [batch.count for batch in library.history()] == [1] * 7
    assert all(Library.open(library.folder).marks_of(paper_id).starred for paper_id in ids)


def test_lines_left_after_a_fold_are_of_an_older_generation_and_skipped(library: Library) -> None:
    """Crash between the new marks.json and emptying the journal: replaying the old lines on
    the new snapshot would undo what came after them, so they carry their generation."""
    first = sorted(library.papers)[0]
    library.change_marks([first], MarkChange(add_tags=("a",)))
    stale = journal(library).read_bytes()
    library.change_marks([first], MarkChange(remove_tags=("a",), add_tags=("b",)))
    library.compact_marks()
    assert journal(library).read_bytes() == b""
    journal(library).write_bytes(stale)  # the fold's snapshot is in, the journal not yet emptied
    reopened = Library.open(library.folder)
    assert reopened.marks_of(first).tags == ["b"]


def test_another_process_sees_journal_marks(library: Library) -> None:
    other = Library.open(library.folder)
    paper_id = sorted(library.papers)[3]
    other.change_marks([paper_id], MarkChange(starred=True))
    assert library.refresh().marks_changed
    assert library.marks_of(paper_id).starred


def test_a_damaged_line_is_one_error_naming_the_line_and_doctor_keeps_the_good_ones(library: Library) -> None:
    from tests.test_cli import run

    first, second = sorted(library.papers)[:2]
    library.change_marks([first], MarkChange(starred=True))
    library.change_marks([second], MarkChange(starred=True))
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
    library.change_marks(ids[:2], MarkChange(starred=True))
    assert library.starred_count() == 2
    library.change_marks([ids[0]], MarkChange(starred=False))
    assert library.starred_count() == 1
    Library.open(library.folder).change_marks([ids[2]], MarkChange(starred=True))  # another process
    library.refresh()
    assert library.starred_count() == 2


def test_undo_takes_back_only_what_the_change_altered(library: Library) -> None:
    """Another process tags the same papers between a change and its undo: the undo removes
    the tag it added and leaves the other one; redo puts its own tag back."""
    ids = sorted(library.papers)[:3]
    batch = library.change_marks(ids, MarkChange(add_tags=("batch-x",), starred=True))
    Library.open(library.folder).change_marks(ids[:2], MarkChange(add_tags=("other",)))
    undone = library.undo(batch)
    assert undone is not None and undone.undo_of == batch.id and undone.label == batch.label
    for paper_id in ids[:2]:
        assert library.marks_of(paper_id).tags == ["other"] and not library.marks_of(paper_id).starred
    assert library.marks_of(ids[2]).tags == []
    redone = library.redo(batch)
    assert redone.redo_of == batch.id
    assert Library.open(library.folder).marks_of(ids[0]).tags == ["other", "batch-x"]


def test_undo_without_a_batch_takes_the_latest_change_of_any_process(library: Library) -> None:
    first, second = sorted(library.papers)[:2]
    library.change_marks([first], MarkChange(starred=True))
    library.change_marks([first], MarkChange(read=True), auto=True)  # the browser's own: not offered
    other = Library.open(library.folder)
    other.change_marks([second], MarkChange(add_tags=("t",)))
    assert library.undo().label == "tag #t on 1 paper"  # type: ignore[union-attr]
    assert library.undo().label == "star on 1 paper"  # type: ignore[union-attr]
    assert library.undo() is None
    reopened = Library.open(library.folder)
    assert reopened.marks_of(first).read and not reopened.marks_of(first).starred
    assert [batch.label for batch in reopened.history()][-2:] == ["tag #t on 1 paper", "star on 1 paper"]


def test_papers_another_process_added_still_reach_refresh_after_an_undo(library: Library) -> None:
    """The browser's disk watch learns of an import through `refresh()`: an undo in between
    must not swallow it (it re-reads the marks it needs, not the catalog)."""
    from paperdeck.store.models import Paper

    batch = library.change_marks([sorted(library.papers)[0]], MarkChange(starred=True))
    other = Library.open(library.folder)
    other.add_papers(
        [Paper(id=f"imported-elsewhere-{n}", title=f"A Paper Imported Elsewhere Number {n}") for n in range(5)]
    )
    library.undo(batch)
    assert len(library.refresh().new_ids) == 5


def test_notes_are_marks_journaled_and_undone(library: Library) -> None:
    paper_id = sorted(library.papers)[5]
    first = library.change_marks([paper_id], MarkChange(note="Read §3 first.\nThen \x1b[2Jthe appendix.  "))
    assert library.marks_of(paper_id).note == "Read §3 first.\nThen the appendix."
    library.change_marks([paper_id], MarkChange(note="changed"))
    library.compact_marks()
    assert Library.open(library.folder).marks_of(paper_id).note == "changed"
    library.undo()
    assert Library.open(library.folder).marks_of(paper_id).note == "Read §3 first.\nThen the appendix."
    library.undo(first)
    assert Library.open(library.folder).marks_of(paper_id).note == ""


def test_a_library_of_the_previous_version_is_upgraded_once_and_keeps_everything(tmp_path: Path) -> None:
    """Files written by main before this version (tests/data/legacy-library: marks.json
    schema 1 plus per-paper journal lines): every mark survives the upgrade, notes then added
    survive a fold, and the old version can no longer fold the journal (it would drop notes)."""
    folder = tmp_path / "lib"
    shutil.copytree(LEGACY, folder)
    expected = {
        "anchored-supervised-fine-tuning": (True, ["thesis"], False),
        "dynamic-loss-based-sample-reweighting-for-improved-large-language-model-pretraining": (
            False,
            ["to-read", "gs"],
            False,
        ),
        "evil-52-c-zxzpba-clipboard-title-31mred": (False, [], True),
        "flexvar-flexible-visual-autoregressive-modeling-without-residual-prediction": (True, ["later"], False),
        "inception-v4-inception-resnet-and-the-impact-of-residual-connections-on-learning": (True, [], False),
    }
    library = Library.open(folder)
    found = {paper_id: (m.starred, m.tags, m.read) for paper_id, m in library.marks.items() if not m.is_empty}
    assert found == expected
    snapshot = orjson.loads(library.marks_path.read_bytes())
    assert snapshot["_meta"]["1"]["schema"] == 2 and journal(library).read_bytes() == b""
    upgraded = library.marks_path.read_bytes()
    Library.open(folder)
    assert library.marks_path.read_bytes() == upgraded  # once
    paper_id = "anchored-supervised-fine-tuning"
    library.change_marks([paper_id], MarkChange(note="keep me"))
    library.compact_marks()
    assert Library.open(folder).marks_of(paper_id).note == "keep me"
    # The previous version reads marks schema 1 only: it refuses this file (NewerSchemaError,
    # tests/test_library.py) instead of folding the journal without the notes.
    assert orjson.loads(library.marks_path.read_bytes())["_meta"]["1"]["schema"] > 1


def test_old_journal_lines_and_unknown_keys_keep_notes_through_a_fold(library: Library) -> None:
    """Lines of one paper's whole marks (the previous format) next to batches, one of them
    with a key a newer version wrote: folding keeps every note and the unknown key."""
    first, second = sorted(library.papers)[:2]
    library.change_marks([first], MarkChange(note="first note"))
    old_line = {"paper": second, "starred": True, "tags": ["old"], "read": False, "updated": 1.0}
    newer = {"paper": second, "starred": True, "tags": ["old"], "read": False, "note": "n", "colour": "red"}
    generation = library.marks_store.generation
    with journal(library).open("ab") as handle:
        handle.write(orjson.dumps({**old_line, "gen": generation}) + b"\n")
        handle.write(orjson.dumps({**newer, "gen": generation}) + b"\n")
    reopened = Library.open(library.folder)
    reopened.compact_marks()
    again = Library.open(library.folder)
    assert again.marks_of(first).note == "first note"
    assert again.marks_of(second).note == "n" and again.marks_of(second).extra == {"colour": "red"}
    assert again.marks_of(second).tags == ["old"]


def test_a_bulk_change_is_folded_by_the_next_process_that_opens_the_library(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk change stays one journal line (one fsync); replaying it would then cost every
    later start (~60 ms for 30,000 papers' changes), so the next opening folds it."""
    monkeypatch.setattr(marks_store, "COMPACT_AT", 3)
    ids = sorted(library.papers)[:5]
    snapshot_before = library.marks_path.read_bytes()
    library.change_marks(ids, MarkChange(add_tags=("bulk",)))
    assert library.marks_path.read_bytes() == snapshot_before and len(records(library)) == 1
    reopened = Library.open(library.folder)
    assert journal(library).read_bytes() == b"" and library.marks_path.read_bytes() != snapshot_before
    assert all(reopened.marks_of(paper_id).tags == ["bulk"] for paper_id in ids)
    assert Library.open(library.folder).marks_path.read_bytes() == library.marks_path.read_bytes()  # once
    undone = reopened.undo()  # the folded batch is in the history
    assert undone is not None and undone.count == 5
    assert not any(Library.open(library.folder).marks_of(paper_id).tags for paper_id in ids)


def test_marks_name_the_catalog_doc_id_of_their_paper(library: Library) -> None:
    """Journal batches and snapshot keys carry each paper's catalog doc id: a quick `list
    is:starred` finds the marked papers' lines by them (see tests/test_quick_queries.py)."""
    doc_ids = library.catalog.doc_ids
    ids = sorted(library.papers)[:4]
    library.change_marks(ids, MarkChange(starred=True))
    (record,) = records(library)
    assert {paper_id: change["doc"] for paper_id, change in record["papers"].items()} == {i: doc_ids[i] for i in ids}
    assert Library.open(library.folder).marks_store.doc_hints() == {i: doc_ids[i] for i in ids}
    library.compact_marks()
    snapshot = orjson.loads(library.marks_path.read_bytes())
    assert {item["paper"]: int(key) for key, item in snapshot["marks"].items()} == {i: doc_ids[i] for i in ids}


def test_a_fold_gives_old_marks_their_papers_doc_ids_and_keeps_marks_of_unknown_papers(tmp_path: Path) -> None:
    """The legacy library's marks were keyed 1, 2, 3… in their own file: after the upgrade's
    fold each record's key is its paper's catalog doc id, and a mark of a paper the catalog
    does not hold keeps a key of its own, never one of another paper."""
    folder = tmp_path / "lib"
    shutil.copytree(LEGACY, folder)
    library = Library.open(folder)
    orphan = "a-paper-this-catalog-never-had"
    kept = library.marks_store.marks  # as a catalog restored from an older backup would leave it
    kept[orphan] = kept[next(iter(kept))].copy()
    library.compact_marks()
    keys = {item["paper"]: int(key) for key, item in orjson.loads(library.marks_path.read_bytes())["marks"].items()}
    doc_ids = library.catalog.doc_ids
    assert all(keys[paper_id] == doc_ids[paper_id] for paper_id in keys if paper_id != orphan)
    assert keys[orphan] not in doc_ids.values() and len(set(keys.values())) == len(keys)
    assert Library.open(folder).marks_of(orphan).starred == library.marks_of(orphan).starred


def test_marks_keyed_by_an_older_version_are_folded_once_to_catalog_doc_ids(library: Library) -> None:
    """A snapshot an older version folded keeps whatever keys it had: the first open by this
    version folds it to catalog doc ids (and says so in its `_meta`), and only the first."""
    ids = sorted(library.papers)[:4]
    library.change_marks(ids, MarkChange(starred=True))
    library.compact_marks()
    tables = orjson.loads(library.marks_path.read_bytes())
    assert tables["_meta"]["1"]["keys"] == "catalog"
    del tables["_meta"]["1"]["keys"]  # as the previous version wrote it, with its own keys
    tables["marks"] = {str(number): record for number, record in enumerate(tables["marks"].values(), start=9000)}
    library.marks_path.write_bytes(orjson.dumps(tables))
    reopened = Library.open(library.folder)
    folded = orjson.loads(library.marks_path.read_bytes())
    doc_ids = library.catalog.doc_ids
    assert folded["_meta"]["1"]["keys"] == "catalog"
    assert {item["paper"]: int(key) for key, item in folded["marks"].items()} == {i: doc_ids[i] for i in ids}
    assert all(reopened.marks_of(paper_id).starred for paper_id in ids)
    Library.open(library.folder)
    assert library.marks_path.read_bytes() == orjson.dumps(folded)  # once
