"""The saved search index: loaded, it answers every query exactly as an index built from the
papers; papers added since are indexed on load; and any file that is not whole, current and
ours is ignored (the index is then built as before), never trusted."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from paperdeck.store.models import Paper
from paperdeck.store.search import SearchIndex
from paperdeck.store.search.index_file import (
    MAGIC,
    VERSION,
    load_index,
    read_snapshot,
    save_if_more_complete,
    save_index,
)
from tests.test_search_deferred import abstract_only_word, answers


@pytest.fixture
def saved(tmp_path: Path, seed_papers: list[Paper]) -> Path:
    path = tmp_path / "search-index.bin"
    assert save_index(path, SearchIndex(seed_papers))
    return path


@pytest.mark.parametrize("one_shot", [False, True], ids=["read", "mapped"])
def test_a_loaded_index_answers_like_a_built_one(saved: Path, seed_papers: list[Paper], one_shot: bool) -> None:
    loaded = load_index(saved, seed_papers, one_shot=one_shot)
    assert loaded is not None
    assert loaded.abstracts_pending == 0
    assert answers(loaded) == answers(SearchIndex(seed_papers))
    # Abstract words come from the file: the papers given to load_index have no abstracts.
    bare = [dataclasses.replace(paper, abstract="") for paper in seed_papers]
    from_file = load_index(saved, bare, one_shot=one_shot)
    assert from_file is not None
    word, expected = abstract_only_word(seed_papers)
    found = list(from_file.search(word, {}).ids)
    assert expected <= set(found)
    assert found == list(SearchIndex(seed_papers).search(word, {}).ids)


@pytest.mark.parametrize("one_shot", [False, True], ids=["read", "mapped"])
def test_papers_added_since_the_save_are_indexed_on_load(
    tmp_path: Path, seed_papers: list[Paper], one_shot: bool
) -> None:
    """The new papers' words go to each table's overlay, over a flat part read or mapped;
    saving again folds them in."""
    path = tmp_path / "index.bin"
    half = len(seed_papers) // 2
    save_index(path, SearchIndex(seed_papers[:half]))
    loaded = load_index(path, seed_papers, one_shot=one_shot)
    assert loaded is not None
    assert len(loaded) == len(seed_papers)
    assert loaded.abstracts_pending == len(seed_papers) - half  # titles now, abstracts queued
    while loaded.index_abstracts(7):
        pass
    assert answers(loaded) == answers(SearchIndex(seed_papers))
    assert save_index(path, loaded)
    again = load_index(path, seed_papers, one_shot=one_shot)
    assert again is not None and again.abstracts_pending == 0
    assert answers(again) == answers(SearchIndex(seed_papers))


def test_an_abstract_that_was_empty_is_indexed_when_it_arrives(tmp_path: Path, seed_papers: list[Paper]) -> None:
    """A merge gives a paper that had none an abstract: the save remembers which were empty."""
    path = tmp_path / "index.bin"
    word, expected = abstract_only_word(seed_papers)
    target = next(paper for paper in seed_papers if paper.id in expected)
    without = [dataclasses.replace(p, abstract="") if p.id == target.id else p for p in seed_papers]
    built = SearchIndex(without)
    assert target.id not in built.search(word, {}).ids
    complete = built.complete
    save_index(path, built)
    loaded = load_index(path, seed_papers)  # the abstract is there now
    assert loaded is not None and loaded.abstracts_pending == 1
    loaded.index_abstracts()
    assert list(loaded.search(word, {}).ids) == list(SearchIndex(seed_papers).search(word, {}).ids)
    assert loaded.complete == complete + 1


def test_a_library_that_lost_or_reordered_papers_is_indexed_afresh(saved: Path, seed_papers: list[Paper]) -> None:
    assert load_index(saved, seed_papers[1:]) is None
    assert load_index(saved, seed_papers[::-1]) is None
    assert load_index(saved, seed_papers[:-1]) is None


@pytest.mark.parametrize(
    "damage",
    [
        "flip a byte in the postings",
        "truncate",
        "append",
        "other magic",
        "other version",
        "other byte order",
        "empty file",
        "not a header",
    ],
)
def test_a_damaged_or_foreign_file_is_ignored(saved: Path, seed_papers: list[Paper], damage: str) -> None:
    data = bytearray(saved.read_bytes())
    header_end = data.index(b"\n", len(MAGIC))
    if damage == "flip a byte in the postings":
        data[-100] ^= 0x01
    elif damage == "truncate":
        del data[-1000:]
    elif damage == "append":
        data += b"\0\0\0\0"
    elif damage == "other magic":
        data[:4] = b"PDF-"
    elif damage == "other version":
        data[len(MAGIC) : header_end] = data[len(MAGIC) : header_end].replace(
            b'"version":%d' % VERSION, b'"version":99'
        )
    elif damage == "other byte order":
        order = b'"byteorder":"little"' if b'"little"' in data[:header_end] else b'"byteorder":"big"'
        data[len(MAGIC) : header_end] = data[len(MAGIC) : header_end].replace(order, b'"byteorder":"middle"')
    elif damage == "empty file":
        data = bytearray()
    elif damage == "not a header":
        data[len(MAGIC) : header_end] = b"{" * (header_end - len(MAGIC))
    saved.write_bytes(bytes(data))
    assert read_snapshot(saved) is None
    assert read_snapshot(saved, mapped=True) is None
    assert load_index(saved, seed_papers) is None


def test_a_missing_file_is_no_index(tmp_path: Path, seed_papers: list[Paper]) -> None:
    assert load_index(tmp_path / "nothing.bin", seed_papers) is None


def test_the_index_is_saved_only_when_more_is_indexed(tmp_path: Path, seed_papers: list[Paper]) -> None:
    path = tmp_path / "index.bin"
    index = SearchIndex(seed_papers)
    save_if_more_complete(path, index, -1)  # built, not loaded: saved
    assert path.exists()
    stamp = path.stat().st_mtime_ns
    loaded = load_index(path, seed_papers)
    assert loaded is not None
    save_if_more_complete(path, loaded, loaded.complete)  # nothing new: the file stays
    assert path.stat().st_mtime_ns == stamp


@pytest.mark.parametrize("failure", ["ENOSPC at fsync", "ENOSPC at write"])
def test_a_disk_that_refuses_leaves_the_old_file(
    tmp_path: Path, seed_papers: list[Paper], monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """A cache that cannot be saved is not an error: the old file (or none) stays whole."""
    from tests.test_disk_full import refuse_writes

    path = tmp_path / "index.bin"
    save_index(path, SearchIndex(seed_papers[:10]))
    before = path.read_bytes()
    refuse_writes(monkeypatch, failure)
    assert save_index(path, SearchIndex(seed_papers)) is False
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.bin"]


@pytest.mark.parametrize("at_once", [1, 7, 4096])
def test_saved_ids_compare_exactly(monkeypatch: pytest.MonkeyPatch, seed_papers: list[Paper], at_once: int) -> None:
    """The saved ids are compared with the library's a chunk at a time, any chunk size."""
    from paperdeck.store.search import saved_ids

    monkeypatch.setattr(saved_ids, "COMPARED_AT_ONCE", at_once)
    ids = [paper.id for paper in seed_papers]
    saved = saved_ids.SavedIds("\n".join(ids).encode("utf-8"))
    assert saved.same_as(ids) and list(saved) == ids
    for other in (ids[:-1], [*ids, "one-more"], [*ids[:6], ids[6] + "x", *ids[7:]], [*ids[:-1], ids[-1][:-1]]):
        assert not saved.same_as(other)
    assert saved_ids.SavedIds(b"").same_as([]) and not saved_ids.SavedIds(b"").same_as(["a"])
