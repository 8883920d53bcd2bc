"""Messages the browser's controllers post to the main screen (data flows one way: a
controller does the work and says what happened; the screen updates the widgets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from paperdeck.store.feed import DayReport
    from paperdeck.store.library import Refresh
    from paperdeck.store.mark_changes import MarkBatch
    from paperdeck.store.search import SearchIndex


class IndexReady(Message):
    """Titles are indexed: filters run on the index from now on."""

    def __init__(self, index: SearchIndex, keep: str | None) -> None:
        super().__init__()
        self.index = index
        self.keep = keep


class AbstractsFound(Message):
    """Every abstract can be read from disk now (the viewer may show them)."""


class AbstractsIndexed(Message):
    """Words of abstracts match from now on."""


class LibraryChanged(Message):
    """Another process imported papers or changed marks."""

    def __init__(self, refresh: Refresh) -> None:
        super().__init__()
        self.refresh = refresh


class LibraryDamaged(Message):
    """A library file turned out damaged (the message names it)."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


class ReadDelayPassed(Message):
    """A paper stayed highlighted long enough to count as read."""

    def __init__(self, paper_id: str) -> None:
        super().__init__()
        self.paper_id = paper_id


class MarksChanged(Message):
    """Marks (or notes) changed through the library; `batch` says which papers."""

    def __init__(self, batch: MarkBatch) -> None:
        super().__init__()
        self.batch = batch


class FetchProgress(Message):
    """A fetch is under way: what to show in the status line."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class FetchDone(Message):
    """A fetch ended: the days it added, and the error that stopped it, if any."""

    def __init__(self, reports: list[DayReport], error: str | None) -> None:
        super().__init__()
        self.reports = reports
        self.error = error


class SavedSearchesChanged(Message):
    """A saved search was saved, renamed or deleted."""
