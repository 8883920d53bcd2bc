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
from textual.timer import Timer

from paperdeck.store.errors import PaperdeckError
from paperdeck.store.library import Library
from paperdeck.store.models import Paper
from paperdeck.store.search import EVERY_SORT, SearchResult, parse_query
from paperdeck.tui import messages
from paperdeck.tui.config import Config
from paperdeck.tui.controllers.disk_watch import DiskWatch
from paperdeck.tui.controllers.exporting import ExportActions
from paperdeck.tui.controllers.fetching import FetchController
from paperdeck.tui.controllers.index import IndexController
from paperdeck.tui.controllers.linking import LinkActions
from paperdeck.tui.controllers.marking import MarkActions
from paperdeck.tui.controllers.memory import MemoryTrim
from paperdeck.tui.controllers.read_timer import ReadTimer
from paperdeck.tui.controllers.saved_searches import SavedSearchActions
from paperdeck.tui.controllers.typing_gc import TypingGC
from paperdeck.tui.keys import bindings
from paperdeck.tui.screens import main_view
from paperdeck.tui.screens.main_keys import MainKeys
from paperdeck.tui.widgets.abstract_view import AbstractView
from paperdeck.tui.widgets.facets import Facets
from paperdeck.tui.widgets.filter_bar import FilterBar, StatusLine
from paperdeck.tui.widgets.key_footer import KeyFooter
from paperdeck.tui.widgets.paper_list import PaperList, Row

VIEWER_TYPING_DELAY = 0.08  # seconds without a keystroke before the viewer follows the filter


class MainScreen(MainKeys):
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

    def __init__(self, library: Library, config: Config | None = None) -> None:
        super().__init__()
        config = config or Config()
        self.library = library
        self.config = config
        self.query_text = ""
        self.sort = "relevance"
        self.result = SearchResult(ids=[], warnings=[], highlight_terms=[], ranked=False)
        self.selection: set[str] = set()
        self.previous_queries: list[tuple[str, str | None]] = []  # filter and paper Esc goes back to after `m`
        self.new_since = 0.0  # when the previous browser session ended (is:new)
        self.fetch_note: str | None = None
        self.indexer = IndexController(self, library)
        self.disk = DiskWatch(self, library)
        self.read_timer = ReadTimer(self, config.read_delay)
        self.typing_gc = TypingGC(self)
        self.marking = MarkActions(self)
        self.linking = LinkActions(self)
        self.fetcher = FetchController(self, library)
        self.memory = MemoryTrim(self)
        self.exporting = ExportActions(self, lambda: config.export_path)
        self.searches = SavedSearchActions(self)
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
        yield KeyFooter()

    def on_mount(self) -> None:
        """Restore the last filter, sort and highlighted paper, then watch the disk."""
        state = self.library.load_state()
        self.sort = state.get("sort") if state.get("sort") in EVERY_SORT else "relevance"
        self.searches.load()
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
        self.call_after_refresh(self.memory.start)
        if self.config.fetch_on_start:
            self.call_after_refresh(self.fetcher.start, "since-last")

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

    def selected_in_order(self) -> list[str]:
        """The selection in list order, papers not shown last (by id): one pass over the list,
        where a position looked up per paper was quadratic (V then s on 100k papers)."""
        selection = self.selection
        shown = [paper_id for paper_id in self.result.ids if paper_id in selection]
        return shown + sorted(selection.difference(shown))

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
                self.query_text,
                self.library.marks,
                sort=self.sort,
                new_since=self.new_since,
                saved=self.searches.searches,
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
        if self.has_class("facets-open"):
            counts = main_view.facet_counts(self.library, self.indexer.index, self.searches.searches)
            self.query_one(Facets).show_counts(*counts)

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

    def set_query(self, query: str, remember: bool = False, keep: str | None = None) -> None:
        """Replace the filter text (and run it, `keep` highlighted if shown); `remember` lets
        Esc come back to the old one and the paper highlighted in it."""
        if remember:
            self.previous_queries.append((self.query_text, self.paper_list.highlighted_id))
        self.query_text = query
        with self.filter_bar.prevent(FilterBar.Changed):
            self.filter_bar.value = query
        self.apply_query(keep=keep)

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
        (self.searches.rename if event.verb == "rename" else self.searches.delete)(event.name)

    # --- messages from the controllers ------------------------------------------------------------

    def on_index_ready(self, message: messages.IndexReady) -> None:
        """Titles are indexed: the filter applies."""
        self.indexer.ready(message.index)
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
        if refresh.marks_changed:
            self.indexer.marks_reloaded()
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
        notes = self.indexer.notes_changed(message.batch)
        query = parse_query(self.query_text, self.searches.searches)  # @saved expanded
        self.refresh_view(rerun=self.sort == "for-you" or query.reads_marks or (notes and query.has_text))

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

    def on_saved_searches_changed(self, message: messages.SavedSearchesChanged) -> None:
        """The sidebar's counts, and a filter that names a saved search, are run again."""
        self.update_facets()
        if "@" in self.query_text:
            self.apply_query(keep=self.paper_list.highlighted_id)

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
