"""The papers on disk: list metadata in catalog.json, abstracts in abstracts.json.

The browser's first frame needs titles and list metadata, not abstracts, which are three
quarters of the bytes: with both in one file, 100,000 papers took 1.4 s to parse before
anything could be painted. So the abstracts live in a TinyDB file of their own, loaded when
first needed (the browser loads them in a worker after the first frame).

An import writes the abstracts file first and the catalog second, each atomically, so the
abstracts of every paper a catalog on disk lists are on disk too; a crash in between leaves
abstracts that no catalog lists yet, which the next import writes again. A schema 1 catalog
(abstracts inline) is read as it is and split when the library is opened.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from pathlib import Path
from typing import Any

import orjson

from paperdeck.store.errors import LibraryError
from paperdeck.store.models import Paper, catalog_record, paper_from_record
from paperdeck.store.schema import META_TABLE, check_meta, meta_table
from paperdeck.store.storage import AtomicStorage, file_signature

CATALOG_FILE = "catalog.json"
ABSTRACTS_FILE = "abstracts.json"
PAPERS_TABLE = "papers"
ABSTRACTS_TABLE = "abstracts"
ABSTRACTS_OPENING = b'"abstracts":{'
ABSTRACTS_CLOSING = b"}}"


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a bulk load allocates 100,000s of objects: each
    collection would walk every object made so far (it doubled the load time), and records
    and papers hold no reference cycles for it to find. What survives the load is then frozen
    out of the collector's sight: otherwise the first collection after it walked them all
    (~0.1 s at 100k papers, just before the first frame). Reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class Catalog:
    """Every paper of one library folder, by id, with the two files behind them."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / CATALOG_FILE
        self.abstracts_path = folder / ABSTRACTS_FILE
        self.papers: dict[str, Paper] = {}
        self.doc_ids: dict[str, int] = {}
        self.abstracts_loaded = False
        self.schema = 0
        self._storage = AtomicStorage(self.path, cache=False)
        self._abstracts = AtomicStorage(self.abstracts_path, cache=False)
        self._shared: dict[Any, Any] = {}  # equal values of many papers, one object each (paper_from_record)
        # Where each abstract is on disk (doc id -> offset, length), read through `_fd`.
        self._spans: Spans | None = None
        self._fd: int | None = None
        self._abstracts_seen: tuple[int, int, int] | None = None
        # The browser loads abstracts in a worker while the UI thread may reload the catalog.
        self._lock = threading.RLock()

    def create(self) -> None:
        """Write an empty catalog and abstracts file (call under the folder lock)."""
        if not self.abstracts_path.exists():
            self._abstracts.write({META_TABLE: meta_table("abstracts"), ABSTRACTS_TABLE: {}})
        if not self.path.exists():
            self._storage.write({META_TABLE: meta_table("catalog"), PAPERS_TABLE: {}})

    def changed_on_disk(self) -> bool:
        """True when another process rewrote the catalog since it was loaded."""
        return self._storage.changed_on_disk()

    def load(self) -> tuple[list[str], list[str]]:
        """(Re)load the papers' list metadata; returns the ids that were not loaded before and
        those of known papers whose record changed (an import merged something into them).

        Raises LibraryError for a damaged, foreign or newer file, which is then left alone."""
        with self._lock, gc_paused():
            tables = self._storage.read()
            try:
                self.schema = check_meta(tables, self.path, "catalog")
            except LibraryError:
                self._storage.forget()
                raise
            assert tables is not None
            papers, shared, doc_ids = self.papers, self._shared, self.doc_ids
            records = tables.get(PAPERS_TABLE, {})
            try:
                if not papers:
                    # The first load, at every start: no merging with known papers (~0.1 s at 100k).
                    for key, record in records.items():
                        paper = papers[record["id"]] = paper_from_record(record, "", shared)
                        doc_ids[paper.id] = int(key)
                    new_ids, updated_ids = list(papers), []
                else:
                    new_ids, updated_ids = [], []
                    for key, record in records.items():
                        paper_id = record["id"]
                        known = papers.get(paper_id)
                        paper = papers[paper_id] = paper_from_record(record, known.abstract if known else "", shared)
                        if known is None:
                            new_ids.append(paper_id)
                        elif paper != known:
                            updated_ids.append(paper_id)
                        doc_ids[paper_id] = int(key)
            except (KeyError, TypeError, ValueError, AttributeError):
                self._storage.forget()
                raise LibraryError(f"{self.path}: a paper record has the wrong shape; run `paperdeck doctor`") from None
            if self.schema < 2:
                self.abstracts_loaded = True  # they were inline
            elif self.abstracts_loaded and self._abstracts.changed_on_disk():
                self._load_abstracts()
            elif self._spans is not None and file_signature(self.abstracts_path) != self._abstracts_seen:
                self._spans = None
                self.find_abstracts()
        return new_ids, updated_ids

    def load_abstracts(self) -> None:
        """Make every paper's `abstract` the one on disk (a no-op when already current)."""
        with self._lock:
            if self.schema >= 2 and (not self.abstracts_loaded or self._abstracts.changed_on_disk()):
                self._load_abstracts()

    def _load_abstracts(self) -> None:
        with gc_paused():
            tables = self._abstracts.read()
            try:
                if check_meta(tables, self.abstracts_path, "abstracts") == 0:
                    raise LibraryError(
                        f"{self.abstracts_path}: missing (the catalog lists {len(self.papers)} papers); "
                        "run `paperdeck doctor`"
                    )
                assert tables is not None
                texts = {record["id"]: record["text"] for record in tables.get(ABSTRACTS_TABLE, {}).values()}
            except LibraryError:
                self._abstracts.forget()
                raise
            except (KeyError, TypeError, AttributeError):
                self._abstracts.forget()
                raise LibraryError(
                    f"{self.abstracts_path}: an abstract record has the wrong shape; run `paperdeck doctor`"
                ) from None
            del tables
            for paper in list(self.papers.values()):
                text = texts.get(paper.id)
                if isinstance(text, str):
                    paper.abstract = text
            self.abstracts_loaded = True

    def write(self, changed: list[Paper]) -> None:
        """Store new and changed papers: the abstracts file, then the catalog (call under the
        folder lock, after `load` and `load_abstracts`). Memory changes only once both files are
        on disk; when the disk refuses, memory is reloaded from what is there."""
        with self._lock:
            doc_ids = dict(self.doc_ids)
            next_id = max(doc_ids.values(), default=0) + 1
            papers = dict(self.papers)
            for paper in changed:
                if paper.id not in doc_ids:
                    doc_ids[paper.id], next_id = next_id, next_id + 1
                papers[paper.id] = paper
            try:
                self._write_files(papers, doc_ids)
            except LibraryError:
                self.papers.clear()
                self.doc_ids.clear()
                self.abstracts_loaded = False
                self.load()
                self.load_abstracts()
                raise
            self.papers.update(papers)
            self.doc_ids = doc_ids
            self.abstracts_loaded = True  # every text is in memory: the lines found before moved
            self._close_abstracts()
            self.schema = 2

    def split_inline_abstracts(self) -> None:
        """Rewrite a schema 1 catalog as catalog + abstracts (call under the folder lock).
        Failing is harmless: everything is in memory and the next write tries again."""
        if self.schema == 1:
            with contextlib.suppress(LibraryError):
                self.write([])

    def _write_files(self, papers: dict[str, Paper], doc_ids: dict[str, int]) -> None:
        records: dict[str, Any] = {}
        with gc_paused():
            # One abstract per line, still plain JSON: the browser finds each line once and
            # reads an abstract from disk when it is shown instead of holding 140 MB of them
            # (100k papers). Written piece by piece: joining them first copied 140 MB twice.
            pieces = [b'{"_meta":' + orjson.dumps(meta_table("abstracts")) + b",\n" + ABSTRACTS_OPENING]
            separator = b"\n"
            for paper_id, paper in papers.items():
                doc_id = doc_ids[paper_id]
                text = orjson.dumps({"id": paper_id, "text": paper.abstract})
                pieces.append(b'%s"%d":%s' % (separator, doc_id, text))
                separator = b",\n"
                records[str(doc_id)] = catalog_record(paper)
            pieces.append(b"\n" + ABSTRACTS_CLOSING)
        self._abstracts.write_payload(pieces)
        del pieces
        self._storage.write({META_TABLE: meta_table("catalog"), PAPERS_TABLE: records})

    # --- abstracts read from disk when needed (the browser) ---------------------------------------

    @property
    def abstracts_available(self) -> bool:
        """True when `abstract_of` can answer for every paper: loaded, or found on disk."""
        return self.abstracts_loaded or self._spans is not None

    def find_abstracts(self) -> None:
        """Note where each paper's abstract line is in the abstracts file, without keeping the
        texts; `abstract_of` then reads one when asked. A file not laid out one abstract per
        line (written by hand, by another tool) is loaded whole instead. LibraryError as `load`."""
        with self._lock:
            if self.abstracts_loaded or (
                self._spans is not None and file_signature(self.abstracts_path) == self._abstracts_seen
            ):
                return
            if self.schema < 2:
                self.abstracts_loaded = True
                return
            signature = file_signature(self.abstracts_path)
            try:
                fd = os.open(self.abstracts_path, os.O_RDONLY)
            except FileNotFoundError:
                raise LibraryError(
                    f"{self.abstracts_path}: missing (the catalog lists {len(self.papers)} papers); "
                    "run `paperdeck doctor`"
                ) from None
            except OSError as error:
                raise LibraryError(f"{self.abstracts_path}: cannot read ({error.strerror})") from None
            spans = _abstract_spans(fd)
            if spans is None:
                os.close(fd)
                self._load_abstracts()
                return
            self._close_abstracts()
            self._fd, self._spans, self._abstracts_seen = fd, spans, signature

    def abstract_of(self, paper_id: str) -> str:
        """A paper's abstract: from memory when loaded, else read from its line on disk
        ("" when unknown or not found yet)."""
        paper = self.papers.get(paper_id)
        if paper is None or paper.abstract or self.abstracts_loaded:
            return paper.abstract if paper else ""
        with self._lock:
            doc_id = self.doc_ids.get(paper_id)
            span = self._spans.get(doc_id) if self._spans is not None and doc_id is not None else None
            if span is None or self._fd is None:
                return ""
            start, length = span
            try:
                record = orjson.loads(os.pread(self._fd, length, start))
            except (OSError, orjson.JSONDecodeError):
                return ""
        if not isinstance(record, dict) or record.get("id") != paper_id or not isinstance(record.get("text"), str):
            return ""
        return record["text"]

    def _close_abstracts(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._spans = None, None


class Spans:
    """doc id -> (offset, length) of its abstract on disk, in two arrays indexed by doc id
    (doc ids count up from 1): 12 bytes a paper, where a dict of tuples took ~170 (17 MB of
    the browser's memory at 100k papers)."""

    LARGEST_ID = 50_000_000  # a bigger id is not from `_write_files`: the file is read whole

    def __init__(self) -> None:
        self._offsets = array("q")
        self._lengths = array("i")

    def add(self, doc_id: int, offset: int, length: int) -> None:
        """Note where one abstract is."""
        missing = doc_id + 1 - len(self._offsets)
        if missing > 0:
            self._offsets.extend(repeat(-1, missing))
            self._lengths.extend(repeat(0, missing))
        self._offsets[doc_id] = offset
        self._lengths[doc_id] = length

    def get(self, doc_id: int) -> tuple[int, int] | None:
        """(offset, length) of a doc id's abstract, None if the file has none."""
        if 0 <= doc_id < len(self._offsets) and self._offsets[doc_id] >= 0:
            return self._offsets[doc_id], self._lengths[doc_id]
        return None


def _abstract_spans(fd: int) -> Spans | None:
    """Where each record line of an abstracts file written by `Catalog._write_files` is;
    None when the file is laid out otherwise (or damaged: it is then parsed whole, which
    names the problem)."""
    spans = Spans()
    with open(os.dup(fd), "rb") as handle:
        header = handle.readline()
        if not header.startswith(b'{"_meta":') or handle.readline().rstrip(b"\n") != ABSTRACTS_OPENING:
            return None
        offset = handle.tell()
        closed = False
        for line in handle:
            if line.rstrip(b"\n") == ABSTRACTS_CLOSING:
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
