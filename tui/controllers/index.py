"""The search index's lifecycle in the browser: built (or loaded from the last run's saved
file) off the UI thread after the first frame, abstracts indexed in the background, papers
another process imported added as they arrive, and the index saved for the next start."""

from __future__ import annotations

from collections.abc import Iterable

from textual.screen import Screen

from paperdeck.store.errors import LibraryError
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkBatch
from paperdeck.store.models import Paper
from paperdeck.store.search import SearchIndex, load_fuzzy_matching, load_or_start_index, save_if_more_complete
from paperdeck.tui.messages import AbstractsFound, AbstractsIndexed, IndexReady, LibraryDamaged

ABSTRACT_CHUNK = 5_000  # abstracts indexed per step of the worker (~0.15 s; the vocabulary is rebuilt after each)
BACKGROUND_INDEX_OVER = 500  # papers; indexing takes ~70 ms per 1,000, which the first frame should not wait for


class IndexController:
    """Owns the screen's SearchIndex (None until titles are indexed in a big library)."""

    def __init__(self, screen: Screen[object], library: Library) -> None:
        self.screen = screen
        self.library = library
        self.index: SearchIndex | None = None
        if len(library.papers) <= BACKGROUND_INDEX_OVER:
            library.load_abstracts()
            self.index = SearchIndex(library.papers.values())
            self.index.set_notes(library.marks)

    def start(self, keep: str | None) -> None:
        """Build the index after the first frame when it was not built at once: the worker
        holds the GIL for most of its run, and the titles painted first are what the user
        waits for."""
        if self.index is None:
            self.screen.call_after_refresh(
                lambda: self.screen.run_worker(lambda: self._build(keep), thread=True, exclusive=True, group="index")
            )

    def _build(self, keep: str | None) -> None:
        """Off the UI thread: load the index saved by the last run (~0.4 s at 100k papers), or
        index the titles (~0.5 s); then find the abstracts on disk and index those not indexed
        yet in chunks (all of them without a saved index: ~10 s at 100k, the list answering
        meanwhile), and save the index for the next start."""
        load_fuzzy_matching()
        papers = list(self.library.papers.values())
        index, complete_before = load_or_start_index(self.library.index_path, papers, self._abstract_of)
        self.screen.post_message(IndexReady(index, keep))
        try:
            self.library.find_abstracts()
        except LibraryError as error:
            self.screen.post_message(LibraryDamaged(str(error)))
            return
        self.screen.post_message(AbstractsFound())
        while index.index_abstracts(ABSTRACT_CHUNK):
            pass
        self.screen.post_message(AbstractsIndexed())
        # A cache: quitting while it is written leaves the previous file (writes are atomic).
        save_if_more_complete(self.library.index_path, index, complete_before)

    def _abstract_of(self, paper: Paper) -> str:
        return self.library.abstract_of(paper.id)

    def ready(self, index: SearchIndex) -> None:
        """Titles are indexed: papers imported or merged into meanwhile are added (the
        refreshes since could not tell an index that did not exist yet)."""
        index.add(index.stale(self.library.papers.values()))
        index.set_notes(self.library.marks)
        self.index = index

    def notes_changed(self, batch: MarkBatch) -> bool:
        """A change of marks: the notes it changed are searchable words from now on. True
        when it changed any note."""
        changed = [
            (paper_id, after.note)
            for paper_id, after in batch.after.items()
            if after.note != batch.before[paper_id].note
        ]
        if self.index is not None:
            for paper_id, note in changed:
                self.index.update_note(paper_id, note)
        return bool(changed)

    def marks_reloaded(self) -> None:
        """Another process changed marks: its notes too."""
        if self.index is not None:
            self.index.set_notes(self.library.marks)

    def changed(self, paper_ids: Iterable[str]) -> None:
        """New papers, and known ones an import merged into (upvotes, links, an abstract they
        lacked): filters and sorts must see what the rows show."""
        if self.index is None:
            return
        building = self.index.abstracts_pending > 0  # the worker's loop takes these too
        self.index.add(self.library.papers[paper_id] for paper_id in paper_ids)
        if not building:
            self.index.index_abstracts()
