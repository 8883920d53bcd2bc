"""The papers on disk, written: catalog.json (list metadata), catalog.journal (papers imported
or changed since catalog.json was written) and abstracts.json (store/abstracts.py).

A daily fetch adds 15-100 papers to a library of up to 100,000: rewriting both files for them
took ~2 s. So an import is one line appended to the journal and fsynced (its papers' records,
their abstracts when new), and every few thousand papers the journal is folded into new
catalog and abstracts files (store/journal.py: generations make a fold safe to interrupt). The
fold writes both files' temp copies before renaming either, abstracts first: a crash between
the renames leaves the old catalog with its journal, which is the old state, whole.
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from paperdeck.store.abstracts import abstracts_payload, empty_file, read_all
from paperdeck.store.catalog_reader import NO_ABSTRACT, PAPERS_TABLE, CatalogReader
from paperdeck.store.line_layout import lines_payload
from paperdeck.store.models import Paper, catalog_record
from paperdeck.store.schema import META_TABLE, meta_table
from paperdeck.store.storage import gc_paused, write_files

# The journal is folded once it would hold more than a tenth of the library (a fold costs in
# proportion to the library, so a small one is folded at nearly every import and stays in its
# TinyDB files), at most this many papers or bytes: replaying 2,000 papers with their abstracts
# at start is ~15 ms; a fold at 100,000 papers is ~2 s, paid once in 20 daily fetches of 100.
FOLD_SHARE = 0.1
FOLD_PAPERS = 2_000
FOLD_BYTES = 16 << 20


class Catalog(CatalogReader):
    """Every paper of one library folder, by id, with the files behind them (read and written)."""

    def create(self) -> None:
        """Write an empty catalog and abstracts file (call under the folder lock)."""
        if not self.abstracts_path.exists():
            self._abstracts.write(empty_file())
        if not self.path.exists():
            self._storage.write({META_TABLE: meta_table("catalog"), PAPERS_TABLE: {}})

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
            # Doc ids count the papers (they are never removed) without making a lazy catalog's
            # whole table of ids.
            limit = min(FOLD_PAPERS, int((self._next_doc - 1) * FOLD_SHARE))
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
        self._lines.close()
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
