"""What every library file says about itself: a `_meta` record with its kind and schema.

A file of another kind, or without the record, is not ours; a file with a newer schema was
written by a newer paperdeck. Both are refused without being touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from paperdeck.store.errors import LibraryError, NewerSchemaError
from paperdeck.store.storage import load_json_file

META_TABLE = "_meta"
# catalog 2: abstracts moved out of the catalog into their own file (schema 1 had them inline).
SCHEMAS = {"catalog": 2, "abstracts": 1, "marks": 1}


def meta_table(kind: str) -> dict[str, Any]:
    """The `_meta` table a new file of `kind` is written with."""
    return {"1": {"schema": SCHEMAS[kind], "kind": kind}}


def check_meta(tables: dict[str, Any] | None, path: Path, kind: str) -> int:
    """The schema of a library file of `kind` (0 for a missing file); LibraryError for a file
    that is not ours, NewerSchemaError for one a newer paperdeck wrote."""
    if tables is None:
        return 0
    meta = tables.get(META_TABLE, {}).get("1")
    if not isinstance(meta, dict) or meta.get("kind") != kind or not isinstance(meta.get("schema"), int):
        raise LibraryError(f"{path}: not a paperdeck {kind} file (no schema record); the file was left as it is")
    if meta["schema"] > SCHEMAS[kind]:
        raise NewerSchemaError(
            f"{path}: written by a newer paperdeck (schema {meta['schema']}, this version reads {SCHEMAS[kind]}); "
            "upgrade paperdeck"
        )
    return meta["schema"]


def check_library_file(path: Path, kind: str) -> None:
    """Raise LibraryError if a library file is damaged (used by `paperdeck doctor`)."""
    check_meta(load_json_file(path), path, kind)
