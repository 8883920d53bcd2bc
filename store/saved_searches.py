"""Saved searches: a name for a query (`@thesis` in any query stands for it), kept in
saved-searches.json beside the library, written atomically under the folder lock."""

from __future__ import annotations

from pathlib import Path

import orjson

from paperdeck.store.clean import clean_line
from paperdeck.store.errors import LibraryError, PaperdeckError
from paperdeck.store.schema import META_TABLE, check_meta, meta_table
from paperdeck.store.storage import folder_lock, load_json_file, write_atomic
from paperdeck.store.text import normalize_tag

SAVED_FILE = "saved-searches.json"
TABLE = "searches"


def search_name(name: str) -> str:
    """A saved search's name as stored (like a tag: lower case, `-` for spaces); PaperdeckError
    when nothing is left."""
    cleaned = normalize_tag(name.lstrip("@"))
    if not cleaned:
        raise PaperdeckError("a saved search needs a name with a letter or digit")
    return cleaned


def read_saved(folder: Path) -> dict[str, str]:
    """name -> query, in the order they were saved ({} when there are none); LibraryError for
    a damaged file (left as it is)."""
    path = folder / SAVED_FILE
    tables = load_json_file(path)
    if tables is None:
        return {}
    check_meta(tables, path, "saved")
    try:
        records = [tables[TABLE][key] for key in sorted(tables.get(TABLE, {}), key=int)]
        return {str(record["name"]): clean_line(str(record["query"])) for record in records}
    except (KeyError, TypeError, ValueError, AttributeError):
        raise LibraryError(f"{path}: a saved search has the wrong shape; run `paperdeck doctor`") from None


def change_saved(folder: Path, name: str, query: str | None = None, new_name: str | None = None) -> dict[str, str]:
    """Save `query` under `name` (replacing it), rename it to `new_name`, or (`query` and
    `new_name` both None) delete it; the searches as they are now. PaperdeckError for an
    unknown name or a rename onto another search."""
    name = search_name(name)
    with folder_lock(folder):
        searches = read_saved(folder)
        if new_name is not None:
            new_name = search_name(new_name)
            if name not in searches:
                raise PaperdeckError(f"no saved search @{name}")
            if new_name != name and new_name in searches:
                raise PaperdeckError(f"@{new_name} is saved already; delete it first")
            searches = {new_name if key == name else key: value for key, value in searches.items()}
        elif query is not None:
            query = clean_line(query)
            if not query:
                raise PaperdeckError("an empty filter cannot be saved")
            searches[name] = query
        elif searches.pop(name, None) is None:
            raise PaperdeckError(f"no saved search @{name}")
        table = {str(n): {"name": key, "query": value} for n, (key, value) in enumerate(searches.items(), start=1)}
        write_atomic(folder / SAVED_FILE, orjson.dumps({META_TABLE: meta_table("saved"), TABLE: table}))
    return searches
