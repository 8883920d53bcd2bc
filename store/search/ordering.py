"""Ordered results that are only put in order as far as someone looks.

A filter that keeps 60,000 of 100,000 papers must not sort 60,000 papers on a keystroke when
the list paints 40 of them. A `LazyOrder` holds groups (best first); a group is ordered by a
precomputed sort order only when an index inside it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet


class _OrderedAsRead(Sequence[int]):
    """Positions put in order (`_done`) only as far as they are read: subclasses say how in
    `_ensure(count)`."""

    __slots__ = ()
    _done: list[int]
    _length: int

    def _ensure(self, count: int) -> None:
        raise NotImplementedError

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):  # type: ignore[no-untyped-def,override]
        if isinstance(index, slice):
            start, stop, _ = index.indices(self._length)
            self._ensure(max(start, stop))
            return self._done[index]
        if index < 0:
            index += self._length
        self._ensure(index + 1)
        return self._done[index]

    def __iter__(self) -> Iterator[int]:
        self._ensure(self._length)
        return iter(self._done)


class LazyOrder(_OrderedAsRead):
    """Paper positions: the groups one after another, each in `order` (a precomputed sort).

    Groups may come from an iterator, computed only when the list is read that far: with
    `members` (every position of every group) the length and membership are known without
    them. Without `members`, the groups are taken as they are given.
    """

    __slots__ = ("_done", "_groups", "_length", "_members", "_order", "_rank", "_reorder_first")

    def __init__(
        self,
        groups: Iterable[AbstractSet[int]],
        order: list[int],
        rank: Callable[[], Sequence[int]],
        reorder_first: Callable[[list[int]], list[int]] | None = None,
        members: AbstractSet[int] | None = None,
    ) -> None:
        if members is None:
            groups = [group for group in groups if group]
            members = _Union(groups)
        self._groups: Iterator[AbstractSet[int]] = iter(groups)
        self._members = members
        self._order = order
        self._rank = rank
        self._reorder_first = reorder_first
        self._done: list[int] = []
        self._length = len(members)

    def _materialize_next(self) -> AbstractSet[int] | None:
        """Put the next non-empty group in order; None when there is none left."""
        group = next(self._groups, None)
        while group is not None and not group:
            group = next(self._groups, None)
        if group is None:
            return None
        if len(group) * 16 > len(self._order):
            # Dense: one scan of the full order (C-level membership tests).
            ordered = [i for i in self._order if i in group]
        else:
            ordered = sorted(group, key=self._rank().__getitem__)
        if self._reorder_first is not None and not self._done:
            ordered = self._reorder_first(ordered)
        self._done.extend(ordered)
        return group

    def _ensure(self, count: int) -> None:
        while len(self._done) < count and self._materialize_next() is not None:
            pass

    def index(self, position: int, start: int = 0, stop: int | None = None) -> int:  # type: ignore[override]
        """Where a paper position is in the result (ValueError when absent)."""
        if position not in self._members:
            raise ValueError(position)
        if position in self._done:
            return self._done.index(position)
        while True:
            done = len(self._done)
            group = self._materialize_next()
            if group is None:
                raise ValueError(position)
            if position in group:
                return self._done.index(position, done)


class _Union(AbstractSet[int]):
    """Membership and size of a few disjoint groups, without building their union."""

    __slots__ = ("_groups",)

    def __init__(self, groups: list[AbstractSet[int]]) -> None:
        self._groups = groups

    def __contains__(self, position: object) -> bool:
        return any(position in group for group in self._groups)

    def __len__(self) -> int:
        return sum(len(group) for group in self._groups)

    def __iter__(self) -> Iterator[int]:
        return (position for group in self._groups for position in group)


class IdView(Sequence[str]):
    """The ids of a result, mapped from positions on demand: no 100k-string list per keystroke."""

    __slots__ = ("_ids", "_order", "_positions")

    def __init__(self, order: Sequence[int], ids: list[str], positions: dict[str, int]) -> None:
        self._order, self._ids, self._positions = order, ids, positions

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, index):  # type: ignore[no-untyped-def,override]
        if isinstance(index, slice):
            return [self._ids[i] for i in self._order[index]]
        return self._ids[self._order[index]]

    def __iter__(self) -> Iterator[str]:
        ids = self._ids
        return (ids[i] for i in self._order)

    def index(self, paper_id: str, start: int = 0, stop: int | None = None) -> int:  # type: ignore[override]
        """Position of a paper id in the result (ValueError if absent)."""
        position = self._positions.get(paper_id)
        if position is None:
            raise ValueError(paper_id)
        return self._order.index(position)


HEAD = 200  # scored papers put in order first: a screen is ~40 rows, a page down or two more


class ScoredOrder(_OrderedAsRead):
    """Papers by descending score (ties: as in `order`), then, with `keep_rest`, every other
    paper of `subset` (None: all) in `order`. Only the first HEAD are ordered until the list is
    read past them: sorting 50,000 scores is ~20 ms, the head by `heapq.nlargest` ~3 ms."""

    __slots__ = ("_done", "_length", "_order", "_rank", "_rest", "_scores", "_sorted_all", "_subset")

    def __init__(
        self,
        scores: dict[int, float],
        order: list[int],
        rank: Callable[[], Sequence[int]],
        subset: AbstractSet[int] | None,
        keep_rest: bool,
    ) -> None:
        self._scores = scores
        self._order, self._rank, self._subset = order, rank, subset
        self._rest = keep_rest
        everything = len(order) if subset is None else len(subset)
        self._length = everything if keep_rest else len(scores)
        self._done: list[int] = []
        self._sorted_all = False

    def _key(self, position: int) -> tuple[float, int]:
        return (-self._scores[position], self._rank()[position])

    def _ensure(self, count: int) -> None:
        if len(self._done) >= count or self._sorted_all:
            return
        if count <= HEAD and not self._done:
            import heapq

            # Selected by score alone (a C key), then put in order with the ties' ranks.
            head = heapq.nlargest(HEAD, self._scores, key=self._scores.__getitem__)
            self._done = sorted(head, key=self._key)
            if len(self._done) < len(self._scores):
                return
        else:
            self._done = sorted(self._scores, key=self._key)
        self._sorted_all = True
        if self._rest:
            scores, subset = self._scores, self._subset
            self._done.extend(i for i in self._order if i not in scores and (subset is None or i in subset))

    def index(self, position: int, start: int = 0, stop: int | None = None) -> int:  # type: ignore[override]
        """Where a paper position is in the result (ValueError when absent)."""
        if position not in self._scores and not (self._rest and (self._subset is None or position in self._subset)):
            raise ValueError(position)
        self._ensure(self._length)
        return self._done.index(position)
