"""The search index: one postings table per field (store.search.fields), built once and
updated incrementally, with deferred abstracts indexed in chunks on a worker thread.

Per keystroke the work is set algebra on posting lists (C speed) and a ranking pass grouped by
score (store.search.ranking); the vocabulary is fuzzy-matched only for words it does not
contain, and the match of each word is cached, so typing one more letter redoes only the last
word.

Thread-safety: `index_abstracts` may run on a worker while the thread that calls `search` and
`add` goes on: each change starts a new generation with fresh caches, and tables are replaced
whole (never changed under a reader) when their overlay is folded in.
"""

from __future__ import annotations

import threading
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

from paperdeck.store.models import Marks, Paper
from paperdeck.store.search.compounds import text_words
from paperdeck.store.search.fields import EAGER, FIELD_NAMES, NotesField
from paperdeck.store.search.matching import TextMatching
from paperdeck.store.search.postings import FlatPostings, Ints, Postings
from paperdeck.store.search.saved_ids import same_ids
from paperdeck.store.search.table import PapersByPosition, PaperTable
from paperdeck.store.search.words import EMPTY, Vocabulary, build_vocabulary
from paperdeck.store.text import word_set

# Matched words kept. A word's sets hold up to 100k positions (~7 MB), and every cached set
# that is young when the garbage collector runs is traversed: a cache of every prefix typed
# made one collection in ~100 keystrokes take 50 ms at 100k papers. The words of the query
# being typed are what is reused; prefixes rarely are once the next letter is typed (a
# backspace returns to the one before). Each entry is two sets: 32 + 8 entries were 4 MB of a
# 10k-paper browser's memory after a few queries.
WORD_CACHE_SIZE = 16
PREFIX_CACHE_SIZE = 4

# The overlay of a table (papers indexed since it was last made flat) is folded in once the
# abstracts are all indexed if it has more postings than this share of the flat part.
COMPACT_SHARE = 0.1


def _own_copy(lengths: array[int] | memoryview) -> array[int]:
    """Word counts that indexing may change (a view of a mapped file may not be written)."""
    copy = array("H")
    copy.frombytes(memoryview(lengths).cast("B"))  # one copy of the bytes, not an int per paper
    return copy


@dataclass(slots=True)
class IndexSnapshot:
    """What `SearchIndex.restore` needs to skip re-reading abstracts: the ids of the papers
    indexed, in position order, every field's table, the papers whose abstract is still to
    index, the compounds learned (hyphenated forms), each paper's count of distinct words and
    when each was added (the default order, known without making the papers)."""

    ids: Sequence[str]
    tables: dict[str, FlatPostings]
    unindexed: Ints
    compounds: list[bytes]
    lengths: array[int] | memoryview  # uint16
    added: array[float] | memoryview


def _own_abstract(paper: Paper) -> str:
    return paper.abstract


class SearchIndex(TextMatching):
    """Every field of every paper, indexed once and updated incrementally.

    With `defer_abstracts=True`, `SearchIndex(papers)` and `add` index every field but the
    abstract, and queue the abstracts for `index_abstracts`; until that is done a word found
    only in an abstract does not match. Searching is in store.search.matching.
    """

    def __init__(
        self,
        papers: Iterable[Paper] = (),
        *,
        defer_abstracts: bool = False,
        abstract_of: Callable[[Paper], str] | None = None,
    ) -> None:
        # Where abstracts come from: the papers themselves, or (the browser) a reader that
        # fetches each from disk, so that 100k abstracts need not stay in memory.
        self._abstract_of: Callable[[Paper], str] = abstract_of or _own_abstract
        self._table = PaperTable()
        self._tables: dict[str, Postings] = {name: Postings() for name in FIELD_NAMES}
        self._compounds: dict[bytes, bytes] = {}  # joined -> hyphenated (store.search.compounds)
        # Distinct title and abstract words per paper (BM25's length), 2 bytes each.
        self._lengths = array("H")
        self._notes = NotesField()
        self._defer_abstracts = defer_abstracts
        self._pending_abstracts: deque[int] = deque()  # positions whose abstract is not indexed yet
        self._abstract_lock = threading.Lock()  # one abstract indexer at a time
        self._snapshot_lock = threading.Lock()  # no paper is added while a snapshot is taken
        self._empty_abstracts: set[int] = set()  # indexed with no abstract: a merge may bring one
        self._generation = 0  # bumped whenever postings change; caches belong to one generation
        self._generation_lock = threading.Lock()
        self._vocabulary = EMPTY
        self._new_caches()
        self.add(papers)

    def __len__(self) -> int:
        return len(self._table)

    @property
    def abstracts_pending(self) -> int:
        """Papers whose abstract is not indexed yet (always 0 unless abstracts are deferred)."""
        return len(self._pending_abstracts)

    @property
    def complete(self) -> int:
        """Papers whose title and abstract are indexed (one found empty does not count)."""
        return len(self._table) - len(self._pending_abstracts) - len(self._empty_abstracts)

    @property
    def papers(self) -> Sequence[Paper]:
        """The indexed papers, in the order they were added."""
        return self._table.papers

    def paper(self, paper_id: str) -> Paper | None:
        """The indexed record of a paper, or None."""
        position = self._table.positions.get(paper_id)
        return None if position is None else self._table.papers[position]

    def stale(self, papers: Iterable[Paper]) -> list[Paper]:
        """Those of `papers` the index does not have, or has an older record of (another
        process's import reloaded the catalog meanwhile): what to `add`."""
        positions, held = self._table.positions, self._table.papers
        return [
            paper
            for paper in papers
            if (position := positions.get(paper.id)) is None
            or (held[position] is not paper and held[position] != paper)
        ]

    def add(self, papers: Iterable[Paper]) -> None:
        """Index new papers; a known id replaces its record (a merge only adds metadata)."""
        with self._snapshot_lock:
            changed = self._add(papers)
        if changed:
            self._after_adding()

    def update_note(self, paper_id: str, note: str) -> None:
        """A paper's note changed: only its words in the notes table change (~10 µs), no
        cache or vocabulary is rebuilt."""
        position = self._table.positions.get(paper_id)
        if position is not None:
            self._notes.set(position, note)

    def set_notes(self, marks: Mapping[str, Marks]) -> None:
        """Bring every note up to date with `marks` (at load, or after another process's marks)."""
        positions = self._table.positions
        noted = {positions[pid]: m.note for pid, m in marks.items() if m.note and pid in positions}
        for position in [p for p in self._notes.positions() if p not in noted]:
            self._notes.set(position, "")
        for position, note in noted.items():
            self._notes.set(position, note)

    def _after_adding(self, warm: bool = True) -> None:
        """Fresh caches, vocabulary and (`warm`) default order and facets for the papers just
        added."""
        self._table.changed()
        self._changed()
        if self._defer_abstracts:
            # The titles' vocabulary belongs to the build (the browser's worker thread), not to
            # the first keystroke on the UI thread (~50 ms at 100k papers).
            self._refresh()
        else:
            self.index_abstracts()
        # The default order and its ranks (~10 ms at 100k) and the facets (`year:` ~70 ms)
        # belong to the build, not to whichever keystroke first needs them; a one-shot
        # command makes only those its query needs.
        if warm:
            self._table.rank("added")
            self._table.build_facets()

    def _add(self, papers: Iterable[Paper]) -> bool:
        """Every field but the abstract; abstracts queued. True if any paper came."""
        title_get, append, pending = self._tables["title"].appender(), array.append, self._pending_abstracts
        compounds, table, lengths = self._compounds, self._table, self._lengths
        changed = False
        for paper in papers:
            changed = True
            position = table.positions.get(paper.id)
            if position is not None:
                old = table.replace(position, paper)
                self._index_eager(paper, position, old)
                if old.title == paper.title:  # as always for one id: only its abstract can be new
                    if old.abstract != paper.abstract or position in self._empty_abstracts:
                        pending.append(position)  # a merge may have brought the abstract it lacked
                    continue
                words = text_words(paper.title, compounds)
                lengths[position] = len(words)
            else:
                position = table.register(paper)
                words = text_words(paper.title, compounds)
                lengths.append(len(words))
                if paper.authors or paper.ai_keywords or paper.ai_summary:
                    self._index_eager(paper, position, None)
            # map/deque keep the per-word appends in C (as for abstracts, the bulk of the work).
            deque(map(append, map(title_get, words), repeat(position)), 0)
            pending.append(position)
        return changed

    def _index_eager(self, paper: Paper, position: int, old: Paper | None) -> None:
        """Authors, AI keywords and summary. Postings are never removed: a merge adds the
        words a refreshed summary brings (an old summary's other words stay until a rebuild)."""
        for field in EAGER:
            assert field.text_of is not None
            words = text_words(field.text_of(paper), self._compounds)
            if old is not None:
                words -= text_words(field.text_of(old), self._compounds)
            get = self._tables[field.name].appender()
            for word in words:
                get(word).append(position)

    def index_abstracts(self, limit: int | None = None) -> bool:
        """Index the abstracts of up to `limit` queued papers (all when None), oldest first.

        Returns True while more remain. ~60 µs a paper; the vocabulary for fuzzy and prefix
        matching is rebuilt at the end of each call (~50 ms at 100k papers) and the caches of
        matched words start afresh, so call it with a few thousand papers at a time.
        """
        with self._abstract_lock:
            pending = self._pending_abstracts
            count = len(pending) if limit is None else min(limit, len(pending))
            if count <= 0:
                return bool(pending)
            papers, abstract_get, append = self._table.papers, self._tables["abstract"].appender(), array.append
            compounds, lengths, popleft = self._compounds, self._lengths, pending.popleft
            for _ in range(count):
                position = popleft()
                paper = papers[position]
                # Words of the title are left out: a title hit already outranks an abstract hit.
                abstract = self._abstract_of(paper)
                if not abstract:
                    self._empty_abstracts.add(position)
                    continue
                self._empty_abstracts.discard(position)
                words = text_words(abstract, compounds)
                # Plain words of the title: its joined compounds (rare) may stay in both tables,
                # and the title is split 3x faster than by `text_words`.
                words.difference_update(word_set(paper.title))
                lengths[position] = min(65535, lengths[position] + len(words))
                deque(map(append, map(abstract_get, words), repeat(position)), 0)
            if not pending:
                with self._snapshot_lock:  # titles of papers added meanwhile go to the overlay
                    self._compact(COMPACT_SHARE)
            # The new vocabulary is built before the new generation starts, so a search on
            # another thread meanwhile keeps using the old one instead of building it too
            # (two 50 ms builds sharing the GIL made 150 ms keystrokes at 100k papers).
            base = self._generation
            vocabulary = self._build_vocabulary(base + 1)
            self._changed(vocabulary if self._generation == base else None)
            return bool(pending)

    def snapshot(self) -> IndexSnapshot:
        """The postings as they are, flat for saving (the tables are compacted first, if they
        need it: then ~0.3 s at 100k papers)."""
        with self._abstract_lock, self._snapshot_lock:
            self._compact(0.0)
            unindexed = sorted({*self._pending_abstracts, *self._empty_abstracts})
            return IndexSnapshot(
                list(self._table.ids),
                {name: table.flat() for name, table in self._tables.items()},
                array("i", unindexed),
                sorted(self._compounds.values()),
                array("H", self._lengths),
                array("d", self._table.added),
            )

    def _compact(self, share: float) -> None:
        """Fold each table's overlay into its flat part when it holds more than `share` of
        the postings (caller holds both locks, so that no posting is added meanwhile). The
        content is the same, so caches and the vocabulary stay valid."""
        for name, table in self._tables.items():
            overlay = table.overlay_size
            if overlay and overlay > share * table.size:
                self._tables[name] = table.compacted()

    @classmethod
    def restore(
        cls,
        papers: Sequence[Paper],
        snapshot: IndexSnapshot,
        abstract_of: Callable[[Paper], str] | None = None,
        warm: bool = True,
    ) -> SearchIndex | None:
        """An index of `papers` from a snapshot of an index of the first of them, or None when
        `papers` does not start with the snapshot's papers in the same order. Papers added
        since are indexed as by `add`; abstracts missing then are queued again. `warm`: the
        facets and default order made now (a browser), not on first use (one query).

        A paper's title never changes (its id is made from it), nor when it was added, and a
        merge only gives an abstract to a paper that had none, so postings of the same ids in
        the same order hold. Papers given as a `PapersByPosition` are made only when read.
        """
        count = len(snapshot.ids)
        lazy = isinstance(papers, PapersByPosition)
        ids = papers.ids[:count] if lazy else [paper.id for paper in papers[:count]]
        if not same_ids(snapshot.ids, ids) or set(snapshot.tables) != set(FIELD_NAMES):
            return None
        index = cls(defer_abstracts=True, abstract_of=abstract_of)
        head = papers.first(count) if lazy else list(papers[:count])
        index._table = PaperTable.restored(head, ids, snapshot.added)
        index._tables = {name: Postings(snapshot.tables[name]) for name in FIELD_NAMES}
        index._compounds.update((hyphenated.replace(b"-", b""), hyphenated) for hyphenated in snapshot.compounds)
        index._lengths = _own_copy(snapshot.lengths)
        index._pending_abstracts.extend(snapshot.unindexed)
        index._add(papers[count:])
        index._after_adding(warm)
        return index

    # --- generations and caches ------------------------------------------------------------------

    def _changed(self, vocabulary: Vocabulary | None = None) -> None:
        """Start a new generation: searches from now on use fresh caches (and `vocabulary`,
        when it was built for it). A search still running on another thread fills the old
        caches, which nothing reads any more."""
        with self._generation_lock:  # `+=` from two threads could lose a generation
            self._generation += 1
            if vocabulary is not None and vocabulary.generation == self._generation:
                self._vocabulary = vocabulary
            self._new_caches()

    def _new_caches(self) -> None:
        # Per instance and replaced whole: a new generation drops every cached set at once.
        self._finished_words = lru_cache(maxsize=WORD_CACHE_SIZE)(self._find_word)
        self._prefixes = lru_cache(maxsize=PREFIX_CACHE_SIZE)(self._find_word)
        self._vocabulary_matches = lru_cache(maxsize=1024)(self._find_vocabulary)
        self._phrase_hits = lru_cache(maxsize=64)(self._find_phrase)
        self._author_hits = lru_cache(maxsize=64)(self._find_author)
        self._author_vocabulary = lru_cache(maxsize=1)(self._build_author_vocabulary)
        self._related = lru_cache(maxsize=1)(self._related_model)

    def _refresh(self) -> Vocabulary:
        """The vocabulary of the current generation, rebuilt if postings changed since."""
        vocabulary = self._vocabulary
        generation = self._generation
        if vocabulary.generation == generation:
            return vocabulary
        vocabulary = self._build_vocabulary(generation)
        with self._generation_lock:
            if generation > self._vocabulary.generation:
                self._vocabulary = vocabulary
        return vocabulary

    def _build_vocabulary(self, generation: int) -> Vocabulary:
        """Every word of the free-text fields (authors have their own, for `author:`)."""
        return build_vocabulary(generation, (self._tables[name].counts() for name in self._text_fields))

    def _build_author_vocabulary(self) -> Vocabulary:
        return build_vocabulary(self._generation, [self._tables["authors"].counts()])
