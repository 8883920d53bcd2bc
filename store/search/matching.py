"""How the index answers a query: word, compound, phrase and author hits (cached per index
generation), filters (store.search.filters), then ranking by title hits, by similarity to
`like:` papers, or by the `for-you` profile (store.search.related).

A mixin of `SearchIndex`, which holds the tables it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from itertools import chain
from typing import TYPE_CHECKING

import paperdeck.store.search.related as related
from paperdeck.store.models import Marks
from paperdeck.store.search.acronyms import ACRONYMS
from paperdeck.store.search.compounds import compound_phrase_finder, join_runs
from paperdeck.store.search.fields import FREE_TEXT
from paperdeck.store.search.filters import allowed_positions, check_sort
from paperdeck.store.search.ordering import IdView, LazyOrder
from paperdeck.store.search.query import Query, parse_query
from paperdeck.store.search.ranking import best_matches, intersection, score_groups
from paperdeck.store.search.result import SearchResult
from paperdeck.store.search.words import Vocabulary, find_words

if TYPE_CHECKING:
    from paperdeck.store.search.fields import NotesField
    from paperdeck.store.search.postings import Postings
    from paperdeck.store.search.table import PaperTable

TIE_BREAK_LIMIT = 400
SHORT_PREFIX = 4  # an unfinished word shorter than this is matched in titles only
PHRASE_CHECK_LIMIT = 3000  # abstracts checked for a phrase's word order (~2 µs each)
WordHits = tuple[frozenset[int], frozenset[int], tuple[str, ...]]  # title hits, all hits, words


class TextMatching:
    """Searching, for `SearchIndex` (see the module)."""

    _text_fields = FREE_TEXT
    _table: PaperTable
    _tables: dict[str, Postings]
    _compounds: dict[bytes, bytes]
    _notes: NotesField
    _abstract_of: Callable
    _finished_words: Callable[..., WordHits]
    _prefixes: Callable[..., WordHits]
    _vocabulary_matches: Callable[[str, bool], tuple[str, ...]]
    _phrase_hits: Callable[[str], tuple[frozenset[int], frozenset[int]]]
    _author_hits: Callable[[str, bool], frozenset[int]]
    _author_vocabulary: Callable[[], Vocabulary]
    _related: Callable[[], related.RelatedModel]
    _refresh: Callable[[], Vocabulary]

    def search(
        self,
        query: str | Query,
        marks: Mapping[str, Marks],
        sort: str = "relevance",
        reverse: bool = False,
        *,
        new_since: float | None = None,
        saved: Mapping[str, str] | None = None,
    ) -> SearchResult:
        """Filter and order the papers for a query (see store.search.query for the language).
        `new_since`: when the previous session started (`is:new`); `saved`: saved searches."""
        self._refresh()
        parsed = parse_query(query, saved) if isinstance(query, str) else query
        sort = check_sort(parsed, sort)
        table = self._table
        allowed = allowed_positions(parsed, table, marks, new_since)
        if parsed.authors:
            by_author = self._authors_matching(parsed)
            allowed = set(by_author) if allowed is None else allowed & by_author
        highlight: list[str] = list(parsed.phrases)
        ranked = False
        reasons = None
        order: Sequence[int]
        subset: AbstractSet[int] | None = allowed
        if parsed.has_text:
            subset, title_sets = self._text_matches(parsed, allowed, highlight)
        if parsed.like or sort == "for-you":
            similarity = self._similarity(parsed, marks, sort)
            if similarity is not None:
                order, reasons = similarity.ordered(subset, table.order("added"), keep_rest=not parsed.like)
                ranked = True
        if reasons is None:
            if parsed.has_text and sort in ("relevance", "for-you"):
                matching = subset
                assert matching is not None
                order = LazyOrder(
                    score_groups(matching, title_sets),
                    table.order("added"),
                    lambda: table.rank("added"),
                    lambda head: self._closest_titles_first(head, parsed),
                    members=matching,
                )
                ranked = True
            else:
                order = table.ordered(subset, sort)
        if reverse:
            order = list(order)[::-1]
        result = SearchResult(IdView(order, table.ids, table.positions), parsed.warnings, highlight, ranked)
        if reasons is not None:
            result.reasons = reasons
        return result

    def _similarity(self, query: Query, marks: Mapping[str, Marks], sort: str) -> related.Similarity | None:
        """Scores by `like:` papers, else by the profile of the marks (`for-you`)."""
        model = self._related()
        if query.like:
            positions = related.resolve_refs(query.like, model, query.warnings)
            return model.like(positions) if positions else None
        return model.for_you(marks) if sort == "for-you" else None

    def terms_of(self, paper_id: str, limit: int = 20) -> list[tuple[str, float]]:
        """A paper's heaviest terms with their weights (what related papers are found by);
        [] for a paper the index does not have."""
        position = self._table.positions.get(paper_id)
        return [] if position is None else self._related().weighted_terms(position, limit)

    def _related_model(self) -> related.RelatedModel:
        return related.RelatedModel(self)  # type: ignore[arg-type]

    # --- words ------------------------------------------------------------------------------------

    def _known(self, key: bytes) -> bool:
        return any(key in self._tables[name] for name in self._text_fields)

    def _match_word(self, word: str, prefix: bool) -> WordHits:
        """`_find_word` over every paper, cached for this generation."""
        return (self._prefixes if prefix else self._finished_words)(word, prefix)

    def _find_vocabulary(self, word: str, prefix: bool) -> tuple[str, ...]:
        return find_words(word, prefix, self._refresh(), self._known)

    def _keys_hits(self, keys: list[bytes], fields: Sequence[str]) -> chain[int]:
        """Every posting of the words in the fields (positions may repeat)."""
        # Empty tables (no AI keywords or summaries in page dumps) are skipped: a bisection per
        # word and table was a third of the lookups of a keystroke.
        tables = [table for table in map(self._tables.__getitem__, fields) if table]
        return chain.from_iterable(table.get(key) for table in tables for key in keys)

    def _find_word(self, word: str, prefix: bool, within: AbstractSet[int] | None = None) -> WordHits:
        """(title hits, hits in any field, vocabulary words matched) for one query word; only
        hits inside `within` when given.

        Both sets are kept, not the abstract-only hits: every keystroke needs all the hits of
        each word, and their union was rebuilt per keystroke (2-3 ms a common word at 100k).
        `within` (the papers the other words left) spares the word being typed a set of every
        paper with, say, `model*` (~100k at 100k papers, 10 ms): its postings are only looked
        up in the smaller set.
        """
        matched = self._vocabulary_matches(word, prefix)
        keys = [w.encode("ascii") for w in matched]
        titles = self._keys_hits(keys, ("title",))
        title = frozenset(titles) if within is None else frozenset(within.intersection(titles))
        expansion = ACRONYMS.get(word)
        if expansion:
            spelled_out = self._all_in_titles(expansion)
            title |= spelled_out if within is None else spelled_out & within
        # A compound written joined (`finetuning`) is also the spaced phrase (`fine tuning`);
        # hyphenated ones were indexed joined. Extensions of a prefix are not expanded (each
        # would be a phrase check per keystroke).
        # The word as typed may be a compound nobody writes joined (`zeroshot`): not a
        # vocabulary word, still its parts.
        typed = word.encode("ascii")
        looked_up = [typed, *(key for key in keys if key != typed)] if not prefix else [typed]
        compound_keys = [key for key in looked_up if key in self._compounds]
        # A prefix of up to three letters inside abstracts is noise (`tra` is in nearly every
        # abstract) and its union cost 10 ms at 100k papers; in titles it is what is meant.
        short = prefix and len(word) < SHORT_PREFIX
        if short and not compound_keys:
            return title, title, matched
        others = self._keys_hits(compound_keys if short else keys, self._text_fields[1:])
        for compound in compound_keys:
            phrase_title, phrase_hits = self._phrase_hits(self._compounds[compound].decode("ascii").replace("-", " "))
            title |= phrase_title if within is None else phrase_title & within
            others = chain(others, phrase_hits)
        hits = frozenset(chain(title, others)) if within is None else title.union(within.intersection(others))
        return title, hits, matched

    def _run_hits(self, run: list[str]) -> tuple[frozenset[int], frozenset[int]]:
        """(title hits, hits) of adjacent query words the library writes as one hyphenated
        word: the words apart (typo-tolerant, each anywhere) or the compound joined."""
        parts = [self._match_word(word, False) for word in run]
        joined = ["".join(run).encode("ascii")]
        title = intersection([hits[0] for hits in parts]) | frozenset(self._keys_hits(joined, ("title",)))
        hits = intersection([hits[1] for hits in parts]).union(title, self._keys_hits(joined, self._text_fields))
        return title, hits

    def _all_in_titles(self, words: tuple[str, ...]) -> set[int]:
        """Papers whose title has every word (the last also as a plural)."""
        sets = []
        title = self._tables["title"]
        for index, word in enumerate(words):
            hits = set(title.get(word.encode("ascii")))
            if index == len(words) - 1:
                hits.update(title.get((word + "s").encode("ascii")))
            sets.append(hits)
        return set.intersection(*sets) if sets else set()

    def _find_phrase(self, phrase: str) -> tuple[frozenset[int], frozenset[int]]:
        """(papers with the words in this order in the title, in the title or the abstract);
        a compound in the phrase may be written joined."""
        term_hits = [self._term_hits(term) for term in join_runs(phrase.split(), self._compounds)]
        candidates = intersection([hits for _, hits in term_hits])
        if len(candidates) > PHRASE_CHECK_LIMIT:
            # Too common to check word order in every paper within a keystroke: all the words
            # are there, title hits first.
            return intersection([title for title, _ in term_hits]), candidates
        title_hits, hits = set(), set()
        has_phrase = compound_phrase_finder(phrase, self._compounds)
        papers = self._table.papers
        for i in candidates:
            paper = papers[i]
            if has_phrase(paper.title):
                title_hits.add(i)
                hits.add(i)
            elif has_phrase(self._abstract_of(paper)):
                hits.add(i)
        return frozenset(title_hits), frozenset(hits)

    def _term_hits(self, term: list[str]) -> tuple[frozenset[int], frozenset[int]]:
        if len(term) > 1:
            return self._run_hits(term)
        title, hits, _ = self._match_word(term[0], False)
        return title, hits

    def _find_author(self, word: str, prefix: bool) -> frozenset[int]:
        """Papers with an author name word like `word` (a prefix of one while typing)."""
        authors = self._tables["authors"]
        matched = find_words(word, prefix, self._author_vocabulary(), authors.__contains__)
        return frozenset(chain.from_iterable(authors.get(w.encode("ascii")) for w in matched))

    def _authors_matching(self, query: Query) -> frozenset[int]:
        """Papers whose authors match every `author:` word."""
        last = len(query.authors) - 1
        return intersection(
            [self._author_hits(word, query.author_typing and i == last) for i, word in enumerate(query.authors)]
        )

    # --- text ------------------------------------------------------------------------------------

    def _text_matches(
        self, query: Query, allowed: set[int] | None, highlight: list[str]
    ) -> tuple[AbstractSet[int], list[frozenset[int]]]:
        """Papers matching every term (else the most terms), and each term's title hits.
        Terms are words, or runs of words that make a known compound (`fine tuning`)."""
        title_sets: list[frozenset[int]] = []
        candidates: list[frozenset[int]] = []
        terms = join_runs(query.words, self._compounds)
        typing = query.typing and bool(terms) and len(terms[-1]) == 1
        notes = self._notes
        for term in terms[:-1] if typing else terms:
            if len(term) > 1:
                title, hits = self._run_hits(term)
                highlight.extend(term)
            else:
                title, hits, matched = self._match_word(term[0], False)
                highlight.extend(matched[:8])
            if len(notes):
                hits = hits | notes.find(term[0], False) if len(term) == 1 else hits
            title_sets.append(title)
            candidates.append(hits)
        for phrase in query.phrases:
            title, hits = self._phrase_hits(phrase)
            title_sets.append(title)
            candidates.append(hits)
        if allowed is not None:
            candidates = [hits & allowed for hits in candidates]
        if typing:
            word = terms[-1][0]
            within = intersection(candidates) if candidates else allowed
            if within is None:
                title, hits, matched = self._match_word(word, True)
            else:
                title, hits, matched = self._find_word(word, True, within)
                if not hits and candidates:
                    # Nothing has every word: the partial matches below need all of this word's hits.
                    title, hits, matched = self._match_word(word, True)
                    hits = hits & allowed if allowed is not None else hits
            if len(notes):
                noted = notes.find(word, True)
                hits = hits | (noted & allowed if allowed is not None else noted)
            highlight.extend(matched[:8])
            title_sets.append(title)
            candidates.append(hits)
        return best_matches(candidates), title_sets

    def _closest_titles_first(self, head: list[int], query: Query) -> list[int]:
        """Within the best group, titles closest to the whole query first (stable otherwise)."""
        if not 1 < len(head) <= TIE_BREAK_LIMIT:
            return head
        from rapidfuzz import fuzz  # see load_fuzzy_matching

        text = " ".join(query.words + query.phrases)
        papers = self._table.papers
        closeness = {i: fuzz.token_sort_ratio(text, papers[i].title.lower()) for i in head}
        return sorted(head, key=lambda i: -closeness[i])
