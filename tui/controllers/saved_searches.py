"""Saved searches from the browser: `W` saves the filter under a name, the facets sidebar
renames (e) and deletes (d) them; `@NAME` in any filter stands for one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from paperdeck.store.errors import PaperdeckError
from paperdeck.tui.messages import SavedSearchesChanged

if TYPE_CHECKING:
    from paperdeck.tui.controllers.host import Browser


class SavedSearchActions:
    """Holds the saved searches (name -> query) the filter expands."""

    def __init__(self, screen: Browser) -> None:
        self.screen = screen
        self.searches: dict[str, str] = {}

    def load(self) -> dict[str, str]:
        """Read them from the library (a damaged file: a toast, and none)."""
        try:
            self.searches = self.screen.library.saved_searches()
        except PaperdeckError as error:
            self.screen.notify(str(error), severity="error")
            self.searches = {}
        return self.searches

    def save(self, query: str) -> None:
        """W: ask for a name, then save `query` under it."""
        query = query.strip()
        if not query:
            self.screen.notify("Type a filter first (/), then save it", severity="warning")
            return
        from paperdeck.tui.screens.modals import AskText  # dialogs load on first use

        def named(name: str | None) -> None:
            if name:
                self._change(lambda: self.screen.library.save_search(name, query), f"Saved as @{name}: {query}")

        self.screen.app.push_screen(AskText(f"Save “{query}” as", placeholder="e.g. thesis"), named)

    def rename(self, name: str) -> None:
        """e in the sidebar: ask for the new name."""
        from paperdeck.tui.screens.modals import AskText

        def renamed(new_name: str | None) -> None:
            if new_name:
                self._change(lambda: self.screen.library.rename_search(name, new_name), f"Renamed to @{new_name}")

        self.screen.app.push_screen(AskText(f"Rename @{name} to", name), renamed)

    def delete(self, name: str) -> None:
        """d in the sidebar: delete, after a yes."""
        self.screen.confirm(
            f"Delete the saved search @{name}?",
            lambda: self._change(lambda: self.screen.library.delete_search(name), f"Deleted @{name}"),
        )

    def _change(self, change: Callable[[], dict[str, str]], toast: str) -> None:
        try:
            self.searches = change()
        except PaperdeckError as error:
            self.screen.notify(str(error), severity="error")
            return
        self.screen.notify(toast)
        self.screen.post_message(SavedSearchesChanged())
