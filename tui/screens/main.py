"""The main screen: composes the panes, owns the browsing state (query, sort, result, selection,
highlighted paper) and routes — key actions to the controllers that do the work, their
messages to the widgets that show it."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer

from paperdeck.store.errors import PaperdeckError
from paperdeck.store.library import Library
from paperdeck.store.models import Paper
from paperdeck.store.search import EVERY_SORT, SearchResult
from paperdeck.tui import messages
from paperdeck.tui.controllers.disk_watch import DiskWatch
from paperdeck.tui.controllers.fetching import FetchController
from paperdeck.tui.controllers.index import IndexController
from paperdeck.tui.controllers.linking import LinkActions
from paperdeck.tui.controllers.marking import MarkActions
from paperdeck.tui.controllers.read_timer import ReadTimer
from paperdeck.tui.controllers.typing_gc import TypingGC
from paperdeck.tui.keys import bindings
from paperdeck.tui.screens import main_view
from paperdeck.tui.widgets.abstract_view import AbstractView
from paperdeck.tui.widgets.facets import Facets
from paperdeck.tui.widgets.filter_bar import FilterBar, StatusLine
from paperdeck.tui.widgets.paper_list import PaperList, Row

VIEWER_TYPING_DELAY = 0.08  # seconds without a keystroke before the viewer follows the filter
MARK_TERMS = ("is:", "tag:", "#", "has:note", "@", "like:")  # query terms whose result a change of marks can change


class MainScreen(Screen[None]):
    """Filter bar and status on top, facets | list | viewer, footer below."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("main")

    DEFAULT_CSS = """
    MainScreen #panes { height: 1fr; }
    MainScreen #list { width: 3fr; min-width: 30; }
    MainScreen #viewer { width: 2fr; border-left: solid $panel; }
    MainScreen #facets { display: none; }
    MainScreen.facets-open #facets { display: block; }
    MainScreen.narrow #panes { layout: vertical; }
    MainScreen.narrow #viewer { width: 1fr; height: 1fr; border-left: none; border-top: solid $panel; }
    MainScreen.narrow #list { height: 1fr; }
    MainScreen.narrow #facets { width: 100%; height: auto; max-height: 8; border-right: none; }
    """

    def __init__(self, library: Library, read_delay: float = 2.0) -> None:
        super().__init__()
        self.library = library
        self.query_text = ""
        self.sort = "relevance"
        self.result = SearchResult(ids=[], warnings=[], highlight_terms=[], ranked=False)
        self.saved: dict[str, str] = {}  # saved searches, for @NAME in the filter
        self.selection: set[str] = set()
        self.previous_queries: list[str] = []  # what Esc goes back to after `m`
        self.new_since = 0.0  # when the previous browser session ended (is:new)
        self.fetch_note: str | None = None
        self.indexer = IndexController(self, library)
        self.disk = DiskWatch(self, library)
        self.read_timer = ReadTimer(self, read_delay)
        self.typing_gc = TypingGC(self)
        self.marking = MarkActions(self)
        self.linking = LinkActions(self)
        self.fetcher = FetchController(self, library)
        self._viewer_timer: Timer | None = None
        self._last_keystroke = 0.0  # monotonic time of the last change typed into the filter
        self._paint_list_now = False
        self._library_error: str | None = None  # the damage already reported, not reported again

    # --- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Filter bar and status on top, facets | list | viewer, footer below."""
        with Vertical():
            yield FilterBar(id="filter")
            yield StatusLine(id="status")
            with Horizontal(id="panes"):
                yield Facets(id="facets")
                yield PaperList(self, id="list")
                yield AbstractView(id="viewer")
        yield Footer()

    def on_mount(self) -> None:
        """Restore the last filter, sort and highlighted paper, then watch the disk."""
        state = self.library.load_state()
        self.sort = state.get("sort") if state.get("sort") in EVERY_SORT else "relevance"
        self.saved = self._saved_searches()
        query = state.get("query") if isinstance(state.get("query"), str) else ""
        closed = state.get("closed_at")
        self.new_since = float(closed) if isinstance(closed, int | float) else 0.0
        self.filter_bar.value = self.query_text = query
        keep = state.get("highlighted") if isinstance(state.get("highlighted"), str) else None
        self.apply_query(keep=keep)
        self.indexer.start(keep)
        self.paper_list.focus()
        self.update_facets()
        self.disk.start()

    def on_resize(self) -> None:
        """Stack the panes on terminals narrower than 100 columns."""
        self.set_class(self.size.width < 100, "narrow")

    @property
    def paper_list(self) -> PaperList:
        """The list pane."""
        return self.query_one("#list", PaperList)

    @property
    def viewer(self) -> AbstractView:
        """The abstract viewer."""
        return self.query_one("#viewer", AbstractView)

    @property
    def filter_bar(self) -> FilterBar:
        """The filter input."""
        return self.query_one("#filter", FilterBar)

    # --- state -> widgets -----------------------------------------------------------------------

    def row(self, paper_id: str) -> Row:
        """RowSource for the virtual list: what it shows for a paper."""
        return main_view.make_row(self.library, paper_id, paper_id in self.selection)

    @property
    def current_paper(self) -> Paper | None:
        """The highlighted paper, if any."""
        paper_id = self.paper_list.highlighted_id
        return self.library.papers.get(paper_id) if paper_id else None

    def order_of(self, paper_id: str) -> tuple[int, str]:
        """Where a paper is in the list (papers not shown last), to act on a selection in order."""
        try:
            return (self.result.ids.index(paper_id), paper_id)
        except ValueError:
            return (len(self.result.ids), paper_id)

    def apply_query(self, keep: str | None = None) -> None:
        """Run the query and sort against the index and show the result."""
        index = self.indexer.index
        if index is None:
            # Still indexing: show every paper, newest first; the query runs once the index is ready.
            papers = self.library.papers.values()
            ids = [paper.id for paper in sorted(papers, key=lambda paper: -paper.added)]
            self.result = SearchResult(ids=ids, warnings=[f"indexing {len(ids):,} papers…"])
        else:
            self.result = index.search(
                self.query_text, self.library.marks, sort=self.sort, new_since=self.new_since, saved=self.saved
            )
        self.paper_list.set_ids(self.result.ids, keep=keep)
        self.update_status()

    def update_status(self) -> None:
        """The status line: counts, selection, sort, and any warning or fetch in progress."""
        index = self.indexer.index
        sort = self.sort if self.result.ranked or self.sort != "relevance" else "added"
        notes = [note for note in (self.fetch_note,) if note]
        if index is not None and index.abstracts_pending:
            notes.append("indexing abstracts…")
        text = main_view.status_text(
            len(self.result.ids),
            len(self.library.papers),
            self.library.starred_count(),
            sort,
            len(self.selection),
            main_view.hidden(self.selection, self.result.ids),
            self.result.warnings,
            notes,
        )
        # One line of fixed size: no layout pass (a layout repaints the whole screen).
        self.query_one(StatusLine).update(text, layout=False)

    def update_facets(self) -> None:
        """Fresh counts in the facets sidebar (only while it is shown)."""
        if not self.has_class("facets-open"):
            return
        library = self.library
        counts = (len(library.papers), library.starred_count(), main_view.unread_count(library))
        notes = sum(1 for marks in library.marks.values() if marks.note)
        saved = self.saved
        index = self.indexer.index
        searched = [
            (name, len(index.search(f"@{name}", library.marks, saved=saved).ids) if index else 0) for name in saved
        ]
        self.query_one(Facets).show_counts(*counts, main_view.sorted_tags(library), notes, searched)

    def show_current(self) -> None:
        """Put the highlighted paper (or an empty-state hint) in the viewer."""
        paper = self.current_paper
        if paper is None:
            if not self.library.papers:
                hint = main_view.EMPTY_LIBRARY
            else:
                hint = f"No paper matches “{self.query_text}”.\n\nPress Esc to clear the filter."
            self.viewer.show(None, None, empty=hint)
            return
        abstract = self.library.abstract_of(paper.id) if self.library.abstracts_available else None
        marks = self.library.marks_of(paper.id)
        because = self.result.explain(paper.id)
        self.viewer.show(paper, marks, self.result.highlight_terms, abstract=abstract, because=because)

    def set_query(self, query: str, remember: bool = False) -> None:
        """Replace the filter text (and run it); `remember` lets Esc come back to the old one."""
        if remember:
            self.previous_queries.append(self.query_text)
        self.query_text = query
        with self.filter_bar.prevent(FilterBar.Changed):
            self.filter_bar.value = query
        self.apply_query()

    def confirm(self, question: str, yes: Callable[[], None]) -> None:
        """Ask a yes/no question; run `yes` on yes."""
        from paperdeck.tui.screens.modals import ConfirmScreen  # dialogs load on first use

        self.app.push_screen(ConfirmScreen(question), lambda answer: yes() if answer else None)

    def save_state(self) -> None:
        """Remember filter, sort and highlighted paper, and when this session ended (is:new)."""
        state = {
            "query": self.query_text,
            "sort": self.sort,
            "highlighted": self.paper_list.highlighted_id,
            "closed_at": time.time(),
        }
        # Losing the remembered filter is not worth blocking quit.
        with contextlib.suppress(PaperdeckError):
            self.library.save_state(state)

    # --- events from the widgets ---------------------------------------------------------------

    @on(FilterBar.Changed, "#filter")
    def filter_changed(self, event: FilterBar.Changed) -> None:
        """Every keystroke re-filters (the index answers within a frame at 100k papers)."""
        self._last_keystroke = time.monotonic()
        self.typing_gc.typed(len(self.library.papers))
        self.query_text = event.value
        self.apply_query()
        self._paint_list_now = True

    def on_idle(self) -> None:
        """The list a keystroke filtered is painted as soon as it is ready to paint, not at the
        next tick of Textual's frame timer, which added 0-8 ms (median ~4) to every keystroke.
        (Textual has no public "paint now"; see tui/textual_fixes.py.)"""
        if self._paint_list_now and self.is_current and self.paper_list in self._dirty_widgets:
            self._paint_list_now = False
            self._on_timer_update()

    def on_unmount(self) -> None:
        """Leaving mid-typing gives the collector back (tests run many apps in one process)."""
        self.typing_gc.release()

    @on(FilterBar.Done)
    def filter_done(self, event: FilterBar.Done) -> None:
        """Enter keeps the filter, Esc cleared it; either way back to the list."""
        if self._viewer_timer is not None:
            # Leaving the filter is the pause the viewer waits for.
            self._viewer_timer.stop()
            self._viewer_timer = None
            self.show_current()
        self.paper_list.focus()

    @on(PaperList.Highlighted)
    def highlighted(self, event: PaperList.Highlighted) -> None:
        """Show the paper and start the read timer. While the user types a filter the viewer
        waits for a pause: re-laying out a whole abstract on every keystroke would hold up the
        list, which is what the typist watches."""
        if self._viewer_timer is not None:
            self._viewer_timer.stop()
            self._viewer_timer = None
        if time.monotonic() - self._last_keystroke < VIEWER_TYPING_DELAY:
            self._viewer_timer = self.set_timer(VIEWER_TYPING_DELAY, self.show_current)
        else:
            self.show_current()
        unread = event.paper_id is not None and not self.library.marks_of(event.paper_id).read
        self.read_timer.restart(event.paper_id if unread else None)

    @on(PaperList.Selected)
    def selected(self, event: PaperList.Selected) -> None:
        """Enter on a paper: read it in the viewer."""
        self.viewer.focus()

    @on(Facets.Chosen)
    def facet_chosen(self, event: Facets.Chosen) -> None:
        """A facet replaces the filter."""
        self.set_query(event.query)
        self.paper_list.focus()

    @on(Facets.SavedSearchAction)
    def saved_search_action(self, event: Facets.SavedSearchAction) -> None:
        """e / d on a saved search in the sidebar."""
        from paperdeck.tui.screens.modals import AskText

        def rename(new_name: str | None) -> None:
            if new_name:
                self._change_saved(lambda: self.library.rename_search(event.name, new_name), f"Renamed to @{new_name}")

        if event.verb == "rename":
            self.app.push_screen(AskText(f"Rename @{event.name} to", event.name), rename)
        else:
            deleted = f"Deleted @{event.name}"
            self.confirm(
                f"Delete the saved search @{event.name}?",
                lambda: self._change_saved(lambda: self.library.delete_search(event.name), deleted),
            )

    def _change_saved(self, change: Callable[[], dict[str, str]], toast: str) -> None:
        try:
            self.saved = change()
        except PaperdeckError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(toast)
        self.update_facets()
        if "@" in self.query_text:
            self.apply_query(keep=self.paper_list.highlighted_id)

    def _saved_searches(self) -> dict[str, str]:
        try:
            return self.library.saved_searches()
        except PaperdeckError as error:
            self.notify(str(error), severity="error")
            return {}

    # --- messages from the controllers ------------------------------------------------------------

    def on_index_ready(self, message: messages.IndexReady) -> None:
        """Titles are indexed: the filter applies."""
        self.indexer.ready(message.index)
        message.index.set_notes(self.library.marks)
        self.apply_query(keep=self.paper_list.highlighted_id or message.keep)

    def on_abstracts_found(self, message: messages.AbstractsFound) -> None:
        """The viewer can show abstracts now."""
        self.show_current()

    def on_abstracts_indexed(self, message: messages.AbstractsIndexed) -> None:
        """Words of abstracts match from now on: run the filter again."""
        import gc

        gc.freeze()  # the loaded library and its index never become garbage (see PaperdeckApp.on_mount)
        self.apply_query(keep=self.paper_list.highlighted_id)

    def on_library_changed(self, message: messages.LibraryChanged) -> None:
        """Another process imported papers or changed marks: show it."""
        self._library_error = None
        refresh = message.refresh
        self.indexer.changed(refresh.new_ids + refresh.updated_ids)
        if refresh.new_ids:
            self.notify(f"{len(refresh.new_ids)} new papers imported")
        self.refresh_view(rerun=True)

    def on_library_damaged(self, message: messages.LibraryDamaged) -> None:
        """A damaged library file: one error screen per problem (the disk is polled every 2 s)."""
        if message.problem == self._library_error:
            return
        self._library_error = message.problem
        from paperdeck.tui.screens.modals import LibraryErrorScreen

        self.app.push_screen(LibraryErrorScreen(message.problem), lambda quit_app: quit_app and self.app.exit(1))

    def on_read_delay_passed(self, message: messages.ReadDelayPassed) -> None:
        """A paper that stayed highlighted counts as read."""
        if message.paper_id == self.paper_list.highlighted_id:
            self.marking.read_after_delay(message.paper_id)

    def on_marks_changed(self, message: messages.MarksChanged) -> None:
        """After a change of marks: repaint rows, viewer, counts; re-run a query on marks."""
        index = self.indexer.index
        if index is not None:
            for paper_id, after in message.batch.after.items():
                if after.note != message.batch.before[paper_id].note:
                    index.update_note(paper_id, after.note)  # notes are searchable words
        self.refresh_view(rerun=self.sort == "for-you" or any(term in self.query_text for term in MARK_TERMS))

    def refresh_view(self, rerun: bool) -> None:
        """Rows, viewer, facets and status show the library as it is now (`rerun`: the result
        may have changed too)."""
        if rerun:
            self.apply_query(keep=self.paper_list.highlighted_id)
        else:
            self.update_status()
        self.paper_list.refresh_rows()
        self.show_current()
        self.update_facets()

    def on_fetch_progress(self, message: messages.FetchProgress) -> None:
        """A fetch is under way."""
        self.fetch_note = message.text
        self.update_status()

    def on_fetch_done(self, message: messages.FetchDone) -> None:
        """A fetch ended: the toast says what it brought, or why it stopped."""
        self.fetch_note = None
        new = sum(len(report.new_ids) for report in message.reports)
        papers = sum(report.papers for report in message.reports)
        if message.reports:
            self.indexer.changed(i for report in message.reports for i in [*report.new_ids, *report.updated_ids])
            self.refresh_view(rerun=True)
            self.notify(f"{papers} papers ({new} new)", title="Fetched")
        if message.error:
            self.notify(message.error, severity="error", timeout=10)
        self.update_status()

    # --- key actions: each routed to the controller that does it ----------------------------------

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
            self.linking.copy_links([self.library.papers[i] for i in sorted(self.selection, key=self.order_of)])
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
        query = self.query_text.strip()
        if not query:
            self.notify("Type a filter first (/), then save it", severity="warning")
            return
        from paperdeck.tui.screens.modals import AskText

        def save(name: str | None) -> None:
            if name:
                self._change_saved(lambda: self.library.save_search(name, query), f"Saved as @{name}: {query}")

        self.app.push_screen(AskText(f"Save “{query}” as", placeholder="e.g. thesis"), save)

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
            self.set_query(self.previous_queries.pop())
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
