"""Memory that Python freed goes back to the system while the browser is open for days.

glibc keeps freed memory in its heap for reuse; what a burst of work (hundreds of toasts, a
rebuilt facet list) leaves free between live objects is not returned by itself, and resident
memory only ever grew: +17-20 MB per 1,000 presses of S, b or s j in the soak benchmark
(tests/benchmarks/soak.py), with no more live objects to show for it. malloc_trim(0) hands
those pages back (~1 ms, then µs); elsewhere than glibc it is not there and nothing is done.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

TRIM_EVERY = 5.0  # seconds


def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes  # after the first frame: not part of the cold start

    try:
        return ctypes.CDLL(None).malloc_trim  # the process's own C library (dlopen(NULL))
    except (OSError, AttributeError):
        return None


class MemoryTrim:
    """Gives freed heap memory back every TRIM_EVERY seconds."""

    def __init__(self, screen: Screen[object]) -> None:
        self.screen = screen
        self._trim: Callable[[int], int] | None = None

    def start(self) -> None:
        """From now on (a no-op where the C library has no malloc_trim)."""
        self._trim = _malloc_trim()
        if self._trim is not None:
            self.screen.set_interval(TRIM_EVERY, self.trim)

    def trim(self) -> None:
        """Return what the heap holds free now."""
        if self._trim is not None:
            self._trim(0)
