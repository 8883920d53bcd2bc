"""abstracts.json: every paper's abstract, one per line, apart from the catalog.

The browser's first frame needs titles and list metadata, not abstracts, which are three
quarters of the bytes: with both in one file, 100,000 papers took 1.4 s to parse before
anything could be painted. So the abstracts live in a TinyDB file of their own, still plain
JSON but laid out one record per line, so that the browser can note where each line is and read
an abstract from disk when it is shown instead of holding 140 MB of them.
"""

from __future__ import annotations

import mmap
import os
from array import array
from collections.abc import Iterable
from itertools import repeat
from pathlib import Path

import orjson

from paperdeck.store.clean import clean_block
from paperdeck.store.errors import LibraryError
from paperdeck.store.line_layout import CLOSING, find_line, lines_payload, opening, record_of
from paperdeck.store.schema import META_TABLE, check_meta, meta_table
from paperdeck.store.storage import file_signature

ABSTRACTS_FILE = "abstracts.json"
ABSTRACTS_TABLE = "abstracts"
ABSTRACTS_OPENING = opening(ABSTRACTS_TABLE)


def abstracts_payload(texts: Iterable[tuple[int, str, str]], generation: int) -> list[bytes]:
    """The file's bytes, in pieces, for (doc id, paper id, abstract) in doc order."""
    records = ((doc_id, orjson.dumps({"id": paper_id, "text": text})) for doc_id, paper_id, text in texts)
    return lines_payload(meta_table("abstracts", generation), ABSTRACTS_TABLE, records)


def read_all(tables: dict[str, object] | None, path: Path, papers: int, suspect: bool) -> dict[str, str]:
    """paper id -> abstract from a parsed abstracts file (cleaned of control characters when
    the bytes may hold some); LibraryError for a missing or damaged one."""
    if check_meta(tables, path, "abstracts") == 0:
        raise missing(path, papers)
    assert tables is not None
    try:
        records = tables.get(ABSTRACTS_TABLE, {}).values()  # type: ignore[attr-defined]
        texts = {record["id"]: record["text"] for record in records}
    except (KeyError, TypeError, AttributeError):
        raise LibraryError(f"{path}: an abstract record has the wrong shape; run `paperdeck doctor`") from None
    if suspect:
        texts = {paper_id: clean_block(text) if isinstance(text, str) else text for paper_id, text in texts.items()}
    return texts


def missing(path: Path, papers: int) -> LibraryError:
    """The error for an abstracts file that is not there although the catalog lists papers."""
    return LibraryError(f"{path}: missing (the catalog lists {papers} papers); run `paperdeck doctor`")


class Spans:
    """doc id -> (offset, length) of its abstract on disk, in two arrays indexed by doc id
    (doc ids count up from 1): 12 bytes a paper, where a dict of tuples took ~170 (17 MB of
    the browser's memory at 100k papers)."""

    LARGEST_ID = 50_000_000  # a bigger id is not from `abstracts_payload`: the file is read whole

    def __init__(self) -> None:
        self._offsets = array("q")
        self._lengths = array("i")

    def add(self, doc_id: int, offset: int, length: int) -> None:
        """Note where one abstract is."""
        missing_slots = doc_id + 1 - len(self._offsets)
        if missing_slots > 0:
            self._offsets.extend(repeat(-1, missing_slots))
            self._lengths.extend(repeat(0, missing_slots))
        self._offsets[doc_id] = offset
        self._lengths[doc_id] = length

    def get(self, doc_id: int) -> tuple[int, int] | None:
        """(offset, length) of a doc id's abstract, None if the file has none."""
        if 0 <= doc_id < len(self._offsets) and self._offsets[doc_id] >= 0:
            return self._offsets[doc_id], self._lengths[doc_id]
        return None


class AbstractLines:
    """Where each abstract is in abstracts.json, noted once (a scan of the file's lines), so
    that one is read from disk when it is shown; the texts themselves are not kept."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._spans: Spans | None = None
        self._seen: tuple[int, int, int] | None = None

    @property
    def found(self) -> bool:
        """True once the lines were noted (and until `close`)."""
        return self._spans is not None

    def current(self) -> bool:
        """True when the lines noted are those of the file as it is now."""
        return self._spans is not None and file_signature(self.path) == self._seen

    def find(self, papers: int) -> bool:
        """Note every line; False when the file is not laid out one abstract per line (written
        by hand, by another tool: then it is read whole). LibraryError for a missing file."""
        signature = file_signature(self.path)
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            raise missing(self.path, papers) from None
        except OSError as error:
            raise LibraryError(f"{self.path}: cannot read ({error.strerror})") from None
        spans = find_spans(fd)
        if spans is None:
            os.close(fd)
            return False
        self.close()
        self._fd, self._spans, self._seen = fd, spans, signature
        return True

    def read(self, doc_id: int | None, paper_id: str) -> str:
        """A paper's abstract from its line ("" when the file has none for it)."""
        span = self._spans.get(doc_id) if self._spans is not None and doc_id is not None else None
        if span is None or self._fd is None:
            return ""
        return read_one(self._fd, span, paper_id)

    def close(self) -> None:
        """Forget the lines (the file was replaced)."""
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._spans = None, None


def find_spans(fd: int) -> Spans | None:
    """Where each record line of an abstracts file written by `abstracts_payload` is; None
    when the file is laid out otherwise (or damaged: it is then parsed whole, which names the
    problem)."""
    spans = Spans()
    with open(os.dup(fd), "rb") as handle:
        header = handle.readline()
        if not header.startswith(b'{"_meta":') or handle.readline().rstrip(b"\n") != ABSTRACTS_OPENING:
            return None
        offset = handle.tell()
        closed = False
        for line in handle:
            if line.rstrip(b"\n") == CLOSING:
                closed = True
                break
            colon = line.find(b'":')
            if not line.startswith(b'"') or colon < 0 or not line[1:colon].isdigit():
                return None
            doc_id = int(line[1:colon])
            if doc_id > Spans.LARGEST_ID:
                return None
            length = len(line) - (colon + 2)
            if line.endswith(b",\n"):
                length -= 2
            elif line.endswith(b"\n"):
                length -= 1
            spans.add(doc_id, offset + colon + 2, length)
            offset += len(line)
    return spans if closed else None


def read_one(fd: int, span: tuple[int, int], paper_id: str) -> str:
    """The abstract at `span` if it is `paper_id`'s ("" otherwise), cleaned of control characters."""
    start, length = span
    try:
        record = orjson.loads(os.pread(fd, length, start))
    except (OSError, orjson.JSONDecodeError):
        return ""
    return _text_of(record, paper_id) or ""


def find_one(path: Path, doc_id: int, paper_id: str) -> str | None:
    """One paper's abstract, found by its doc id without noting every line first (`show`
    reads one of 100,000): the lines are in doc id order, so a bisection of the mapped file
    finds it in ~17 probes. None when the file is not in that layout or holds no such record
    (then it is read whole, which names any damage)."""
    try:
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[:9] != b'{"_meta":' or data[-3:] != b"\n" + CLOSING:
                return None
            line = find_line(data, doc_id)
    except (OSError, ValueError):
        return None
    try:
        record = orjson.loads(record_of(line)) if line is not None else None
    except (orjson.JSONDecodeError, ValueError):
        return None
    return _text_of(record, paper_id)


def _text_of(record: object, paper_id: str) -> str | None:
    """The abstract a record holds if it is `paper_id`'s, cleaned of control characters."""
    if not isinstance(record, dict) or record.get("id") != paper_id or not isinstance(record.get("text"), str):
        return None
    return clean_block(record["text"])


def empty_file() -> dict[str, object]:
    """The tables of a new, empty abstracts file."""
    return {META_TABLE: meta_table("abstracts"), ABSTRACTS_TABLE: {}}
