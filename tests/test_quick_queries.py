"""What keeps a scripted `paperdeck list` quick at 100k papers without changing its answers:
the table of catalog lines saved beside the catalog (store/line_table.py), an index restored
over papers made only when read (PapersByPosition), and abstracts read one at a time until
many are wanted."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from paperdeck.store import catalog, catalog_reader, lazy_papers
from paperdeck.store.library import Library
from paperdeck.store.line_table import LINE_TABLE_FILE, LineTable, catalog_key, load_line_table
from paperdeck.store.mark_changes import MarkChange
from paperdeck.store.models import Link, Paper
from paperdeck.store.search import SORTS, PapersByPosition, SearchIndex, load_index, save_index
from paperdeck.store.search.index_file import read_snapshot
from paperdeck.store.search.matching import TIE_BREAK_LIMIT
from tests.test_cli import PAPERDECK


def every_paper(library: Library) -> dict[str, dict[str, object]]:
    """Every paper of a library as its record, each asked for by id."""
    return {paper_id: library.papers[paper_id].to_dict() for paper_id in list(library.papers)}


@pytest.fixture
def tabled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables of lines saved for any catalog, and used from the first record read."""
    monkeypatch.setattr(lazy_papers, "SAVED_FROM_BYTES", 0)
    monkeypatch.setattr(lazy_papers.CatalogLines, "BISECTIONS", 0)


@pytest.mark.usefixtures("tabled")
def test_the_table_of_lines_is_saved_used_and_a_stale_or_damaged_one_ignored(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = library.folder
    saved = folder / LINE_TABLE_FILE
    whole = {paper.id: paper.to_dict() for paper in Library.open(folder, abstracts=False).papers.values()}
    assert not saved.exists()
    assert every_paper(Library.open(folder, abstracts=False, lazy=True)) == whole
    assert saved.exists()

    # The next command takes the table from the file: with no line of the catalog found by
    # searching it, every paper still comes.
    real_pattern = lazy_papers._ID
    monkeypatch.setattr(lazy_papers, "_ID", re.compile(rb"(?!)(\d)(x)"))
    assert every_paper(Library.open(folder, abstracts=False, lazy=True)) == whole
    monkeypatch.setattr(lazy_papers, "_ID", real_pattern)

    # The first paper's record grows and the catalog is rewritten (a fold): every line after
    # it moved, so the saved table is stale and must not be read.
    monkeypatch.setattr(catalog, "FOLD_PAPERS", 0)
    first = next(iter(whole))
    grown = Library.open(folder)
    longer = Link("https://example.org/a-much-longer-record-than-before", "project")
    grown.add_papers([dataclasses.replace(grown.papers[first], links=[*grown.papers[first].links, longer])])
    whole = {paper.id: paper.to_dict() for paper in Library.open(folder, abstracts=False).papers.values()}
    assert longer.url in str(whole[first]["links"])
    assert every_paper(Library.open(folder, abstracts=False, lazy=True)) == whole
    assert load_line_table(saved, catalog_key((folder / "catalog.json").read_bytes())) is not None

    flipped = bytearray(saved.read_bytes())
    header_end = flipped.index(b"\n", len(b"paperdeck catalog lines\n"))
    flipped[header_end + 1 + 8 * len(whole) + 8 * 5] ^= 0x04  # where the sixth line starts
    for damage in (saved.read_bytes()[:-7], b"paperdeck catalog lines\n{}\n", b"\x00" * 64, bytes(flipped)):
        saved.write_bytes(damage)
        doctor = subprocess.run([PAPERDECK, "--library", str(folder), "doctor"], capture_output=True, text=True)
        assert doctor.returncode == 0 and f"{LINE_TABLE_FILE} (made for another catalog or unreadable;" in doctor.stdout
        assert every_paper(Library.open(folder, abstracts=False, lazy=True)) == whole
        assert load_line_table(saved, catalog_key((folder / "catalog.json").read_bytes())) is not None


def test_a_small_catalog_writes_no_table(library: Library) -> None:
    lazy = Library.open(library.folder, abstracts=False, lazy=True)
    assert len(every_paper(lazy)) == len(library.papers)
    assert not (library.folder / LINE_TABLE_FILE).exists()


def test_an_index_over_papers_made_when_read_answers_as_the_whole_one(seed_papers: list[Paper], tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib")
    copies = [dataclasses.replace(paper) for paper in seed_papers]  # an import stamps `added`
    third = len(copies) // 3  # three imports, the second the latest: added is not position
    chunks = (copies[:third], copies[third : 2 * third], copies[2 * third :])
    for chunk, now in zip(chunks, (1000.0, 3000.0, 2000.0), strict=True):
        library.add_papers(chunk, now=now)
    papers = list(library.papers.values())
    path = tmp_path / "index.bin"
    assert save_index(path, SearchIndex(papers))
    snapshot = read_snapshot(path)
    assert snapshot is not None and list(snapshot.added) == [paper.added for paper in papers]
    eager = SearchIndex(papers)  # built, not loaded: what the loaded one must answer
    starred = {papers[0].id: library.marks_of(papers[0].id)}
    like = f"like:{papers[5].id}"
    # Ranked words read the titles of the best group only (a tie-break), `is:new` none,
    # `like:` the ~40 it scores exactly, a phrase its candidates' titles.
    few = TIE_BREAK_LIMIT
    most_made = {"diffusion": few, "video generation": few, "fine-tuning": few, "is:new": 0, like: 60}
    most_made['"language models"'] = None
    for query, most in most_made.items():
        made: list[str] = []

        def make(paper_id: str, made: list[str] = made) -> Paper:
            made.append(paper_id)
            return library.papers[paper_id]

        lazy = load_index(path, PapersByPosition([paper.id for paper in papers], make), one_shot=True)
        assert lazy is not None
        assert list(lazy.search(query, starred).ids) == list(eager.search(query, starred).ids), query
        assert most is None or len(made) <= most, query
        for sort in SORTS:
            assert list(lazy.search(query, starred, sort).ids) == list(eager.search(query, starred, sort).ids)


def test_abstracts_are_read_one_by_one_until_many_are_wanted(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog_reader, "SINGLE_READS", 3)
    lazy = Library.open(library.folder, abstracts=False, lazy=True)
    ids = list(library.papers)[:6]
    texts = []
    for number, paper_id in enumerate(ids):
        texts.append(lazy.read_abstract(paper_id))
        assert lazy.abstracts_available == (number >= 3)
    assert texts == [library.papers[paper_id].abstract for paper_id in ids]
    assert all(texts)


def test_a_list_of_filters_loads_no_index_module(library: Library) -> None:
    """The search package hands out its names lazily: `list is:starred` imports the filters,
    not the index, its file, the ranking or the related-papers model."""
    script = (
        "import sys; from paperdeck.tui.__main__ import main;"
        f"code = main(['--library', {str(library.folder)!r}, 'list', 'is:starred']);"
        "print(sorted(m for m in sys.modules if m.startswith('paperdeck.store.search.')))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = result.stdout.strip().splitlines()[-1]
    assert "paperdeck.store.search.filters" in loaded
    for heavy in ("index", "index_file", "matching", "related", "postings"):
        assert f"'paperdeck.store.search.{heavy}'" not in loaded


def test_every_name_of_the_search_package_resolves() -> None:
    import paperdeck.store.search as search

    for name in search.__all__:
        assert getattr(search, name) is not None
    with pytest.raises(AttributeError):
        search.no_such_name  # noqa: B018


@pytest.mark.usefixtures("tabled")
def test_marked_papers_are_found_by_their_doc_ids_without_the_table_of_every_id(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`list is:starred` at 100k papers: the marks name their papers' catalog doc ids, so the
    lines are found from the saved table's arrays and the dict of 100,000 ids (~35 ms) is
    never made. A wrong hint is caught by the line's id and the paper found as before."""
    ids = list(library.papers)
    starred = ids[::3]
    library.change_marks(starred[:6], MarkChange(starred=True))
    library.compact_marks()  # hints from the snapshot's keys ...
    library.change_marks(starred[6:], MarkChange(starred=True))  # ... and from the journal's batches
    whole = every_paper(Library.open(library.folder, abstracts=False, lazy=True))  # the table saved
    expected = [record for paper_id, record in whole.items() if library.marks_of(paper_id).starred]  # catalog order
    table_of_ids = LineTable.doc_ids
    monkeypatch.setattr(LineTable, "doc_ids", property(lambda table: pytest.fail("the table of every id was made")))
    lazy = Library.open(library.folder, abstracts=False, lazy=True)
    assert [paper.to_dict() for paper in lazy.marked_papers(lambda marks: marks.starred)] == expected

    monkeypatch.setattr(LineTable, "doc_ids", table_of_ids)
    hints = lazy.marks_store.doc_hints()
    for wrong in ({i: doc + 1 for i, doc in hints.items()}, {i: -doc for i, doc in hints.items()}, {}):
        monkeypatch.setattr(lazy.marks_store, "doc_hints", lambda wrong=wrong: wrong)
        again = Library.open(library.folder, abstracts=False, lazy=True)
        monkeypatch.setattr(again.marks_store, "doc_hints", lambda wrong=wrong: wrong)
        found = [paper.to_dict() for paper in again.marked_papers(lambda marks: marks.starred)]
        assert sorted(found, key=str) == sorted(expected, key=str)  # the order follows the hints


def test_a_line_is_found_by_rank_when_doc_ids_have_no_gap_and_by_a_dict_otherwise() -> None:
    dense = LineTable.of({"a": 3, "b": 4, "c": 5}, {3: 10, 4: 20, 5: 30})
    gaps = LineTable.of({"a": 3, "b": 7, "c": 8}, {3: 10, 7: 20, 8: 30})
    swapped = LineTable.of({"a": 4, "b": 3, "c": 5}, {4: 10, 3: 20, 5: 30})  # not in doc order
    assert dense.dense and not gaps.dense and not swapped.dense
    assert [dense.start_of(doc) for doc in (2, 3, 4, 5, 6)] == [None, 10, 20, 30, None]
    assert [gaps.start_of(doc) for doc in (3, 4, 7, 8, 9)] == [10, None, 20, 30, None]
    assert [swapped.start_of(doc) for doc in (3, 4, 5)] == [20, 10, 30]


@pytest.mark.usefixtures("tabled")
def test_a_saved_table_without_the_dense_flag_still_finds_every_line(library: Library) -> None:
    """Tables saved before the flag (same format version) are read as having gaps."""
    whole = every_paper(Library.open(library.folder, abstracts=False, lazy=True))
    saved = library.folder / LINE_TABLE_FILE
    assert b'"dense":true,' in saved.read_bytes()
    saved.write_bytes(saved.read_bytes().replace(b'"dense":true,', b"", 1))
    table = load_line_table(saved, catalog_key((library.folder / "catalog.json").read_bytes()))
    assert table is not None and not table.dense
    assert every_paper(Library.open(library.folder, abstracts=False, lazy=True)) == whole


def test_a_paper_asked_for_again_is_not_searched_for_again(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """`star REF` asks the catalog for REF's doc id three times: one search of the file."""
    searched: list[str] = []
    doc_of = lazy_papers.CatalogLines.doc_of
    search = lambda lines, key: searched.append(key) or doc_of(lines, key)  # noqa: E731
    monkeypatch.setattr(lazy_papers.CatalogLines, "doc_of", search)
    lazy = Library.open(library.folder, abstracts=False, lazy=True)
    paper = lazy.resolve(sorted(library.papers)[4])
    lazy.change_marks([paper.id], MarkChange(starred=True))
    assert searched == [paper.id] and Library.open(library.folder).marks_of(paper.id).starred


@pytest.mark.parametrize("query", ["is:starred", "tag:later", "is:starred -tag:later", "is:read"])
def test_a_list_of_filters_orders_papers_as_the_browser_does(
    library: Library, query: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Papers of one import tie on the time added; the browser breaks the tie by catalog order.
    So must `paperdeck list`, whatever order the papers were marked in."""
    from paperdeck.tui.__main__ import main

    ids = list(library.papers)
    marked = ids[::-1][::2]  # marked from the last paper back
    library.change_marks(marked, MarkChange(starred=True))
    library.change_marks(marked[::3], MarkChange(add_tags=("later",)))
    library.change_marks(marked[1::4], MarkChange(read=True))
    index = SearchIndex(list(Library.open(library.folder).papers.values()))
    for sort in SORTS:
        browser = list(index.search(query, library.marks, sort).ids)
        assert main(["--library", str(library.folder), "list", query, "--sort", sort]) == 0
        listed = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
        assert listed == browser, (query, sort)
