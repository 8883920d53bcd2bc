"""The main screen's actions on papers: star, tag, read, copy and open links, sort, panes.

A mixin so the screen module keeps layout and state, and this one the key-driven verbs.
Every mark goes through the Library first and shows only once it is on disk.
Dialogs (tui.screens.modals) are imported when first opened: the first frame does not need
them, and their imports were ~10 ms of every cold start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paperdeck.store.errors import PaperdeckError
from paperdeck.store.links import is_safe_url
from paperdeck.store.mark_changes import MarkChange
from paperdeck.store.models import Paper
from paperdeck.store.search import SORTS
from paperdeck.tui.clipboard import copy_text, osc52_possible
from paperdeck.tui.opener import open_url

if TYPE_CHECKING:
    from paperdeck.tui.screens.main import MainScreen

    _Base = MainScreen
else:
    _Base = object


def _short(paper: Paper, width: int = 40) -> str:
    """A title cut for toasts: `FlexVAR: Flexible Visual…`."""
    return paper.title if len(paper.title) <= width else paper.title[: width - 1].rstrip() + "…"


class PaperActions(_Base):
    """Actions bound to keys on the main screen (see MainScreen.BINDINGS)."""

    def _paper_or_hint(self) -> Paper | None:
        paper = self.current_paper
        if paper is None:
            self.notify("No paper highlighted", severity="warning")
        return paper

    def _mark(self, paper: Paper, change: MarkChange) -> bool:
        try:
            self.library.change_marks([paper.id], change)
        except PaperdeckError as error:
            self.notify(str(error), severity="error", timeout=8)
            return False
        self.marks_changed(paper)
        return True

    def action_toggle_star(self) -> None:
        """s: star or unstar the highlighted paper."""
        paper = self._paper_or_hint()
        if paper is None:
            return
        starred = not self.library.marks_of(paper.id).starred
        if self._mark(paper, MarkChange(starred=starred)):
            self.notify(f'{"★ Starred" if starred else "☆ Unstarred"} "{_short(paper)}"')

    def action_toggle_read(self) -> None:
        """r: toggle read."""
        paper = self._paper_or_hint()
        if paper is None:
            return
        read = not self.library.marks_of(paper.id).read
        if self._mark(paper, MarkChange(read=read)):
            self.notify(f'Marked {"read" if read else "unread"}: "{_short(paper)}"')

    def action_add_tags(self) -> None:
        """t: add tags (comma separated, completed from the tags in use)."""
        paper = self._paper_or_hint()
        if paper is None:
            return

        def done(tags: list[str] | None) -> None:
            if tags and self._mark(paper, MarkChange(add_tags=tuple(tags))):
                self.notify(
                    f'Tagged "{_short(paper)}": {" ".join("#" + t for t in self.library.marks_of(paper.id).tags)}'
                )

        from paperdeck.tui.screens.modals import TagEditor

        self.app.push_screen(TagEditor(sorted(self.library.tag_counts())), done)

    def action_remove_tag(self) -> None:
        """T: remove one of the paper's tags, picked from a list."""
        paper = self._paper_or_hint()
        if paper is None:
            return
        tags = self.library.marks_of(paper.id).tags
        if not tags:
            self.notify("This paper has no tags", severity="warning")
            return

        def done(tag: str | None) -> None:
            if tag and self._mark(paper, MarkChange(remove_tags=(tag,))):
                self.notify(f'Removed #{tag} from "{_short(paper)}"')

        from paperdeck.tui.screens.modals import TagRemover

        self.app.push_screen(TagRemover(list(tags)), done)

    def copy(self, text: str, what: str) -> None:
        """Copy with an honest toast; when no clipboard works, show the text to select by hand."""
        osc52 = self.app.copy_to_clipboard if osc52_possible(getattr(self.app, "osc52_enabled", True)) else None
        result = copy_text(text, osc52)
        if result.copied:
            self.notify(f"{result.message}: {what}")
        else:
            from paperdeck.tui.screens.modals import ShowTextScreen

            self.app.push_screen(ShowTextScreen("No clipboard available — select and copy by hand", text))

    def action_copy_primary(self) -> None:
        """c: copy the primary link (or offer the title when there is no link)."""
        paper = self._paper_or_hint()
        if paper is None:
            return
        link = paper.primary_link
        if link is None:

            def answer(yes: bool | None) -> None:
                if yes:
                    self.copy(paper.title, "title")

            from paperdeck.tui.screens.modals import ConfirmScreen

            self.app.push_screen(ConfirmScreen("No links in this paper. Copy the title instead?"), answer)
            return
        self.copy_link_url(link.url)

    def copy_link_url(self, url: str) -> None:
        """Copy a link if it is a plain http(s) URL; refuse anything else."""
        if not is_safe_url(url):
            self.notify(f"Refused: not a plain http(s) link: {url[:60]}", severity="error")
            return
        self.copy(url, url)

    def action_copy_link(self, number: int) -> None:
        """1-9: copy link N of the paper."""
        paper = self._paper_or_hint()
        if paper is None:
            return
        if not 1 <= number <= len(paper.links):
            count = len(paper.links)
            self.notify(
                f"This paper has {count} link{'s' if count != 1 else ''}" if count else "No links in this paper",
                severity="warning",
            )
            return
        self.copy_link_url(paper.links[number - 1].url)

    def action_pick_link(self) -> None:
        """L: pick a link to copy (Enter) or open (o)."""
        paper = self._paper_or_hint()
        if paper is None:
            return
        if not paper.links:
            self.notify("No links in this paper", severity="warning")
            return

        def done(choice: tuple[str, str] | None) -> None:
            if choice is None:
                return
            verb, url = choice
            if verb == "open":
                self.open_link(url)
            else:
                self.copy_link_url(url)

        from paperdeck.tui.screens.modals import LinkPicker

        self.app.push_screen(LinkPicker([(link.kind, link.url) for link in paper.links]), done)

    def open_link(self, url: str) -> None:
        """Open a link in the web browser (never through a shell)."""
        outcome = open_url(url, self.app)
        self.notify(outcome.message, severity="information" if outcome.opened else "error")

    def action_open_primary(self) -> None:
        """o: open the primary link in the web browser."""
        paper = self._paper_or_hint()
        if paper is None:
            return
        link = paper.primary_link
        if link is None:
            self.notify("No links in this paper", severity="warning")
            return
        self.open_link(link.url)

    def action_cycle_sort(self) -> None:
        """S: relevance → date → upvotes → title → added → relevance."""
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.apply_query()
        self.notify(f"Sort: {self.sort}", timeout=2)

    def action_toggle_facets(self) -> None:
        """b: show or hide the facets sidebar (focused while shown)."""
        self.toggle_class("facets-open")
        if self.has_class("facets-open"):
            self.update_facets()
            self.query_one("#facets").focus()
        else:
            self.paper_list.focus()

    def action_switch_pane(self) -> None:
        """Tab: list ↔ viewer (and facets when shown)."""
        order = ["#list", "#viewer"]
        if self.has_class("facets-open"):
            order.insert(0, "#facets")
        focused = self.focused
        current = next((i for i, selector in enumerate(order) if focused is self.query_one(selector)), -1)
        self.query_one(order[(current + 1) % len(order)]).focus()

    def action_focus_filter(self) -> None:
        """/: type a filter. Keys that arrive with the `/` in one read (typed fast, or over
        SSH) must reach the filter, not the list's bindings: the binding is a priority one and
        focus moves at once (`focus()` would wait behind those keys). In the filter itself a
        `/` is just text."""
        if self.focused is self.filter_bar:
            self.filter_bar.insert_text_at_cursor("/")
            return
        self.set_focus(self.filter_bar)
        self.filter_bar.cursor_position = len(self.filter_bar.value)

    def action_clear_filter(self) -> None:
        """Esc: clear the filter."""
        if self.query_text:
            self.set_query("")
        self.paper_list.focus()

    def action_refresh_library(self) -> None:
        """R: pick up papers and marks written by other paperdeck processes now."""
        self._library_error = None  # asked for: show the error screen again if still damaged
        if self.pick_up_changes():
            self.notify("Library reloaded", timeout=2)

    def action_help(self) -> None:
        """?/F1: every binding of this screen, searchable."""
        from paperdeck.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.app.describe_bindings(self)))
