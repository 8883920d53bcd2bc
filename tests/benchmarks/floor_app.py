"""The floor under paperdeck's cold start: a Textual app that paints one line and nothing else.

    python -m tests.benchmarks.floor_app

The scale benchmark starts it in a tmux pty exactly as it starts `paperdeck`, so the table can
say how much of a cold start is Python and Textual themselves rather than the library.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

import paperdeck.tui  # noqa: F401  (the same frame-rate setting as paperdeck, before Textual loads)

NEEDLE = "paperdeck floor: painted"


class FloorApp(App[None]):
    """One line of text; q quits."""

    BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        """The one line the benchmark waits for."""
        yield Static(NEEDLE)


if __name__ == "__main__":
    FloorApp().run()
