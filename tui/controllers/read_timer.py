"""A paper that stays highlighted for a while counts as read: the timer that says so."""

from __future__ import annotations

from textual.screen import Screen
from textual.timer import Timer

from paperdeck.tui.messages import ReadDelayPassed


class ReadTimer:
    """Restarted on every highlight; posts ReadDelayPassed after `delay` seconds (0: never)."""

    def __init__(self, screen: Screen[object], delay: float) -> None:
        self.screen = screen
        self.delay = delay
        self._timer: Timer | None = None

    def restart(self, paper_id: str | None) -> None:
        """Start counting for `paper_id` (None: stop)."""
        self.stop()
        if paper_id is not None and self.delay > 0:
            self._timer = self.screen.set_timer(self.delay, lambda: self.screen.post_message(ReadDelayPassed(paper_id)))

    def stop(self) -> None:
        """No paper is counting."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
