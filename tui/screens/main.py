"""The main screen: owns the browsing state (query, sort, results, highlighted paper) and
turns key presses into Library calls, then tells the widgets what to show."""

from __future__ import annotations

import contextlib
import gc
import time
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer

from paperdeck.store.errors import LibraryError, PaperdeckError
from paperdeck.store.library import Library
from paperdeck.store.models import Marks, Paper
from paperdeck.store.search import (
    SORTS,
    SearchIndex,
    SearchResult,
    load_fuzzy_matching,
    load_or_start_index,
    save_if_more_complete,
)
from paperdeck.tui.actions import PaperActions
from paperdeck.tui.widgets.abstract_view import AbstractView
from paperdeck.tui.widgets.facets import Facets
from paperdeck.tui.widgets.filter_bar import FilterBar, StatusLine
from paperdeck.tui.widgets.paper_list import PaperList, Row

ABSTRACT_CHUNK = 5_000  # abstracts indexed per step of the worker (~0.15 s; the vocabulary is rebuilt after each)
BACKGROUND_INDEX_OVER = 500  # papers; indexing takes ~70 ms per 1,000, which the first frame should not wait for
VIEWER_TYPING_DELAY = 0.08  # seconds without a keystroke before the viewer follows the filter
# Seconds without a keystroke before Python's garbage collector may make a full collection
# again. One traverses every set the search keeps cached (millions of entries at 100k papers):
# a 30-45 ms pause that landed on one keystroke in ten. After a pause in typing it costs
# nothing anyone waits for. Young collections go on (they free Textual's per-key garbage).
GC_TYPING_PAUSE = 1.0
# Papers from which typing holds full collections. One costs ~1 ms per 1,000 papers (the
# cached sets); under this it fits in a keystroke's budget, and holding it would keep the
# garbage of every footer redrawn by / and Esc until the pause (+5 MB at 10k papers).
GC_HOLD_OVER = 20_000
NO_FULL_COLLECTION = 1 << 30  # gc threshold: never reached while typing
EMPTY_LIBRARY = "No papers yet.\n\nImport Daily Papers pages from a shell:\n    paperdeck import FILE..."


class MainScreen(PaperActions, Screen[None]):
    """List pane, abstract viewer, filter bar, facets and footer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: handled when the key arrives, before the keys after it are handed to the
        # list (see action_focus_filter).
        Binding("slash", "focus_filter", "Filter", id="main.filter", priority=True),
        Binding("s", "toggle_star", "Star", id="main.star"),
        Binding("t", "add_tags", "Tag", id="main.tag"),
        Binding("T", "remove_tag", "Untag", id="main.untag"),
        Binding("c", "copy_primary", "Copy link", id="main.copy"),
        Binding("L", "pick_link", "Links", id="main.links"),
        Binding("o", "open_primary", "Open", id="main.open"),
        Binding("r", "toggle_read", "Read", id="main.read"),
        Binding("S", "cycle_sort", "Sort", id="main.sort"),
        Binding("b", "toggle_facets", "Facets", id="main.facets"),
        Binding("tab", "switch_pane", "Switch pane", show=False, id="main.switch"),
        Binding("R", "refresh_library", "Reload", show=False, id="main.reload"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="main.clear"),
        Binding("question_mark,f1", "help", "Help", id="main.help"),
        *(
            Binding(str(number), f"copy_link({number})", f"Copy link {number}", show=False, id=f"main.copy_{number}")
            for number in range(1, 10)
        ),
    ]

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
        self.read_delay = read_delay
        # Built here for small libraries; for big ones (abstracts too) in a thread after the first frame.
        self.index: SearchIndex | None = None
        if len(library.papers) <= BACKGROUND_INDEX_OVER:
            library.load_abstracts()
            self.index = SearchIndex(library.papers.values())
        self.query_text = ""
        self.sort = "relevance"
        self.result = SearchResult(ids=[], warnings=[], highlight_terms=[], ranked=False)
        self._read_timer: Timer | None = None
        self._viewer_timer: Timer | None = None
        self._last_keystroke = 0.0  # monotonic time of the last change typed into the filter
        self._paint_list_now = False
        self._gc_timer: Timer | None = None  # set while typing holds full collections off
        self._gc_thresholds = gc.get_threshold()
        self._library_error: str | None = None  # the damage already reported, not reported again

    # --- layout -------------------------------------------------------------------------------

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
        self.sort = state.get("sort") if state.get("sort") in SORTS else "relevance"
        query = state.get("query") if isinstance(state.get("query"), str) else ""
        self.filter_bar.value = query
        self.query_text = query
        keep = state.get("highlighted") if isinstance(state.get("highlighted"), str) else None
        self.apply_query(keep=keep)
        if self.index is None:
            # After the first frame: the worker holds the GIL for most of its run, and the
            # titles painted first are what the user waits for.
            self.call_after_refresh(self.build_index, keep)
        self.paper_list.focus()
        self.update_facets()
        # Two stat() calls: cheap enough to notice another process's import or marks quickly.
        self.set_interval(2.0, self.pick_up_changes)

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

    # --- RowSource for the virtual list -----------------------------------------------------------

    def row(self, paper_id: str) -> Row:
        """What the list shows for a paper, read from memory."""
        paper = self.library.papers[paper_id]
        marks = self.library.marks_of(paper_id)
        primary = paper.primary_link
        return Row(
            title=paper.title,
            starred=marks.starred,
            unread=not marks.read,
            tags=tuple(marks.tags),
            link_kind=primary.kind if primary else None,
            date=paper.shown_date,
            upvotes=paper.upvotes,
        )

    # --- state -> widgets -------------------------------------------------------------------------

    @property
    def current_paper(self) -> Paper | None:
        """The highlighted paper, if any."""
        paper_id = self.paper_list.highlighted_id
        return self.library.papers.get(paper_id) if paper_id else None

    def apply_query(self, keep: str | None = None) -> None:
        """Run the query and sort against the index and show the result."""
        if self.index is None:
            # Still indexing: show every paper, newest first; the query runs once the index is ready.
            papers = self.library.papers.values()
            ids = [paper.id for paper in sorted(papers, key=lambda paper: -paper.added)]
            self.result = SearchResult(ids=ids, warnings=[f"indexing {len(ids):,} papers…"])
        else:
            self.result = self.index.search(self.query_text, self.library.marks, sort=self.sort)
        self.paper_list.set_ids(self.result.ids, keep=keep)
        self.update_status()

    @work(thread=True, exclusive=True, group="index")
    def build_index(self, keep: str | None) -> None:
        """Off the UI thread: load the index saved by the last run (~0.4 s at 100k papers), or
        index the titles (~0.5 s); then find the abstracts on disk and index those not indexed
        yet in chunks (all of them without a saved index: ~10 s at 100k, the list answering
        meanwhile), and save the index for the next start."""
        load_fuzzy_matching()
        papers = list(self.library.papers.values())
        index, complete_before = load_or_start_index(self.library.index_path, papers, self._abstract_of)
        self.app.call_from_thread(self.index_ready, index, keep)
        try:
            self.library.find_abstracts()
        except LibraryError as error:
            self.app.call_from_thread(self.show_library_error, str(error))
            return
        self.app.call_from_thread(self.show_current)
        while index.index_abstracts(ABSTRACT_CHUNK):
            pass
        self.app.call_from_thread(self.abstracts_indexed)
        # A cache: quitting while it is written leaves the previous file (writes are atomic).
        save_if_more_complete(self.library.index_path, index, complete_before)

    def _abstract_of(self, paper: Paper) -> str:
        return self.library.abstract_of(paper.id)

    def index_ready(self, index: SearchIndex, keep: str | None) -> None:
        """Titles are indexed: papers imported or merged into meanwhile are added (the
        refreshes since could not tell an index that did not exist yet), and the filter applies."""
        index.add(index.stale(self.library.papers.values()))
        self.index = index
        self.apply_query(keep=self.paper_list.highlighted_id or keep)

    def abstracts_indexed(self) -> None:
        """Words of abstracts match from now on: run the filter again."""
        gc.freeze()  # as the app does for the library (see PaperdeckApp.on_mount)
        self.apply_query(keep=self.paper_list.highlighted_id)

    def update_status(self) -> None:
        """The status line: counts, sort, and any warning about the query."""
        starred = self.library.starred_count()
        sort = self.sort if self.result.ranked or self.sort != "relevance" else "added"
        text = f"{len(self.result.ids)} of {len(self.library.papers)} papers · {starred} starred · sort: {sort}"
        if self.result.warnings:
            text += " · ⚠ " + "; ".join(self.result.warnings)
        if self.index is not None and self.index.abstracts_pending:
            text += " · indexing abstracts…"
        # Text: a query with `[` is not markup. One line of fixed size: no layout pass (a layout
        # repaints the whole screen).
        self.query_one(StatusLine).update(Text(text), layout=False)

    def update_facets(self) -> None:
        """Fresh counts in the facets sidebar."""
        marks = self.library.marks
        unread = len(self.library.papers) - sum(
            1 for paper_id, m in marks.items() if m.read and paper_id in self.library.papers
        )
        tags = sorted(self.library.tag_counts().items(), key=lambda item: (-item[1], item[0]))
        self.query_one(Facets).show_counts(len(self.library.papers), self.library.starred_count(), unread, tags)

    def show_current(self) -> None:
        """Put the highlighted paper (or an empty-state hint) in the viewer."""
        paper = self.current_paper
        if paper is None:
            if not self.library.papers:
                hint = EMPTY_LIBRARY
            else:
                hint = f"No paper matches “{self.query_text}”.\n\nPress Esc to clear the filter."
            self.viewer.show(None, None, empty=hint)
            return
        self.viewer.show(
            paper,
            self.library.marks_of(paper.id),
            self.result.highlight_terms,
            abstract=self.library.abstract_of(paper.id) if self.library.abstracts_available else None,
        )

    def marks_changed(self, paper: Paper) -> None:
        """After a mark: repaint rows, viewer, counts; re-run a query that filters on marks."""
        self.paper_list.refresh_rows()
        self.show_current()
        self.update_facets()
        if any(token in self.query_text for token in ("is:", "tag:", "#")):
            self.apply_query(keep=paper.id)
        else:
            self.update_status()

    # --- events ----------------------------------------------------------------------------

    @on(FilterBar.Changed, "#filter")
    def filter_changed(self, event: FilterBar.Changed) -> None:
        """Every keystroke re-filters (the index answers within a frame at 100k papers)."""
        self._last_keystroke = time.monotonic()
        self._hold_gc_while_typing()
        self.query_text = event.value
        self.apply_query()
        self._paint_list_now = True

    def _hold_gc_while_typing(self) -> None:
        """No full collection until the typing pauses for GC_TYPING_PAUSE (see there)."""
        if len(self.library.papers) < GC_HOLD_OVER:
            return
        if self._gc_timer is not None:
            self._gc_timer.stop()
        else:
            self._gc_thresholds = gc.get_threshold()
            young, middle, _ = self._gc_thresholds
            gc.set_threshold(young, middle, NO_FULL_COLLECTION)
        self._gc_timer = self.set_timer(GC_TYPING_PAUSE, self._release_gc)

    def _release_gc(self) -> None:
        self._gc_timer = None
        gc.set_threshold(*self._gc_thresholds)

    def on_unmount(self) -> None:
        """Leaving mid-typing gives the collector back (tests run many apps in one process)."""
        if self._gc_timer is not None:
            self._gc_timer.stop()
            self._release_gc()

    def on_idle(self) -> None:
        """The list a keystroke filtered is painted as soon as it is ready to paint, not at the
        next tick of Textual's frame timer, which added 0-8 ms (median ~4) to every keystroke.

        Textual has no public way to paint now: `_dirty_widgets` is what the screen will paint
        (the list is in it once its refresh reached the screen, which may take another idle),
        and `_on_timer_update` is the timer's paint, which Textual's own Pilot calls directly.
        """
        if self._paint_list_now and self.is_current and self.paper_list in self._dirty_widgets:
            self._paint_list_now = False
            self._on_timer_update()

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
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if event.paper_id and self.read_delay > 0 and not self.library.marks_of(event.paper_id).read:
            self._read_timer = self.set_timer(self.read_delay, lambda: self.mark_read_after_delay(event.paper_id))

    def mark_read_after_delay(self, paper_id: str | None) -> None:
        """A paper that stayed highlighted for `read_delay` seconds counts as read."""
        if paper_id is None or paper_id != self.paper_list.highlighted_id:
            return
        if self.library.marks_of(paper_id).read:
            return
        try:
            self.library.set_read(paper_id, True)
        except PaperdeckError as error:
            self.notify(str(error), severity="error")
            return
        self.marks_changed(self.library.papers[paper_id])

    @on(PaperList.Selected)
    def selected(self, event: PaperList.Selected) -> None:
        """Enter on a paper: read it in the viewer."""
        self.viewer.focus()

    @on(Facets.Chosen)
    def facet_chosen(self, event: Facets.Chosen) -> None:
        """A facet replaces the filter."""
        self.set_query(event.query)
        self.paper_list.focus()

    def set_query(self, query: str) -> None:
        """Replace the filter text (and run it)."""
        self.query_text = query
        with self.filter_bar.prevent(FilterBar.Changed):
            self.filter_bar.value = query
        self.apply_query()

    def pick_up_changes(self) -> bool:
        """Show papers imported and marks made by another process since the last look;
        False when a library file turned out damaged (an error screen says so)."""
        try:
            refresh = self.library.refresh()
        except LibraryError as error:
            self.show_library_error(str(error))
            return False
        self._library_error = None
        changed = refresh.new_ids + refresh.updated_ids
        if changed and self.index is not None:
            building = self.index.abstracts_pending > 0  # the worker's loop takes these too
            # New papers, and known ones an import merged into (upvotes, links, an abstract
            # they lacked): filters and sorts must see what the rows show.
            self.index.add(self.library.papers[paper_id] for paper_id in changed)
            if not building:
                self.index.index_abstracts()
        if refresh.new_ids:
            self.notify(f"{len(refresh.new_ids)} new papers imported")
        if changed or refresh.marks_changed:
            self.apply_query()
            self.paper_list.refresh_rows()
            self.update_facets()
            self.show_current()
        return True

    def show_library_error(self, message: str) -> None:
        """A damaged library file: one error screen per problem (the disk is polled every 2 s)."""
        if message == self._library_error:
            return
        self._library_error = message

        def answered(quit_app: bool | None) -> None:
            if quit_app:
                self.app.exit(1)

        from paperdeck.tui.screens.modals import LibraryErrorScreen  # see tui.actions: dialogs load on first use

        self.app.push_screen(LibraryErrorScreen(message), answered)

    def save_state(self) -> None:
        """Remember filter, sort and highlighted paper for the next start."""
        state = {"query": self.query_text, "sort": self.sort, "highlighted": self.paper_list.highlighted_id}
        # Losing the remembered filter is not worth blocking quit.
        with contextlib.suppress(PaperdeckError):
            self.library.save_state(state)

    def current_marks(self) -> Marks:
        """Marks of the highlighted paper (empty if none)."""
        paper = self.current_paper
        return self.library.marks_of(paper.id) if paper else Marks()
