"""The names of the sort orders, in a module of their own: the command line offers them before
anything else loads (store.search, which sorts, costs ~40 ms to import)."""

from __future__ import annotations

# The sorts a browser cycles through, and every sort `search` takes: `for-you` ranks by the
# user's marks (store/search/related.py) and is offered where a caller chooses to.
SORTS = ("relevance", "date", "upvotes", "title", "added")
EVERY_SORT = (*SORTS, "for-you")
