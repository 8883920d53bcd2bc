"""`F` in the browser: fetch Daily Papers in a worker thread (store/feed.py), progress in the
status line, the new papers shown as they land without losing the highlight or the filter."""

from __future__ import annotations

from textual.screen import Screen

from paperdeck.store.errors import PaperdeckError
from paperdeck.store.feed import DayReport, fetch_periods, periods_for
from paperdeck.store.library import Library
from paperdeck.tui.messages import FetchDone, FetchProgress


class FetchController:
    """Runs one fetch at a time; posts FetchProgress and FetchDone to the screen."""

    def __init__(self, screen: Screen[object], library: Library) -> None:
        self.screen = screen
        self.library = library
        self.running = False

    def start(self, which: str) -> bool:
        """Fetch today's list (`today`) or every day since the last fetch (`since-last`);
        False when a fetch is already running."""
        if self.running:
            return False
        self.running = True
        self.screen.run_worker(lambda: self._fetch(which), thread=True, exclusive=True, group="fetch")
        return True

    def _fetch(self, which: str) -> None:
        """Off the UI thread. Each day is added as soon as it is fetched (one write)."""
        reports: list[DayReport] = []
        error: str | None = None

        def progress(period: str, done: int, total: int | None) -> None:
            self.screen.post_message(FetchProgress(f"fetching {period}: {done} papers"))

        try:
            periods = periods_for(self.library, since_last=which == "since-last")
            self.screen.post_message(FetchProgress(f"fetching {periods[0]}…"))
            # Papers are added on the UI thread, which reads the library between keystrokes.
            add = lambda papers: self.screen.app.call_from_thread(self.library.add_papers, papers)  # noqa: E731
            fetch_periods(self.library, periods, progress, reports.append, add=add)
        except PaperdeckError as error_:
            error = str(error_)
        finally:
            self.running = False
        self.screen.post_message(FetchDone(reports, error))
