"""The main screen's key actions: each hands its key to the controller that does the work
(marks, links, exports, fetches, saved searches) or changes the browsing state the screen
owns. MainScreen (tui/screens/main.py: layout, state, messages) is built on this class; the
keys themselves are declared in tui/keys.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from paperdeck.store.models import Paper
from paperdeck.store.search import EVERY_SORT
from paperdeck.tui.screens import main_view
from paperdeck.tui.widgets.facets import Facets

if TYPE_CHECKING:
    from paperdeck.store.library import Library
    from paperdeck.store.search import SearchResult
    from paperdeck.tui.controllers.disk_watch import DiskWatch
    from paperdeck.tui.controllers.exporting import ExportActions
    from paperdeck.tui.controllers.fetching import FetchController
    from paperdeck.tui.controllers.linking import LinkActions
    from paperdeck.tui.controllers.marking import MarkActions
    from paperdeck.tui.controllers.saved_searches import SavedSearchActions
    from paperdeck.tui.widgets.abstract_view import AbstractView
    from paperdeck.tui.widgets.filter_bar import FilterBar
    from paperdeck.tui.widgets.paper_list import PaperList


class MainKeys(Screen[None]):
    """The key verbs of the main screen; the state and controllers they use are MainScreen's."""

    library: Library
    query_text: str
    sort: str
    result: SearchResult
    selection: set[str]
    previous_queries: list[tuple[str, str | None]]
    marking: MarkActions
    linking: LinkActions
    exporting: ExportActions
    fetcher: FetchController
    searches: SavedSearchActions
    disk: DiskWatch
    _library_error: str | None

    if TYPE_CHECKING:  # what MainScreen provides

        @property
        def paper_list(self) -> PaperList: ...

        @property
        def viewer(self) -> AbstractView: ...

        @property
        def filter_bar(self) -> FilterBar: ...

        @property
        def current_paper(self) -> Paper | None: ...

        def set_query(self, query: str, remember: bool = False, keep: str | None = None) -> None: ...

        def apply_query(self, keep: str | None = None) -> None: ...

        def update_status(self) -> None: ...

        def update_facets(self) -> None: ...

        def selected_in_order(self) -> list[str]: ...

    def _paper(self) -> Paper | None:
        paper = self.current_paper
        if paper is None:
            self.notify("No paper highlighted", severity="warning")
        return paper

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

    def action_toggle_star(self) -> None:
        """s: star or unstar the highlighted (or selected) papers."""
        self.marking.toggle_star()

    def action_toggle_read(self) -> None:
        """r: read or unread."""
        self.marking.toggle_read()

    def action_add_tags(self) -> None:
        """t: add tags."""
        self.marking.add_tags()

    def action_remove_tag(self) -> None:
        """T: remove a tag."""
        self.marking.remove_tag()

    def action_edit_note(self) -> None:
        """n: the highlighted paper's note."""
        if (paper := self._paper()) is not None:
            self.marking.edit_note(paper)

    def action_undo(self) -> None:
        """u: undo."""
        self.marking.undo()

    def action_redo(self) -> None:
        """ctrl+r: redo."""
        self.marking.redo()

    def action_read_all(self) -> None:
        """A: every paper shown becomes read (after a confirmation)."""
        self.marking.read_all(list(self.result.ids))

    def action_toggle_select(self) -> None:
        """space: select or unselect the highlighted paper and move down."""
        paper = self._paper()
        if paper is not None:
            self.selection.symmetric_difference_update({paper.id})
            self.paper_list.refresh_rows()
            self.paper_list.action_cursor_down()
            self.update_status()

    def action_select_all(self) -> None:
        """V: select every paper shown (again: clear the selection)."""
        shown = set(self.result.ids)
        self.selection = set() if shown and shown <= self.selection else self.selection | shown
        self.paper_list.refresh_rows()
        self.update_status()

    def action_copy_primary(self) -> None:
        """c: copy the primary link (of every selected paper, one per line)."""
        if self.selection:
            self.linking.copy_links([self.library.papers[i] for i in self.selected_in_order()])
        elif (paper := self._paper()) is not None:
            self.linking.copy_primary(paper)

    def action_copy_link(self, number: int) -> None:
        """1-9: copy link N."""
        if (paper := self._paper()) is not None:
            self.linking.copy_numbered(paper, number)

    def action_pick_link(self) -> None:
        """L: the link picker."""
        if (paper := self._paper()) is not None:
            self.linking.pick(paper)

    def action_open_primary(self) -> None:
        """o: open the primary link."""
        if (paper := self._paper()) is not None:
            self.linking.open_kind(paper, None)

    def action_open_pdf(self) -> None:
        """P: open the PDF."""
        if (paper := self._paper()) is not None:
            self.linking.open_kind(paper, "pdf")

    def action_export(self) -> None:
        """E: export the highlighted paper, the selection or every paper shown."""
        self.exporting.menu()

    def action_copy_bibtex(self) -> None:
        """y: copy the highlighted paper's BibTeX."""
        self.exporting.copy_bibtex()

    def action_more_like_this(self) -> None:
        """m: papers like the highlighted one (Esc goes back to the filter before)."""
        if (paper := self._paper()) is not None:
            self.set_query(f"like:{paper.id}", remember=True)
            self.paper_list.focus()

    def action_cycle_sort(self) -> None:
        """S: relevance → date → upvotes → title → added → for you → …"""
        self.sort = EVERY_SORT[(EVERY_SORT.index(self.sort) + 1) % len(EVERY_SORT)]
        self.apply_query()
        self.notify(f"Sort: {self.sort}", timeout=2)

    def action_step_day(self, step: int) -> None:
        """[ and ]: the previous or next list day present in the library."""
        query = main_view.step_day(self.query_text, main_view.list_days(self.library), step)
        if query is None:
            self.notify("No earlier list day" if step < 0 else "No later list day", severity="warning")
        else:
            self.set_query(query)

    def action_save_search(self) -> None:
        """W: save the current filter under a name (`@name` in any query stands for it)."""
        self.searches.save(self.query_text)

    def action_fetch(self, which: str) -> None:
        """F: fetch today's papers (or every day since the last fetch) in the background."""
        if not self.fetcher.start(which):
            self.notify("A fetch is already running", severity="warning")

    def action_toggle_facets(self) -> None:
        """b: show or hide the facets sidebar (focused while shown)."""
        self.toggle_class("facets-open")
        if self.has_class("facets-open"):
            self.update_facets()
            self.query_one(Facets).focus()
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

    def action_clear_filter(self) -> None:
        """Esc: clear the selection first; then back from `m`; then clear the filter."""
        if self.selection:
            self.selection = set()
            self.paper_list.refresh_rows()
            self.update_status()
        elif self.previous_queries:
            query, highlighted = self.previous_queries.pop()
            self.set_query(query, keep=highlighted)
        elif self.query_text:
            self.set_query("")
        self.paper_list.focus()

    def action_refresh_library(self) -> None:
        """R: pick up papers and marks written by other paperdeck processes now."""
        self._library_error = None  # asked for: show the error screen again if still damaged
        if self.disk.poll():
            self.notify("Library reloaded", timeout=2)

    def action_help(self) -> None:
        """?/F1: every binding, searchable."""
        from paperdeck.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.app.describe_bindings(self)))  # type: ignore[attr-defined]
