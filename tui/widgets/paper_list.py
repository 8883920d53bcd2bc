"""The list pane: a virtual list that paints only the visible rows, at any library size.

It keeps a list of paper ids and asks the screen's `RowSource` for what to show on each row,
so no per-row widget or object exists (Textual's OptionList needs seconds for 100k rows; this
paints in milliseconds). Rendered rows are cached by (id, width, highlighted, focus) until the
screen says the data changed (`refresh_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from paperdeck.tui.keys import bindings


@dataclass(slots=True, frozen=True)
class Row:
    """What one list row shows (text already made printable by the screen)."""

    title: str
    starred: bool
    unread: bool
    tags: tuple[str, ...]
    link_kind: str | None  # "project", "code", "data", "hf" or None
    date: str
    upvotes: int | None
    selected: bool = False
    has_note: bool = False


class RowSource(Protocol):
    """Gives the row of a paper id; implemented by the screen, from memory (never disk)."""

    def row(self, paper_id: str) -> Row: ...


LINK_MARKERS = {"project": "↗", "code": "⎇", "data": "▤", "hf": "◇"}  # hf: only its arXiv and HF pages
# Rendered rows kept: a few screens' worth. Each is a Strip with seven little caches of its
# own (~3 KB); 1,024 of them were ~3 MB, and rows are reused only while still on screen.
ROW_CACHE_SIZE = 256


class PaperList(ScrollView, can_focus=True):
    """A keyboard-driven virtual list of papers with one highlighted row."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("list")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-list--cursor",
        "paper-list--star",
        "paper-list--unread",
        "paper-list--tags",
        "paper-list--meta",
        "paper-list--read",
        "paper-list--selected",
    }

    DEFAULT_CSS = """
    PaperList {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-y: scroll;
    }
    PaperList > .paper-list--cursor { background: $block-cursor-blurred-background; }
    PaperList:focus > .paper-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    PaperList > .paper-list--star { color: $warning; }
    PaperList > .paper-list--unread { color: $accent; }
    PaperList > .paper-list--tags { color: $success; }
    PaperList > .paper-list--meta { color: $text-muted; }
    PaperList > .paper-list--read { color: $text-muted; }
    PaperList > .paper-list--selected { background: $secondary 30%; }
    """

    class Highlighted(Message):
        """The highlighted paper changed (None when the list is empty)."""

        def __init__(self, paper_id: str | None) -> None:
            super().__init__()
            self.paper_id = paper_id

    class Selected(Message):
        """Enter on a paper: the screen moves focus to the abstract."""

        def __init__(self, paper_id: str) -> None:
            super().__init__()
            self.paper_id = paper_id

    def __init__(self, source: RowSource, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._source = source
        self._ids: Sequence[str] = ()
        self._cursor = 0
        self._cache: LRUCache[tuple[str, int, bool, bool], Strip] = LRUCache(ROW_CACHE_SIZE)

    # --- what the screen calls --------------------------------------------------------------

    @property
    def ids(self) -> Sequence[str]:
        """The ids shown, in order."""
        return self._ids

    @property
    def cursor(self) -> int:
        """The index of the highlighted row."""
        return self._cursor

    @property
    def highlighted_id(self) -> str | None:
        """The id of the highlighted paper, or None when the list is empty."""
        return self._ids[self._cursor] if self._ids else None

    def set_ids(self, ids: Sequence[str], keep: str | None = None) -> None:
        """Show `ids`; keep `keep` (or else the current paper) highlighted if it is still there."""
        previous = keep if keep is not None else self.highlighted_id
        self._ids = ids
        self._set_row_count(len(ids))
        index = 0
        if previous is not None:
            # A linear scan is ~2 ms at 100k; only done when the list is replaced.
            try:
                index = ids.index(previous)
            except ValueError:
                index = 0
        self._cursor = index
        # The cache outlives a new result: rows depend on the paper, not on the query, and
        # while typing most visible rows were painted a keystroke ago.
        self.refresh()
        self._scroll_cursor_into_view(center=True)
        self.post_message(self.Highlighted(self.highlighted_id))

    def _set_row_count(self, count: int) -> None:
        """Resize the virtual list without a layout pass. `virtual_size` is a layout reactive:
        assigning it re-laid and repainted the whole screen on every keystroke (~10 ms of a
        16 ms keystroke at 10k papers). The scrollbar is always shown (see DEFAULT_CSS), so a
        new row count changes no widget's region: updating the scrollbar is enough."""
        size = Size(self.size.width, count)
        if size == self.virtual_size:
            return
        self.set_reactive(PaperList.virtual_size, size)
        scrollbar = self.vertical_scrollbar
        scrollbar.window_virtual_size = count
        scrollbar.window_size = self.scrollable_content_region.height
        scrollbar.refresh()
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False)

    def refresh_rows(self) -> None:
        """Repaint after marks changed (star, tag, read): drops cached rows."""
        self._cache.clear()
        self.refresh()

    def move_to(self, index: int) -> None:
        """Highlight row `index` (clamped) and scroll it into view."""
        if not self._ids:
            return
        index = max(0, min(index, len(self._ids) - 1))
        if index == self._cursor:
            return
        old = self._cursor
        self._cursor = index
        self._refresh_row(old)
        self._refresh_row(index)
        self._scroll_cursor_into_view()
        self.post_message(self.Highlighted(self.highlighted_id))

    # --- actions ----------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        """Highlight the next paper."""
        self.move_to(self._cursor + 1)

    def action_cursor_up(self) -> None:
        """Highlight the previous paper."""
        self.move_to(self._cursor - 1)

    def action_first(self) -> None:
        """Highlight the first paper."""
        self.move_to(0)

    def action_last(self) -> None:
        """Highlight the last paper."""
        self.move_to(len(self._ids) - 1)

    def action_page_down(self) -> None:
        """Move one screen down."""
        self.move_to(self._cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        """Move one screen up."""
        self.move_to(self._cursor - max(1, self.scrollable_content_region.height - 1))

    def key_enter(self) -> None:
        """Enter opens the highlighted paper in the viewer."""
        if self.highlighted_id is not None:
            self.post_message(self.Selected(self.highlighted_id))

    def on_click(self, event: Click) -> None:
        """A click highlights the row under the pointer."""
        self.move_to(int(self.scroll_offset.y + event.y))

    # --- painting ---------------------------------------------------------------------------

    def on_resize(self) -> None:
        """Rows are cut to the width, so a resize repaints them."""
        self.virtual_size = Size(self.size.width, len(self._ids))
        self._cache.clear()
        self._scroll_cursor_into_view()

    def on_focus(self) -> None:
        """The cursor row is drawn brighter while the list has focus."""
        self.refresh()

    def on_blur(self) -> None:
        """See on_focus."""
        self.refresh()

    def _refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_offset.y)
        self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = int(self.scroll_offset.y)
        if center and not (top <= self._cursor < top + height):
            self.scroll_to(y=max(0, self._cursor - height // 2), animate=False)
        elif self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif self._cursor >= top + height:
            self.scroll_to(y=self._cursor - height + 1, animate=False)

    def render_line(self, y: int) -> Strip:
        """Paint screen line `y`: the paper at that index, or a blank line."""
        index = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        if index >= len(self._ids) or width <= 0:
            return Strip.blank(width, self.rich_style)
        paper_id = self._ids[index]
        key = (paper_id, width, index == self._cursor, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(self._source.row(paper_id), width, index == self._cursor)
            self._cache[key] = strip
        return strip

    def _render_row(self, row: Row, width: int, highlighted: bool) -> Strip:
        base = self.get_component_rich_style("paper-list--cursor") if highlighted else self.rich_style
        if row.selected and not highlighted:
            base = base + self.get_component_rich_style("paper-list--selected", partial=True)

        def styled(component: str) -> Style:
            return base + self.get_component_rich_style(component, partial=True)

        # The cursor and the selection also get a marker, so they show without colour
        # (NO_COLOR, screen readers).
        left = [
            Segment("›" if highlighted else " ", base),
            Segment("✓" if row.selected else " ", base),
            Segment("★" if row.starred else " ", styled("paper-list--star")),
            Segment("•" if row.unread else " ", styled("paper-list--unread")),
            Segment(" ", base),
        ]
        right: list[tuple[str, Style]] = []
        if width >= 50 and row.has_note:
            right.append((" ✎", styled("paper-list--meta")))
        if width >= 50 and row.tags:
            shown = " ".join(f"#{tag}" for tag in row.tags[:3]) + ("…" if len(row.tags) > 3 else "")
            right.append((" " + shown, styled("paper-list--tags")))
        if width >= 50:
            right.append((f" {LINK_MARKERS.get(row.link_kind or '', ' ')}", styled("paper-list--meta")))
        if width >= 70 and (row.date or row.upvotes is not None):
            upvotes = f" ▲{row.upvotes}" if row.upvotes is not None else ""
            right.append((f" {row.date}{upvotes}", styled("paper-list--meta")))
        right_width = sum(cell_len(text) for text, _ in right)
        title_width = max(0, width - len(left) - right_width)
        title_style = base if row.unread or highlighted else styled("paper-list--read")
        title = _truncate(row.title, title_width)
        segments = [
            *left,
            Segment(title + " " * (title_width - cell_len(title)), title_style),
            *(Segment(text, style) for text, style in right),
        ]
        return Strip(segments).adjust_cell_length(width, base).simplify()


def _truncate(text: str, width: int) -> str:
    """Cut text to `width` cells with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + "…"
