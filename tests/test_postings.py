"""The flat word -> positions table of the search index (store/postings.py): a flat part,
an overlay for what was added since, and compaction, against a plain dict of lists."""

from __future__ import annotations

import random
from array import array
from collections import defaultdict

import pytest

from paperdeck.store.models import Paper
from paperdeck.store.search import SearchIndex
from paperdeck.store.search.postings import FlatPostings, Postings
from tests.test_search_deferred import answers


def random_postings(seed: int, words: int, papers: int) -> dict[bytes, list[int]]:
    """word -> positions, as indexing would make them (each position once per word)."""
    rng = random.Random(seed)
    vocabulary = [f"w{rng.randrange(10**6)}".encode() for _ in range(words)]
    table: defaultdict[bytes, list[int]] = defaultdict(list)
    for position in range(papers):
        for word in set(rng.sample(vocabulary, rng.randint(0, 12))):
            table[word].append(position)
    return dict(table)


def add(table: Postings, postings: dict[bytes, list[int]]) -> None:
    """Append postings the way the index does, through `appender`."""
    get = table.appender()
    for word, positions in postings.items():
        get(word).extend(positions)


def assert_same(table: Postings, expected: dict[bytes, list[int]]) -> None:
    """Every word answers its positions, no other word answers, counts and words agree."""
    for word, positions in expected.items():
        assert word in table
        assert sorted(table.get(word)) == sorted(positions)
    assert b"missing" not in table and list(table.get(b"missing")) == []
    assert sorted(table.words()) == sorted(expected)
    assert table.counts() == {word: len(positions) for word, positions in expected.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_flat_part_overlay_and_compaction_answer_like_a_dict(seed: int) -> None:
    first = random_postings(seed, words=300, papers=400)
    later = {word: [p + 400 for p in positions] for word, positions in random_postings(seed + 10, 350, 100).items()}
    expected = {word: first.get(word, []) + later.get(word, []) for word in first.keys() | later.keys()}

    built = Postings()
    add(built, first)
    assert built.size == 0 and built.overlay_size == sum(map(len, first.values()))
    assert_same(built, first)

    flat = built.flat()
    assert flat.fits() and flat.words == sorted(first)
    loaded = Postings(flat)  # as read back from a saved index
    assert loaded.overlay_size == 0
    assert_same(loaded, first)

    add(loaded, later)  # papers imported since: some words new, some known
    assert_same(loaded, expected)
    compacted = loaded.compacted()
    assert compacted is not loaded and compacted.overlay_size == 0
    assert compacted.size == sum(map(len, expected.values()))
    assert_same(compacted, expected)
    assert_same(loaded, expected)  # the old table is left whole for a reader still holding it
    assert compacted.compacted() is compacted


def test_a_new_table_is_empty() -> None:
    table = Postings()
    assert list(table.words()) == [] and table.counts() == {} and b"a" not in table
    assert table.flat() == FlatPostings([], array("i"), array("i"))


@pytest.mark.parametrize(
    ("words", "counts", "positions"),
    [
        ([b"b", b"a"], [1, 1], [0, 1]),  # not sorted (a version 1 file)
        ([b"a", b"a"], [1, 1], [0, 1]),  # a word twice
        ([b"a", b"b"], [1], [0]),  # a count missing
        ([b"a", b"b"], [1, 2], [0, 1]),  # counts add up to more postings than there are
    ],
)
def test_parts_that_do_not_make_one_table_are_refused(
    words: list[bytes], counts: list[int], positions: list[int]
) -> None:
    assert not FlatPostings(words, array("i", counts), array("i", positions)).fits()


def test_a_built_index_ends_flat_and_answers_as_before(seed_papers: list[Paper]) -> None:
    """The browser's first start indexes abstracts in chunks into the overlay; the last chunk
    folds it into the flat tables (the memory the issue counts), with the same answers."""
    chunked = SearchIndex(seed_papers, defer_abstracts=True)
    while chunked.index_abstracts(50):
        assert (
            chunked._tables["abstract"].size == 0 and chunked._tables["abstract"].overlay_size > 0
        )  # chunks go to the overlay
    assert chunked._tables["title"].overlay_size == 0 and chunked._tables["abstract"].overlay_size == 0
    assert chunked._tables["title"].size > 0 and chunked._tables["abstract"].size > 0
    assert answers(chunked) == answers(SearchIndex(seed_papers))
