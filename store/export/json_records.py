"""Everything stored about each paper, with the user's marks, as a JSON list: the lossless
export, for scripts and for moving a library."""

from __future__ import annotations

from collections.abc import Iterable

import orjson

from paperdeck.store.clean import json_safe
from paperdeck.store.export.fields import Entry, materialize


def json_text(entries: Iterable[Entry]) -> str:
    """A pretty JSON list, UTF-8: each paper's `Paper.to_dict()` with a `marks` key holding
    `Marks.to_dict()`."""
    records = [{**paper.to_dict(), "marks": marks.to_dict()} for paper, marks in materialize(entries)]
    # orjson: ~10x faster than json at 100,000 papers with abstracts; non-string keys a source
    # may have left in `extra` are written as strings. json_safe: the text may be printed.
    encoded = orjson.dumps(records, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    return json_safe(encoded).decode() + "\n"
