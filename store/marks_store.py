"""Stars, tags, read state and notes on disk: a TinyDB snapshot (marks.json) plus a journal.

Rewriting the snapshot on every star cost ~9 ms at 100,000 papers (20,000 marked). So a change
of marks — one paper or ten thousand — is one line appended to `marks.journal` and fsynced: the
batch, with each paper's marks before and after (store/mark_changes.py). Once the journal holds
`COMPACT_AT` papers' changes it is folded into a new snapshot: before the next small append, or
by the next process that opens the library (`wants_fold`), whichever comes first.

A fold moves the journal's batches into marks-history.json, the undo history, so that
`paperdeck undo` can take back the latest change of any process after a fold; it is read only
by undo (a 10,000-paper bulk change is 2 MB of it, which no star should parse). The snapshot's
schema is 2: a paperdeck that knows only schema 1 refuses the file instead of folding the
journal and dropping notes it cannot read.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB

from paperdeck.store.clean import clean_line
from paperdeck.store.errors import LibraryError
from paperdeck.store.journal import Journal
from paperdeck.store.mark_changes import MarkBatch
from paperdeck.store.models import Marks
from paperdeck.store.schema import META_TABLE, check_meta, generation_of, meta_record, meta_table
from paperdeck.store.storage import AtomicStorage, load_json_file, write_files

MARKS_FILE = "marks.json"
JOURNAL_FILE = "marks.journal"
HISTORY_FILE = "marks-history.json"
MARKS_TABLE = "marks"
HISTORY_TABLE = "batches"
COMPACT_AT = 1000  # papers' changes in the journal; replaying 1,000 at start takes ~3 ms
# A fold rides on a small change (one star: ~10 ms more at 100k papers), or on the next opening
# of the library, so that a bulk change and its undo stay one fsync each. Until then every
# process replays the bulk change: 30,000 papers' changes are ~60 ms of each start, their
# folded marks ~30 ms; the fold costs ~0.1 s once (100,000 papers, 20,000 marked). A process
# that stays open (the browser) folds a journal this many times COMPACT_AT first whatever comes.
SMALL_CHANGE = 100
FOLD_ANYWAY = 20
HISTORY_BATCHES = 200  # undo levels kept across processes (the browser keeps its own too)
HISTORY_PAPERS = 50_000  # ... and at most this many papers' changes in them (a 10k bulk is 2 MB)
KEYS, CATALOG_KEYS = "keys", "catalog"  # in the snapshot's `_meta`: records keyed by catalog doc ids


def _valid_line(record: dict[str, Any]) -> bool:
    """A batch, or a line of schema 1's journal (one paper's whole marks). Batches are checked
    paper by paper when replayed: a 10,000-paper batch was decoded twice otherwise."""
    if "batch" in record:
        return isinstance(record["papers"], dict) and isinstance(record["time"], int | float)
    if isinstance(record.get("paper"), str):
        Marks.from_dict(record)
        return True
    return False


def journal_of(folder: Path) -> Journal:
    """The marks journal of a library folder."""
    return Journal(folder / JOURNAL_FILE, _valid_line, "marks record")


class MarksStore:
    """The marks of one library folder: `marks` by paper id, loaded and written here."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / MARKS_FILE
        self.journal = journal_of(folder)
        self.marks: dict[str, Marks] = {}
        self.generation = 0
        self.schema = 0
        self.history_path = self.path.with_name(HISTORY_FILE)
        self._journal_batches: list[dict[str, Any]] = []  # batch records of the journal, not folded yet
        self._starred: int | None = None  # counted on demand, forgotten whenever marks change
        self._doc_ids: dict[str, int] = {}
        self._journal_docs: dict[str, int] = {}  # catalog doc ids the journal's batches name
        self._catalog_keys = True  # the snapshot's records are keyed by catalog doc ids
        self._db = TinyDB(self.path, storage=AtomicStorage)
        self._storage: AtomicStorage = self._db.storage  # type: ignore[assignment]
        self._journal_papers = 0

    @property
    def journal_path(self) -> Path:
        """Where the journal is."""
        return self.journal.path

    def doc_hints(self) -> dict[str, int]:
        """Where each marked paper's catalog line probably is: its catalog doc id, as the
        journal's batches name it, else its record's key in the snapshot (which is the
        catalog's doc id unless taken, see `compact`). Hints only: a reader checks the line."""
        return {**self._doc_ids, **self._journal_docs} if self._journal_docs else self._doc_ids

    @property
    def wants_fold(self) -> bool:
        """True when the journal holds enough changes to be folded by whoever opens the
        library, or the snapshot's marks are keyed otherwise than by catalog doc ids (written
        by an older version: folded once, so that `doc_hints` hold)."""
        return self._journal_papers >= COMPACT_AT or (not self._catalog_keys and bool(self.marks))

    def starred_count(self) -> int:
        """How many papers are starred (the status line asks on every keystroke: counting
        20,000 marks each time cost ~2 ms at 100k papers)."""
        if self._starred is None:
            self._starred = sum(1 for marks in self.marks.values() if marks.starred)
        return self._starred

    def create(self) -> None:
        """Write an empty snapshot (call under the folder lock)."""
        self._storage.write({META_TABLE: marks_meta(), MARKS_TABLE: {}})
        self.schema = 2

    def changed_on_disk(self) -> bool:
        """True when another process wrote marks since this one last read or wrote them."""
        return self._storage.changed_on_disk() or self.journal.changed_on_disk()

    # --- reading -----------------------------------------------------------------------------

    def load(self) -> None:
        """(Re)load the snapshot and replay the journal. LibraryError for a damaged file,
        which is left as it is (and never written over: the caches are dropped)."""
        try:
            # The journal before the snapshot: a fold renames the new snapshot in and then
            # empties the journal, so this order never pairs an old snapshot with an emptied journal.
            lines = self.journal.read()
            tables = self._storage.read()
            marks, doc_ids = self._read_snapshot(tables)
        except LibraryError:
            self._storage.forget()
            raise
        generation = generation_of(tables)
        self._catalog_keys = meta_record(tables).get(KEYS) == CATALOG_KEYS
        replayed = 0
        batches = []
        docs: dict[str, int] = {}
        try:
            for line in lines:
                if line.get("gen", 0) != generation:
                    continue  # already folded into the snapshot
                if "batch" in line:
                    for paper_id, change in line["papers"].items():
                        marks[paper_id] = Marks.from_dict(change["after"])
                        doc = change.get("doc")
                        if type(doc) is int:  # a hint: anything else is passed over
                            docs[paper_id] = doc
                    batches.append(line)
                    replayed += len(line["papers"])
                else:
                    marks[line["paper"]] = Marks.from_dict(line)
                    replayed += 1
        except (KeyError, TypeError, ValueError, AttributeError):
            self._storage.forget()
            raise LibraryError(
                f"{self.journal.path}: a marks record has the wrong shape; run `paperdeck doctor`"
            ) from None
        self.marks, self._doc_ids, self._journal_batches = marks, doc_ids, batches
        self._journal_docs = docs
        self.generation = generation
        self._starred = None
        self._journal_papers = replayed

    def _read_snapshot(self, tables: dict[str, Any] | None) -> tuple[dict[str, Marks], dict[str, int]]:
        marks: dict[str, Marks] = {}
        doc_ids: dict[str, int] = {}
        if tables is None:
            return marks, doc_ids
        self.schema = check_meta(tables, self.path, "marks")
        try:
            for key, record in tables.get(MARKS_TABLE, {}).items():
                paper_id = record["paper"]
                loaded = Marks.from_dict(record)
                if self._storage.suspect:
                    loaded.tags = [tag for tag in map(clean_line, loaded.tags) if tag]
                marks[paper_id] = loaded
                doc_ids[paper_id] = int(key)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise LibraryError(f"{self.path}: a marks record has the wrong shape; run `paperdeck doctor`") from None
        return marks, doc_ids

    def _folded_batches(self) -> list[dict[str, Any]]:
        """The batches of earlier folds (marks-history.json); [] when missing or unreadable:
        it only serves undo, and a damaged one must not stop marking."""
        try:
            tables = load_json_file(self.history_path)
        except LibraryError:
            return []
        table = (tables or {}).get(HISTORY_TABLE, {})
        return [table[key] for key in sorted(table, key=int)] if isinstance(table, dict) else []

    def history(self) -> list[MarkBatch]:
        """The batches kept for undo, oldest first (records of a damaged shape are skipped;
        one a crash left both folded and in the journal counts once)."""
        batches = []
        seen: set[str] = set()
        for record in [*self._folded_batches(), *self._journal_batches]:
            if not isinstance(record, dict) or record.get("batch") in seen:
                continue
            seen.add(record.get("batch"))  # type: ignore[arg-type]
            try:
                batches.append(MarkBatch.from_record(record))
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
        return batches

    # --- writing -----------------------------------------------------------------------------

    def write(self, batch: MarkBatch, preferred_ids: dict[str, int]) -> None:
        """Persist one batch (call under the folder lock, after re-reading): one fsynced
        journal line, after folding a full journal first when this batch is a small one.
        `preferred_ids` are the catalog's doc ids, reused for the snapshot's records. Memory
        changes only once the batch is on disk; LibraryError (nothing changed) when the disk
        refuses."""
        full = self._journal_papers >= COMPACT_AT
        if self.schema < 2 or (
            full and (batch.count < SMALL_CHANGE or self._journal_papers >= FOLD_ANYWAY * COMPACT_AT)
        ):
            self.compact(preferred_ids)
        record = batch.to_record(self.generation)
        docs: dict[str, int] = {}
        for paper_id, change in record["papers"].items():
            doc = preferred_ids.get(paper_id)
            if doc is not None:
                change["doc"] = docs[paper_id] = doc  # see `doc_hints` (older versions read past the key)
        self.journal.append(orjson.dumps(record) + b"\n")
        self._journal_docs.update(docs)
        self.marks.update(batch.after)
        self._journal_batches.append(record)
        self._starred = None
        self._journal_papers += batch.count

    def compact(self, preferred_ids: dict[str, int]) -> None:
        """Fold the journal into a new snapshot of the next generation, then empty it (call
        under the folder lock, after re-reading). LibraryError when the disk refuses."""
        kept = {paper_id: m for paper_id, m in self.marks.items() if not m.is_empty}
        # A record's key is its paper's catalog doc id (unique, and where `doc_hints` look);
        # marks of a paper the catalog does not hold keep theirs, or take a free one.
        doc_ids = {paper_id: doc for paper_id in kept if (doc := preferred_ids.get(paper_id)) is not None}
        taken = set(doc_ids.values())
        next_free = max(taken | set(preferred_ids.values()) | set(self._doc_ids.values()), default=0) + 1
        for paper_id in kept:
            if paper_id not in doc_ids:
                doc_id = self._doc_ids.get(paper_id)
                if doc_id is None or doc_id in taken:
                    doc_id, next_free = next_free, next_free + 1
                taken.add(doc_id)
                doc_ids[paper_id] = doc_id
        generation = self.generation + 1
        tables = {
            META_TABLE: marks_meta(generation),
            # In doc id order, which is catalog order: what `list is:starred` lists them in.
            MARKS_TABLE: {
                str(doc_ids[paper_id]): {"paper": paper_id, **kept[paper_id].to_dict()}
                for paper_id in sorted(kept, key=doc_ids.__getitem__)
            },
        }
        files = [(self.path, orjson.dumps(tables))]
        if self._journal_batches:
            history = _trimmed([*self._folded_batches(), *self._journal_batches])
            table = {str(number): record for number, record in enumerate(history, start=1)}
            # The history first: a crash between the renames leaves its batches in the journal
            # too, and `history` counts each once.
            history_tables = {META_TABLE: meta_table("history"), HISTORY_TABLE: table}
            files.insert(0, (self.history_path, orjson.dumps(history_tables)))
        keep = [self.path] if self._storage.may_keep_backup() else []
        try:
            write_files(files, backups=keep)
        except LibraryError:
            self._storage.forget()
            raise  # nothing changed, memory is as before
        self._storage.wrote(tables)
        self._catalog_keys = True
        self._doc_ids = {paper_id: doc_ids[paper_id] for paper_id in kept}
        self._journal_batches, self._journal_docs = [], {}
        self.generation, self.schema = generation, 2
        self.journal.empty()
        self._journal_papers = 0


def _trimmed(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest batches that fit HISTORY_BATCHES and HISTORY_PAPERS (at least the newest one)."""
    kept: list[dict[str, Any]] = []
    papers = 0
    for record in reversed(history[-HISTORY_BATCHES:]):
        papers += len(record.get("papers", ()))
        if kept and papers > HISTORY_PAPERS:
            break
        kept.append(record)
    return kept[::-1]


def new_batch_id() -> str:
    """An id for a batch: its time, readable and sortable, plus a little randomness for two
    processes in one nanosecond."""
    return f"{time.time_ns():x}-{os.urandom(2).hex()}"


def empty_snapshot() -> bytes:
    """The bytes of a marks file without marks (doctor's last resort: the journal keeps the rest)."""
    return orjson.dumps({META_TABLE: marks_meta(), MARKS_TABLE: {}})


def marks_meta(generation: int = 0) -> dict[str, Any]:
    """The `_meta` table of a marks snapshot this version writes: its records are keyed by
    their papers' catalog doc ids (`compact`), which older versions did not promise."""
    table = meta_table("marks", generation)
    table["1"][KEYS] = CATALOG_KEYS
    return table
