"""One table of the search index: word -> positions of the papers that have it.

Held flat: every word in one sorted list and every posting in one int32 array, a word's
postings being one slice of it (found by bisection). Papers indexed since the table was last
made flat go to a small overlay of one array per word, which `compacted` folds in. One array
object per word (and a dict entry over it) cost ~100 bytes a word besides its postings: 11 MB
of a 10,000-paper library's 20 MB index, 60 MB at 100,000 papers.

Arrays, not lists: 4 bytes a posting instead of 8, and the garbage collector does not
traverse them (a list-based index cost a 50 ms pause in full collections at 100k papers).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import accumulate, chain, pairwise
from operator import sub
from typing import TypeAlias

_new_postings = partial(array, "i")
# int32 arrays, or views of them in a mapped index file (store/search/index_file.py)
Ints: TypeAlias = "array[int] | memoryview"


@dataclass(slots=True)
class FlatPostings:
    """A table as saved: its words in sorted order, how many papers each has, and every
    posting in word order (arrays: written and read as raw bytes)."""

    words: list[bytes]
    counts: Ints
    positions: Ints

    @classmethod
    def of(cls, table: Mapping[bytes, Sequence[int]]) -> FlatPostings:
        """Flatten a word -> postings table (any order of words)."""
        words = sorted(table)
        positions = array("i")
        # map/deque: the per-word loop in C (~0.1 s of a 100k build's compaction in Python).
        lists = list(map(table.__getitem__, words))
        deque(map(positions.extend, lists), 0)
        return cls(words, array("i", map(len, lists)), positions)

    def fits(self) -> bool:
        """Whether the parts make one table: a count per word, words sorted and distinct,
        and as many postings as the counts add up to."""
        words = self.words
        return (
            len(words) == len(self.counts)
            and sum(self.counts) == len(self.positions)
            and all(a < b for a, b in pairwise(words))
        )


class Postings:
    """Word -> positions, flat with an overlay for words added since (see the module)."""

    __slots__ = ("_ends", "_fresh", "_positions", "_words")

    def __init__(self, flat: FlatPostings | None = None) -> None:
        """A table of `flat` (sorted, as `FlatPostings.fits` checks), or an empty one."""
        self._words: list[bytes] = flat.words if flat else []
        self._ends = array("q", accumulate(flat.counts)) if flat else array("q")
        self._positions: Ints = flat.positions if flat else array("i")
        self._fresh: defaultdict[bytes, array[int]] = defaultdict(_new_postings)

    def appender(self) -> Callable[[bytes], array[int]]:
        """word -> the array to append new positions of that word to (the indexing loop's
        `map` target: lookups and appends stay in C)."""
        return self._fresh.__getitem__

    def _slot(self, word: bytes) -> int:
        """The index of `word` in the flat part, or -1."""
        words = self._words
        slot = bisect_left(words, word)
        return slot if slot < len(words) and words[slot] == word else -1

    def get(self, word: bytes) -> Sequence[int]:
        """The positions of the papers with `word` (empty when none)."""
        slot = self._slot(word)
        fresh = self._fresh.get(word)
        if slot < 0:
            return fresh if fresh is not None else ()
        flat = self._positions[self._ends[slot - 1] if slot else 0 : self._ends[slot]]
        if fresh is None:
            return flat
        joined = array("i", flat)  # a copy either way: `flat` may be a view of a mapped file
        joined.extend(fresh)
        return joined

    def __bool__(self) -> bool:
        """False for a table with no word (authors, keywords, summaries of a library of dumps)."""
        return bool(self._words) or bool(self._fresh)

    def count(self, word: bytes) -> int:
        """How many papers have `word` (no copy of their postings)."""
        slot = self._slot(word)
        fresh = self._fresh.get(word)
        flat = self._ends[slot] - (self._ends[slot - 1] if slot else 0) if slot >= 0 else 0
        return flat + (len(fresh) if fresh is not None else 0)

    def __contains__(self, word: bytes) -> bool:
        return word in self._fresh or self._slot(word) >= 0

    def words(self) -> Iterable[bytes]:
        """Every word, flat ones in order, then those only in the overlay."""
        if not self._fresh:
            return self._words
        return [*self._words, *(word for word in self._fresh.copy() if self._slot(word) < 0)]

    def _flat_counts(self) -> Iterable[int]:
        ends = self._ends
        return map(sub, ends, chain((0,), ends))  # C calls: a generator was ~30 ms at 100k

    def counts(self) -> dict[bytes, int]:
        """Papers per word, for every word (a transient: the vocabulary keeps them as an array)."""
        found = dict(zip(self._words, self._flat_counts(), strict=True))
        # The indexing thread may be adding words to the overlay: dict.copy() takes it in one C
        # call that runs no Python code; list(items()) makes a tuple per word, and a garbage
        # collection that makes can switch threads halfway ("changed size during iteration").
        for word, fresh in self._fresh.copy().items():
            found[word] = found.get(word, 0) + len(fresh)
        return found

    @property
    def overlay_size(self) -> int:
        """Postings in the overlay (what `compacted` would fold in)."""
        return sum(map(len, self._fresh.values()))

    @property
    def size(self) -> int:
        """Postings in the flat part."""
        return len(self._positions)

    def compacted(self) -> Postings:
        """This table with the overlay folded into the flat part (self when there is none).
        A new object: a reader on another thread keeps a whole table either way."""
        if not self._fresh:
            return self
        if not self._words:
            return Postings(FlatPostings.of(self._fresh))
        return Postings(FlatPostings.of({word: self.get(word) for word in self.words()}))

    def flat(self) -> FlatPostings:
        """The table as saved (compacted first when it has an overlay)."""
        table = self.compacted()
        return FlatPostings(table._words, array("i", table._flat_counts()), table._positions)
