"""The abstract viewer: title, authors, what is known of the paper (arXiv id, list day,
upvotes, comments, GitHub stars), tags and note, numbered links, the TL;DR, then the abstract
with the words of the current query highlighted, and keywords. Scrolls by keyboard when
focused. Every text from the paper is shown through `printable` (no control character ever
reaches the terminal, whatever a source let through)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from paperdeck.store.clean import printable
from paperdeck.store.dates import short_date
from paperdeck.store.links import all_links
from paperdeck.store.models import Marks, Paper
from paperdeck.tui.keys import bindings

AUTHORS_SHOWN = 3  # the first three … the last


def highlight_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for the terms (longest first), matched at word starts."""
    words = sorted({term for term in terms if term.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\w*", re.IGNORECASE)


class AbstractView(VerticalScroll, can_focus=True):
    """Shows one paper in full."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("viewer")

    DEFAULT_CSS = """
    AbstractView { padding: 0 1; background: $surface; }
    AbstractView > Static { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        """One Static holds the whole text; the container scrolls it."""
        yield Static(id="abstract-body")

    def show(
        self,
        paper: Paper | None,
        marks: Marks | None,
        terms: Sequence[str] = (),
        empty: str = "",
        abstract: str | None = None,
        because: Sequence[str] = (),
    ) -> None:
        """Display `paper` with its `abstract` (or the `empty` hint) and scroll back to the top;
        `abstract` is None while a big library's abstracts are still being found after the
        first frame. `because`: the terms that made it similar (like:, for-you)."""
        body = self.query_one("#abstract-body", Static)
        if paper is None:
            body.update(Text(printable(empty, multiline=True), style="italic"))
        else:
            body.update(render_paper(paper, marks or Marks(), terms, abstract, because))
        self.scroll_home(animate=False)


def authors_line(authors: Sequence[str]) -> str:
    """`A, B, C … Z` for long author lists."""
    if len(authors) <= AUTHORS_SHOWN + 1:
        return ", ".join(authors)
    return ", ".join(authors[:AUTHORS_SHOWN]) + f" … {authors[-1]} ({len(authors)} authors)"


def facts(paper: Paper, marks: Marks) -> list[str]:
    """arXiv id, dates, counts and read state, only what is known."""
    parts = [f"arXiv {paper.arxiv_id}"] if paper.arxiv_id else []
    if paper.list_day:
        parts.append(f"daily list {short_date(paper.list_day)}")
    published = short_date(paper.published, paper.published_text)
    if published:
        parts.append(f"published {published}")
    if not paper.authors and paper.authors_count:
        parts.append(f"{paper.authors_count} author{'s' if paper.authors_count != 1 else ''}")
    parts.extend(paper.counts())
    if paper.organization:
        parts.append(paper.organization)
    parts.append("★ starred" if marks.starred else "☆")
    parts.append("read" if marks.read else "• unread")
    return parts


def render_paper(
    paper: Paper, marks: Marks, terms: Sequence[str], abstract: str | None, because: Sequence[str] = ()
) -> Text:
    """The viewer's text for a paper."""
    text = Text()
    pattern = highlight_pattern(terms)
    title = Text(printable(paper.title), style="bold")
    if pattern:
        title.highlight_regex(pattern, style="reverse")
    text.append_text(title)
    text.append("\n")
    if paper.authors:
        text.append(printable(authors_line(paper.authors)), style="italic")
        text.append("\n")
    text.append(printable(" · ".join(facts(paper, marks))), style="dim")
    text.append("\n")
    if marks.tags:
        text.append(printable(" ".join(f"#{tag}" for tag in marks.tags)), style="green")
        text.append("\n")
    if because:
        text.append("because: ", style="bold magenta")
        text.append(printable(" · ".join(because)), style="magenta")
        text.append("\n")
    if marks.note:
        text.append("\n✎ ", style="bold yellow")
        text.append(printable(marks.note, multiline=True), style="yellow")
        text.append("\n")
    links = all_links(paper)
    if links:
        text.append("\n")
        for number, link in enumerate(links, start=1):
            text.append(f"[{number}] ", style="bold")
            text.append(f"{link.kind:<8}", style="cyan")
            text.append(printable(link.url), style="underline")
            text.append("\n")
    text.append("\n")
    if paper.ai_summary:
        text.append("TL;DR ", style="bold")
        text.append(printable(paper.ai_summary), style="italic")
        text.append("\n\n")
    if abstract is None:
        text.append("loading the abstract…", style="dim italic")
    else:
        body = Text(printable(abstract, multiline=True))
        if pattern:
            body.highlight_regex(pattern, style="bold reverse")
        text.append_text(body)
    if paper.ai_keywords:
        text.append("\n\nkeywords: ", style="dim")
        text.append(printable(", ".join(paper.ai_keywords)), style="dim")
    text.append(f"\n\nid: {printable(paper.id)}", style="dim")
    return text
