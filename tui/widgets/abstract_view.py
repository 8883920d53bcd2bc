"""The abstract viewer: title, metadata, tags, numbered links, then the abstract with the
words of the current query highlighted. Scrolls by keyboard when focused."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from paperdeck.store.models import Marks, Paper


def highlight_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for the terms (longest first), matched at word starts."""
    words = sorted({term for term in terms if term.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\w*", re.IGNORECASE)


class AbstractView(VerticalScroll, can_focus=True):
    """Shows one paper in full."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="viewer.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="viewer.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="viewer.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="viewer.bottom"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="viewer.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="viewer.page_up"),
    ]

    DEFAULT_CSS = """
    AbstractView { padding: 0 1; background: $surface; }
    AbstractView > Static { width: 1fr; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        """One Static holds the whole text; the container scrolls it."""
        yield Static(id="abstract-body")

    def show(
        self,
        paper: Paper | None,
        marks: Marks | None,
        terms: Sequence[str] = (),
        empty: str = "",
        abstract: str | None = None,
    ) -> None:
        """Display `paper` with its `abstract` (or the `empty` hint) and scroll back to the top;
        `abstract` is None while a big library's abstracts are still being found after the
        first frame."""
        body = self.query_one("#abstract-body", Static)
        body.update(render_paper(paper, marks or Marks(), terms, abstract) if paper else Text(empty, style="italic"))
        self.scroll_home(animate=False)


def render_paper(paper: Paper, marks: Marks, terms: Sequence[str], abstract: str | None) -> Text:
    """The viewer's text for a paper."""
    text = Text()
    title = Text(paper.title, style="bold")
    pattern = highlight_pattern(terms)
    if pattern:
        title.highlight_regex(pattern, style="reverse")
    text.append_text(title)
    text.append("\n")
    meta = paper.describe()
    state = ["★ starred" if marks.starred else "☆", "read" if marks.read else "• unread"]
    text.append(" · ".join(meta + state), style="dim")
    text.append("\n")
    if marks.tags:
        text.append(" ".join(f"#{tag}" for tag in marks.tags), style="green")
        text.append("\n")
    if paper.links:
        text.append("\n")
        for number, link in enumerate(paper.links, start=1):
            text.append(f"[{number}] ", style="bold")
            text.append(f"{link.kind:<8}", style="cyan")
            text.append(link.url, style="underline")
            text.append("\n")
    text.append("\n")
    if abstract is None:
        text.append("loading the abstract…", style="dim italic")
    else:
        body = Text(abstract)
        if pattern:
            body.highlight_regex(pattern, style="bold reverse")
        text.append_text(body)
    text.append(f"\n\nid: {paper.id}", style="dim")
    return text
