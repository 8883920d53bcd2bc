"""What every library file says about itself: a `_meta` record with its kind and schema.

A file of another kind, or without the record, is not ours; a file with a newer schema was
written by a newer paperdeck. Both are refused without being touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from paperdeck.store.errors import LibraryError, NewerSchemaError

META_TABLE = "_meta"
# catalog 2: abstracts moved out of the catalog into their own file (schema 1 had them inline).
# catalog 3: typed fields of every source, ISO dates, a journal (catalog.journal) of generations.
# marks 2: a journal of batches with their before and after, the undo history, notes.
SCHEMAS = {"catalog": 3, "abstracts": 1, "marks": 2, "history": 1, "saved": 1}


def meta_table(kind: str, generation: int = 0) -> dict[str, Any]:
    """The `_meta` table a new file of `kind` is written with; `generation` counts the folds
    of its journal (store/journal.py)."""
    return {"1": {"schema": SCHEMAS[kind], "kind": kind, "generation": generation}}


def meta_record(tables: dict[str, Any] | None) -> dict[str, Any]:
    """A file's `_meta` record ({} when it has none, or one of another shape)."""
    meta = (tables or {}).get(META_TABLE, {}).get("1")
    return meta if isinstance(meta, dict) else {}


def generation_of(tables: dict[str, Any] | None) -> int:
    """The journal generation a snapshot was written at (0 for files from before journals had them)."""
    generation = meta_record(tables).get("generation", 0)
    return generation if isinstance(generation, int) else 0


def check_meta(tables: dict[str, Any] | None, path: Path, kind: str) -> int:
    """The schema of a library file of `kind` (0 for a missing file); LibraryError for a file
    that is not ours, NewerSchemaError for one a newer paperdeck wrote."""
    if tables is None:
        return 0
    meta = meta_record(tables)
    if meta.get("kind") != kind or not isinstance(meta.get("schema"), int):
        raise LibraryError(f"{path}: not a paperdeck {kind} file (no schema record); the file was left as it is")
    if meta["schema"] > SCHEMAS[kind]:
        raise NewerSchemaError(
            f"{path}: written by a newer paperdeck (schema {meta['schema']}, this version reads {SCHEMAS[kind]}); "
            "upgrade paperdeck"
        )
    return meta["schema"]
