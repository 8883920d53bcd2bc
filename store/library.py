"""The Library: the one door to the files on disk, for the CLI and the browser alike.

TinyDB files live in the library folder: the catalog and its abstracts (papers, written only
by import; see store/catalog.py) and the small marks file (stars, tags, read state), written
on every user action, so a star never rewrites 100,000 abstracts. Every write happens under
the folder lock after re-reading what another process may have written, and goes through
`AtomicStorage`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from paperdeck.store.catalog import CATALOG_FILE, Catalog
from paperdeck.store.errors import LibraryError, PaperdeckError, RefError
from paperdeck.store.marks_store import MarksStore
from paperdeck.store.models import Marks, Paper
from paperdeck.store.storage import folder_lock, remove_stale_temps, write_atomic
from paperdeck.store.text import normalize_tag

if TYPE_CHECKING:  # the parser is imported by the commands that parse, not by the browser
    from paperdeck.store.dumps import ParseResult

STATE_FILE = "state.json"
INDEX_FILE = "search-index.bin"


@dataclass(slots=True)
class ImportReport:
    """What an import did, for the one summary line."""

    files: int = 0
    papers: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    new_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """`5 files: 362 papers (362 new, 0 updated), 46 duplicates in input, 0 warnings`."""
        files = "1 file" if self.files == 1 else f"{self.files} files"
        warnings = "1 warning" if self.warning_count == 1 else f"{self.warning_count} warnings"
        return (
            f"{files}: {self.papers} papers ({self.new} new, {self.updated} updated), "
            f"{self.duplicates} duplicates in input, {warnings}"
        )


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
        """The marks of every marked paper, by id (do not mutate; use the setters)."""
        return self.marks_store.marks

    @property
    def papers(self) -> dict[str, Paper]:
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

    # --- opening and loading -------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path, *, create: bool = True, abstracts: bool = True) -> Library:
        """Load the library in `folder`, creating an empty one if `create` and it is missing.
        With `abstracts=False` papers come without their abstracts until `load_abstracts()`
        (the browser's first frame needs only titles: 3/4 of the bytes are abstracts).

        Raises LibraryError for a damaged, foreign or newer-schema file, never rewriting it.
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
        library.catalog.load()
        if library.catalog.schema == 1:
            with folder_lock(library.folder):
                library.catalog.split_inline_abstracts()
        if abstracts:
            library.load_abstracts()
        library.marks_store.load()
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

    def refresh(self) -> Refresh:
        """Pick up what another process wrote (an import, marks from a script) since we loaded."""
        result = Refresh()
        if self.catalog.changed_on_disk():
            result.new_ids, result.updated_ids = self.catalog.load()
        if self.marks_store.changed_on_disk():
            self.marks_store.load()
            result.marks_changed = True
        return result

    # --- import --------------------------------------------------------------------------

    def import_parsed(
        self, results: Iterable[ParseResult], progress: Callable[[int], None] | None = None
    ) -> ImportReport:
        """Merge parsed dumps into the catalog with one atomic write. Known papers only gain
        missing metadata; marks are never touched. Re-importing the same dump changes nothing."""
        report = ImportReport()
        incoming: dict[str, Paper] = {}
        now = time.time()
        for result in results:
            report.files += 1
            report.warnings.extend(result.warnings)
            report.warning_count += result.warning_count
            for block in result.blocks:
                paper = block.to_paper(added=now)
                if paper.id in incoming:
                    report.duplicates += 1
                    incoming[paper.id].merge(paper)
                else:
                    incoming[paper.id] = paper
                if progress:
                    progress(1)
        report.papers = len(incoming)
        with folder_lock(self.folder):
            if self.catalog.changed_on_disk():
                self.catalog.load()
            self.catalog.load_abstracts()  # a merge may fill a missing abstract
            changed: list[Paper] = []
            for paper in incoming.values():
                known = self.papers.get(paper.id)
                if known is None:
                    report.new += 1
                    report.new_ids.append(paper.id)
                    changed.append(paper)
                elif known.merge(paper):
                    report.updated += 1
                    changed.append(known)
            if changed:
                self.catalog.write(changed)
        return report

    # --- looking papers up ---------------------------------------------------------------

    def resolve(self, ref: str) -> Paper:
        """A paper by id or unique id prefix; RefError lists candidates when ambiguous."""
        ref = ref.strip()
        if ref in self.papers:
            return self.papers[ref]
        candidates = [paper_id for paper_id in self.papers if paper_id.startswith(ref)] if ref else []
        if len(candidates) == 1:
            return self.papers[candidates[0]]
        if not candidates:
            raise RefError(f"no paper with id or id prefix {ref!r}")
        raise RefError(f"{ref!r} matches {len(candidates)} papers; give more of the id", candidates)

    def marks_of(self, paper_id: str) -> Marks:
        """The marks of a paper (empty marks if it has none); do not mutate the result."""
        return self.marks.get(paper_id) or Marks()

    def starred_count(self) -> int:
        """How many papers are starred."""
        return self.marks_store.starred_count()

    def tag_counts(self) -> Counter[str]:
        """Every tag in use with the number of papers carrying it."""
        return Counter(tag for marks in self.marks.values() for tag in marks.tags)

    # --- marks: every change is written before it shows -------------------------------------

    def _change_marks(self, paper_id: str, change: Callable[[Marks], None]) -> Marks:
        if paper_id not in self.papers:
            raise RefError(f"no paper with id {paper_id!r}")
        with folder_lock(self.folder):
            if self.marks_store.changed_on_disk():
                self.marks_store.load()
            current = self.marks.get(paper_id) or Marks()
            updated = Marks(current.starred, list(current.tags), current.read)
            change(updated)
            self._write_marks({paper_id: updated})
        return self.marks[paper_id]

    def set_marks(self, changes: dict[str, Marks]) -> None:
        """Replace the marks of many papers in one locked, atomic write (bulk tagging, and how
        benchmarks mark 30,000 papers without 30,000 rewrites of the marks file)."""
        unknown = next((paper_id for paper_id in changes if paper_id not in self.papers), None)
        if unknown is not None:
            raise RefError(f"no paper with id {unknown!r}")
        with folder_lock(self.folder):
            if self.marks_store.changed_on_disk():
                self.marks_store.load()
            self._write_marks(changes)

    def _write_marks(self, changes: dict[str, Marks]) -> None:
        """Persist marks (call under the folder lock, after re-reading); see store/marks_store.py."""
        self.marks_store.write(changes, self.catalog.doc_ids)

    def compact_marks(self) -> None:
        """Fold the marks journal into the marks file now (doctor does; writes do every 1,000)."""
        with folder_lock(self.folder):
            if self.marks_store.changed_on_disk():
                self.marks_store.load()
            self.marks_store.compact(self.catalog.doc_ids)

    def set_starred(self, paper_id: str, starred: bool) -> Marks:
        """Star or unstar a paper."""
        return self._change_marks(paper_id, lambda marks: setattr(marks, "starred", starred))

    def toggle_starred(self, paper_id: str) -> Marks:
        """Flip the star of a paper."""
        return self.set_starred(paper_id, not self.marks_of(paper_id).starred)

    def set_read(self, paper_id: str, read: bool) -> Marks:
        """Mark a paper read or unread."""
        return self._change_marks(paper_id, lambda marks: setattr(marks, "read", read))

    def add_tags(self, paper_id: str, tags: Iterable[str]) -> Marks:
        """Add tags (normalized; empty ones refused with PaperdeckError) to a paper."""
        cleaned = _clean_tags(tags)

        def change(marks: Marks) -> None:
            marks.tags.extend(tag for tag in cleaned if tag not in marks.tags)

        return self._change_marks(paper_id, change)

    def remove_tags(self, paper_id: str, tags: Iterable[str]) -> Marks:
        """Remove tags from a paper (tags it does not carry are ignored)."""
        cleaned = set(_clean_tags(tags))

        def change(marks: Marks) -> None:
            marks.tags = [tag for tag in marks.tags if tag not in cleaned]

        return self._change_marks(paper_id, change)

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


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        normal = normalize_tag(tag)
        if not normal:
            raise PaperdeckError("empty tag: a tag needs at least one letter or digit")
        if normal not in cleaned:
            cleaned.append(normal)
    return cleaned
