"""Another paperdeck process (an import, a fetch, a script starring papers) changed the
library: noticed within 2 s, or at once when asked."""

from __future__ import annotations

from textual.screen import Screen

from paperdeck.store.errors import LibraryError
from paperdeck.store.library import Library
from paperdeck.tui.messages import LibraryChanged, LibraryDamaged

POLL_SECONDS = 2.0  # two stat() calls a poll: cheap enough to notice changes quickly


class DiskWatch:
    """Polls the library's files; posts LibraryChanged or LibraryDamaged to the screen."""

    def __init__(self, screen: Screen[object], library: Library) -> None:
        self.screen = screen
        self.library = library

    def start(self) -> None:
        """Poll every POLL_SECONDS from now on."""
        self.screen.set_interval(POLL_SECONDS, self.poll)

    def poll(self) -> bool:
        """Look now; False when a library file turned out damaged."""
        try:
            refresh = self.library.refresh()
        except LibraryError as error:
            self.screen.post_message(LibraryDamaged(str(error)))
            return False
        if refresh.new_ids or refresh.updated_ids or refresh.marks_changed:
            self.screen.post_message(LibraryChanged(refresh))
        return True
