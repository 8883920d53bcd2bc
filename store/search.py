"""The search engine behind the filter bar and `paperdeck list`: an inverted index over titles
and abstracts with typo-tolerant, prefix and acronym matching, ranked so papers matching every
word come first and title hits beat abstract hits.

Per keystroke the work is set algebra on posting lists (C speed) and a ranking pass grouped by
score; the vocabulary is fuzzy-matched only for words it does not contain, and the match of
each word is cached, so typing one more letter redoes only the last word.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, repeat

from rapidfuzz import fuzz, process

from store.acronyms import ACRONYMS
from store.models import Marks, Paper, date_sort_key
from store.ordering import IdView, LazyOrder
from store.query import Comparison, Query, parse_query
from store.text import word_set, words_of

SORTS = ("relevance", "date", "upvotes", "title", "added")

TITLE_WEIGHT = 3
ABSTRACT_WEIGHT = 1
PREFIX_LIMIT = 40  # a short prefix matches thousands of words; the most frequent few are meant
FUZZY_LIMIT = 6
TIE_BREAK_LIMIT = 400
SHORT_PREFIX = 4  # an unfinished word shorter than this is matched in titles only
PHRASE_CHECK_LIMIT = 3000  # abstracts checked word by word for a phrase (~5 µs each)


@dataclass(slots=True)
class SearchResult:
    """Ordered ids, warnings about the query, words to highlight, and whether ranked."""

    ids: Sequence[str]
    warnings: list[str] = field(default_factory=list)
    highlight_terms: list[str] = field(default_factory=list)
    ranked: bool = False


def fuzzy_cutoff(word: str) -> float:
    """Typos allowed grow with length: none under 4 letters, about one in five after."""
    return 101.0 if len(word) < 4 else (80.0 if len(word) < 7 else 75.0)


class SearchIndex:
    """Titles and abstracts of every paper, indexed once and updated incrementally."""

    def __init__(self, papers: Iterable[Paper] = ()) -> None:
        self._papers: list[Paper] = []
        self._ids: list[str] = []
        self._positions: dict[str, int] = {}
        self._title: defaultdict[bytes, list[int]] = defaultdict(list)
        self._abstract: defaultdict[bytes, list[int]] = defaultdict(list)
        self._link_kinds: dict[str, set[int]] = {"project": set(), "code": set(), "data": set()}
        # value -> positions, so upvotes:>=10 or year:2024 unions a few sets instead of testing 100k papers
        self._numbers: dict[str, defaultdict[int, set[int]]] = {"upvotes": defaultdict(set), "year": defaultdict(set)}
        self._vocabulary: list[str] = []
        self._by_length: dict[int, list[str]] = {}
        self._frequencies: dict[str, int] = {}
        self._orders: dict[str, list[int]] = {}
        self._ranks: dict[str, list[int]] = {}
        self._dirty = True
        self.add(papers)

    def __len__(self) -> int:
        return len(self._papers)

    def add(self, papers: Iterable[Paper]) -> None:
        """Index new papers; a known id replaces its record (a merge only adds metadata)."""
        title_get, abstract_get, append = self._title.__getitem__, self._abstract.__getitem__, list.append
        for paper in papers:
            position = self._positions.get(paper.id)
            if position is not None:
                old = self._papers[position]
                self._papers[position] = paper
                self._index_links(paper, position)
                if old.abstract == paper.abstract and old.title == paper.title:
                    continue
            else:
                position = len(self._papers)
                self._positions[paper.id] = position
                self._papers.append(paper)
                self._ids.append(paper.id)
                self._index_links(paper, position)
            title_words = word_set(paper.title)
            abstract_words = word_set(paper.abstract) - title_words
            # map/deque keep the per-word appends in C: this loop is most of the build time.
            deque(map(append, map(title_get, title_words), repeat(position)), 0)
            deque(map(append, map(abstract_get, abstract_words), repeat(position)), 0)
        self._dirty = True
        self._match_word.cache_clear()
        self._comparison.cache_clear()
        self._phrase_hits.cache_clear()

    def _index_links(self, paper: Paper, position: int) -> None:
        """Link kinds and numeric fields, replaced when a paper is re-added after a merge."""
        for kind in self._link_kinds:
            self._link_kinds[kind].discard(position)
        for link in paper.links:
            self._link_kinds.setdefault(link.kind, set()).add(position)
        for name, value in (("upvotes", paper.upvotes), ("year", paper.year)):
            for positions in self._numbers[name].values():
                positions.discard(position)
            if value is not None:
                self._numbers[name][value].add(position)

    # --- derived structures, rebuilt lazily after add() ---------------------------------------

    def _refresh(self) -> None:
        """Vocabulary lists for prefix and fuzzy matching; orders are recomputed on demand."""
        if not self._dirty:
            return
        vocabulary = sorted(word.decode("ascii") for word in self._title.keys() | self._abstract.keys())
        by_length: dict[int, list[str]] = {}
        for word in vocabulary:
            by_length.setdefault(len(word), []).append(word)
        self._vocabulary, self._by_length = vocabulary, by_length
        # Papers per word, for picking the most useful prefix extensions: computing it per
        # keystroke was 3-8 ms of a 20 ms short-prefix keystroke at 100k papers.
        title, abstract = self._title, self._abstract
        self._frequencies = {
            word: len(title.get(key, ())) + len(abstract.get(key, ()))
            for word, key in ((word, word.encode("ascii")) for word in vocabulary)
        }
        self._orders, self._ranks = {}, {}
        self._dirty = False
        # The default order and its ranks (~10 ms at 100k) belong to the build, not to whichever
        # keystroke first needs them.
        self._rank("added")

    def _order(self, sort: str) -> list[int]:
        """All papers in a sort order (newest/highest first; title A-Z), computed once."""
        sort = "added" if sort == "relevance" else sort
        order = self._orders.get(sort)
        if order is None:
            papers = self._papers
            positions = range(len(papers))
            keys: dict[str, Callable[[int], object]] = {
                "date": lambda i: _newest_first(papers[i].published, i),
                "upvotes": lambda i: (-(papers[i].upvotes if papers[i].upvotes is not None else -1), i),
                "title": lambda i: (papers[i].title.lower(), i),
                "added": lambda i: (-papers[i].added, i),
            }
            order = sorted(positions, key=keys[sort])
            self._orders[sort] = order
        return order

    def _rank(self, sort: str) -> list[int]:
        """rank[i] = the place of paper i in the sort order."""
        sort = "added" if sort == "relevance" else sort
        rank = self._ranks.get(sort)
        if rank is None:
            rank = [0] * len(self._papers)
            for place, position in enumerate(self._order(sort)):
                rank[position] = place
            self._ranks[sort] = rank
        return rank

    def _known(self, word: str) -> bool:
        key = word.encode("ascii")
        return key in self._title or key in self._abstract

    @lru_cache(maxsize=4096)  # noqa: B019 - one index per library, cleared on add()
    def _match_word(self, word: str, prefix: bool) -> tuple[frozenset[int], frozenset[int], tuple[str, ...]]:
        """(title hits, abstract-only hits, vocabulary words matched) for one query word."""
        matched: list[str] = []
        if self._known(word):
            matched.append(word)
            singular = word[:-1] if word.endswith("s") else ""
            matched.extend(v for v in (word + "s", word + "es", singular) if v and self._known(v))
        if prefix:
            start = bisect_left(self._vocabulary, word)
            stop = bisect_left(self._vocabulary, word + "\x7f")
            extensions = self._vocabulary[start:stop]
            if len(extensions) > PREFIX_LIMIT:
                extensions = sorted(extensions, key=self._frequencies.__getitem__, reverse=True)[:PREFIX_LIMIT]
            matched.extend(w for w in extensions if w not in matched)
        if not matched and fuzzy_cutoff(word) <= 100:
            near = chain.from_iterable(self._by_length.get(n, ()) for n in range(len(word) - 2, len(word) + 3))
            found = process.extract(
                word, list(near), scorer=fuzz.ratio, score_cutoff=fuzzy_cutoff(word), limit=FUZZY_LIMIT
            )
            matched.extend(candidate for candidate, _, _ in found)
        keys = [w.encode("ascii") for w in matched]
        title = set(chain.from_iterable(self._title.get(k, ()) for k in keys))
        # A prefix of up to three letters inside abstracts is noise (`tra` is in nearly every
        # abstract) and its union cost 10 ms at 100k papers; in titles it is what is meant.
        abstract = (
            set()
            if prefix and len(word) < SHORT_PREFIX
            else set(chain.from_iterable(self._abstract.get(k, ()) for k in keys))
        )
        expansion = ACRONYMS.get(word)
        if expansion:
            title |= self._all_in_titles(expansion)
        return frozenset(title), frozenset(abstract - title), tuple(matched)

    def _all_in_titles(self, words: tuple[str, ...]) -> set[int]:
        """Papers whose title has every word (the last also as a plural)."""
        sets = []
        for index, word in enumerate(words):
            hits = set(self._title.get(word.encode("ascii"), ()))
            if index == len(words) - 1:
                hits.update(self._title.get((word + "s").encode("ascii"), ()))
            sets.append(hits)
        return set.intersection(*sets) if sets else set()

    @lru_cache(maxsize=64)  # noqa: B019 - cleared on add()
    def _comparison(self, field_name: str, comparison: Comparison) -> frozenset[int]:
        """Papers whose upvotes/year satisfy the comparison (none when the field is missing)."""
        values = self._numbers[field_name]
        return frozenset().union(*(positions for value, positions in values.items() if comparison.holds(value)))

    @lru_cache(maxsize=64)  # noqa: B019 - cleared on add()
    def _phrase_hits(self, phrase: str) -> tuple[frozenset[int], frozenset[int]]:
        """Papers with the words in this order in the title, or else in the abstract."""
        word_hits = [self._match_word(word, False) for word in phrase.split()]
        candidates = set.intersection(*(set(t | a) for t, a, _ in word_hits))
        if len(candidates) > PHRASE_CHECK_LIMIT:
            # Too common to check word order in every paper within a keystroke: all the words
            # are there, title hits first.
            in_title = set.intersection(*(set(t) for t, _, _ in word_hits))
            return frozenset(in_title), frozenset(candidates - in_title)
        title_hits, abstract_hits = set(), set()
        for i in candidates:
            paper = self._papers[i]
            if phrase in " ".join(words_of(paper.title)):
                title_hits.add(i)
            elif phrase in " ".join(words_of(paper.abstract)):
                abstract_hits.add(i)
        return frozenset(title_hits), frozenset(abstract_hits)

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
            groups = self._text_groups(parsed, allowed, highlight)
            if sort == "relevance":
                order = LazyOrder(
                    groups,
                    self._order("added"),
                    lambda: self._rank("added"),
                    lambda head: self._closest_titles_first(head, parsed),
                )
                ranked = True
            else:
                order = self._ordered(set().union(*groups), sort)
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

    def _text_groups(self, query: Query, allowed: set[int] | None, highlight: list[str]) -> list[set[int]]:
        """Papers matching every word (else the most words), grouped best first by how many
        words hit the title: with every word matched, a title hit (3) vs an abstract hit (1) is
        the whole score, so the groups are the score levels, computed with set algebra in C."""
        title_sets: list[frozenset[int]] = []
        candidates: list[frozenset[int]] = []
        last = len(query.words) - 1
        for index, word in enumerate(query.words):
            title, abstract, matched = self._match_word(word, query.typing and index == last)
            highlight.extend(matched[:8])
            title_sets.append(title)
            candidates.append(title | abstract)
        for phrase in query.phrases:
            title, abstract = self._phrase_hits(phrase)
            title_sets.append(title)
            candidates.append(title | abstract)
        if allowed is not None:
            candidates = [frozenset(c & allowed) for c in candidates]
        matching = set(candidates[0]).intersection(*candidates[1:])
        if not matching and len(candidates) > 1:
            # A stray or mistyped extra word must not empty the list: keep the best partial matches.
            counts = Counter(chain.from_iterable(candidates))
            best = max(counts.values(), default=0)
            matching = {i for i, count in counts.items() if count == best}
        # levels[j] = papers with at least j title hits
        levels: list[set[int]] = [matching]
        for title in title_sets:
            hits = title & matching
            levels.append(set())
            for j in range(len(levels) - 1, 0, -1):
                levels[j] |= levels[j - 1] & hits
        return [levels[j] - levels[j + 1] if j + 1 < len(levels) else levels[j] for j in range(len(levels) - 1, -1, -1)]

    def _closest_titles_first(self, head: list[int], query: Query) -> list[int]:
        """Within the best group, titles closest to the whole query first (stable otherwise)."""
        if not 1 < len(head) <= TIE_BREAK_LIMIT:
            return head
        text = " ".join(query.words + query.phrases)
        closeness = {i: fuzz.token_sort_ratio(text, self._papers[i].title.lower()) for i in head}
        return sorted(head, key=lambda i: -closeness[i])

    def _ordered(self, subset: set[int] | frozenset[int] | None, sort: str) -> Sequence[int]:
        """A subset in a precomputed order, ordered lazily as far as it is read."""
        order = self._order(sort)
        if subset is None:
            return order
        return LazyOrder([set(subset)], order, lambda: self._rank(sort))


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


def _newest_first(published: str | None, position: int) -> tuple[int, int, int, int]:
    year, month, day = date_sort_key(published)
    return (-year, -month, -day, position) if published else (1, 0, 0, position)
