"""The facets sidebar: starred, unread, notes, every tag and every saved search, each with its
count; choosing one sets the filter; saved searches can be renamed (e) and deleted (d) here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from paperdeck.store.clean import printable
from paperdeck.tui.keys import bindings


class Facets(OptionList):
    """A short list of one-key filters."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("facets")

    DEFAULT_CSS = """
    Facets { width: 30; border: none; border-right: solid $panel; background: $surface; }
    """

    class Chosen(Message):
        """A facet was chosen: the screen sets the filter to `query`."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class SavedSearchAction(Message):
        """Rename or delete (`verb`) the saved search `name`."""

        def __init__(self, verb: str, name: str) -> None:
            super().__init__()
            self.verb = verb
            self.name = name

    def show_counts(
        self,
        total: int,
        starred: int,
        unread: int,
        tags: Iterable[tuple[str, int]],
        notes: int = 0,
        saved: Iterable[tuple[str, int]] = (),
    ) -> None:
        """Rebuild the options from fresh counts, keeping the highlighted one where possible."""
        highlighted = self.highlighted
        options = [
            Option(f"all papers ({total:,})", id=""),
            Option(f"★ starred ({starred:,})", id="is:starred"),
            Option(f"• unread ({unread:,})", id="is:unread"),
            Option(f"✎ with a note ({notes:,})", id="has:note"),
        ]
        options.extend(Option(Text(printable(f"#{tag} ({count:,})")), id=f"tag:{tag}") for tag, count in tags)
        options.extend(Option(Text(printable(f"@{name} ({count:,})")), id=f"@{name}") for name, count in saved)
        self.clear_options()
        self.add_options(options)
        if self.option_count:
            self.highlighted = min(highlighted or 0, self.option_count - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a facet posts its query."""
        event.stop()
        self.post_message(self.Chosen(event.option.id or ""))

    def _saved_highlighted(self) -> str | None:
        if self.highlighted is None:
            return None
        option_id = self.get_option_at_index(self.highlighted).id or ""
        return option_id[1:] if option_id.startswith("@") else None

    def action_rename(self) -> None:
        """e: rename the highlighted saved search."""
        if (name := self._saved_highlighted()) is not None:
            self.post_message(self.SavedSearchAction("rename", name))

    def action_delete(self) -> None:
        """d: delete the highlighted saved search."""
        if (name := self._saved_highlighted()) is not None:
            self.post_message(self.SavedSearchAction("delete", name))
