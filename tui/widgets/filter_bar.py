"""The filter bar: one line of query language, plus the status line under it."""

from __future__ import annotations

from typing import ClassVar, Self

from textual.binding import BindingType
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Input, Static

from paperdeck.tui.keys import bindings


class FilterBar(Input):
    """Where the query is typed; Enter goes back to the list keeping it, Esc clears it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("filter")

    DEFAULT_CSS = """
    FilterBar { border: none; width: 1fr; height: 1; padding: 0 1; background: $boost; }
    FilterBar:focus { border: none; background: $primary 20%; }
    """

    class Done(Message):
        """The user left the filter bar (Enter or ↓ keep the filter, Esc emptied it first)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder='/ filter: words "phrase" #tag is:starred is:new author:name date:2026-08 like:paper @saved',
            id=id,
        )

    def _watch_value(self, value: str) -> None:
        """Input follows its text width with `virtual_size`, a layout reactive, so every
        keystroke re-laid and repainted the whole screen (~10 ms at 120x40). The bar's size
        never depends on its text (1fr wide, one line high): a repaint is enough."""
        # Clearing (Esc) keeps Textual's layout: the bar shows its placeholder again, and the
        # clear measured 2-5x slower without it.
        self._typing = bool(value)
        try:
            super()._watch_value(value)
        finally:
            self._typing = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        """See `_watch_value`: layouts asked for while the value changes are repaints."""
        if getattr(self, "_typing", False):
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def action_clear_filter(self) -> None:
        """Esc: empty the filter and go back to the list."""
        self.value = ""
        self.post_message(self.Done())

    def action_done(self) -> None:
        """Back to the list, keeping the filter."""
        self.post_message(self.Done())

    async def action_submit(self) -> None:
        """Enter (Input's own binding): as `done`."""
        self.action_done()


class StatusLine(Static):
    """`37 of 362 papers · 5 starred · sort: relevance` and any query warning."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; color: $text-muted; background: $boost; }
    """
