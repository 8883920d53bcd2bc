"""The papers a search runs over, by position: ids, facets (link kinds, numbers, days) and
sort orders. The index holds one and keeps it up to date; `filter_papers` makes one for a
single query without any index. Both filter and sort through it, so there is one
implementation of every filter and sort.

Facets and orders are computed on first use: a query with `is:starred` alone touches none of
them, which keeps `paperdeck list is:starred` at 100k papers to a scan of the marks.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, MutableSequence
from collections.abc import Set as AbstractSet

from paperdeck.store.models import Paper
from paperdeck.store.search.ordering import LazyOrder
from paperdeck.store.sorts import EVERY_SORT as EVERY_SORT
from paperdeck.store.sorts import SORTS as SORTS


def _has(paper: Paper) -> Iterable[str]:
    """What `has:` asks of a paper (links by kind, an AI summary, an arXiv id)."""
    kinds = [link.kind for link in paper.links]
    if paper.ai_summary:
        kinds.append("summary")
    if paper.arxiv_id:
        kinds.append("arxiv")
    return kinds


def _day(paper: Paper) -> Iterable[str]:
    """The day `date:` filters on: the Daily Papers list day, else the publication day."""
    day = paper.list_day or paper.published
    return (day,) if day else ()


# facet name -> the keys a paper has in it. Values -> positions, so `upvotes:>=10` or
# `date:2026-W34` unions a few sets instead of testing 100k papers.
FACETS: dict[str, Callable[[Paper], Iterable[object]]] = {
    "has": _has,
    "upvotes": lambda paper: () if paper.upvotes is None else (paper.upvotes,),
    "year": lambda paper: () if paper.year is None else (paper.year,),
    "day": _day,
}


def _newest_first(paper: Paper, position: int) -> tuple[int, int, int, int]:
    year, month, day = paper.date_key
    return (-year, -month, -day, position) if year else (1, 0, 0, position)


class PapersByPosition(MutableSequence[Paper]):
    """Papers by position, each made (by `make`, from its id) only when read: a query of a
    one-shot command reads a few thousand of 100,000 (making them all was ~0.4 s)."""

    def __init__(self, ids: Iterable[str], make: Callable[[str], Paper]) -> None:
        self._ids = list(ids)
        self._make = make
        self._papers: dict[int, Paper] = {}

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        """The papers' ids, in position order (a copy)."""
        return list(self._ids)

    def first(self, count: int) -> PapersByPosition:
        """The first `count` papers, as lazily (the papers made so far are shared)."""
        head = PapersByPosition(self._ids[:count], self._make)
        head._papers = {i: paper for i, paper in self._papers.items() if i < count}
        return head

    def __getitem__(self, index):  # type: ignore[no-untyped-def,override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._ids)))]
        if index < 0:
            index += len(self._ids)
        paper = self._papers.get(index)
        if paper is None:
            paper = self._papers[index] = self._make(self._ids[index])
        return paper

    def __setitem__(self, index, paper):  # type: ignore[no-untyped-def,override]
        self._papers[index] = paper

    def __delitem__(self, index):  # type: ignore[no-untyped-def,override]
        raise TypeError("papers keep their positions")

    def insert(self, index: int, paper: Paper) -> None:
        """Only at the end, as `PaperTable.register` appends."""
        if index != len(self._ids):
            raise TypeError("papers keep their positions")
        self._papers[index] = paper
        self._ids.append(paper.id)


class PaperTable:
    """Papers by position (the order they were added) with their ids, facets and orders."""

    def __init__(self, papers: Iterable[Paper] = ()) -> None:
        self.papers: MutableSequence[Paper] = []
        self.ids: list[str] = []
        self.positions: dict[str, int] = {}
        # When each was added (the default order, `is:new`), apart from the papers: a restored
        # index's table has them without making its papers (`restored`).
        self.added = array("d")
        self._facets: dict[str, defaultdict[object, set[int]]] = {}
        self._orders: dict[str, list[int]] = {}
        self._ranks: dict[str, array[int]] = {}
        # In bulk (C calls): registering 100k papers one by one was 70 ms of `paperdeck list`.
        self.papers.extend(papers)
        self.ids.extend(paper.id for paper in self.papers)
        self.positions.update(zip(self.ids, range(len(self.ids)), strict=True))
        self.added.extend(paper.added for paper in self.papers)

    @classmethod
    def restored(cls, papers: MutableSequence[Paper], ids: list[str], added: Iterable[float]) -> PaperTable:
        """A table of `papers` (e.g. a `PapersByPosition`) whose ids and times added are known
        without reading them (a saved index)."""
        table = cls()
        table.papers, table.ids, table.added = papers, list(ids), array("d", added)
        table.positions.update(zip(table.ids, range(len(table.ids)), strict=True))
        return table

    def __len__(self) -> int:
        return len(self.papers)

    def register(self, paper: Paper) -> int:
        """A new paper's position (facets already built are kept up to date)."""
        position = len(self.papers)
        self.positions[paper.id] = position
        self.papers.append(paper)
        self.ids.append(paper.id)
        self.added.append(paper.added)
        self._facet_paper(paper, position, add=True)
        return position

    def replace(self, position: int, paper: Paper) -> Paper:
        """Put a newer record of a known paper in place (a merge); the old one is returned."""
        old = self.papers[position]
        self._facet_paper(old, position, add=False)
        self.papers[position] = paper
        self.added[position] = paper.added
        self._facet_paper(paper, position, add=True)
        return old

    def changed(self) -> None:
        """Papers were added or replaced: orders are recomputed when next needed."""
        self._orders, self._ranks = {}, {}

    def _facet_paper(self, paper: Paper, position: int, add: bool) -> None:
        for name, facet in self._facets.items():
            for key in FACETS[name](paper):
                if add:
                    facet[key].add(position)
                else:
                    facet[key].discard(position)

    def facet(self, name: str) -> dict[object, set[int]]:
        """key -> positions of the papers with that key, built on first use (~40 ms at 100k)."""
        facet = self._facets.get(name)
        if facet is None:
            facet = defaultdict(set)
            keys_of = FACETS[name]
            # The positions dict's own int objects: enumerate's new ones were 28 bytes each more
            # (1.9 MB of a loaded 100k index).
            for position, paper in zip(self.positions.values(), self.papers, strict=True):
                for key in keys_of(paper):
                    facet[key].add(position)
            self._facets[name] = facet
        return facet

    def build_facets(self) -> None:
        """The facets of every keystroke's filters, now (the index's build) instead of on
        first use (`year:` was 70 ms at 100k); `date:` (~10 ms) waits for its first use."""
        for name in ("has", "upvotes", "year"):
            self.facet(name)

    def matching(self, name: str, holds: Callable[[object], bool]) -> set[int]:
        """Positions of papers with a key of facet `name` for which `holds` is true."""
        return set().union(*(positions for key, positions in self.facet(name).items() if holds(key)))

    def everything(self) -> set[int]:
        """Every position."""
        return set(range(len(self.papers)))

    def order(self, sort: str) -> list[int]:
        """All papers in a sort order (newest/highest first; title A-Z), computed once."""
        sort = "added" if sort in ("relevance", "for-you") else sort
        order = self._orders.get(sort)
        if order is None:
            if sort == "added":
                # Newest first, ties in position order: a stable sort reversed keeps them, and
                # its key is a C call (a tuple per paper made it 25 ms at 100k papers).
                order = sorted(range(len(self.papers)), key=self.added.__getitem__, reverse=True)
            else:
                order = sorted(range(len(self.papers)), key=self._sort_key(sort))
            self._orders[sort] = order
        return order

    def _sort_key(self, sort: str) -> Callable[[int], object]:
        papers = self.papers
        keys: dict[str, Callable[[int], object]] = {
            "date": lambda i: _newest_first(papers[i], i),
            "upvotes": lambda i: (-(papers[i].upvotes if papers[i].upvotes is not None else -1), i),
            "title": lambda i: (papers[i].title.lower(), i),
            "added": lambda i: (-self.added[i], i),
        }
        return keys[sort]

    def rank(self, sort: str) -> array[int]:
        """rank[i] = the place of paper i in the sort order (an array: read a few hundred
        times a keystroke, while a list held an int object per paper, 3 MB at 100k)."""
        sort = "added" if sort in ("relevance", "for-you") else sort
        rank = self._ranks.get(sort)
        if rank is None:
            rank = array("i", bytes(4 * len(self.papers)))
            for place, position in enumerate(self.order(sort)):
                rank[position] = place
            self._ranks[sort] = rank
        return rank

    def ordered(self, subset: AbstractSet[int] | None, sort: str) -> list[int] | LazyOrder:
        """A subset in a sort order, ordered lazily as far as it is read. A small subset of a
        table with no order yet is sorted alone: 5,000 starred papers of 100k sort in ~5 ms,
        where the whole order is ~150 ms (what `paperdeck list is:starred` would pay)."""
        if subset is None:
            return self.order(sort)
        key = "added" if sort in ("relevance", "for-you") else sort
        if key not in self._orders and len(subset) * 8 < len(self.papers):
            return sorted(subset, key=self._sort_key(key))
        return LazyOrder([subset], self.order(sort), lambda: self.rank(sort), members=subset)
