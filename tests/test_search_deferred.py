"""The index's shortcuts answer like the plain way: built in two phases (titles now, abstracts
in chunks) as built at once, the word being typed looked up among the other words' hits as
over every paper; merges replace a paper's numbers and links."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator

import pytest

from paperdeck.store.models import Link, Marks, Paper
from paperdeck.store.search import SearchIndex
from paperdeck.store.search.ordering import LazyOrder
from tests.test_search import RANKING

QUERIES = [query for query, _ in RANKING] + ["residual ", "gaussian splatting city ", "diffusion", "tra"]


def answers(index: SearchIndex) -> dict[str, list[str]]:
    """Every query's full result, in order."""
    return {query: list(index.search(query, {}).ids) for query in QUERIES}


def abstract_only_word(papers: list[Paper]) -> tuple[str, set[str]]:
    """A word that is in some abstract but in no title, and the papers that have it."""
    for paper in papers:
        for word in sorted(paper.abstract.lower().split(), key=len, reverse=True):
            if word.isalpha() and len(word) > 8 and all(word not in p.title.lower() for p in papers):
                return word, {p.id for p in papers if word in p.abstract.lower().split()}
    raise AssertionError("no abstract-only word in the seed library")


def test_chunks_end_where_one_build_ends(seed_papers: list[Paper]) -> None:
    eager = SearchIndex(seed_papers)
    deferred = SearchIndex(seed_papers, defer_abstracts=True)
    assert deferred.abstracts_pending == len(seed_papers)
    chunks = 1
    while deferred.index_abstracts(50):
        chunks += 1
    assert chunks == -(-len(seed_papers) // 50)
    assert deferred.abstracts_pending == 0
    assert not deferred.index_abstracts(50)
    assert answers(deferred) == answers(eager)


def test_titles_answer_before_abstracts(seed_papers: list[Paper]) -> None:
    word, with_word = abstract_only_word(seed_papers)
    index = SearchIndex(seed_papers, defer_abstracts=True)
    first = seed_papers[0]
    assert first.id in index.search(first.title.split()[0] + " ", {}).ids
    assert not set(index.search(word + " ", {}).ids) & with_word
    index.index_abstracts()
    assert with_word <= set(index.search(word + " ", {}).ids)


def test_added_papers_queue_their_abstracts_when_deferred(seed_papers: list[Paper]) -> None:
    index = SearchIndex(seed_papers[:10], defer_abstracts=True)
    index.index_abstracts()
    index.add(seed_papers[10:20])
    assert index.abstracts_pending == 10 and len(index) == 20
    index.index_abstracts()
    assert answers(index) == answers(SearchIndex(seed_papers[:20]))


def test_abstracts_indexed_on_a_worker_while_searching(seed_papers: list[Paper]) -> None:
    index = SearchIndex(seed_papers, defer_abstracts=True)

    def index_all() -> None:
        while index.index_abstracts(7):
            pass

    worker = threading.Thread(target=index_all)
    worker.start()
    while worker.is_alive():
        for query in QUERIES[:5]:
            index.search(query, {})
    worker.join()
    assert answers(index) == answers(SearchIndex(seed_papers))


def test_papers_added_while_a_worker_indexes_and_compacts(seed_papers: list[Paper]) -> None:
    """The browser's case: its worker indexes abstracts, builds vocabularies and, at the end,
    folds the overlay into flat tables, while the UI thread searches and adds papers another
    process imported. Nothing is lost and nothing raises on either thread."""
    first, later = seed_papers[: len(seed_papers) // 2], seed_papers[len(seed_papers) // 2 :]
    index = SearchIndex(first, defer_abstracts=True)
    failures: list[BaseException] = []

    def index_all() -> None:
        try:
            for _ in range(200):
                while index.index_abstracts(5):
                    pass
        except BaseException as error:  # reported on the test's thread
            failures.append(error)

    worker = threading.Thread(target=index_all)
    worker.start()
    for start in range(0, len(later), 10):
        index.add(later[start : start + 10])
        for query in QUERIES[:3]:
            index.search(query, {})
    worker.join()
    assert not failures
    index.index_abstracts()
    assert answers(index) == answers(SearchIndex(seed_papers))


def test_merge_replaces_numbers_and_links(seed_papers: list[Paper]) -> None:
    paper = next(p for p in seed_papers if not p.links)
    index = SearchIndex([dataclasses.replace(paper, upvotes=7)])
    assert list(index.search("upvotes:7", {}).ids) == [paper.id]
    index.add([dataclasses.replace(paper, upvotes=9, links=[Link("https://github.com/a/b", "code")])])
    assert not index.search("upvotes:7", {}).ids
    assert list(index.search("upvotes:9", {}).ids) == [paper.id]
    assert list(index.search("has:code", {}).ids) == [paper.id]
    index.add([paper])
    assert not index.search("has:code", {}).ids and not index.search("upvotes:>=0", {}).ids


@pytest.mark.parametrize(
    ("finished", "typing"),
    [("gaussian", "spla"), ("diffusion", "mod"), ("language", "m"), ("llm", "agen"), ('"language models"', "rea")],
)
def test_word_being_typed_matches_as_over_every_paper(index: SearchIndex, finished: str, typing: str) -> None:
    alone = set(index.search(finished + " ", {}).ids) & set(index.search(typing, {}).ids)
    assert alone  # the shortcut's case, not the partial-match fallback
    together = index.search(f"{finished} {typing}", {}).ids
    assert set(together) == alone and len(together) == len(alone)
    marks = {paper_id: Marks(starred=True) for paper_id in list(alone)[::2]}
    assert set(index.search(f"is:starred {finished} {typing}", marks).ids) == set(marks)


def test_word_being_typed_falls_back_to_partial_matches(index: SearchIndex) -> None:
    gaussian, speculative = set(index.search("gaussian ", {}).ids), set(index.search("speculat", {}).ids)
    assert gaussian and speculative and not gaussian & speculative
    # No paper has both words: the papers with either are listed, as over every paper.
    assert set(index.search("gaussian speculat", {}).ids) == gaussian | speculative


@pytest.fixture(scope="module")
def index(seed_papers: list[Paper]) -> SearchIndex:
    return SearchIndex(seed_papers)


def test_lazy_groups_are_computed_only_when_read() -> None:
    computed: list[int] = []

    def groups() -> Iterator[set[int]]:
        for group in ({5, 1}, set(), {3}, {0, 4}):
            computed.append(len(group))
            yield group

    order = LazyOrder(groups(), [0, 1, 2, 3, 4, 5], lambda: [0, 1, 2, 3, 4, 5], members={0, 1, 3, 4, 5})
    assert len(order) == 5 and computed == []
    assert order[0] == 1 and computed == [2]
    with pytest.raises(ValueError):
        order.index(2)  # not a member: no group is computed to find out
    assert computed == [2]
    assert order.index(4) == 4 and list(order) == [1, 5, 3, 0, 4]


def test_an_abstract_merged_into_a_paper_that_had_none_is_indexed(seed_papers: list[Paper]) -> None:
    """The browser re-adds papers an import merged into; one that had no abstract gets its
    abstract queued and indexed, in a deferred index as in a built one."""
    word, expected = abstract_only_word(seed_papers)
    target = next(paper for paper in seed_papers if paper.id in expected)
    without = [dataclasses.replace(p, abstract="") if p.id == target.id else p for p in seed_papers]
    for index in (SearchIndex(without), SearchIndex(without, defer_abstracts=True)):
        index.index_abstracts()
        assert target.id not in index.search(word, {}).ids
        index.add([target])
        index.index_abstracts()
        assert list(index.search(word, {}).ids) == list(SearchIndex(seed_papers).search(word, {}).ids)


def test_stale_names_papers_the_index_lacks_or_holds_an_older_record_of(seed_papers: list[Paper]) -> None:
    index = SearchIndex(seed_papers[:-1])
    assert index.stale(seed_papers[:-1]) == []
    merged = dataclasses.replace(seed_papers[0], upvotes=(seed_papers[0].upvotes or 0) + 1)
    reloaded = dataclasses.replace(seed_papers[1])  # a new object with the same record
    assert index.stale([merged, reloaded, *seed_papers[2:]]) == [merged, seed_papers[-1]]
