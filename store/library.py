"""The Library: the one door to the files on disk, for the CLI and the browser alike.

Papers come in through `add_papers` (every source: page dumps, the Hugging Face API, arXiv
listings), which applies the merge rule; marks change only through `change_marks` (and its
undo and redo), which takes a batch and returns each paper's marks before and after. Every
write happens under the folder lock after re-reading what another process may have written.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from paperdeck.store.arxiv_ids import arxiv_id
from paperdeck.store.catalog import Catalog
from paperdeck.store.catalog_reader import CATALOG_FILE
from paperdeck.store.errors import LibraryError, RefError
from paperdeck.store.lazy_papers import LazyPapers
from paperdeck.store.mark_changes import MarkBatch, MarkChange, move
from paperdeck.store.marks_store import MarksStore, new_batch_id
from paperdeck.store.merge import AddReport, merge_into, merged_repeats
from paperdeck.store.models import Marks, Paper
from paperdeck.store.saved_searches import change_saved, read_saved
from paperdeck.store.storage import folder_lock, remove_stale_temps, write_atomic

STATE_FILE = "state.json"
INDEX_FILE = "search-index.bin"


@dataclass(slots=True)
class Refresh:
    """What another process changed since the library was loaded."""

    new_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)  # known papers an import merged into
    marks_changed: bool = False


class Library:
    """Papers and marks of one library folder. Open it with `Library.open(folder)`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.catalog = Catalog(folder)
        self.catalog_path = self.catalog.path
        self.marks_store = MarksStore(folder)
        self.marks_path = self.marks_store.path
        self.state_path = folder / STATE_FILE
        self.index_path = folder / INDEX_FILE  # the saved search index: a cache (store.index_file)
        self.is_new = False

    @property
    def marks(self) -> dict[str, Marks]:
        """The marks of every marked paper, by id (do not mutate; use `change_marks`)."""
        return self.marks_store.marks

    @property
    def papers(self) -> MutableMapping[str, Paper]:
        """Every paper by id. Abstracts are "" until `load_abstracts()` (list metadata first)."""
        return self.catalog.papers

    @property
    def abstracts_loaded(self) -> bool:
        """True once every paper's abstract is in memory."""
        return self.catalog.abstracts_loaded

    def load_abstracts(self) -> None:
        """Load (or reload, when another process changed them) the abstracts of all papers."""
        self.catalog.load_abstracts()

    @property
    def abstracts_available(self) -> bool:
        """True once `abstract_of` answers for every paper (loaded, or found on disk)."""
        return self.catalog.abstracts_available

    def find_abstracts(self) -> None:
        """Find every abstract on disk without loading them (the browser: ~140 MB less at
        100k papers); `abstract_of` then reads one when asked."""
        self.catalog.find_abstracts()

    def abstract_of(self, paper_id: str) -> str:
        """A paper's abstract, from memory or from disk ("" until available)."""
        return self.catalog.abstract_of(paper_id)

    def read_abstract(self, paper_id: str) -> str:
        """One paper's abstract, read alone from disk if need be (`show`)."""
        return self.catalog.read_abstract(paper_id)

    # --- opening and loading -------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path | str, *, create: bool = True, abstracts: bool = True, lazy: bool = False) -> Library:
        """Load the library in `folder`, creating an empty one if `create` and it is missing.
        With `abstracts=False` papers come without their abstracts until `load_abstracts()`
        (the browser's first frame needs only titles: 3/4 of the bytes are abstracts); with
        `lazy` a paper is made from its catalog line only when asked for (commands that touch
        a few papers of 100,000).

        A library written by an older paperdeck is upgraded in place, atomically, on first
        open (when the folder is writable; otherwise it is read as it is), and a marks journal
        grown by a bulk change is folded. Raises LibraryError for a damaged, foreign or
        newer-schema file, never rewriting it.
        """
        library = cls(Path(folder))
        if not library.catalog_path.exists():
            if not create:
                raise LibraryError(f"{folder}: no paperdeck library here (no {CATALOG_FILE})")
            library._create()
        else:
            # Temp files of a writer killed mid-write; writers hold this lock, so none is live.
            with folder_lock(library.folder):
                remove_stale_temps(library.folder)
        library.catalog.load(lazy=lazy)
        library.marks_store.load()
        if library.catalog.needs_fold or library.marks_store.schema < 2 or library.marks_store.wants_fold:
            library._upgrade()
        if abstracts:
            library.load_abstracts()
        return library

    def _create(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LibraryError(f"{self.folder}: cannot create the library folder ({error.strerror})") from None
        with folder_lock(self.folder):
            if not self.catalog_path.exists():
                self.catalog.create()
                self.is_new = True
            if not self.marks_path.exists():
                self.marks_store.create()

    def _upgrade(self) -> None:
        """Rewrite files of an older schema (or with text cleaned on load) in this version's
        form, and fold a big marks journal (every later start then reads the folded marks, at
        half the cost of replaying it). Failing is harmless: everything is in memory and the
        next write tries again."""
        try:
            with folder_lock(self.folder):
                self._reload_if_changed()
                if self.catalog.needs_fold:
                    self.catalog.fold()
                if self.marks_store.schema < 2 or self.marks_store.wants_fold:
                    self.marks_store.compact(self.catalog.doc_ids)
        except LibraryError:
            return

    def _reload_if_changed(self) -> None:
        if self.catalog.changed_on_disk():
            self.catalog.load()
        self._reload_marks()

    def _reload_marks(self) -> None:
        """Re-read the marks another process wrote. A change of marks reloads only these: a
        catalog reloaded here would take the new papers away from the next `refresh()`."""
        if self.marks_store.changed_on_disk():
            self.marks_store.load()

    def refresh(self) -> Refresh:
        """Pick up what another process wrote (an import, marks from a script) since we loaded."""
        result = Refresh()
        if self.catalog.changed_on_disk():
            result.new_ids, result.updated_ids = self.catalog.load()
        if self.marks_store.changed_on_disk():
            self.marks_store.load()
            result.marks_changed = True
        return result

    # --- papers in -----------------------------------------------------------------------

    def add_papers(self, papers: Iterable[Paper], now: float | None = None) -> AddReport:
        """Merge papers from any source into the library with one atomic write: the same arXiv
        id, or else the same normalized title, is the same paper (it keeps its first id, so
        marks never move); known papers gain what they lack and fresher counts and links;
        marks are never touched. Adding the same papers again changes nothing."""
        report = AddReport()
        incoming = merged_repeats(papers, report, time.time() if now is None else now)
        with folder_lock(self.folder):
            if self.catalog.changed_on_disk():
                self.catalog.load()
            changed, new_abstracts = merge_into(self.catalog, incoming, report)
            if changed:
                self.catalog.write(changed, new_abstracts)
        return report

    # --- looking papers up ---------------------------------------------------------------

    def resolve(self, ref: str) -> Paper:
        """A paper by id, arXiv id (`2510.00537`, `arXiv:2510.00537v2`, its arxiv.org URL) or
        unique id prefix; RefError lists candidates when ambiguous."""
        ref = ref.strip()
        if ref in self.papers:
            return self.papers[ref]
        arxiv = arxiv_id(ref.lower())
        if arxiv and arxiv in self.catalog.by_arxiv:
            return self.papers[self.catalog.by_arxiv[arxiv]]
        candidates = [paper_id for paper_id in self.papers if paper_id.startswith(ref)] if ref else []
        if len(candidates) == 1:
            return self.papers[candidates[0]]
        if not candidates:
            raise RefError(f"no paper with id, id prefix or arXiv id {ref!r}")
        raise RefError(f"{ref!r} matches {len(candidates)} papers; give more of the id", candidates)

    def marked_papers(self, admits: Callable[[Marks], bool]) -> list[Paper]:
        """The papers whose marks `admits` takes, in catalog order (as the browser breaks ties:
        papers of one import share their time added); marks of a paper the library does not
        hold are skipped. In a lazy library they are found by the marks file's doc ids, which
        are the catalog's: no table of every paper id (`list is:starred`, `list tag:X`)."""
        papers = self.papers
        lazy = isinstance(papers, LazyPapers)
        docs = self.marks_store.doc_hints() if lazy else self.catalog.doc_ids
        wanted = [paper_id for paper_id, marks in self.marks.items() if admits(marks)]
        try:
            wanted.sort(key=docs.__getitem__)  # doc ids are catalog order (a fold writes marks in it)
        except KeyError:  # a paper without a doc id: those last
            known = sorted((paper_id for paper_id in wanted if paper_id in docs), key=docs.__getitem__)
            wanted = known + [paper_id for paper_id in wanted if paper_id not in docs]
        if lazy:
            return papers.many(wanted, docs)
        return [papers[paper_id] for paper_id in wanted if paper_id in papers]

    def marks_of(self, paper_id: str) -> Marks:
        """The marks of a paper (empty marks if it has none); do not mutate the result."""
        return self.marks.get(paper_id) or _NO_MARKS

    def starred_count(self) -> int:
        """How many papers are starred."""
        return self.marks_store.starred_count()

    def tag_counts(self) -> Counter[str]:
        """Every tag in use with the number of papers carrying it."""
        return Counter(tag for marks in self.marks.values() for tag in marks.tags)

    def tags_by_use(self) -> list[tuple[str, int]]:
        """Every tag in use with its count, most used first (then by name)."""
        return sorted(self.tag_counts().items(), key=lambda item: (-item[1], item[0]))

    # --- marks: the one door; every change is on disk before it shows -------------------------

    def change_marks(
        self, paper_ids: Iterable[str], change: MarkChange, *, label: str | None = None, auto: bool = False
    ) -> MarkBatch:
        """Apply one change to the marks of many papers (one paper is a batch of one): the lock
        once, one journal record, one fsync. Returns each changed paper's marks before and after
        (papers the change leaves as they were are left out). `auto` marks a change the browser
        made by itself (read after a delay), which undo passes over."""
        ids = list(dict.fromkeys(paper_ids))
        unknown = next((paper_id for paper_id in ids if paper_id not in self.papers), None)
        if unknown is not None:
            raise RefError(f"no paper with id {unknown!r}")
        return self._commit(
            ids, lambda paper_id, marks: change.apply(marks), label or change.describe(len(ids)), auto=auto
        )

    def undo(self, batch: MarkBatch | None = None) -> MarkBatch | None:
        """Take back a batch (by default the latest change of any process not undone yet): on
        each paper it changed, only the fields it changed go back. Written as a new batch, so
        it is as durable as the change; None when there is nothing to undo."""
        with folder_lock(self.folder):
            self._reload_marks()
            if batch is None:
                candidates = undoable(self.marks_store.history())
                if not candidates:
                    return None
                batch = candidates[-1]
            return self._write_batch(
                list(batch.after),
                lambda paper_id, marks: move(marks, batch.after[paper_id], batch.before[paper_id]),
                batch.label,
                undo_of=batch.id,
            )

    def redo(self, batch: MarkBatch) -> MarkBatch:
        """Do an undone batch again (the fields it changed, on the papers it changed)."""
        return self._commit(
            list(batch.after),
            lambda paper_id, marks: move(marks, batch.before[paper_id], batch.after[paper_id]),
            batch.label,
            redo_of=batch.id,
        )

    def history(self) -> list[MarkBatch]:
        """The recent changes of marks by any process, oldest first (reloaded if changed)."""
        self._reload_marks()
        return self.marks_store.history()

    def _commit(self, ids: list[str], compute: Callable[[str, Marks], Marks], label: str, **kinds: Any) -> MarkBatch:
        with folder_lock(self.folder):
            self._reload_marks()
            return self._write_batch(ids, compute, label, **kinds)

    def _write_batch(
        self, ids: list[str], compute: Callable[[str, Marks], Marks], label: str, **kinds: Any
    ) -> MarkBatch:
        """Compute and write one batch (under the folder lock, after re-reading)."""
        now = time.time()
        batch = MarkBatch(new_batch_id(), now, label, **kinds)
        for paper_id in ids:
            current = self.marks.get(paper_id) or _NO_MARKS
            after = compute(paper_id, current)
            if (after.starred, after.tags, after.read, after.note) != (
                current.starred,
                current.tags,
                current.read,
                current.note,
            ):
                after.updated = now
                batch.before[paper_id] = current
                batch.after[paper_id] = after
        if batch.after:
            self.marks_store.write(batch, self.catalog.doc_ids)
        return batch

    def compact_marks(self) -> None:
        """Fold the marks journal into the marks file now, whatever it holds (a small change or
        the next opening folds it on its own once it holds 1,000 papers' changes)."""
        with folder_lock(self.folder):
            self._reload_marks()
            self.marks_store.compact(self.catalog.doc_ids)

    # --- saved searches (store/saved_searches.py) ---------------------------------------------

    def saved_searches(self) -> dict[str, str]:
        """name -> query of every saved search."""
        return read_saved(self.folder)

    def save_search(self, name: str, query: str) -> dict[str, str]:
        """Save (or replace) a search; the searches as they are now."""
        return change_saved(self.folder, name, query=query)

    def rename_search(self, name: str, new_name: str) -> dict[str, str]:
        """Rename a saved search."""
        return change_saved(self.folder, name, new_name=new_name)

    def delete_search(self, name: str) -> dict[str, str]:
        """Delete a saved search."""
        return change_saved(self.folder, name)

    # --- the browser's remembered state (filter, sort, highlighted paper) -------------------

    def load_state(self) -> dict[str, Any]:
        """The browser state saved at last exit; {} when missing or unreadable (it is only UI)."""
        try:
            state = orjson.loads(self.state_path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return {}
        return state if isinstance(state, dict) else {}

    def save_state(self, state: dict[str, Any]) -> None:
        """Remember the browser state atomically."""
        write_atomic(self.state_path, orjson.dumps(state))


_NO_MARKS = Marks()


def undoable(history: list[MarkBatch]) -> list[MarkBatch]:
    """The batches of a history that may be undone, oldest first: neither undos, nor undone
    since, nor made by the browser itself."""
    undone: set[str] = set()
    kept: list[MarkBatch] = []
    for batch in reversed(history):
        if batch.undo_of:
            undone.add(batch.undo_of)
        elif not batch.auto and batch.id not in undone:
            kept.append(batch)
    return kept[::-1]
