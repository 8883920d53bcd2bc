"""More like this (`like:REF`) and `for-you`: papers scored by the terms they share with some
papers, or with a profile learned from the user's marks, explained by those terms.

Built on the index's own statistics, no model and nothing downloaded: a paper's terms are its
words (compounds joined, store.search.compounds) weighted by field (store.search.fields: titles
3x, AI keywords 2x) and BM25's idf; a query keeps its QUERY_TERMS heaviest terms, and only the
postings of those are read, each paper's sum scaled by BM25's length norm. So the cost is the
postings of a few rare-ish terms (~5 ms at 100k papers), never a pass over every paper.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from functools import lru_cache
from itertools import repeat
from operator import add, mul, truediv
from typing import TYPE_CHECKING, Protocol

from paperdeck.store.arxiv_ids import arxiv_id
from paperdeck.store.models import Marks, Paper
from paperdeck.store.search.compounds import text_counts
from paperdeck.store.search.fields import FIELDS
from paperdeck.store.search.ordering import ScoredOrder

if TYPE_CHECKING:
    from paperdeck.store.search.postings import Postings
    from paperdeck.store.search.table import PaperTable

QUERY_TERMS = 30  # terms of a like: query whose postings are read (tests/test_related.py)
PROFILE_TERMS = 40  # the same for the for-you profile
PROFILE_VECTOR = 400  # terms of the profile kept for the exact scoring of the pool
POOL = (
    40  # papers scored exactly (~100 µs each, an abstract read and counted): 0.63 on the seed families, 100 gave 0.634
)
MIN_IDF = 1.0
TERM_SHARE = 0.02  # a term in more papers than this is not used to find candidates
POSTINGS_BUDGET = 25_000  # postings read to find candidates (~0.3 µs each in the loop)
PROFILE_PAPERS = 200  # most recently marked papers the profile learns from
HALF_LIFE_DAYS = 30.0  # a mark this much older than the newest weighs half
K1, B = 1.2, 0.75  # BM25
EXPLAINED = 5
SCORED_FIELDS = ("title", "abstract", "keywords", "authors")
WEIGHTS = {field.name: field.weight for field in FIELDS}
STARRED, TAGGED, READ_ONLY = 1.0, 0.6, -0.25  # what a mark says about a paper's terms


class Similarity:
    """Scores of papers against weighted query terms (`vector`), and why.

    Two stages: every paper sharing one of the heaviest terms is scored from postings (binary:
    field weight x idf per shared term, BM25's length norm), then the best POOL of those are
    scored exactly, by the cosine of their whole term vectors (counts, every field) with the
    query's: on the seed families this lifts precision@5 by ~0.1 over the postings alone.
    """

    def __init__(self, model: RelatedModel, vector: dict[bytes, float], exclude: AbstractSet[int], top: int) -> None:
        self.model, self.vector, self.exclude = model, vector, exclude
        self.terms = model.searchable_terms(vector, top)
        self._scores: dict[int, float] | None = None

    def scores(self, subset: AbstractSet[int] | None) -> dict[int, float]:
        """position -> score for every paper sharing a term (inside `subset` when given); the
        exactly scored pool above 1, the others below. Scored over every paper once and then
        filtered: a filter typed next to `like:` costs a pass over the scores (~3 ms at 100k),
        not the scoring (~15 ms), and keeps the papers in the same order."""
        if self._scores is None:
            self._scores = self._score_all()
        if subset is None:
            return self._scores
        return {position: score for position, score in self._scores.items() if position in subset}

    def _score_all(self) -> dict[int, float]:
        model = self.model
        accumulated: defaultdict[int, float] = defaultdict(float)
        for term, weight in self.terms.items():
            idf = model.idf(term)
            for name in SCORED_FIELDS:
                postings = model.tables[name].get(term)
                if not postings:
                    continue
                add = weight * idf * WEIGHTS[name]
                for position in postings:
                    accumulated[position] += add
        norms, exclude = model.norms(), self.exclude
        scores = {i: score * norms[i] for i, score in accumulated.items() if i not in exclude}
        if not scores:
            return scores
        above = max(scores.values())  # the pool's exact scores are put above every other
        pool = heapq.nlargest(POOL, scores, key=scores.__getitem__)
        vector, terms_of = self.vector, model.terms_of
        for position in pool:
            exact = sum(vector.get(term, 0.0) * weight for term, weight in terms_of(position).items())
            scores[position] = above + 1.0 + exact
        return scores

    def ordered(
        self, subset: AbstractSet[int] | None, order: list[int], keep_rest: bool
    ) -> tuple[ScoredOrder, Callable[[str], list[str]]]:
        """The papers by score (then, with `keep_rest`, the others of `subset` in `order`),
        and the explanation of each."""
        table = self.model.table
        if subset is not None and self.exclude and keep_rest:
            subset = subset - self.exclude
        ranked = ScoredOrder(self.scores(subset), order, lambda: table.rank("added"), subset, keep_rest)
        return ranked, self.explain

    def explain(self, paper_id: str) -> list[str]:
        """The EXPLAINED terms that contributed most to a paper's score, best first."""
        position = self.model.table.positions.get(paper_id)
        if position is None:
            return []
        own, vector = self.model.terms_of(position), self.vector
        shared = sorted((t for t in own if t in vector), key=lambda t: -vector[t] * own[t])
        return [self.model.display(term) for term in shared[:EXPLAINED]]


class IndexParts(Protocol):
    """What a RelatedModel reads of the search index (store.search.index.SearchIndex)."""

    _table: PaperTable
    _tables: dict[str, Postings]
    _compounds: dict[bytes, bytes]
    _lengths: array[int]
    _abstract_of: Callable[[Paper], str]


class RelatedModel:
    """Term statistics of one index generation (idf, lengths) and per-paper term vectors."""

    def __init__(self, index: IndexParts) -> None:
        self.index = index
        self.table: PaperTable = index._table
        self.tables = index._tables
        self.papers = len(self.table)
        lengths = index._lengths
        self.average_length = (sum(lengths) / len(lengths)) if lengths else 1.0
        self.idf = lru_cache(maxsize=65536)(self._idf)
        self.terms_of = lru_cache(maxsize=4096)(self._terms_of)
        self._like = lru_cache(maxsize=8)(self._like_uncached)
        self._profile: tuple[tuple[int, int], Similarity | None] | None = None
        self._arxiv: dict[str, list[int]] | None = None
        self._norms: array[float] | None = None
        self._sorted_ids: list[tuple[str, int]] | None = None

    def _idf(self, term: bytes) -> float:
        """BM25's idf, from the papers with the term in the title or the abstract (an abstract
        is indexed without its title's words, so the two counts never overlap)."""
        found = self._papers_with(term)
        hyphenated = self.index._compounds.get(term)
        if hyphenated:  # written apart by more papers than joined: at most as many as its rarest part
            found = max(found, min(map(self._papers_with, hyphenated.split(b"-"))))
        return math.log(1.0 + (self.papers - found + 0.5) / (found + 0.5))

    def _papers_with(self, word: bytes) -> int:
        found = self.tables["title"].count(word) + self.tables["abstract"].count(word)
        return max(found, self.tables["keywords"].count(word), self.tables["authors"].count(word))

    def norms(self) -> array[float]:
        """BM25's term factor for a word seen once, per paper (shorter papers count each shared
        term more): an array made on first use (~5 ms at 100k), where a call per scored paper
        was ~15 ms of every `like:`."""
        if self._norms is None:
            # (K1 + 1) / (1 + K1 (1 - B + B length / average)) as C calls over the lengths: a
            # generator was 30 ms at 100k, paid by the first like: of a session.
            slope = K1 * B / self.average_length
            lengths = map(mul, self.index._lengths, repeat(slope))
            self._norms = array("d", map(truediv, repeat(K1 + 1), map(add, lengths, repeat(1 + K1 * (1 - B)))))
        return self._norms

    def _terms_of(self, position: int) -> dict[bytes, float]:
        """A paper's term vector, of length 1: (1 + log of its count, a title word counting
        3x) x idf, for each word but stop words (idf under 1: in more than ~a third of the
        papers) and bare numbers."""
        paper = self.table.papers[position]
        counts: Counter[bytes] = Counter()
        for name, text in (
            ("title", paper.title),
            ("abstract", self.index._abstract_of(paper)),
            ("keywords", " ".join(paper.ai_keywords)),
            ("authors", " ".join(paper.authors)),
        ):
            weight = WEIGHTS[name]
            for word, count in text_counts(text).items():
                counts[word] += weight * count
        vector = {}
        for word, count in counts.items():
            if len(word) > 1 and not word.isdigit():
                idf = self.idf(word)
                if idf >= MIN_IDF:
                    vector[word] = (1.0 + math.log(count)) * idf
        return _unit(vector)

    def by_arxiv(self) -> dict[str, list[int]]:
        """arXiv id -> positions, made on first use (~10 ms at 100k papers)."""
        if self._arxiv is None:
            self._arxiv = {}
            for position, paper in enumerate(self.table.papers):
                if paper.arxiv_id:
                    self._arxiv.setdefault(paper.arxiv_id, []).append(position)
        return self._arxiv

    def with_prefix(self, prefix: str, most: int = 100) -> list[int]:
        """Positions of up to `most` papers whose id starts with `prefix`, by bisection in the
        ids sorted once (a scan of 100k ids was 30 ms a reference)."""
        if self._sorted_ids is None:
            self._sorted_ids = sorted(zip(self.table.ids, range(len(self.table.ids)), strict=True))
        ids = self._sorted_ids
        found = []
        for paper_id, position in ids[bisect_left(ids, (prefix, -1)) :]:
            if not paper_id.startswith(prefix) or len(found) >= most:
                break
            found.append(position)
        return found

    def searchable_terms(self, vector: dict[bytes, float], limit: int) -> dict[bytes, float]:
        """The heaviest terms whose postings are read: up to `limit`, each in at most
        TERM_SHARE of the papers and POSTINGS_BUDGET postings in all. A common term says
        little about which papers are alike but costs a pass over its postings (a for-you
        profile's 40 heaviest were ~1M postings, 500 ms at 100k papers); the exact scoring
        of the pool still counts it."""
        chosen: dict[bytes, float] = {}
        budget = POSTINGS_BUDGET
        most = max(50, int(TERM_SHARE * self.papers))
        for term, weight in sorted(vector.items(), key=lambda item: -item[1]):
            postings = sum(self.tables[name].count(term) for name in SCORED_FIELDS)
            if postings > most or postings > budget:
                continue
            chosen[term] = weight
            budget -= postings
            if len(chosen) >= limit:
                break
        return chosen

    def weighted_terms(self, position: int, limit: int) -> list[tuple[str, float]]:
        """A paper's heaviest terms, as a reader writes them."""
        return [(self.display(term), weight) for term, weight in _heaviest(self.terms_of(position), limit).items()]

    def display(self, term: bytes) -> str:
        """A term as a reader writes it: a compound with its hyphens."""
        return self.index._compounds.get(term, term).decode("ascii")

    def like(self, positions: Iterable[int]) -> Similarity:
        """Papers like these (themselves left out); the last few asked are kept, so that the
        keystrokes after a `like:` reuse its scores."""
        return self._like(tuple(positions))

    def _like_uncached(self, chosen: tuple[int, ...]) -> Similarity:
        summed: defaultdict[bytes, float] = defaultdict(float)
        for position in chosen:
            for term, weight in self.terms_of(position).items():
                summed[term] += weight
        return Similarity(self, _unit(summed), frozenset(chosen), QUERY_TERMS)

    def for_you(self, marks: Mapping[str, Marks]) -> Similarity | None:
        """Papers like the starred and tagged ones, recently marked ones more; papers read
        and not starred pull their terms down slightly. None without any mark that says so.
        Kept while the marks are the same objects: the Library replaces a paper's Marks when
        they change, so their ids tell a change (~1 ms for 20,000 marks, where the profile is
        ~40 ms and its scores ~50 ms at 100k papers) and typing with for-you costs neither."""
        signature = (len(marks), sum(map(id, marks.values())))
        if self._profile is None or self._profile[0] != signature:
            self._profile = (signature, self._learn_profile(marks))
        return self._profile[1]

    def _learn_profile(self, marks: Mapping[str, Marks]) -> Similarity | None:
        positions = self.table.positions
        marked = [
            (m.updated, pid, m) for pid, m in marks.items() if pid in positions and (m.starred or m.tags or m.read)
        ]
        if not marked:
            return None
        marked = heapq.nlargest(PROFILE_PAPERS, marked, key=lambda item: item[0])
        newest = marked[0][0]
        summed: defaultdict[bytes, float] = defaultdict(float)
        for updated, paper_id, mark in marked:
            weight = STARRED if mark.starred else (TAGGED if mark.tags else READ_ONLY)
            weight *= 0.5 ** (max(0.0, newest - updated) / 86400.0 / HALF_LIFE_DAYS)
            for term, value in self.terms_of(positions[paper_id]).items():
                summed[term] += weight * value
        profile = _heaviest({t: w for t, w in summed.items() if w > 0}, PROFILE_VECTOR)
        return Similarity(self, _unit(profile), frozenset(), PROFILE_TERMS) if profile else None


def _unit(terms: dict[bytes, float]) -> dict[bytes, float]:
    """Weights scaled to length 1, so that a long abstract does not outweigh a short one."""
    norm = math.sqrt(sum(weight * weight for weight in terms.values())) or 1.0
    return {term: weight / norm for term, weight in terms.items()}


def _heaviest(terms: Mapping[bytes, float], limit: int) -> dict[bytes, float]:
    return dict(sorted(terms.items(), key=lambda item: -item[1])[:limit])


def resolve_refs(refs: list[str], model: RelatedModel, warnings: list[str]) -> list[int]:
    """Positions of the papers `like:` names: an id, a unique id prefix or an arXiv id
    (`2401.12345`, with or without `arxiv:` and a version); a warning for any other."""
    found: list[int] = []
    table = model.table
    for ref in refs:
        position = table.positions.get(ref)
        if position is None:
            arxiv = arxiv_id(ref)
            matches = model.by_arxiv().get(arxiv, []) if arxiv else []
            if not matches:
                matches = model.with_prefix(ref)
            if len(matches) == 1:
                position = matches[0]
            elif matches:
                warnings.append(f"like:{ref} matches {len(matches)} papers; give more of the id")
            else:
                warnings.append(f"like:{ref}: no paper with that id, id prefix or arXiv id")
        if position is not None and position not in found:
            found.append(position)
    return found
