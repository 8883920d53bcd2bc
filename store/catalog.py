"""The papers on disk: catalog.json (list metadata), catalog.journal (papers imported or
changed since catalog.json was written) and abstracts.json (store/abstracts.py).

A daily fetch adds 15-100 papers to a library of up to 100,000: rewriting both files for them
took ~2 s. So an import is one line appended to the journal and fsynced (its papers' records,
their abstracts when new), and every few thousand papers the journal is folded into new
catalog and abstracts files (store/journal.py: generations make a fold safe to interrupt). The
fold writes both files' temp copies before renaming either, abstracts first: a crash between
the renames leaves the old catalog with its journal, which is the old state, whole.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from paperdeck.store.abstracts import (
    ABSTRACTS_FILE,
    Spans,
    abstracts_payload,
    empty_file,
    find_one,
    find_spans,
    missing,
    read_all,
    read_one,
)
from paperdeck.store.errors import LibraryError
from paperdeck.store.journal import Journal
from paperdeck.store.lazy_papers import LazyIndex, LazyPapers, lines_of, meta_of
from paperdeck.store.line_layout import lines_payload
from paperdeck.store.models import Paper, catalog_record, paper_from_record
from paperdeck.store.schema import META_TABLE, check_meta, generation_of, meta_table
from paperdeck.store.storage import AtomicStorage, file_signature, parse_library_bytes, write_files
from paperdeck.store.upgrade import clean_paper, upgrade_record

CATALOG_FILE = "catalog.json"
JOURNAL_FILE = "catalog.journal"
PAPERS_TABLE = "papers"
# The journal is folded once it would hold more than a tenth of the library (a fold costs in
# proportion to the library, so a small one is folded at nearly every import and stays in its
# TinyDB files), at most this many papers or bytes: replaying 2,000 papers with their abstracts
# at start is ~15 ms; a fold at 100,000 papers is ~2 s, paid once in 20 daily fetches of 100.
FOLD_SHARE = 0.1
FOLD_PAPERS = 2_000
FOLD_BYTES = 16 << 20
NO_ABSTRACT = "no_abstract"  # a record's flag: merges can tell without reading abstracts


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


def _valid_line(record: dict[str, Any]) -> bool:
    papers = record["papers"]
    return isinstance(papers, list) and all(
        isinstance(item, dict) and isinstance(item["id"], str) and isinstance(item["title"], str) for item in papers
    )


def journal_of(folder: Path) -> Journal:
    """The catalog journal of a library folder."""
    return Journal(folder / JOURNAL_FILE, _valid_line, "catalog record")


class Catalog:
    """Every paper of one library folder, by id, with the files behind them."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / CATALOG_FILE
        self.abstracts_path = folder / ABSTRACTS_FILE
        self.papers: MutableMapping[str, Paper] = {}
        self.doc_ids: MutableMapping[str, int] = {}
        self.by_arxiv: MutableMapping[str, str] = {}  # arXiv id -> paper id, for merging and REFs
        self.abstracts_loaded = False
        self.schema = 0
        self.generation = 0
        self.needs_fold = False  # an old schema, or text cleaned on load: the next write folds
        self.journal = journal_of(folder)
        self._storage = AtomicStorage(self.path, cache=False)
        self._abstracts = AtomicStorage(self.abstracts_path, cache=False)
        self._shared: dict[Any, Any] = {}  # equal values of many papers, one object each (paper_from_record)
        self._journal_abstracts: dict[str, str] = {}  # abstracts written to the journal, not yet folded
        self._journal_size = (0, 0)  # papers, bytes
        self._abstract_missing: MutableMapping[str, bool] = {}  # the records' no_abstract flags
        self._next_doc = 1
        # Where each abstract is on disk (doc id -> offset, length), read through `_fd`.
        self._spans: Spans | None = None
        self._fd: int | None = None
        self._abstracts_seen: tuple[int, int, int] | None = None
        # The browser loads abstracts in a worker while the UI thread may reload the catalog.
        self._lock = threading.RLock()

    def create(self) -> None:
        """Write an empty catalog and abstracts file (call under the folder lock)."""
        if not self.abstracts_path.exists():
            self._abstracts.write(empty_file())
        if not self.path.exists():
            self._storage.write({META_TABLE: meta_table("catalog"), PAPERS_TABLE: {}})

    def changed_on_disk(self) -> bool:
        """True when another process wrote papers since they were loaded."""
        return self._storage.changed_on_disk() or self.journal.changed_on_disk()

    def has_abstract(self, paper_id: str) -> bool:
        """Whether a known paper has an abstract on disk, without reading it."""
        return not self._abstract_missing.get(paper_id, False)

    def find(self, paper: Paper) -> Paper | None:
        """The known paper `paper` is another sighting of: the same arXiv id, or else the
        same title once normalized (its id is made from it), unless both have arXiv ids that
        differ."""
        if paper.arxiv_id and paper.arxiv_id in self.by_arxiv:
            return self.papers[self.by_arxiv[paper.arxiv_id]]
        known = self.papers.get(paper.id)
        if known is not None and known.arxiv_id and paper.arxiv_id and known.arxiv_id != paper.arxiv_id:
            return None
        return known

    # --- loading -------------------------------------------------------------------------------

    def load(self, lazy: bool = False) -> tuple[list[str], list[str]]:
        """(Re)load the papers' list metadata; returns the ids that were not loaded before and
        those of known papers whose record changed (another process merged something in).
        When another process only appended to the journal (an import), only its new lines are
        read: a browser picks up a daily fetch without re-reading 100,000 records. `lazy` makes
        papers only when asked for (the quick commands: see store/lazy_papers.py).

        Raises LibraryError for a damaged, foreign or newer file, which is then left alone."""
        new_ids: list[str] = []
        updated_ids: list[str] = []
        with self._lock, gc_paused():
            if self.papers and not self._storage.changed_on_disk() and self.journal.grew_only():
                self._replay(self.journal.read_new(), False, new_ids, updated_ids)
                return new_ids, updated_ids
            lines = self.journal.read()  # first: a fold renames its snapshot in, then empties the journal
            raw = self._storage.read_raw()
            if lazy and not self.papers and raw is not None and self._load_lazily(raw, lines, new_ids):
                return new_ids, []
            try:
                tables = None if raw is None else parse_library_bytes(raw, self.path)
                schema = check_meta(tables, self.path, "catalog")
            except LibraryError:
                self._storage.forget()
                raise
            del raw
            assert tables is not None
            self.generation = generation_of(tables)
            upgrade = schema < 3
            suspect = self._storage.suspect or upgrade
            fresh = not self.papers
            self._journal_abstracts, self._journal_size = {}, (0, 0)
            records = tables.get(PAPERS_TABLE, {})
            try:
                if fresh and not suspect:
                    self._take_all(records)
                    new_ids.extend(self.papers)
                else:
                    for key, record in records.items():
                        self._take(
                            upgrade_record(record) if upgrade else record,
                            int(key),
                            fresh,
                            suspect,
                            new_ids,
                            updated_ids,
                        )
            except (KeyError, TypeError, ValueError, AttributeError):
                self._storage.forget()
                raise LibraryError(f"{self.path}: a paper record has the wrong shape; run `paperdeck doctor`") from None
            self._replay(lines, fresh, new_ids, updated_ids)
            self.schema = schema
            self.needs_fold = self.needs_fold or upgrade
            if schema < 2:
                self.abstracts_loaded = True  # they were inline
            elif self.abstracts_loaded and self._abstracts.changed_on_disk():
                self._load_abstracts()
            elif self._spans is not None and file_signature(self.abstracts_path) != self._abstracts_seen:
                self._close_abstracts()
                self.find_abstracts()
        return new_ids, updated_ids

    def _load_lazily(self, raw: bytes, lines: list[dict[str, Any]], new_ids: list[str]) -> bool:
        """Keep the catalog's bytes and make papers only when asked for (store/lazy_papers.py);
        False when the file is not in this version's layout (it is then parsed whole)."""
        catalog_lines = lines_of(raw, PAPERS_TABLE) if not self._storage.suspect else None
        if catalog_lines is None:
            return False
        meta = meta_of(catalog_lines)
        try:
            schema = check_meta(meta, self.path, "catalog")
        except LibraryError:
            self._storage.forget()
            raise
        if schema < 3:
            return False
        self.schema, self.generation = schema, generation_of(meta)
        self.doc_ids = LazyIndex(catalog_lines.doc_of, catalog_lines.all_doc_ids)
        self.by_arxiv = LazyIndex(catalog_lines.arxiv_owner, catalog_lines.all_arxiv_ids)
        self._abstract_missing = LazyIndex(catalog_lines.abstract_missing, catalog_lines.all_abstracts_missing)
        self.papers = LazyPapers(catalog_lines, self.doc_ids, self._shared)
        self._next_doc = catalog_lines.last_doc() + 1
        self._journal_abstracts, self._journal_size = {}, (0, 0)
        self._replay(lines, True, new_ids, [])
        return True

    def _replay(self, lines: list[dict[str, Any]], fresh: bool, new_ids: list[str], updated_ids: list[str]) -> None:
        """Journal lines of the snapshot's generation into memory (older ones were folded in
        already: a crash before the journal was emptied)."""
        papers = self._journal_size[0]
        try:
            for line in lines:
                if line.get("gen", 0) != self.generation:
                    continue
                for record in line["papers"]:
                    paper = self._take(record, int(record["doc"]), fresh, True, new_ids, updated_ids)
                    if isinstance(record.get("abstract"), str):
                        self._journal_abstracts[paper.id] = paper.abstract
                papers += len(line["papers"])
        except (KeyError, TypeError, ValueError, AttributeError):
            raise LibraryError(
                f"{self.journal.path}: a paper record has the wrong shape; run `paperdeck doctor`"
            ) from None
        self._journal_size = (papers, self.journal.offset)

    def _take_all(self, records: dict[str, Any]) -> None:
        """The first load at every start, of a clean file: `_take` inlined (~0.1 s less at 100k)."""
        papers, doc_ids, by_arxiv, missing, shared = (
            self.papers,
            self.doc_ids,
            self.by_arxiv,
            self._abstract_missing,
            self._shared,
        )
        for key, record in records.items():
            paper = papers[record["id"]] = paper_from_record(record, "", shared)
            doc_ids[paper.id] = int(key)
            if paper.arxiv_id:
                by_arxiv[paper.arxiv_id] = paper.id
            if NO_ABSTRACT in record:
                missing[paper.id] = True
        self._next_doc = max(doc_ids.values(), default=0) + 1

    def _take(
        self, record: dict[str, Any], doc_id: int, fresh: bool, suspect: bool, new: list[str], updated: list[str]
    ) -> Paper:
        """One record into memory (the first load at every start skips the comparisons); an
        abstract in the record (schema 1, or the journal) is the paper's."""
        paper_id = record["id"]
        known = None if fresh else self.papers.get(paper_id)
        paper = paper_from_record(record, known.abstract if known else "", self._shared)
        if suspect and clean_paper(paper):
            self.needs_fold = True  # the cleaned text is stored at the next write
        if known is None:
            if paper_id not in self.papers:
                new.append(paper_id)
        elif paper != known:
            updated.append(paper_id)
        self.papers[paper_id] = paper
        self.doc_ids[paper_id] = doc_id
        self._next_doc = max(self._next_doc, doc_id + 1)
        if paper.arxiv_id:
            self.by_arxiv[paper.arxiv_id] = paper_id
        self._abstract_missing[paper_id] = bool(record.get(NO_ABSTRACT))
        return paper

    def load_abstracts(self) -> None:
        """Make every paper's `abstract` the one on disk (a no-op when already current)."""
        with self._lock:
            if self.schema >= 2 and (not self.abstracts_loaded or self._abstracts.changed_on_disk()):
                self._load_abstracts()

    def _load_abstracts(self) -> None:
        with gc_paused():
            try:
                tables = self._abstracts.read()
                texts = read_all(tables, self.abstracts_path, len(self.papers), self._abstracts.suspect)
            except LibraryError:
                self._abstracts.forget()
                raise
            del tables
            texts.update(self._journal_abstracts)
            for paper in list(self.papers.values()):
                text = texts.get(paper.id)
                if isinstance(text, str):
                    paper.abstract = text
            self.abstracts_loaded = True

    # --- writing -------------------------------------------------------------------------------

    def write(self, changed: list[Paper], new_abstracts: set[str]) -> None:
        """Store new and changed papers (call under the folder lock, after `load`): one
        journal line, or a fold when the journal is full or the catalog must be rewritten.
        `new_abstracts` names the papers whose abstract is new. Memory changes only once
        the change is on disk; LibraryError (and nothing changed) when the disk refuses."""
        with self._lock:
            doc_ids = {paper.id: self.doc_ids.get(paper.id) for paper in changed}
            next_doc = self._next_doc
            for paper_id, doc_id in doc_ids.items():
                if doc_id is None:
                    doc_ids[paper_id], next_doc = next_doc, next_doc + 1
            papers_in_journal, journal_bytes = self._journal_size
            limit = min(FOLD_PAPERS, int(len(self.papers) * FOLD_SHARE))
            if self.needs_fold or papers_in_journal + len(changed) > limit or journal_bytes > FOLD_BYTES:
                self._fold(changed, doc_ids, new_abstracts)
                return
            records = []
            for paper in changed:
                record = self._record(paper, new_abstracts)
                record["doc"] = doc_ids[paper.id]
                if paper.id in new_abstracts:
                    record["abstract"] = paper.abstract
                records.append(record)
            payload = orjson.dumps({"gen": self.generation, "time": time.time(), "papers": records}) + b"\n"
            self.journal.append(payload)
            self._remember(changed, doc_ids, new_abstracts)
            for paper in changed:
                if paper.id in new_abstracts:
                    self._journal_abstracts[paper.id] = paper.abstract
            self._next_doc = next_doc
            self._journal_size = (papers_in_journal + len(changed), journal_bytes + len(payload))

    def _record(self, paper: Paper, new_abstracts: set[str]) -> dict[str, Any]:
        record = catalog_record(paper)
        empty = not paper.abstract if paper.id in new_abstracts else not self.has_abstract(paper.id)
        if empty:
            record[NO_ABSTRACT] = True
        return record

    def _remember(self, changed: list[Paper], doc_ids: dict[str, int | None], new_abstracts: set[str]) -> None:
        for paper in changed:
            self.papers[paper.id] = paper
            self.doc_ids[paper.id] = doc_ids[paper.id]  # type: ignore[assignment]
            if paper.arxiv_id:
                self.by_arxiv[paper.arxiv_id] = paper.id
            if paper.id in new_abstracts:
                self._abstract_missing[paper.id] = not paper.abstract

    def fold(self) -> None:
        """Rewrite catalog.json and abstracts.json from memory and empty the journal (call under
        the folder lock after `load`): upgrades an old schema, stores text cleaned on load."""
        with self._lock:
            self._fold([], {}, set())

    def _fold(self, changed: list[Paper], doc_ids: dict[str, int | None], new_abstracts: set[str]) -> None:
        texts = self._all_abstracts()
        for paper in changed:
            if paper.id in new_abstracts:
                texts[paper.id] = paper.abstract
        papers = {**self.papers, **{paper.id: paper for paper in changed}}
        all_ids = {**self.doc_ids, **doc_ids}
        order = sorted(papers, key=all_ids.__getitem__)  # type: ignore[arg-type]
        records: list[tuple[int, bytes]] = []
        with gc_paused():
            for paper_id in order:
                record = catalog_record(papers[paper_id])
                if not texts.get(paper_id):
                    record[NO_ABSTRACT] = True
                records.append((all_ids[paper_id], orjson.dumps(record)))  # type: ignore[arg-type]
        generation = self.generation + 1
        catalog_bytes = lines_payload(meta_table("catalog", generation), PAPERS_TABLE, records)
        del records
        abstracts = abstracts_payload(((all_ids[i], i, texts.get(i, "")) for i in order), generation)  # type: ignore[misc]
        keep = [storage.path for storage in (self._abstracts, self._storage) if storage.may_keep_backup()]
        write_files([(self.abstracts_path, abstracts), (self.path, catalog_bytes)], backups=keep)
        del abstracts, catalog_bytes
        self._storage.wrote()
        self._abstracts.wrote()
        self.journal.empty()
        if isinstance(self.papers, dict):
            self._remember(changed, doc_ids, set())
        else:  # lazily loaded: every paper is made now anyway
            self.papers, self.doc_ids = papers, all_ids  # type: ignore[assignment]
            self.by_arxiv = {paper.arxiv_id: paper_id for paper_id, paper in papers.items() if paper.arxiv_id}
        self._abstract_missing = {paper_id: True for paper_id in papers if not texts.get(paper_id)}
        for paper_id, paper in papers.items():
            paper.abstract = texts.get(paper_id, "")
        self.abstracts_loaded = True  # every text is in memory: the lines found before moved
        self._close_abstracts()
        self._journal_abstracts = {}
        self._journal_size = (0, 0)
        self._next_doc = max(all_ids.values(), default=0) + 1  # type: ignore[type-var]
        self.schema, self.generation, self.needs_fold = 3, generation, False

    def _all_abstracts(self) -> dict[str, str]:
        """Every paper's abstract (read from disk unless already loaded)."""
        if self.abstracts_loaded:
            return {paper_id: paper.abstract for paper_id, paper in self.papers.items()}
        texts = read_all(self._abstracts.read(), self.abstracts_path, len(self.papers), self._abstracts.suspect)
        texts.update(self._journal_abstracts)
        return texts

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
                raise missing(self.abstracts_path, len(self.papers)) from None
            except OSError as error:
                raise LibraryError(f"{self.abstracts_path}: cannot read ({error.strerror})") from None
            spans = find_spans(fd)
            if spans is None:
                os.close(fd)
                self._load_abstracts()
                return
            self._close_abstracts()
            self._fd, self._spans, self._abstracts_seen = fd, spans, signature

    def abstract_of(self, paper_id: str) -> str:
        """A paper's abstract: from memory when loaded or just imported, else read from its
        line on disk ("" when unknown or not found yet)."""
        paper = self.papers.get(paper_id)
        if paper is None or paper.abstract or self.abstracts_loaded:
            return paper.abstract if paper else ""
        if paper_id in self._journal_abstracts:
            return self._journal_abstracts[paper_id]
        with self._lock:
            doc_id = self.doc_ids.get(paper_id)
            span = self._spans.get(doc_id) if self._spans is not None and doc_id is not None else None
            if span is None or self._fd is None:
                return ""
            return read_one(self._fd, span, paper_id)

    def read_abstract(self, paper_id: str) -> str:
        """One paper's abstract, without reading or noting every other one (`show`)."""
        paper = self.papers.get(paper_id)
        if paper is None:
            return ""
        if paper.abstract or self.abstracts_available or paper_id in self._journal_abstracts:
            return self.abstract_of(paper_id)
        found = find_one(self.abstracts_path, self.doc_ids[paper_id], paper_id)
        if found is None:
            self.load_abstracts()  # read whole: names the damage, or finds the record elsewhere
            return self.abstract_of(paper_id)
        return found

    def _close_abstracts(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._spans = None, None
