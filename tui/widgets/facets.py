"""The facets sidebar: starred, unread and every tag with its count; choosing one sets the filter."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class Facets(OptionList):
    """A short list of one-click filters."""

    DEFAULT_CSS = """
    Facets { width: 28; border: none; border-right: solid $panel; background: $surface; }
    """

    class Chosen(Message):
        """A facet was chosen: the screen sets the filter to `query`."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    def show_counts(self, total: int, starred: int, unread: int, tags: Iterable[tuple[str, int]]) -> None:
        """Rebuild the options from fresh counts, keeping the highlighted one where possible."""
        highlighted = self.highlighted
        options = [
            Option(f"all papers ({total})", id=""),
            Option(f"★ starred ({starred})", id="is:starred"),
            Option(f"• unread ({unread})", id="is:unread"),
        ]
        options.extend(Option(Text(f"#{tag} ({count})"), id=f"tag:{tag}") for tag, count in tags)
        self.clear_options()
        self.add_options(options)
        if self.option_count:
            self.highlighted = min(highlighted or 0, self.option_count - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a facet posts its query."""
        event.stop()
        self.post_message(self.Chosen(event.option.id or ""))
