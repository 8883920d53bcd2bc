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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as type checkers see them ("as": re-exported)
    from paperdeck.store.search.filters import filter_papers as filter_papers
    from paperdeck.store.search.index import IndexSnapshot as IndexSnapshot
    from paperdeck.store.search.index import SearchIndex as SearchIndex
    from paperdeck.store.search.index_file import load_index as load_index
    from paperdeck.store.search.index_file import load_or_start_index as load_or_start_index
    from paperdeck.store.search.index_file import save_if_more_complete as save_if_more_complete
    from paperdeck.store.search.index_file import save_index as save_index
    from paperdeck.store.search.index_file import update_saved_index as update_saved_index
    from paperdeck.store.search.ordering import IdView as IdView
    from paperdeck.store.search.query import Query as Query
    from paperdeck.store.search.query import parse_query as parse_query
    from paperdeck.store.search.result import SearchResult as SearchResult
    from paperdeck.store.search.table import EVERY_SORT as EVERY_SORT
    from paperdeck.store.search.table import SORTS as SORTS
    from paperdeck.store.search.table import PapersByPosition as PapersByPosition
    from paperdeck.store.search.words import load_fuzzy_matching as load_fuzzy_matching

# Each name is imported from its module when first asked for: `paperdeck list is:starred`
# needs the filters, not the index, its file and the ranking (~12 ms of imports).
_HOMES = {
    "filter_papers": "filters",
    "IndexSnapshot": "index",
    "SearchIndex": "index",
    "load_index": "index_file",
    "load_or_start_index": "index_file",
    "save_if_more_complete": "index_file",
    "save_index": "index_file",
    "update_saved_index": "index_file",
    "IdView": "ordering",
    "Query": "query",
    "parse_query": "query",
    "SearchResult": "result",
    "EVERY_SORT": "table",
    "SORTS": "table",
    "PapersByPosition": "table",
    "load_fuzzy_matching": "words",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # asked once
    return value
