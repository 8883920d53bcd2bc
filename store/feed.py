"""The live feed: Daily Papers fetched day by day into a library, papers added by arXiv id,
and papers from page dumps completed from arXiv — for the `fetch` command and the browser's fetch worker alike.

Each day is fetched whole, then added in one write (Library.add_papers): a failure leaves the
library as it was before that day. What was fetched last is remembered in fetch.json, so
`--since-last` knows where to start.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

from paperdeck.store.dates import days_of, utc_today
from paperdeck.store.errors import FetchError, LibraryError, NotFoundError
from paperdeck.store.library import AddReport, Library
from paperdeck.store.models import Paper
from paperdeck.store.storage import write_atomic

STATE_FILE = "fetch.json"
SINCE_LAST_DAYS = 31  # --since-last fetches at most a month of days
COMPLETE_BATCH = 10  # titles per arXiv request; each batch is saved before the next is asked

Progress = Callable[[str, int, int | None], None]  # (what, done, total)


@dataclass(slots=True)
class DayReport:
    """What fetching one day (or week, month) brought into the library."""

    period: str
    papers: int = 0
    new_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """`2026-08-20: 15 papers (12 new, 3 updated)`."""
        return f"{self.period}: {self.papers} papers ({len(self.new_ids)} new, {len(self.updated_ids)} updated)"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (`fetch --json`)."""
        return {
            "period": self.period,
            "papers": self.papers,
            "new": self.new_ids,
            "updated": self.updated_ids,
            "warnings": self.warnings,
        }


def load_state(library: Library) -> dict[str, Any]:
    """What fetch.json remembers ({} when missing or unreadable: it is only bookkeeping)."""
    try:
        state = orjson.loads((library.folder / STATE_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return state if isinstance(state, dict) else {}


def _save_state(library: Library, **changes: Any) -> None:
    """Remember `changes`; a disk that refuses only costs a day fetched again next time (adding
    the same papers twice changes nothing), so it is not an error of the fetch."""
    with contextlib.suppress(LibraryError):
        write_atomic(Path(library.folder) / STATE_FILE, orjson.dumps({**load_state(library), **changes}))


def periods_for(
    library: Library,
    day: str | None = None,
    week: str | None = None,
    month: str | None = None,
    since_last: bool = False,
    today: str | None = None,
) -> list[str]:
    """The periods a fetch asks for, checked before any request: a day, a week, a month,
    each day since the last successful fetch (at most SINCE_LAST_DAYS, up to today), or today
    (UTC). FetchError for a malformed one."""
    today = today or utc_today()
    if since_last:
        last = load_state(library).get("last_day")
        if not isinstance(last, str) or len(days_of_or_none(last)) != 1:
            return [today]
        first = date.fromisoformat(last) + timedelta(days=1)
        end = date.fromisoformat(today)
        days = [(first + timedelta(days=n)).isoformat() for n in range((end - first).days + 1)]
        return days[-SINCE_LAST_DAYS:] or [today]
    period = day or week or month or today
    try:
        days_of(period)
    except ValueError as error:
        raise FetchError(f"cannot fetch {error}") from None
    return [period.strip()]


def days_of_or_none(period: str) -> list[str]:
    """`days_of`, or [] for a malformed period."""
    try:
        return days_of(period)
    except ValueError:
        return []


def fetch_periods(
    library: Library,
    periods: Iterable[str],
    progress: Progress | None = None,
    done: Callable[[DayReport], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    add: Callable[[list[Paper]], AddReport] | None = None,
) -> list[DayReport]:
    """Fetch each period and add its papers, calling `done` with each report; periods done
    before a failure stay added. Raises FetchError naming the period that failed. `add` is
    how papers are added (default `library.add_papers`; the browser fetches on a worker thread
    and adds on its UI thread)."""
    from paperdeck.store.sources.hf_client import fetch_period

    reports: list[DayReport] = []
    for period in periods:

        def page(done: int, total: int | None, period: str = period) -> None:
            if progress:
                progress(period, done, total)

        try:
            fetched = fetch_period(period, page, sleep)
        except FetchError as error:
            raise FetchError(f"{period}: {error}" if period not in str(error) else str(error)) from None
        report = DayReport(period, len(fetched.papers), warnings=list(fetched.warnings))
        added = (add or library.add_papers)(fetched.papers)
        report.new_ids, report.updated_ids = added.new_ids, added.updated_ids
        reports.append(report)
        if done:
            done(report)
        if len(days_of_or_none(period)) == 1:
            _save_state(library, last_day=max(period, str(load_state(library).get("last_day") or "")))
    return reports


def fetch_by_ids(
    library: Library,
    ids: Iterable[str],
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> DayReport:
    """Add papers by their arXiv ids (`2608.16590`, `arXiv:2608.16590v2`, an arxiv.org link):
    from Hugging Face where it knows the paper (upvotes, summary, links), else from arXiv.
    Every id is checked before any request (a malformed one raises FetchError); a paper that
    neither knows is a warning; the papers found are added in one write."""
    from paperdeck.store.sources import arxiv_client, hf_client
    from paperdeck.store.sources.fields import arxiv_id, shown

    wanted: list[str] = []
    for raw in ids:
        found = arxiv_id(raw)
        if found is None:
            raise FetchError(f"cannot fetch {shown(raw)}: not an arXiv id such as 2608.16590")
        if found not in wanted:
            wanted.append(found)
    report = DayReport(", ".join(wanted) if len(wanted) <= 3 else f"{len(wanted)} arXiv ids")
    papers: list[Paper] = []
    unknown: list[str] = []
    for done, wanted_id in enumerate(wanted, 1):
        try:
            fetched = hf_client.fetch_paper(wanted_id, sleep)
        except NotFoundError:
            unknown.append(wanted_id)
        else:
            papers.extend(fetched.papers)
            report.warnings.extend(fetched.warnings)
        if progress:
            progress("Hugging Face", done, len(wanted))
    if unknown:
        lookup = arxiv_client.find_by_ids(unknown, sleep=sleep)
        report.warnings.extend(lookup.warnings)
        papers.extend(lookup.matches[paper_id] for paper_id in unknown if paper_id in lookup.matches)
        report.warnings.extend(
            f"{paper_id}: neither Hugging Face nor arXiv knows this paper"
            for paper_id in unknown
            if paper_id not in lookup.matches
        )
    added = library.add_papers(papers)
    report.papers = len(papers)
    report.new_ids, report.updated_ids = added.new_ids, added.updated_ids
    return report


@dataclass(slots=True)
class CompleteReport:
    """What `fetch --complete` did."""

    asked: int = 0
    completed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def complete_from_arxiv(
    library: Library,
    progress: Progress | None = None,
    interval: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> CompleteReport:
    """Look every paper without an arXiv id up by its exact title on arXiv and fill in its id,
    authors, categories and dates (store.sources.arxiv_client: never a fuzzy match). Resumable:
    each batch of titles is saved before the next is asked, and titles arXiv did not know are
    remembered in fetch.json so a second run does not ask again."""
    from paperdeck.store.sources import arxiv_client

    missed = set(load_state(library).get("arxiv_misses") or ())
    todo = [paper for paper in library.papers.values() if not paper.arxiv_id and paper.id not in missed]
    report = CompleteReport(asked=len(todo))
    for start in range(0, len(todo), COMPLETE_BATCH):
        batch = todo[start : start + COMPLETE_BATCH]
        wait = arxiv_client.INTERVAL if interval is None else interval
        lookup = arxiv_client.find_by_titles([paper.title for paper in batch], interval=wait, sleep=sleep)
        report.warnings.extend(lookup.warnings)
        found: list[Paper] = []
        for paper in batch:
            match = lookup.matches.get(paper.title)
            if match is None:
                missed.add(paper.id)
                continue
            match.id = paper.id  # the same paper: merged into the one the library has
            found.append(match)
        added = library.add_papers(found)
        report.completed.extend(added.updated_ids)
        _save_state(library, arxiv_misses=sorted(missed))
        if progress:
            progress("arXiv", min(start + COMPLETE_BATCH, len(todo)), len(todo))
    return report
