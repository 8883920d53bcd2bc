"""What the main screen shows, computed from the library: a list row, the status line, the
facet counts, the list days `[` and `]` step through. Plain functions, no widgets."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from rich.text import Text

from paperdeck.store.clean import printable
from paperdeck.store.library import Library
from paperdeck.store.search import SearchIndex
from paperdeck.tui.widgets.paper_list import Row

EMPTY_LIBRARY = (
    "No papers yet.\n\nFetch today's Daily Papers with F, or from a shell:\n"
    "    paperdeck fetch\n    paperdeck import FILE..."
)
_DATE_TERM = re.compile(r"(?:^|\s)date:\S*")


def make_row(library: Library, paper_id: str, selected: bool) -> Row:
    """What the list shows for a paper, read from memory (text made printable)."""
    paper = library.papers[paper_id]
    marks = library.marks_of(paper_id)
    primary = paper.primary_link
    return Row(
        title=printable(paper.title),
        starred=marks.starred,
        unread=not marks.read,
        tags=tuple(printable(tag) for tag in marks.tags),
        link_kind=primary.kind if primary else None,
        date=paper.shown_date,
        upvotes=paper.upvotes,
        selected=selected,
        has_note=bool(marks.note),
    )


def status_text(
    shown: int,
    total: int,
    starred: int,
    sort: str,
    selected: int = 0,
    hidden_selected: int = 0,
    warnings: Iterable[str] = (),
    notes: Iterable[str] = (),
) -> Text:
    """`37 of 362 papers · 5 starred · 12 selected (3 hidden) · sort: relevance · ⚠ …`.
    A Text, so a query holding `[` is not taken for markup."""
    text = f"{shown:,} of {total:,} papers · {starred:,} starred"
    if selected:
        text += f" · {selected:,} selected" + (f" ({hidden_selected:,} not shown)" if hidden_selected else "")
    text += f" · sort: {sort}"
    warnings = list(warnings)
    if warnings:
        text += " · ⚠ " + "; ".join(warnings)
    for note in notes:
        text += f" · {note}"
    return Text(printable(text))


def unread_count(library: Library) -> int:
    """Papers not marked read."""
    papers = library.papers
    return len(papers) - sum(1 for paper_id, marks in library.marks.items() if marks.read and paper_id in papers)


def facet_counts(
    library: Library, index: SearchIndex | None, saved: dict[str, str]
) -> tuple[int, int, int, list[tuple[str, int]], int, list[tuple[str, int]]]:
    """What the facets sidebar shows: papers, starred, unread, tags, notes and saved searches,
    each with its count (a saved search is counted by running it: 0 until the index is ready)."""
    notes = sum(1 for marks in library.marks.values() if marks.note)
    searched = [(name, len(index.search(f"@{name}", library.marks, saved=saved).ids) if index else 0) for name in saved]
    return len(library.papers), library.starred_count(), unread_count(library), library.tags_by_use(), notes, searched


def list_days(library: Library) -> list[str]:
    """Every Daily Papers list day present in the library, oldest first."""
    return sorted({paper.list_day for paper in library.papers.values() if paper.list_day})


def step_day(query: str, days: list[str], step: int) -> str | None:
    """The query with its `date:` term moved to the previous (-1) or next (+1) list day; with
    no single day in it yet, the newest day. None when there is nowhere to go."""
    if not days:
        return None
    current = next((term.strip()[5:] for term in _DATE_TERM.findall(query) if len(term.strip()) == 15), None)
    if current is None:
        target = days[-1]
    else:
        later = [day for day in days if (day > current if step > 0 else day < current)]
        if not later:
            return None
        target = later[0] if step > 0 else later[-1]
    rest = _DATE_TERM.sub("", query).strip()
    return f"date:{target}" + (f" {rest}" if rest else "")


HIDDEN_COUNT_UP_TO = 20_000  # shown papers; past that, counting would cost a keystroke ~10 ms


def hidden(selection: Collection[str], shown: Collection[str]) -> int:
    """How many selected papers the filter does not show (0 when the list is too long to
    count them within a keystroke)."""
    if not selection or len(shown) > HIDDEN_COUNT_UP_TO:
        return 0
    shown_set = set(shown)
    return sum(1 for paper_id in selection if paper_id not in shown_set)
