"""The layout of paperdeck's cache files (search-index.bin, catalog-lines.bin): a magic line,
one JSON header line, then sections of bytes back to back. The header names each section's
length and a CRC-32 of them all, so a file cut short, damaged or foreign is refused whole
(and the cache made again) instead of read.
"""

from __future__ import annotations

import mmap
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from paperdeck.store.errors import LibraryError
from paperdeck.store.storage import write_atomic


def crc32_of(pieces: Sequence[bytes | memoryview]) -> int:
    """The CRC-32 of pieces as if written back to back."""
    crc = 0
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
    return crc


def write_sectioned(path: Path, magic: bytes, header: dict[str, Any], sections: list[bytes]) -> bool:
    """Write a cache file atomically: `header` gains the sections' lengths and CRC-32. False
    when the disk refuses (nothing is lost: the cache is made again next time)."""
    whole = {**header, "sections": [len(section) for section in sections], "crc32": crc32_of(sections)}
    try:
        write_atomic(path, [magic, orjson.dumps(whole), b"\n", *sections])
    except LibraryError:
        return False
    return True


def read_sectioned(raw: bytes | mmap.mmap, magic: bytes, count: int) -> tuple[dict[str, Any], list[memoryview]] | None:
    """The header and the `count` sections (views of `raw`, no copies) of a file that
    `write_sectioned` wrote whole, or None for any other bytes."""
    end = raw.find(b"\n", len(magic))
    if raw[: len(magic)] != magic or end < 0:
        return None
    data = memoryview(raw)
    try:
        header = orjson.loads(data[len(magic) : end])
        lengths = [int(length) for length in header["sections"]]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    if len(lengths) != count or min(lengths, default=0) < 0 or end + 1 + sum(lengths) != len(data):
        return None
    sections, start = [], end + 1
    for length in lengths:
        sections.append(data[start : start + length])
        start += length
    return (header, sections) if crc32_of(sections) == header.get("crc32") else None
