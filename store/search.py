"""The search engine behind the filter bar and `paperdeck list`: an inverted index over titles
and abstracts with typo-tolerant, prefix and acronym matching, ranked so papers matching every
word come first and title hits beat abstract hits.

Per keystroke the work is set algebra on posting lists (C speed) plus a ranking pass bounded
by the result size; the vocabulary is fuzzy-matched only for words it does not contain.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

from rapidfuzz import fuzz, process

from store.models import Marks, Paper, date_sort_key
from store.query import Query, parse_query, words_of

SORTS = ("relevance", "date", "upvotes", "title", "added")

# Acronyms researchers type for what titles spell out.
ACRONYMS: dict[str, tuple[str, ...]] = {
    "llm": ("large", "language", "model"),
    "llms": ("large", "language", "model"),
    "mllm": ("multimodal", "large", "language", "model"),
    "vlm": ("vision", "language", "model"),
    "rag": ("retrieval", "augmented", "generation"),
    "vit": ("vision", "transformer"),
    "nerf": ("neural", "radiance", "field"),
    "gan": ("generative", "adversarial"),
    "vae": ("variational", "autoencoder"),
    "rl": ("reinforcement", "learning"),
    "rlhf": ("reinforcement", "learning", "human", "feedback"),
    "moe": ("mixture", "of", "expert"),
    "cot": ("chain", "of", "thought"),
    "gnn": ("graph", "neural", "network"),
    "ssm": ("state", "space", "model"),
    "sft": ("supervised", "fine", "tuning"),
    "icl": ("in", "context", "learning"),
    "nvs": ("novel", "view", "synthesis"),
    "3dgs": ("gaussian", "splatting"),
    "dit": ("diffusion", "transformer"),
    "sds": ("score", "distillation", "sampling"),
    "tts": ("text", "to", "speech"),
    "asr": ("speech", "recognition"),
    "kd": ("knowledge", "distillation"),
    "peft": ("parameter", "efficient", "fine", "tuning"),
    "lora": ("low", "rank", "adaptation"),
    "nlp": ("natural", "language", "processing"),
}
TITLE_WEIGHT = 3
ABSTRACT_WEIGHT = 1
# Short prefixes match thousands of words; the most frequent few are what a user means.
PREFIX_LIMIT = 40
FUZZY_LIMIT = 6
TIE_BREAK_LIMIT = 400


@dataclass(slots=True)
class SearchResult:
    """Ordered ids, warnings about the query, words to highlight, and whether ranked."""

    ids: Sequence[str]
    warnings: list[str] = field(default_factory=list)
    highlight_terms: list[str] = field(default_factory=list)
    ranked: bool = False


class IdView(Sequence[str]):
    """Paper ids of a result without building a 100k-element list of strings per keystroke."""

    __slots__ = ("_ids", "_order", "_positions")

    def __init__(self, order: list[int], ids: list[str], positions: dict[str, int]) -> None:
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
        return self._order.index(position, start, len(self._order) if stop is None else stop)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented


def fuzzy_cutoff(word: str) -> float:
    """Typos allowed grow with length: none under 4 letters, ~1 in 5 after."""
    return 101.0 if len(word) < 4 else (80.0 if len(word) < 7 else 75.0)


class SearchIndex:
    """Titles and abstracts of every paper, indexed once and updated incrementally."""

    def __init__(self, papers: Iterable[Paper] = ()) -> None:
        self._papers: list[Paper] = []
        self._ids: list[str] = []
        self._positions: dict[str, int] = {}
        self._title: dict[str, list[int]] = {}
        self._abstract: dict[str, list[int]] = {}
        self._vocabulary: list[str] = []
        self._by_length: dict[int, list[str]] = {}
        self._orders: dict[str, list[int]] = {}
        self._ranks: dict[str, list[int]] = {}
        self._dirty = True
        self.add(papers)

    def __len__(self) -> int:
        return len(self._papers)

    def add(self, papers: Iterable[Paper]) -> None:
        """Index new papers; a known id replaces its record (merges only add metadata)."""
        title_index, abstract_index = self._title, self._abstract
        for paper in papers:
            position = self._positions.get(paper.id)
            if position is not None:
                old = self._papers[position]
                self._papers[position] = paper
                if old.abstract == paper.abstract and old.title == paper.title:
                    continue
            else:
                position = len(self._papers)
                self._positions[paper.id] = position
                self._papers.append(paper)
                self._ids.append(paper.id)
            title_words = set(words_of(paper.title))
            for word in title_words:
                title_index.setdefault(word, []).append(position)
            for word in set(words_of(paper.abstract)) - title_words:
                abstract_index.setdefault(word, []).append(position)
        self._dirty = True
        self._match_word.cache_clear()

    # --- derived structures, rebuilt lazily after add() ---------------------------------------

    def _refresh(self) -> None:
        """Vocabulary lists for prefix and fuzzy matching, after papers were added."""
        if not self._dirty:
            return
        vocabulary = sorted(self._title.keys() | self._abstract.keys())
        by_length: dict[int, list[str]] = {}
        for word in vocabulary:
            by_length.setdefault(len(word), []).append(word)
        self._vocabulary, self._by_length = vocabulary, by_length
        self._orders, self._ranks = {}, {}
        self._dirty = False

    def _order(self, sort: str) -> list[int]:
        """All papers in a sort order (newest/highest first; title A-Z), computed once."""
        order = self._orders.get(sort)
        if order is None:
            papers = self._papers
            count = range(len(papers))
            if sort == "date":
                order = sorted(count, key=lambda i: _reverse_date(papers[i].published, i))
            elif sort == "upvotes":
                order = sorted(count, key=lambda i: (-(papers[i].upvotes if papers[i].upvotes is not None else -1), i))
            elif sort == "title":
                order = sorted(count, key=lambda i: (papers[i].title.lower(), i))
            else:
                order = sorted(count, key=lambda i: (-papers[i].added, i))
            self._orders[sort] = order
        return order

    def _rank_of(self, sort: str) -> list[int]:
        """rank[i] = position of paper i in the sort order."""
        rank = self._ranks.get(sort)
        if rank is None:
            order = self._order(sort)
            rank = [0] * len(order)
            for position, i in enumerate(order):
                rank[i] = position
            self._ranks[sort] = rank
        return rank

    def _frequency(self, word: str) -> int:
        return len(self._title.get(word, ())) + len(self._abstract.get(word, ()))

    @lru_cache(maxsize=4096)  # noqa: B019 - one index per library; cleared on add()
    def _match_word(self, word: str, prefix: bool) -> tuple[frozenset[int], frozenset[int], tuple[str, ...]]:
        """(title hits, abstract hits, vocabulary words matched) for one query word."""
        matched: list[str] = []
        if word in self._title or word in self._abstract:
            matched.append(word)
            for variant in (word + "s", word + "es", word[:-1] if word.endswith("s") else ""):
                if variant and (variant in self._title or variant in self._abstract):
                    matched.append(variant)
        if prefix:
            start = bisect_left(self._vocabulary, word)
            stop = bisect_left(self._vocabulary, word + "\uffff")
            extensions = self._vocabulary[start:stop]
            if len(extensions) > PREFIX_LIMIT:
                extensions = sorted(extensions, key=self._frequency, reverse=True)[:PREFIX_LIMIT]
            matched.extend(w for w in extensions if w not in matched)
        if not matched:
            cutoff = fuzzy_cutoff(word)
            if cutoff <= 100:
                near: list[str] = []
                for length in range(max(1, len(word) - 2), len(word) + 3):
                    near.extend(self._by_length.get(length, ()))
                found = process.extract(word, near, scorer=fuzz.ratio, score_cutoff=cutoff, limit=FUZZY_LIMIT)
                matched.extend(candidate for candidate, _, _ in found)
        title = set(chain.from_iterable(self._title.get(w, ()) for w in matched))
        abstract = set(chain.from_iterable(self._abstract.get(w, ()) for w in matched))
        # Short prefixes are mostly noise inside abstracts; titles are what a user means.
        if prefix and len(word) < 3:
            abstract = set()
        expansion = ACRONYMS.get(word)
        if expansion:
            title |= self._all_in_titles(expansion)
        return frozenset(title), frozenset(abstract - title), tuple(matched)

    def _all_in_titles(self, words: tuple[str, ...]) -> set[int]:
        """Papers whose title has every word (the last also as plural)."""
        sets = []
        for index, word in enumerate(words):
            hits = set(self._title.get(word, ()))
            if index == len(words) - 1:
                hits.update(self._title.get(word + "s", ()))
            sets.append(hits)
        return set.intersection(*sets) if sets else set()

    # --- searching ------------------------------------------------------------------------------

    def search(
        self, query: str | Query, marks: Mapping[str, Marks], sort: str = "relevance", reverse: bool = False
    ) -> SearchResult:
        """Filter and order the papers for a query; see store.query for the language."""
        self._refresh()
        parsed = parse_query(query) if isinstance(query, str) else query
        if sort not in SORTS:
            parsed.warnings.append(f"unknown sort {sort!r}; using relevance")
            sort = "relevance"
        allowed = self._filter(parsed, marks)
        highlight: list[str] = list(parsed.phrases)
        if parsed.has_text:
            scored = self._score_text(parsed, allowed, highlight)
            if sort == "relevance":
                order = self._rank(scored, parsed)
                ranked = True
            else:
                order = self._ordered(set(scored), sort)
                ranked = False
        else:
            order = self._ordered(allowed, sort)
            ranked = False
        if reverse:
            order.reverse()
        return SearchResult(IdView(order, self._ids, self._positions), parsed.warnings, highlight, ranked)

    def _filter(self, query: Query, marks: Mapping[str, Marks]) -> set[int] | None:
        """Papers allowed by the filters (None: all of them)."""
        positions = self._positions
        allowed: set[int] | None = None

        def narrow(keep: set[int]) -> None:
            nonlocal allowed
            allowed = keep if allowed is None else allowed & keep

        def marked(test) -> set[int]:  # type: ignore[no-untyped-def]
            return {positions[pid] for pid, m in marks.items() if pid in positions and test(m)}

        for tag in query.tags:
            narrow(marked(lambda m, tag=tag: tag in m.tags))
        starred = query.is_flags.get("starred")
        if starred is True:
            narrow(marked(lambda m: m.starred))
        read = query.is_flags.get("read")
        if read is True:
            narrow(marked(lambda m: m.read))
        excluded: set[int] = set()
        for tag in query.not_tags:
            excluded |= marked(lambda m, tag=tag: tag in m.tags)
        if starred is False:
            excluded |= marked(lambda m: m.starred)
        if read is False:
            excluded |= marked(lambda m: m.read)
        checks = []
        papers = self._papers
        for flag, wanted in query.has_flags.items():
            kinds = ("project", "code", "data") if flag == "link" else (flag,)
            checks.append(lambda p, kinds=kinds, wanted=wanted: any(l.kind in kinds for l in p.links) == wanted)  # noqa: E741
        if query.upvotes is not None:
            checks.append(lambda p, c=query.upvotes: c.holds(p.upvotes))
        if query.year is not None:
            checks.append(lambda p, c=query.year: c.holds(p.year))
        if checks:
            pool = allowed if allowed is not None else range(len(papers))
            narrow({i for i in pool if all(check(papers[i]) for check in checks)})
        if excluded:
            allowed = (allowed if allowed is not None else set(range(len(papers)))) - excluded
        return allowed

    def _score_text(self, query: Query, allowed: set[int] | None, highlight: list[str]) -> dict[int, int]:
        """Score = title/abstract hits summed over words, for papers matching the most words."""
        per_word: list[tuple[frozenset[int], frozenset[int]]] = []
        last = len(query.words) - 1
        for index, word in enumerate(query.words):
            title, abstract, matched = self._match_word(word, query.typing and index == last)
            highlight.extend(matched[:8])
            per_word.append((title, abstract))
        for phrase in query.phrases:
            per_word.append(self._phrase_hits(phrase))
        candidate_sets = [t | a for t, a in per_word]
        if allowed is not None:
            candidate_sets = [c & allowed for c in candidate_sets]
        matches_all = set.intersection(*map(set, candidate_sets)) if candidate_sets else set()
        if not matches_all and len(candidate_sets) > 1:
            # A stray or mistyped extra word must not empty the list: keep the best partial matches.
            counts = Counter(chain.from_iterable(candidate_sets))
            best = max(counts.values(), default=0)
            matches_all = {i for i, count in counts.items() if count == best}
        scores = dict.fromkeys(matches_all, 0)
        for title, abstract in per_word:
            for i in title & matches_all:
                scores[i] += TITLE_WEIGHT
            for i in abstract & matches_all:
                scores[i] += ABSTRACT_WEIGHT
        return scores

    def _phrase_hits(self, phrase: str) -> tuple[frozenset[int], frozenset[int]]:
        words = phrase.split()
        sets = [set(self._title.get(w, ())) | set(self._abstract.get(w, ())) for w in words]
        candidates = set.intersection(*sets) if sets else set()
        title_hits, abstract_hits = set(), set()
        for i in candidates:
            paper = self._papers[i]
            if phrase in " ".join(words_of(paper.title)):
                title_hits.add(i)
            elif phrase in " ".join(words_of(paper.abstract)):
                abstract_hits.add(i)
        return frozenset(title_hits), frozenset(abstract_hits)

    def _rank(self, scores: dict[int, int], query: Query) -> list[int]:
        """Highest score first; ties in the top group by closeness of the whole title, then
        in the default (newest first) order."""
        rank = self._rank_of("added")
        order = sorted(scores, key=lambda i: (-scores[i], rank[i]))
        if order:
            top = scores[order[0]]
            head = [i for i in order[:TIE_BREAK_LIMIT] if scores[i] == top]
            if len(head) > 1:
                text = " ".join(query.words + query.phrases)
                closeness = {i: fuzz.token_sort_ratio(text, self._papers[i].title.lower()) for i in head}
                head.sort(key=lambda i: -closeness[i])
                order[: len(head)] = head
        return order

    def _ordered(self, subset: set[int] | None, sort: str) -> list[int]:
        """A subset in a precomputed order: a scan for big subsets, a sort for small ones."""
        order = self._order("added" if sort == "relevance" else sort)
        if subset is None:
            return list(order)
        if len(subset) * 16 > len(order):
            return [i for i in order if i in subset]
        return sorted(subset, key=self._rank_of("added" if sort == "relevance" else sort).__getitem__)


def _reverse_date(published: str | None, position: int) -> tuple[int, int, int, int]:
    year, month, day = date_sort_key(published)
    return (-year, -month, -day, position) if published else (1, 0, 0, position)
