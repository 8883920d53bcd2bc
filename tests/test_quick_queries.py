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
from paperdeck.store.line_table import LINE_TABLE_FILE, catalog_key, load_line_table
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
