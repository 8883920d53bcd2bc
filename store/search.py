"""The search engine behind the filter bar and `paperdeck list`: an inverted index over titles
and abstracts with typo-tolerant, prefix and acronym matching, ranked so papers matching every
word come first and title hits beat abstract hits.

Per keystroke the work is set algebra on posting lists (C speed) and a ranking pass grouped by
score; the vocabulary is fuzzy-matched only for words it does not contain, and the match of
each word is cached, so typing one more letter redoes only the last word.

Titles are indexed as papers are added; abstracts (nine tenths of the work) can be deferred
and indexed in chunks with `index_abstracts`, so a big library is searchable by title at once.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, repeat

from paperdeck.store.acronyms import ACRONYMS
from paperdeck.store.models import Marks, Paper
from paperdeck.store.ordering import IdView, LazyOrder
from paperdeck.store.postings import FlatPostings, Postings
from paperdeck.store.query import Comparison, Query, parse_query
from paperdeck.store.text import phrase_finder, word_set

SORTS = ("relevance", "date", "upvotes", "title", "added")

TITLE_WEIGHT = 3
ABSTRACT_WEIGHT = 1
PREFIX_LIMIT = 40  # a short prefix matches thousands of words; the most frequent few are meant
FUZZY_LIMIT = 6
TIE_BREAK_LIMIT = 400
SHORT_PREFIX = 4  # an unfinished word shorter than this is matched in titles only
PHRASE_CHECK_LIMIT = 3000  # abstracts checked for a phrase's word order (~2 µs each)
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


@dataclass(slots=True)
class SearchResult:
    """Ordered ids, warnings about the query, words to highlight, and whether ranked."""

    ids: Sequence[str]
    warnings: list[str] = field(default_factory=list)
    highlight_terms: list[str] = field(default_factory=list)
    ranked: bool = False


@dataclass(slots=True, frozen=True)
class _Vocabulary:
    """Every indexed word, for prefix and fuzzy matching, as of one index generation. Words
    are the tables' own bytes objects (ASCII), not str copies of them."""

    generation: int
    words: list[bytes]  # sorted, for prefix ranges by bisection
    by_length: dict[int, list[bytes]]  # fuzzy candidates are within two letters of the length
    frequencies: array[int]  # papers per word (as in `words`), to pick the most useful prefix extensions


@dataclass(slots=True)
class IndexSnapshot:
    """What `SearchIndex.restore` needs to skip re-reading abstracts: the ids of the papers
    indexed, in position order, both tables, and the papers whose abstract is still to index."""

    ids: list[str]
    title: FlatPostings
    abstract: FlatPostings
    unindexed: array[int]


def _own_abstract(paper: Paper) -> str:
    return paper.abstract


def load_fuzzy_matching() -> None:
    """Import rapidfuzz now. It is imported where it is used, on the first keystroke that
    needs it, ~10 ms that a browser's start would otherwise spend before its first frame: the
    browser calls this from its index worker, after that frame and before anyone types."""
    import rapidfuzz.fuzz
    import rapidfuzz.process  # noqa: F401


def fuzzy_cutoff(word: str) -> float:
    """Typos allowed grow with length: none under 4 letters, about one in five after."""
    return 101.0 if len(word) < 4 else (80.0 if len(word) < 7 else 75.0)


class SearchIndex:
    """Titles and abstracts of every paper, indexed once and updated incrementally.

    With `defer_abstracts=True`, `SearchIndex(papers)` and `add` index titles, links and numbers
    only, and queue the abstracts for `index_abstracts`; until that is done a word found only
    in an abstract does not match. `index_abstracts` may run on a worker thread while the
    thread that calls `search` and `add` goes on: each change starts a new generation with
    fresh caches.
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
        self._papers: list[Paper] = []
        self._ids: list[str] = []
        self._positions: dict[str, int] = {}
        self._title = Postings()
        self._abstract = Postings()
        self._link_kinds: dict[str, set[int]] = {"project": set(), "code": set(), "data": set()}
        # value -> positions, so upvotes:>=10 or year:2024 unions a few sets instead of testing 100k papers
        self._numbers: dict[str, defaultdict[int, set[int]]] = {"upvotes": defaultdict(set), "year": defaultdict(set)}
        self._defer_abstracts = defer_abstracts
        self._pending_abstracts: deque[int] = deque()  # positions whose abstract is not indexed yet
        self._abstract_lock = threading.Lock()  # one abstract indexer at a time
        self._snapshot_lock = threading.Lock()  # no paper is added while a snapshot is taken
        self._empty_abstracts: set[int] = set()  # indexed with no abstract: a merge may bring one
        self._generation = 0  # bumped whenever postings change; caches belong to one generation
        self._generation_lock = threading.Lock()
        self._vocabulary = _Vocabulary(-1, [], {}, array("i"))
        self._orders: dict[str, list[int]] = {}
        self._ranks: dict[str, array[int]] = {}
        self._new_caches()
        self.add(papers)

    def __len__(self) -> int:
        return len(self._papers)

    @property
    def abstracts_pending(self) -> int:
        """Papers whose abstract is not indexed yet (always 0 unless abstracts are deferred)."""
        return len(self._pending_abstracts)

    @property
    def complete(self) -> int:
        """Papers whose title and abstract are indexed (one found empty does not count)."""
        return len(self._papers) - len(self._pending_abstracts) - len(self._empty_abstracts)

    def stale(self, papers: Iterable[Paper]) -> list[Paper]:
        """Those of `papers` the index does not have, or has an older record of (another
        process's import reloaded the catalog meanwhile): what to `add`."""
        positions, held = self._positions, self._papers
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

    def _after_adding(self) -> None:
        """Fresh caches, vocabulary and default order for the papers just added."""
        self._orders, self._ranks = {}, {}
        self._changed()
        if self._defer_abstracts:
            # The titles' vocabulary belongs to the build (the browser's worker thread), not to
            # the first keystroke on the UI thread (~50 ms at 100k papers).
            self._refresh()
        else:
            self.index_abstracts()
        # The default order and its ranks (~10 ms at 100k) belong to the build, not to whichever
        # keystroke first needs them.
        self._rank("added")

    def _add(self, papers: Iterable[Paper]) -> bool:
        """Titles, links and numbers of papers; their abstracts queued. True if any."""
        title_get, append, pending = self._title.appender(), array.append, self._pending_abstracts
        changed = False
        for paper in papers:
            changed = True
            position = self._positions.get(paper.id)
            if position is not None:
                old = self._papers[position]
                self._papers[position] = paper
                self._index_links(paper, position, old)
                if old.title == paper.title:  # as always for one id: only its abstract can be new
                    if old.abstract != paper.abstract or position in self._empty_abstracts:
                        pending.append(position)  # a merge may have brought the abstract it lacked
                    continue
            else:
                position = self._register(paper)
            # map/deque keep the per-word appends in C (as for abstracts, the bulk of the work).
            deque(map(append, map(title_get, word_set(paper.title)), repeat(position)), 0)
            pending.append(position)
        return changed

    def _register(self, paper: Paper) -> int:
        """A new paper's position, with its links and numbers indexed."""
        position = len(self._papers)
        self._positions[paper.id] = position
        self._papers.append(paper)
        self._ids.append(paper.id)
        self._index_links(paper, position, None)
        return position

    def index_abstracts(self, limit: int | None = None) -> bool:
        """Index the abstracts of up to `limit` queued papers (all when None), oldest first.

        Returns True while more remain. ~50 µs a paper; the vocabulary for fuzzy and prefix
        matching is rebuilt at the end of each call (~50 ms at 100k papers) and the caches of
        matched words start afresh, so call it with a few thousand papers at a time.
        """
        with self._abstract_lock:
            pending = self._pending_abstracts
            count = len(pending) if limit is None else min(limit, len(pending))
            if count <= 0:
                return bool(pending)
            papers, abstract_get, append = self._papers, self._abstract.appender(), array.append
            popleft = pending.popleft
            for _ in range(count):
                position = popleft()
                paper = papers[position]
                # Words of the title are left out: a title hit already outranks an abstract hit.
                abstract = self._abstract_of(paper)
                if not abstract:
                    self._empty_abstracts.add(position)
                    continue
                self._empty_abstracts.discard(position)
                words = word_set(abstract)
                words.difference_update(word_set(paper.title))
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
            return IndexSnapshot(list(self._ids), self._title.flat(), self._abstract.flat(), array("i", unindexed))

    def _compact(self, share: float) -> None:
        """Fold each table's overlay into its flat part when it holds more than `share` of
        the postings (caller holds both locks, so that no posting is added meanwhile). The
        content is the same, so caches and the vocabulary stay valid."""
        for name in ("_title", "_abstract"):
            table: Postings = getattr(self, name)
            overlay = table.overlay_size
            if overlay and overlay > share * table.size:
                setattr(self, name, table.compacted())

    @classmethod
    def restore(
        cls, papers: Sequence[Paper], snapshot: IndexSnapshot, abstract_of: Callable[[Paper], str] | None = None
    ) -> SearchIndex | None:
        """An index of `papers` from a snapshot of an index of the first of them, or None when
        `papers` does not start with the snapshot's papers in the same order. Papers added
        since are indexed as by `add`; abstracts missing then are queued again.

        A paper's title never changes (its id is made from it) and a merge only gives an
        abstract to a paper that had none, so postings of the same ids in the same order hold.
        """
        count = len(snapshot.ids)
        if [paper.id for paper in papers[:count]] != snapshot.ids:
            return None
        index = cls(defer_abstracts=True, abstract_of=abstract_of)
        for paper in papers[:count]:
            index._register(paper)
        index._title = Postings(snapshot.title)
        index._abstract = Postings(snapshot.abstract)
        index._pending_abstracts.extend(snapshot.unindexed)
        index._add(papers[count:])
        index._after_adding()
        return index

    def _changed(self, vocabulary: _Vocabulary | None = None) -> None:
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
        self._comparison = lru_cache(maxsize=64)(self._compare)

    def _index_links(self, paper: Paper, position: int, old: Paper | None) -> None:
        """Link kinds and numeric fields; a re-added paper (a merge) first drops its old ones."""
        if old is not None:
            for positions in self._link_kinds.values():
                positions.discard(position)
            for name, value in (("upvotes", old.upvotes), ("year", old.year)):
                if value is not None:
                    self._numbers[name][value].discard(position)
        for link in paper.links:
            self._link_kinds.setdefault(link.kind, set()).add(position)
        for name, value in (("upvotes", paper.upvotes), ("year", paper.year)):
            if value is not None:
                self._numbers[name][value].add(position)

    # --- derived structures ---------------------------------------------------------------------

    def _refresh(self) -> _Vocabulary:
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

    def _build_vocabulary(self, generation: int) -> _Vocabulary:
        """Every indexed word, sorted and by length, with its paper count (~50 ms at 100k)."""
        # Papers per word, for picking the most useful prefix extensions: computing it per
        # keystroke was 3-8 ms of a 20 ms short-prefix keystroke at 100k papers.
        counts = self._title.counts()
        for word, count in self._abstract.counts().items():
            counts[word] = counts.get(word, 0) + count
        words = sorted(counts)
        by_length: dict[int, list[bytes]] = {}
        for word in words:
            by_length.setdefault(len(word), []).append(word)
        return _Vocabulary(generation, words, by_length, array("i", map(counts.__getitem__, words)))

    def _order(self, sort: str) -> list[int]:
        """All papers in a sort order (newest/highest first; title A-Z), computed once."""
        sort = "added" if sort == "relevance" else sort
        order = self._orders.get(sort)
        if order is None:
            papers = self._papers
            positions = range(len(papers))
            keys: dict[str, Callable[[int], object]] = {
                "date": lambda i: _newest_first(papers[i], i),
                "upvotes": lambda i: (-(papers[i].upvotes if papers[i].upvotes is not None else -1), i),
                "title": lambda i: (papers[i].title.lower(), i),
                "added": lambda i: (-papers[i].added, i),
            }
            order = sorted(positions, key=keys[sort])
            self._orders[sort] = order
        return order

    def _rank(self, sort: str) -> array[int]:
        """rank[i] = the place of paper i in the sort order (an array: read a few hundred
        times a keystroke, while a list held an int object per paper, 3 MB at 100k)."""
        sort = "added" if sort == "relevance" else sort
        rank = self._ranks.get(sort)
        if rank is None:
            rank = array("i", bytes(4 * len(self._papers)))
            for place, position in enumerate(self._order(sort)):
                rank[position] = place
            self._ranks[sort] = rank
        return rank

    def _known(self, key: bytes) -> bool:
        return key in self._title or key in self._abstract

    def _match_word(self, word: str, prefix: bool) -> tuple[frozenset[int], frozenset[int], tuple[str, ...]]:
        """`_find_word` over every paper, cached for this generation."""
        return (self._prefixes if prefix else self._finished_words)(word, prefix)

    def _find_vocabulary(self, word: str, prefix: bool) -> tuple[str, ...]:
        """The indexed words a query word stands for: itself and its plural/singular, its
        extensions while it is being typed, else its nearest spellings."""
        vocabulary = self._refresh()
        key = word.encode("ascii")  # query words are ASCII-folded (store.text.words_of)
        matched: list[bytes] = []
        if self._known(key):
            matched.append(key)
            singular = key[:-1] if key.endswith(b"s") else b""
            matched.extend(v for v in (key + b"s", key + b"es", singular) if v and self._known(v))
        if prefix:
            words = vocabulary.words
            start, stop = bisect_left(words, key), bisect_left(words, key + b"\x7f")
            if stop - start > PREFIX_LIMIT:
                frequency = vocabulary.frequencies.__getitem__
                best = sorted(range(start, stop), key=frequency, reverse=True)[:PREFIX_LIMIT]
                extensions = [words[slot] for slot in best]
            else:
                extensions = words[start:stop]
            matched.extend(w for w in extensions if w not in matched)
        if not matched and fuzzy_cutoff(word) <= 100:
            from rapidfuzz import fuzz, process  # see load_fuzzy_matching

            near = chain.from_iterable(vocabulary.by_length.get(n, ()) for n in range(len(key) - 2, len(key) + 3))
            found = process.extract(
                key, list(near), scorer=fuzz.ratio, score_cutoff=fuzzy_cutoff(word), limit=FUZZY_LIMIT
            )
            matched.extend(candidate for candidate, _, _ in found)
        return tuple(w.decode("ascii") for w in matched)

    def _find_word(
        self, word: str, prefix: bool, within: set[int] | frozenset[int] | None = None
    ) -> tuple[frozenset[int], frozenset[int], tuple[str, ...]]:
        """(title hits, title or abstract hits, vocabulary words matched) for one query word;
        only hits inside `within` when given.

        Both sets are kept, not the abstract-only hits: every keystroke needs all the hits of
        each word, and their union was rebuilt per keystroke (2-3 ms a common word at 100k).
        `within` (the papers the other words left) spares the word being typed a set of every
        paper with, say, `model*` (~100k at 100k papers, 10 ms): its postings are only looked
        up in the smaller set.
        """
        matched = self._vocabulary_matches(word, prefix)
        keys = [w.encode("ascii") for w in matched]
        titles = chain.from_iterable(map(self._title.get, keys))
        title = frozenset(titles) if within is None else frozenset(within.intersection(titles))
        expansion = ACRONYMS.get(word)
        if expansion:
            spelled_out = self._all_in_titles(expansion)
            title |= spelled_out if within is None else spelled_out & within
        # A prefix of up to three letters inside abstracts is noise (`tra` is in nearly every
        # abstract) and its union cost 10 ms at 100k papers; in titles it is what is meant.
        if prefix and len(word) < SHORT_PREFIX:
            return title, title, matched
        abstracts = chain.from_iterable(map(self._abstract.get, keys))
        hits = frozenset(chain(title, abstracts)) if within is None else title.union(within.intersection(abstracts))
        return title, hits, matched

    def _all_in_titles(self, words: tuple[str, ...]) -> set[int]:
        """Papers whose title has every word (the last also as a plural)."""
        sets = []
        for index, word in enumerate(words):
            hits = set(self._title.get(word.encode("ascii")))
            if index == len(words) - 1:
                hits.update(self._title.get((word + "s").encode("ascii")))
            sets.append(hits)
        return set.intersection(*sets) if sets else set()

    def _compare(self, field_name: str, comparison: Comparison) -> frozenset[int]:
        """Papers whose upvotes/year satisfy the comparison (none when the field is missing)."""
        values = self._numbers[field_name]
        return frozenset().union(*(positions for value, positions in values.items() if comparison.holds(value)))

    def _find_phrase(self, phrase: str) -> tuple[frozenset[int], frozenset[int]]:
        """(papers with the words in this order in the title, in the title or the abstract)."""
        word_hits = [self._match_word(word, False) for word in phrase.split()]
        candidates = _intersection([hits for _, hits, _ in word_hits])
        if len(candidates) > PHRASE_CHECK_LIMIT:
            # Too common to check word order in every paper within a keystroke: all the words
            # are there, title hits first.
            return _intersection([title for title, _, _ in word_hits]), candidates
        title_hits, hits = set(), set()
        has_phrase = phrase_finder(phrase)
        for i in candidates:
            paper = self._papers[i]
            if has_phrase(paper.title):
                title_hits.add(i)
                hits.add(i)
            elif has_phrase(self._abstract_of(paper)):
                hits.add(i)
        return frozenset(title_hits), frozenset(hits)

    # --- searching ------------------------------------------------------------------------------

    def search(
        self, query: str | Query, marks: Mapping[str, Marks], sort: str = "relevance", reverse: bool = False
    ) -> SearchResult:
        """Filter and order the papers for a query (see store.query for the language)."""
        self._refresh()
        parsed = parse_query(query) if isinstance(query, str) else query
        if sort not in SORTS:
            parsed.warnings.append(f"unknown sort {sort!r}; using relevance")
            sort = "relevance"
        allowed = self._filter(parsed, marks)
        highlight: list[str] = list(parsed.phrases)
        ranked = False
        order: Sequence[int]
        if parsed.has_text:
            matching, title_sets = self._text_matches(parsed, allowed, highlight)
            if sort == "relevance":
                order = LazyOrder(
                    _score_groups(matching, title_sets),
                    self._order("added"),
                    lambda: self._rank("added"),
                    lambda head: self._closest_titles_first(head, parsed),
                    members=matching,
                )
                ranked = True
            else:
                order = self._ordered(matching, sort)
        else:
            order = self._ordered(allowed, sort)
        if reverse:
            order = list(order)[::-1]
        return SearchResult(IdView(order, self._ids, self._positions), parsed.warnings, highlight, ranked)

    def _filter(self, query: Query, marks: Mapping[str, Marks]) -> set[int] | None:
        """Papers the filters allow (None: all). Marks are few, so mark filters scan them."""
        positions = self._positions
        allowed: set[int] | None = None

        def narrow(keep: Iterable[int]) -> None:
            nonlocal allowed
            allowed = set(keep) if allowed is None else allowed.intersection(keep)

        for tag in query.tags:
            narrow(_marked(marks, positions, tag=tag))
        starred, read = query.is_flags.get("starred"), query.is_flags.get("read")
        if starred:
            narrow(_marked(marks, positions, flag="starred"))
        if read:
            narrow(_marked(marks, positions, flag="read"))
        for flag, wanted in query.has_flags.items():
            kinds = ("project", "code", "data") if flag == "link" else (flag,)
            with_kind = set().union(*(self._link_kinds.get(kind, set()) for kind in kinds))
            narrow(with_kind if wanted else set(range(len(self._papers))) - with_kind)
        if query.upvotes is not None:
            narrow(self._comparison("upvotes", query.upvotes))
        if query.year is not None:
            narrow(self._comparison("year", query.year))
        excluded: set[int] = set()
        for tag in query.not_tags:
            excluded |= _marked(marks, positions, tag=tag)
        if starred is False:
            excluded |= _marked(marks, positions, flag="starred")
        if read is False:
            excluded |= _marked(marks, positions, flag="read")
        if excluded:
            allowed = (allowed if allowed is not None else set(range(len(self._papers)))) - excluded
        return allowed

    def _text_matches(
        self, query: Query, allowed: set[int] | None, highlight: list[str]
    ) -> tuple[AbstractSet[int], list[frozenset[int]]]:
        """Papers matching every word (else the most words), and each word's title hits."""
        title_sets: list[frozenset[int]] = []
        candidates: list[frozenset[int]] = []
        typing = query.typing and bool(query.words)
        finished = query.words[:-1] if typing else query.words
        for word in finished:
            title, hits, matched = self._match_word(word, False)
            highlight.extend(matched[:8])
            title_sets.append(title)
            candidates.append(hits)
        for phrase in query.phrases:
            title, hits = self._phrase_hits(phrase)
            title_sets.append(title)
            candidates.append(hits)
        if allowed is not None:
            candidates = [hits & allowed for hits in candidates]
        if typing:
            word = query.words[-1]
            within = _intersection(candidates) if candidates else allowed
            if within is None:
                title, hits, matched = self._match_word(word, True)
            else:
                title, hits, matched = self._find_word(word, True, within)
                if not hits and candidates:
                    # Nothing has every word: the partial matches below need all of this word's hits.
                    title, hits, matched = self._match_word(word, True)
                    hits = hits & allowed if allowed is not None else hits
            highlight.extend(matched[:8])
            title_sets.append(title)
            candidates.append(hits)
        matching: AbstractSet[int] = _intersection(candidates)
        if not matching and len(candidates) > 1:
            # A stray or mistyped extra word must not empty the list: keep the best partial matches.
            counts = Counter(chain.from_iterable(candidates))
            best = max(counts.values(), default=0)
            matching = {i for i, count in counts.items() if count == best}
        return matching, title_sets

    def _closest_titles_first(self, head: list[int], query: Query) -> list[int]:
        """Within the best group, titles closest to the whole query first (stable otherwise)."""
        if not 1 < len(head) <= TIE_BREAK_LIMIT:
            return head
        from rapidfuzz import fuzz  # see load_fuzzy_matching

        text = " ".join(query.words + query.phrases)
        closeness = {i: fuzz.token_sort_ratio(text, self._papers[i].title.lower()) for i in head}
        return sorted(head, key=lambda i: -closeness[i])

    def _ordered(self, subset: AbstractSet[int] | None, sort: str) -> Sequence[int]:
        """A subset in a precomputed order, ordered lazily as far as it is read."""
        order = self._order(sort)
        if subset is None:
            return order
        return LazyOrder([subset], order, lambda: self._rank(sort), members=subset)


def _marked(marks: Mapping[str, Marks], positions: dict[str, int], tag: str = "", flag: str = "") -> set[int]:
    """Positions of papers with a tag or a flag (starred/read) set. Marks change between
    keystrokes, so they are scanned each time: inline tests and one `positions.get` keep a scan
    of 20,000 marks at ~3 ms (a lambda per mark plus two dict lookups was 15 ms)."""
    get = positions.get
    if tag:
        found = {get(pid) for pid, m in marks.items() if tag in m.tags}
    elif flag == "starred":
        found = {get(pid) for pid, m in marks.items() if m.starred}
    else:
        found = {get(pid) for pid, m in marks.items() if m.read}
    found.discard(None)
    return found  # type: ignore[return-value]


def _score_groups(matching: AbstractSet[int], title_sets: list[frozenset[int]]) -> Iterator[AbstractSet[int]]:
    """The matching papers grouped best first by how many words hit the title: with every
    word matched, a title hit (3) vs an abstract hit (1) is the whole score, so the groups are
    the score levels, computed with set algebra in C. Lazily: the first group (every word in
    the title) is one intersection and usually fills the screen; the rest are computed only
    when the list is read past it (they were ~5 ms of a 3-word keystroke at 100k)."""
    top = _intersection([frozenset(matching), *title_sets]) if matching else frozenset()
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


def _intersection(sets: list[frozenset[int]]) -> frozenset[int]:
    """Papers in every set, starting from the smallest (C iterates the smaller of each pair,
    and no copy of a 60k-paper set is made first)."""
    ordered = sorted(sets, key=len)
    return ordered[0].intersection(*ordered[1:])


def _newest_first(paper: Paper, position: int) -> tuple[int, int, int, int]:
    year, month, day = paper.date_key
    return (-year, -month, -day, position) if year else (1, 0, 0, position)
