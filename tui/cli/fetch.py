"""`paperdeck fetch`: Daily Papers from the Hugging Face API into the library (a day, a week,
a month, or every day since the last fetch), `--paper ID…`: papers by arXiv id, and
`--complete`: arXiv ids for papers that came from page dumps."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from paperdeck.store.feed import (
    DayReport,
    Progress,
    complete_from_arxiv,
    fetch_by_ids,
    fetch_periods,
    periods_for,
)
from paperdeck.store.library import Library
from paperdeck.tui.cli.output import emit, print_json, warn


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `fetch`."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--date", metavar="YYYY-MM-DD", help="one day's list (default: today, UTC)")
    which.add_argument("--week", metavar="YYYY-Www", help="an ISO week's lists, e.g. 2026-W34")
    which.add_argument("--month", metavar="YYYY-MM", help="a month's lists")
    which.add_argument("--since-last", action="store_true", help="each day since the last fetch (at most 31)")
    which.add_argument(
        "--paper",
        nargs="+",
        metavar="ID",
        help="papers by arXiv id (from Hugging Face, else arXiv), e.g. 2608.16590",
    )
    which.add_argument(
        "--complete", action="store_true", help="look papers without an arXiv id up on arXiv by exact title"
    )
    parser.add_argument("--json", action="store_true", help="what was added and updated, as JSON")


def cmd_fetch(args: argparse.Namespace, library: Library) -> int:
    """Fetch and add; one summary line per period (or JSON). A failure is one line and exit
    code 1; with --since-last the days done before it stay added."""
    if args.complete:
        return _complete(args, library)
    if args.paper:
        with _progress_bar(args.json) as progress:
            report = fetch_by_ids(library, args.paper, progress)
        _report(report, args.json)
        if args.json:
            print_json([report.to_dict()])
        return 0
    periods = periods_for(library, args.date, args.week, args.month, args.since_last)
    reports: list[DayReport] = []

    def done(report: DayReport) -> None:
        reports.append(report)
        _report(report, args.json)

    with _progress_bar(args.json) as progress:
        fetch_periods(library, periods, progress, done)
    if args.json:
        print_json([report.to_dict() for report in reports])
    return 0


def _report(report: DayReport, as_json: bool) -> None:
    """A period's warnings, then its summary line (unless the answer is JSON)."""
    for warning in report.warnings:
        warn(f"warning: {warning}")
    if not as_json:
        emit(report.summary())


def _complete(args: argparse.Namespace, library: Library) -> int:
    with _progress_bar(args.json) as progress:
        report = complete_from_arxiv(library, progress)
    for warning in report.warnings:
        warn(f"warning: {warning}")
    if args.json:
        print_json({"asked": report.asked, "completed": report.completed, "warnings": report.warnings})
    else:
        emit(f"arXiv: {len(report.completed)} of {report.asked} papers completed")
    return 0


@contextmanager
def _progress_bar(quiet: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal (rich, imported only then)."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as Bar

    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(what: str, done: int, total: int | None) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(f"Fetching {what}", total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield progress
