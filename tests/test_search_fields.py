"""Index fields beyond title and abstract (authors, AI keywords and summary, notes), the new
filters (author:, date:, is:new, has:summary/arxiv/note), and `filter_papers`, which answers
filter-only queries with no index exactly as the index does."""

from __future__ import annotations

import dataclasses

import pytest

from paperdeck.store.models import Marks, Paper
from paperdeck.store.search import SearchIndex, filter_papers
from paperdeck.store.search.index import SearchIndex as IndexClass

AUTHORS = (["Geoffrey Hinton", "Yann LeCun"], ["Ada Lovelace"], ["Alan Turing", "Grace Hopper"])


@pytest.fixture(scope="module")
def papers(seed_papers: list[Paper]) -> list[Paper]:
    """The seeds with authors, list days, AI summaries, keywords and arXiv ids on some."""
    enriched = []
    for i, paper in enumerate(seed_papers):
        enriched.append(
            dataclasses.replace(
                paper,
                authors=AUTHORS[i % 3] if i % 2 == 0 else [],
                list_day=f"2026-08-{i % 28 + 1:02d}" if i % 4 else None,
                published=paper.published or (f"2025-12-{i % 28 + 1:02d}" if i % 4 == 0 and i % 8 else None),
                ai_summary="A quokka-inspired summary." if i % 5 == 0 else None,
                ai_keywords=["marsupial computing"] if i % 7 == 0 else [],
                arxiv_id=f"2608.{i:05d}" if i % 3 == 0 else None,
                added=1000.0 if i < 300 else 2000.0,
            )
        )
    return enriched


@pytest.fixture(scope="module")
def index(papers: list[Paper]) -> SearchIndex:
    return SearchIndex(papers)


def ids_where(papers: list[Paper], keep: object) -> set[str]:
    return {paper.id for paper in papers if keep(paper)}  # type: ignore[operator]


def test_author_filter_is_typo_tolerant_and_a_prefix_while_typing(index: SearchIndex, papers: list[Paper]) -> None:
    hinton = ids_where(papers, lambda p: "Geoffrey Hinton" in p.authors)
    assert set(index.search("author:hinton ", {}).ids) == hinton
    assert set(index.search("author:hintn ", {}).ids) == hinton  # a typo
    assert set(index.search("author:hin", {}).ids) == hinton  # typing
    assert set(index.search("author:geoffrey-hinton ", {}).ids) == hinton
    assert not index.search("author:hinton author:turing ", {}).ids
    assert set(index.search("author:turing diffusion", {}).ids) <= ids_where(
        papers, lambda p: "Alan Turing" in p.authors
    )


def test_free_words_find_keywords_and_summaries(index: SearchIndex, papers: list[Paper]) -> None:
    assert set(index.search("quokka ", {}).ids) == ids_where(papers, lambda p: p.ai_summary)
    assert set(index.search("marsupial ", {}).ids) == ids_where(papers, lambda p: p.ai_keywords)


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("date:2026-08-06", lambda p: (p.list_day or p.published) == "2026-08-06"),
        ("date:>=2026-08-20", lambda p: (p.list_day or p.published or "") >= "2026-08-20"),
        ("date:<2026-08-01", lambda p: bool(p.list_day or p.published) and (p.list_day or p.published) < "2026-08-01"),
        ("date:2026-W32", lambda p: "2026-08-03" <= (p.list_day or p.published or "") <= "2026-08-09"),
        ("date:2025-12", lambda p: (p.list_day or p.published or "").startswith("2025-12")),
        ("has:summary", lambda p: p.ai_summary),
        ("-has:arxiv", lambda p: not p.arxiv_id),
        ("is:new", lambda p: p.added == 2000.0),
        ("has:code -is:new", lambda p: any(link.kind == "code" for link in p.links) and p.added < 2000.0),
    ],
)
def test_filters_with_and_without_an_index(index: SearchIndex, papers: list[Paper], query: str, keep: object) -> None:
    expected = ids_where(papers, keep)
    assert expected and set(index.search(query, {}).ids) == expected
    for sort in ("added", "date", "title", "upvotes"):
        assert list(filter_papers(query, papers, {}, sort=sort).ids) == list(index.search(query, {}, sort=sort).ids)


def test_is_new_takes_the_previous_session(index: SearchIndex, papers: list[Paper]) -> None:
    assert len(index.search("is:new", {}, new_since=500.0).ids) == len(papers)
    assert not index.search("is:new", {}, new_since=2000.0).ids


def test_marks_filters_without_an_index(papers: list[Paper]) -> None:
    marks = {
        papers[3].id: Marks(starred=True, note="read again"),
        papers[1].id: Marks(tags=["x"], read=True),
        papers[7].id: Marks(note="quokka"),
    }
    assert set(filter_papers("has:note", papers, marks).ids) == {papers[3].id, papers[7].id}
    assert list(filter_papers("is:starred", papers, marks).ids) == [papers[3].id]
    assert list(filter_papers("#x is:read", papers, marks).ids) == [papers[1].id]
    assert len(filter_papers("-has:note", papers, marks).ids) == len(papers) - 2
    warned = filter_papers("diffusion is:starred", papers, marks)
    assert list(warned.ids) == [papers[3].id] and "need the search index" in warned.warnings[0]


def test_notes_are_searchable_and_cheap_to_change(papers: list[Paper], monkeypatch: pytest.MonkeyPatch) -> None:
    index = SearchIndex(papers[:50])
    marks = {papers[3].id: Marks(note="Compare with the wombat baseline")}
    index.set_notes(marks)
    assert list(index.search("wombat ", marks).ids) == [papers[3].id]
    assert list(index.search("womb", marks).ids) == [papers[3].id]  # typing
    assert list(index.search("wombet ", marks).ids) == [papers[3].id]  # a typo
    generation = index._generation
    rebuilds = []
    monkeypatch.setattr(IndexClass, "_build_vocabulary", lambda *args: rebuilds.append(args))
    index.update_note(papers[3].id, "nothing here")
    index.update_note(papers[4].id, "a wombat too")
    assert index._generation == generation and not rebuilds  # no cache or vocabulary rebuilt
    assert list(index.search("wombat ", {}).ids) == [papers[4].id]
    index.set_notes({})
    assert not index.search("wombat ", {}).ids


def test_a_merge_adds_the_words_of_new_fields(papers: list[Paper]) -> None:
    bare = dataclasses.replace(papers[1], authors=[], ai_keywords=[], ai_summary=None)
    index = SearchIndex([bare])
    assert not index.search("author:lovelace", {}).ids
    index.add([dataclasses.replace(bare, authors=["Ada Lovelace"], ai_summary="Wombats.")])
    assert list(index.search("author:lovelace", {}).ids) == [bare.id]
    assert list(index.search("wombats ", {}).ids) == [bare.id]
    assert list(index.search("has:summary", {}).ids) == [bare.id]


def test_a_near_spelling_finds_notes_written_after_an_earlier_search() -> None:
    """The words of notes by length are kept between keystrokes and rebuilt after a change."""
    from paperdeck.store.search.fields import NotesField
    from paperdeck.store.search.words import load_fuzzy_matching

    load_fuzzy_matching()
    notes = NotesField()
    notes.set(1, "gaussian splatting")
    assert notes.find("gausian", False) == {1}
    notes.set(2, "tomography remark")
    assert notes.find("tomografy", False) == {2}
    notes.set(1, "")
    assert notes.find("gausian", False) == set()
