"""catalog-lines.bin: every paper id of catalog.json with its doc id and where its record line
starts, saved beside the catalog so that a quick command (`paperdeck list is:starred`) need not
find them all in the file's 32 MB again (~0.15 s at 100,000 papers; loading the doc ids and
line starts is ~10 ms, the dict of paper ids ~35 ms more, made only if asked for).

The file is a cache, derived from catalog.json alone and never the only copy of anything: it
names the catalog's size and CRC-32 (~5 ms to check), and one made for other bytes, damaged or
foreign is ignored (the ids are then found in the catalog as before and saved again). Written
atomically like every library file; a library folder that refuses the write just goes without.

Layout: MAGIC, one JSON header line (with a CRC-32 of what follows, and whether the doc ids
have no gap), then the doc ids and the line starts (int64 arrays, in file order) and the paper
ids (newline-separated).
"""

from __future__ import annotations

import codecs
import sys
import zlib
from array import array
from collections.abc import Callable
from pathlib import Path

from paperdeck.store.sectioned_file import read_sectioned, write_sectioned

LINE_TABLE_FILE = "catalog-lines.bin"
MAGIC = b"paperdeck catalog lines\n"
VERSION = 2  # 2: a CRC-32 of the sections (a flipped byte in a line start read a wrong record)
# Catalogs smaller than this are searched, not tabled: ~20 ms at this size (~12,000 papers),
# no gain worth a file.
SAVED_FROM_BYTES = 4 << 20


class LineTable:
    """Every record line of the catalog, in file order (which is doc order): its doc id, where
    it starts and its paper's id. A doc id's line is found from the two arrays alone (~10 ms
    to load at 100,000 papers); the dict of paper ids, ~35 ms more, is made on first use."""

    def __init__(
        self,
        docs: array[int],
        starts: array[int],
        dense: bool,
        ids: Callable[[], list[str]] | None = None,
        doc_ids: dict[str, int] | None = None,
    ) -> None:
        self.docs, self.starts = docs, starts
        # Dense: the doc ids are first, first + 1, … in file order (as an import writes them),
        # so a doc's line is at its rank and no dict of 100,000 doc ids is needed.
        self.dense = dense
        self._first = docs[0] if docs else 0
        self._starts_by_doc: dict[int, int] | None = None
        self._ids = ids  # the paper ids in file order, decoded when first asked for
        self._doc_ids = doc_ids

    @classmethod
    def of(cls, doc_ids: dict[str, int], starts: dict[int, int]) -> LineTable:
        """The table of lines found in a catalog: paper id -> doc id, doc id -> line start."""
        docs = array("q", doc_ids.values())
        first = docs[0] if docs else 0
        dense = all(doc == first + rank for rank, doc in enumerate(docs))
        return cls(docs, array("q", (starts[doc] for doc in docs)), dense, doc_ids=doc_ids)

    @property
    def doc_ids(self) -> dict[str, int]:
        """Paper id -> doc id, in file order."""
        if self._doc_ids is None:
            ids = self._ids() if self._ids else []
            self._doc_ids, self._ids = dict(zip(ids, self.docs.tolist(), strict=True)), None
        return self._doc_ids

    def start_of(self, doc: int) -> int | None:
        """Where the line of a doc id starts (None for a doc id the catalog does not hold)."""
        if self.dense:
            rank = doc - self._first
            return self.starts[rank] if 0 <= rank < len(self.starts) else None
        if self._starts_by_doc is None:
            self._starts_by_doc = dict(zip(self.docs.tolist(), self.starts.tolist(), strict=True))
        return self._starts_by_doc.get(doc)


def catalog_key(data: bytes) -> dict[str, int]:
    """What a saved table must have been made from: the catalog's size and CRC-32."""
    return {"catalog_size": len(data), "catalog_crc32": zlib.crc32(data)}


def save_line_table(path: Path, key: dict[str, int], table: LineTable) -> bool:
    """Save the table made for the catalog with `key`; False when the disk refuses (nothing
    is lost: the next command finds the ids in the catalog again)."""
    ids = "\n".join(table.doc_ids).encode("utf-8")  # one string, not a bytes object per id
    header = {"version": VERSION, "byteorder": sys.byteorder, "count": len(table.docs), "dense": table.dense, **key}
    return write_sectioned(path, MAGIC, header, [table.docs.tobytes(), table.starts.tobytes(), ids])


def load_line_table(path: Path, key: dict[str, int]) -> LineTable | None:
    """The saved table, or None when there is none made for the catalog with `key`."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    found = read_sectioned(raw, MAGIC, 3)
    if found is None:
        return None
    header, (doc_bytes, start_bytes, id_bytes) = found
    try:
        count = int(header["count"])
        fits = (
            header["version"] == VERSION
            and header["byteorder"] == sys.byteorder
            and all(header[name] == value for name, value in key.items())
            and doc_bytes.nbytes == start_bytes.nbytes == 8 * count
        )
    except (KeyError, TypeError, ValueError):
        return None
    if not fits:
        return None
    docs, starts = array("q"), array("q")
    docs.frombytes(doc_bytes)
    starts.frombytes(start_bytes)
    # The ids are decoded only if asked for; the file's other bytes go now (peak memory).
    text = bytes(id_bytes)
    del found, doc_bytes, start_bytes, id_bytes, raw
    if count and text.count(b"\n") != count - 1:
        return None

    def ids() -> list[str]:
        return codecs.decode(text, "utf-8", "replace").split("\n") if count else []

    return LineTable(docs, starts, header.get("dense") is True, ids)
