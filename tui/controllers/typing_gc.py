"""Full garbage collections wait for a pause in typing, in big libraries.

A full collection traverses every set the search keeps cached (millions of entries at 100k
papers): a 30-45 ms pause that landed on one keystroke in ten. After a pause in typing it costs
nothing anyone waits for. Young collections go on (they free Textual's per-key garbage).
"""

from __future__ import annotations

import gc

from textual.screen import Screen
from textual.timer import Timer

TYPING_PAUSE = 1.0  # seconds without a keystroke before full collections may run again
# Papers from which typing holds full collections. One costs ~1 ms per 1,000 papers (the
# cached sets); under this it fits in a keystroke's budget, and holding it would keep the
# garbage of every footer redrawn by / and Esc until the pause (+5 MB at 10k papers).
HOLD_OVER = 20_000
NO_FULL_COLLECTION = 1 << 30  # gc threshold: never reached while typing


class TypingGC:
    """`typed()` on every keystroke; `release()` when the screen goes away."""

    def __init__(self, screen: Screen[object]) -> None:
        self.screen = screen
        self._timer: Timer | None = None
        self._thresholds = gc.get_threshold()

    def typed(self, papers: int) -> None:
        """Hold full collections until the typing pauses for TYPING_PAUSE."""
        if papers < HOLD_OVER:
            return
        if self._timer is not None:
            self._timer.stop()
        else:
            self._thresholds = gc.get_threshold()
            young, middle, _ = self._thresholds
            gc.set_threshold(young, middle, NO_FULL_COLLECTION)
        self._timer = self.screen.set_timer(TYPING_PAUSE, self.release)

    def release(self) -> None:
        """Give the collector its thresholds back."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            gc.set_threshold(*self._thresholds)
