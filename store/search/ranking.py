"""Ranking by set algebra: papers matching every term (else the most terms), grouped best first
by how many terms hit a title, each group ordered lazily (store.search.ordering)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from itertools import chain


def best_matches(candidates: list[frozenset[int]]) -> AbstractSet[int]:
    """Papers in every term's hits; when none is, those in the most (a stray or mistyped
    extra word must not empty the list)."""
    matching: AbstractSet[int] = intersection(candidates)
    if not matching and len(candidates) > 1:
        counts = Counter(chain.from_iterable(candidates))
        best = max(counts.values(), default=0)
        matching = {i for i, count in counts.items() if count == best}
    return matching


def score_groups(matching: AbstractSet[int], title_sets: list[frozenset[int]]) -> Iterator[AbstractSet[int]]:
    """The matching papers grouped best first by how many words hit the title: with every
    word matched, a title hit (3) vs an abstract hit (1) is the whole score, so the groups are
    the score levels, computed with set algebra in C. Lazily: the first group (every word in
    the title) is one intersection and usually fills the screen; the rest are computed only
    when the list is read past it (they were ~5 ms of a 3-word keystroke at 100k)."""
    top = intersection([frozenset(matching), *title_sets]) if matching else frozenset()
    yield top
    # levels[j] = papers with at least j title hits
    levels: list[AbstractSet[int]] = [matching]
    for title in title_sets:
        hits = title & matching
        levels.append(set())
        for j in range(len(levels) - 1, 0, -1):
            levels[j] |= levels[j - 1] & hits  # type: ignore[operator]
    for j in range(len(levels) - 2, -1, -1):
        yield levels[j] - levels[j + 1]


def intersection(sets: list[frozenset[int]]) -> frozenset[int]:
    """Papers in every set, starting from the smallest (C iterates the smaller of each pair,
    and no copy of a 60k-paper set is made first)."""
    ordered = sorted(sets, key=len)
    return ordered[0].intersection(*ordered[1:])
