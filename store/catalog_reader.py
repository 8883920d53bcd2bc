"""The papers on disk, read: catalog.json (list metadata), catalog.journal (papers imported or
changed since catalog.json was written) and abstracts.json (store/abstracts.py), loaded whole
(the browser) or lazily (the quick commands, store/lazy_papers.py), and abstracts read one at
a time. store/catalog.py writes them.
"""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from paperdeck.store.abstracts import ABSTRACTS_FILE, AbstractLines, find_one, read_all
from paperdeck.store.errors import LibraryError
from paperdeck.store.journal import Journal
from paperdeck.store.lazy_papers import LazyIndex, LazyPapers, lines_of, meta_of
from paperdeck.store.line_table import LINE_TABLE_FILE
from paperdeck.store.models import Paper, earlier_sighting, paper_from_record
from paperdeck.store.schema import check_meta, generation_of
from paperdeck.store.storage import AtomicStorage, gc_paused, parse_library_bytes
from paperdeck.store.upgrade import clean_paper, upgrade_record

CATALOG_FILE = "catalog.json"
JOURNAL_FILE = "catalog.journal"
PAPERS_TABLE = "papers"
NO_ABSTRACT = "no_abstract"  # a record's flag: merges can tell without reading abstracts
# Abstracts read one at a time (a bisection of the file, ~50 us each) before every line of the
# file is noted instead (~0.25 s at 100,000 papers): `show` reads one, `like:` about 40.
SINGLE_READS = 200


def _valid_line(record: dict[str, Any]) -> bool:
    papers = record["papers"]
    return isinstance(papers, list) and all(
        isinstance(item, dict) and isinstance(item["id"], str) and isinstance(item["title"], str) for item in papers
    )


def journal_of(folder: Path) -> Journal:
    """The catalog journal of a library folder."""
    return Journal(folder / JOURNAL_FILE, _valid_line, "catalog record")


class CatalogReader:
    """Every paper of one library folder, by id, as read from the files behind them."""

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
        self._lines = AbstractLines(self.abstracts_path)  # where each abstract is on disk
        self._single_reads = 0
        # The browser loads abstracts in a worker while the UI thread may reload the catalog.
        self._lock = threading.RLock()

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
        by_arxiv, papers = self.by_arxiv, self.papers
        return earlier_sighting(paper, lambda arxiv: papers.get(by_arxiv.get(arxiv, "")), papers.get)

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
            elif self._lines.found and not self._lines.current():
                self._lines.close()
                self.find_abstracts()
        return new_ids, updated_ids

    def _load_lazily(self, raw: bytes, lines: list[dict[str, Any]], new_ids: list[str]) -> bool:
        """Keep the catalog's bytes and make papers only when asked for (store/lazy_papers.py);
        False when the file is not in this version's layout (it is then parsed whole)."""
        saved = self.path.with_name(LINE_TABLE_FILE)
        catalog_lines = lines_of(raw, PAPERS_TABLE, saved) if not self._storage.suspect else None
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
        if lines:
            # Deduplicated here, not by asking the papers in `_take`: in a lazy catalog every
            # such question is a search of the file (~5 ms each, the whole table after eight).
            new_ids[:] = dict.fromkeys(new_ids)

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
            new.append(paper_id)  # a paper in the snapshot and the journal: _replay drops the repeat
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

    # --- abstracts read from disk when needed (the browser) ---------------------------------------

    @property
    def abstracts_available(self) -> bool:
        """True when `abstract_of` can answer for every paper: loaded, or found on disk."""
        return self.abstracts_loaded or self._lines.found

    def find_abstracts(self) -> None:
        """Note where each paper's abstract line is in the abstracts file, without keeping the
        texts; `abstract_of` then reads one when asked. A file not laid out one abstract per
        line is loaded whole instead. LibraryError as `load`."""
        with self._lock:
            if self.abstracts_loaded or self._lines.current():
                return
            if self.schema < 2:
                self.abstracts_loaded = True
            elif not self._lines.find(len(self.papers)):
                self._load_abstracts()

    def abstract_of(self, paper_id: str) -> str:
        """A paper's abstract: from memory when loaded or just imported, else read from its
        line on disk ("" when unknown or not found yet)."""
        paper = self.papers.get(paper_id)
        if paper is None or paper.abstract or self.abstracts_loaded:
            return paper.abstract if paper else ""
        if paper_id in self._journal_abstracts:
            return self._journal_abstracts[paper_id]
        with self._lock:
            return self._lines.read(self.doc_ids.get(paper_id), paper_id)

    def read_abstract(self, paper_id: str) -> str:
        """One paper's abstract, without reading or noting every other one (`show`, a search
        that reads a few); after SINGLE_READS of them every line is noted instead."""
        paper = self.papers.get(paper_id)
        if paper is None:
            return ""
        self._single_reads += 1
        if self._single_reads == SINGLE_READS + 1:
            self.find_abstracts()
        if paper.abstract or self.abstracts_available or paper_id in self._journal_abstracts:
            return self.abstract_of(paper_id)
        found = find_one(self.abstracts_path, self.doc_ids[paper_id], paper_id)
        if found is None:
            self.load_abstracts()  # read whole: names the damage, or finds the record elsewhere
            return self.abstract_of(paper_id)
        return found
