"""The commands that read papers in and out: import, list, show, link, tags."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from paperdeck.store.clean import printable
from paperdeck.store.errors import PaperdeckError
from paperdeck.store.library import AddReport, Library
from paperdeck.store.links import all_links
from paperdeck.store.models import Paper
from paperdeck.tui.cli.output import emit, emit_fields, emit_rows, paper_record, print_json, warn

if TYPE_CHECKING:  # the parsers and the search engine are imported by the commands that use them
    from paperdeck.store.search import Query, SearchResult
    from paperdeck.store.sources.fields import SourceResult

# Below this many bytes an import finishes before a progress bar would be worth drawing.
PROGRESS_MIN_BYTES = 2_000_000


def parse_inputs(names: Sequence[str]) -> list[SourceResult]:
    """Parse every input, whatever its format (told by its content), before anything is
    written: one bad file stops the whole import."""
    from paperdeck.store.dump_reader import open_dump
    from paperdeck.store.sources.detect import parse_any

    def parse(name: str) -> SourceResult:
        if name == "-":
            return parse_any(sys.stdin.buffer, "<stdin>", "stdin")
        with open_dump(Path(name)) as stream:
            return parse_any(stream, name, Path(name).name)

    if sum(map(_input_size, names)) < PROGRESS_MIN_BYTES or not sys.stdout.isatty():
        return [parse(name) for name in names]
    # Imported only for a bar, as `Table` in `cmd_list`: every module imported is paid for
    # on every run (~25 ms for these).
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    results: list[SourceResult] = []
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("Parsing", total=len(names))
        for name in names:
            results.append(parse(name))
            progress.advance(task)
    return results


def _input_size(name: str) -> int:
    try:
        return Path(name).stat().st_size if name != "-" else 0
    except OSError:
        return 0


def import_summary(files: int, report: AddReport, warnings: int) -> str:
    """`5 files: 362 papers (362 new, 0 updated), 46 duplicates in input, 0 warnings`."""
    files_text = "1 file" if files == 1 else f"{files} files"
    warnings_text = "1 warning" if warnings == 1 else f"{warnings} warnings"
    return (
        f"{files_text}: {report.papers} papers ({report.new} new, {report.updated} updated), "
        f"{report.duplicates} duplicates in input, {warnings_text}"
    )


def cmd_import(args: argparse.Namespace, library: Library, results: list[SourceResult]) -> int:
    """Merge already-parsed inputs into the library and print warnings and the summary line.
    The saved search index is left alone: the next start indexes the few new papers (a text
    query or the browser), which is cheaper than rewriting 66 MB of index after every import."""
    report = library.add_papers(paper for result in results for paper in result.papers)
    warnings = 0
    for result in results:
        for warning in result.warnings:
            warn(f"warning: {warning}")
        warnings += result.warning_count
    emit(import_summary(len(results), report, warnings))
    return 0


def query_from_options(args: argparse.Namespace) -> str:
    """The query text of `list`: its words plus the shortcut options."""
    parts = list(args.query or [])
    if args.starred:
        parts.append("is:starred")
    if args.unread:
        parts.append("is:unread")
    parts.extend(f"tag:{tag}" for tag in args.tag or [])
    return " ".join(parts)


def select(library: Library, text: str, sort: str) -> SearchResult:
    """The papers a query selects, in order (warnings printed). A query of filters alone
    (marks, tags, dates, has:, is:) is answered from the catalog and marks, with no index and
    no abstract read (and, filtering on marks, only the marked papers made from the catalog);
    words, `author:`, `like:` and `for-you` use the index."""
    from paperdeck.store.search import filter_papers, parse_query

    query = parse_query(text, library.saved_searches())
    new_since = library.load_state().get("closed_at")
    since = float(new_since) if isinstance(new_since, int | float) else None
    if query.needs_index or sort == "for-you":
        result = _search_with_index(library, query, sort, since)
    else:
        candidates = library.marked_papers(query.admits) if query.within_marks else library.papers.values()
        result = filter_papers(query, candidates, library.marks, sort=sort, new_since=since)
    for warning in result.warnings:
        warn(f"warning: {warning}")
    return result


def cmd_list(args: argparse.Namespace, library: Library) -> int:
    """List papers, filtered by the query language and the shortcut options."""
    result = select(library, query_from_options(args), args.sort)
    ids = result.ids[: args.limit] if args.limit else result.ids
    papers = [library.papers[paper_id] for paper_id in ids]
    if args.json:
        records = []
        for paper in papers:
            record = paper_record(paper, library.marks_of(paper.id))
            record["abstract"] = library.read_abstract(paper.id)  # only the listed papers' abstracts
            reasons = result.explain(paper.id)
            if reasons:
                record["because"] = reasons
            records.append(record)
        print_json(records)
    elif not sys.stdout.isatty():
        rows = []
        for paper in papers:
            marks = library.marks_of(paper.id)
            flags = ("*" if marks.starred else "-") + ("r" if marks.read else "-")
            rows.append([paper.id, flags, paper.shown_date, paper.title])
        emit_rows(rows)
    else:
        _print_table(library, papers)
    return 0


def _search_with_index(library: Library, query: Query, sort: str, new_since: float | None) -> SearchResult:
    """The query against the saved index or a new one (~6 s at 100k papers); either way every
    abstract indexed (those imported since the save, or all, read from disk one by one) and
    the result saved. Abstracts are read only as the index or the query needs them."""
    from paperdeck.store.search import PapersByPosition, load_or_start_index, save_if_more_complete

    papers = library.papers
    index, complete_before = load_or_start_index(
        library.index_path,
        PapersByPosition(papers, papers.__getitem__),
        lambda paper: library.read_abstract(paper.id),
        one_shot=True,
    )
    index.index_abstracts()
    save_if_more_complete(library.index_path, index, complete_before)
    index.set_notes(library.marks)
    return index.search(query, library.marks, sort=sort, new_since=new_since, saved=library.saved_searches())


def _print_table(library: Library, papers: list[Paper]) -> None:
    from rich.console import Console  # see parse_inputs
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, pad_edge=False, expand=True)
    table.add_column("", width=1)
    table.add_column("title", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("tags", max_width=24, no_wrap=True, overflow="ellipsis")
    table.add_column("date", no_wrap=True)
    table.add_column("▲", justify="right")
    table.add_column("id", max_width=30, no_wrap=True, overflow="ellipsis", style="dim")
    for paper in papers:
        marks = library.marks_of(paper.id)
        table.add_row(
            "★" if marks.starred else ("" if marks.read else "•"),
            *(
                Text(printable(text))
                for text in (
                    paper.title,
                    " ".join(marks.tags),
                    paper.shown_date,
                    "" if paper.upvotes is None else str(paper.upvotes),
                    paper.id,
                )
            ),
        )
    out = Console(highlight=False, soft_wrap=True)
    out.print(table)
    out.print(f"{len(papers)} of {len(library.papers)} papers", style="dim")


def cmd_show(args: argparse.Namespace, library: Library) -> int:
    """Show one paper in full (its abstract read from disk alone, not with every other one)."""
    paper = library.resolve(args.ref)
    marks = library.marks_of(paper.id)
    abstract = library.read_abstract(paper.id)
    if args.json:
        print_json({**paper_record(paper, marks), "abstract": abstract})
        return 0
    lines = [paper.title, f"id: {paper.id}" + (f" · arXiv {paper.arxiv_id}" if paper.arxiv_id else "")]
    if paper.authors:
        lines.append(", ".join(paper.authors))
    meta = paper.describe()
    if meta:
        lines.append(" · ".join(meta))
    state = ("starred" if marks.starred else "not starred") + (", read" if marks.read else ", unread")
    lines.append(f"{state}; tags: {', '.join(marks.tags) or '-'}")
    for number, link in enumerate(all_links(paper), start=1):
        lines.append(f"[{number}] {link.kind} {link.url}")
    if paper.ai_summary:
        lines.extend(["", f"TL;DR: {paper.ai_summary}"])
    lines.extend(["", abstract])
    if paper.ai_keywords:
        lines.extend(["", "keywords: " + ", ".join(paper.ai_keywords)])
    if marks.note:
        lines.extend(["", "note:", *marks.note.splitlines()])
    for line in lines:
        emit(line)
    return 0


def cmd_tags(args: argparse.Namespace, library: Library) -> int:
    """Every tag with its paper count, most used first."""
    counts = library.tags_by_use()
    if args.json:
        print_json([{"tag": tag, "count": count} for tag, count in counts])
        return 0
    for tag, count in counts:
        emit_fields([str(count), tag])
    return 0


def cmd_link(args: argparse.Namespace, library: Library) -> int:
    """Print the primary link, or every link with its kind; exit 1 when there is none."""
    paper = library.resolve(args.ref)
    links = all_links(paper)
    if not links:
        raise PaperdeckError(f"{paper.id}: no links in this paper")
    if args.all:
        for link in links:
            emit_fields([link.kind, link.url])
    else:
        primary = paper.primary_link
        assert primary is not None
        emit(primary.url)
    return 0
