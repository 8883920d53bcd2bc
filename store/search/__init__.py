"""Search for paperdeck: the query language, an inverted index over a list of fields, ranking,
related papers and `for-you`, and the saved index file. What other features call:

- `SearchIndex(papers, defer_abstracts=..., abstract_of=...)`: `.search(query, marks, sort,
  reverse, new_since=, saved=) -> SearchResult` (ids ranked, warnings, highlight terms,
  `.explain(id)`); `.add(papers)` (new or updated records); `.update_note(id, note)`,
  `.set_notes(marks)`; `.terms_of(id)`; `.stale(papers)`; `.index_abstracts(limit)`.
- `filter_papers(query, papers, marks, sort)`: a query without free text, answered from the
  catalog and marks with no index at all.
- `parse_query(text, saved)`, `Query`, `SORTS` (a browser's cycle), `EVERY_SORT` (+ `for-you`).
- `load_or_start_index`, `save_if_more_complete`, `update_saved_index`, `load_index`,
  `save_index`: the index saved beside the library (a cache); given a `PapersByPosition`
  (papers made from their ids only when read), a loaded index makes only those a query reads.
- `load_fuzzy_matching()`: import rapidfuzz ahead of the first keystroke.
"""

from __future__ import annotations

from paperdeck.store.search.filters import filter_papers
from paperdeck.store.search.index import IndexSnapshot, SearchIndex
from paperdeck.store.search.index_file import (
    load_index,
    load_or_start_index,
    save_if_more_complete,
    save_index,
    update_saved_index,
)
from paperdeck.store.search.ordering import IdView
from paperdeck.store.search.query import Query, parse_query
from paperdeck.store.search.result import SearchResult
from paperdeck.store.search.table import EVERY_SORT, SORTS, PapersByPosition
from paperdeck.store.search.words import load_fuzzy_matching

__all__ = [
    "EVERY_SORT",
    "SORTS",
    "IdView",
    "IndexSnapshot",
    "PapersByPosition",
    "Query",
    "SearchIndex",
    "SearchResult",
    "filter_papers",
    "load_fuzzy_matching",
    "load_index",
    "load_or_start_index",
    "parse_query",
    "save_if_more_complete",
    "save_index",
    "update_saved_index",
]
