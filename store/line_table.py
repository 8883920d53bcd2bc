"""catalog-lines.bin: every paper id of catalog.json with its doc id and where its record line
starts, saved beside the catalog so that a quick command (`paperdeck list is:starred`) need not
find them all in the file's 32 MB again (~0.15 s at 100,000 papers; loading them is ~45 ms).

The file is a cache, derived from catalog.json alone and never the only copy of anything: it
names the catalog's size and CRC-32 (~5 ms to check), and one made for other bytes, damaged or
foreign is ignored (the ids are then found in the catalog as before and saved again). Written
atomically like every library file; a library folder that refuses the write just goes without.

Layout: MAGIC, one JSON header line (with a CRC-32 of what follows), then the doc ids and the
line starts (int64 arrays, in file order) and the paper ids (newline-separated).
"""

from __future__ import annotations

import codecs
import sys
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path

import orjson

from paperdeck.store.errors import LibraryError
from paperdeck.store.storage import crc32_of, write_atomic

LINE_TABLE_FILE = "catalog-lines.bin"
MAGIC = b"paperdeck catalog lines\n"
VERSION = 2  # 2: a CRC-32 of the sections (a flipped byte in a line start read a wrong record)
# Catalogs smaller than this are searched, not tabled: ~20 ms at this size (~12,000 papers),
# no gain worth a file.
SAVED_FROM_BYTES = 4 << 20


@dataclass(slots=True)
class LineTable:
    """Paper id -> doc id, and doc id -> where the record's line starts in the catalog."""

    doc_ids: dict[str, int]
    starts: dict[int, int]


def catalog_key(data: bytes) -> dict[str, int]:
    """What a saved table must have been made from: the catalog's size and CRC-32."""
    return {"catalog_size": len(data), "catalog_crc32": zlib.crc32(data)}


def save_line_table(path: Path, key: dict[str, int], table: LineTable) -> bool:
    """Save the table made for the catalog with `key`; False when the disk refuses (nothing
    is lost: the next command finds the ids in the catalog again)."""
    docs = array("q", table.doc_ids.values())
    starts = array("q", (table.starts[doc] for doc in docs))
    ids = "\n".join(table.doc_ids).encode("utf-8")  # one string, not a bytes object per id
    sections = [docs.tobytes(), starts.tobytes(), ids]
    header = {
        "version": VERSION,
        "byteorder": sys.byteorder,
        "count": len(docs),
        "sections": [len(section) for section in sections],
        "crc32": crc32_of(sections),
        **key,
    }
    try:
        write_atomic(path, [MAGIC, orjson.dumps(header), b"\n", *sections])
    except LibraryError:
        return False
    return True


def load_line_table(path: Path, key: dict[str, int]) -> LineTable | None:
    """The saved table, or None when there is none made for the catalog with `key`."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    end = raw.find(b"\n", len(MAGIC))
    if not raw.startswith(MAGIC) or end < 0:
        return None
    try:
        header = orjson.loads(raw[len(MAGIC) : end])
        count = int(header["count"])
        lengths = [int(length) for length in header["sections"]]
        fits = (
            header["version"] == VERSION
            and header["byteorder"] == sys.byteorder
            and all(header[name] == value for name, value in key.items())
            and len(lengths) == 3
            and lengths[0] == lengths[1] == 8 * count
            and end + 1 + sum(lengths) == len(raw)
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    if not fits:
        return None
    docs, starts = array("q"), array("q")
    with memoryview(raw) as data:
        ids_at = end + 1 + lengths[0] + lengths[1]
        sections = [data[end + 1 : end + 1 + lengths[0]], data[end + 1 + lengths[0] : ids_at], data[ids_at:]]
        if crc32_of(sections) != header.get("crc32"):
            return None
        docs.frombytes(sections[0])
        starts.frombytes(sections[1])
        text = codecs.decode(sections[2], "utf-8", "replace")  # no copy of the bytes first
        del sections
    del raw  # the file's bytes go before the table's strings are made (peak memory)
    ids = text.split("\n") if count else []
    del text
    if len(ids) != count:
        return None
    doc_list = docs.tolist()  # ints made once, shared by both tables
    return LineTable(dict(zip(ids, doc_list, strict=True)), dict(zip(doc_list, starts.tolist(), strict=True)))
