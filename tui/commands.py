"""The scriptable subcommands: import, list, show, star, tag, tags, read, link, doctor.

Each takes the parsed argparse namespace and an open Library, prints a rich table on a
terminal, plain tab-separated text when piped, or JSON with --json, and returns an exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from paperdeck.store.backups import FileReport
from paperdeck.store.errors import PaperdeckError
from paperdeck.store.library import Library
from paperdeck.store.models import Marks, Paper

if TYPE_CHECKING:  # the parser is imported by the commands that parse, not by the browser
    from paperdeck.store.dumps import ParseResult
    from paperdeck.store.search import Query, SearchResult

# Below this many bytes an import finishes before a progress bar would be worth drawing.
PROGRESS_MIN_BYTES = 2_000_000


def paper_record(paper: Paper, marks: Marks) -> dict[str, Any]:
    """The JSON object of a paper for scripts: catalog fields plus marks and primary link."""
    record = paper.to_dict()
    primary = paper.primary_link
    record["primary_link"] = primary.url if primary else None
    record["starred"] = marks.starred
    record["tags"] = list(marks.tags)
    record["read"] = marks.read
    return record


def emit(line: str) -> None:
    """One line of plain output, as is (rich would expand tabs and wrap)."""
    sys.stdout.write(line + "\n")


def warn(line: str) -> None:
    """One line on standard error, as is. Plain writes, not rich: `import` and the other
    quick commands need not import rich's console (~25 ms of each run)."""
    sys.stderr.write(line + "\n")


def print_json(data: Any) -> None:
    """JSON on stdout, one document, UTF-8."""
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n")


def parse_inputs(names: Sequence[str]) -> list[ParseResult]:
    """Parse every input before anything is written: one bad file stops the whole import."""
    from paperdeck.store.dumps import parse_file, parse_stream

    def parse(name: str) -> ParseResult:
        return parse_stream(sys.stdin.buffer, "<stdin>", "stdin") if name == "-" else parse_file(Path(name))

    if sum(map(_input_size, names)) < PROGRESS_MIN_BYTES or not sys.stdout.isatty():
        return [parse(name) for name in names]
    # Imported only for a bar, as `Table` in `cmd_list`: every module imported is paid for
    # on every run (~25 ms for these).
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    results: list[ParseResult] = []
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


def cmd_import(args: argparse.Namespace, library: Library, results: list[ParseResult]) -> int:
    """Merge already-parsed dumps into the library and print warnings and the summary line."""
    report = library.import_parsed(results)
    for warning in report.warnings:
        warn(f"warning: {warning}")
    emit(report.summary())
    if (report.new or report.updated) and library.index_path.exists():
        # Only here, and only with a saved index to update (none until the browser or `list`
        # made one): it imports the search engine, ~15 ms of every import otherwise.
        from paperdeck.store.search import update_saved_index

        # ~1 s at 100k papers (load, index the new abstracts, save), after the summary: the
        # import itself is done and durable; this only spares the browser's next start.
        update_saved_index(library.index_path, list(library.papers.values()))
    return 0


def _query_from_options(args: argparse.Namespace) -> str:
    parts = list(args.query or [])
    if args.starred:
        parts.append("is:starred")
    if args.unread:
        parts.append("is:unread")
    parts.extend(f"tag:{tag}" for tag in args.tag or [])
    return " ".join(parts)


def cmd_list(args: argparse.Namespace, library: Library) -> int:
    """List papers, filtered by the query language and the shortcut options. A query of
    filters alone (marks, tags, dates, has:, is:) is answered from the catalog and marks, with
    no index and no abstract read; words, `author:`, `like:` and `for-you` use the index."""
    from paperdeck.store.search import filter_papers, parse_query

    query = parse_query(_query_from_options(args))
    if query.needs_index or args.sort == "for-you":
        result = _search_with_index(library, query, args.sort)
    else:
        result = filter_papers(query, library.papers.values(), library.marks, sort=args.sort)
    for warning in result.warnings:
        warn(f"warning: {warning}")
    ids = result.ids[: args.limit] if args.limit else result.ids
    papers = [library.papers[paper_id] for paper_id in ids]
    if args.json:
        library.find_abstracts()  # only the listed papers' abstracts are read
        records = []
        for paper in papers:
            record = paper_record(paper, library.marks_of(paper.id))
            record["abstract"] = library.abstract_of(paper.id)
            reasons = result.explain(paper.id)
            if reasons:
                record["because"] = reasons
            records.append(record)
        print_json(records)
        return 0
    if not sys.stdout.isatty():
        for paper in papers:
            marks = library.marks_of(paper.id)
            flags = ("*" if marks.starred else "-") + ("r" if marks.read else "-")
            emit("\t".join([paper.id, flags, paper.shown_date, paper.title]))
        return 0
    from rich.console import Console  # see parse_inputs
    from rich.table import Table

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
            paper.title,
            " ".join(marks.tags),
            paper.shown_date,
            "" if paper.upvotes is None else str(paper.upvotes),
            paper.id,
        )
    out = Console(highlight=False, soft_wrap=True)
    out.print(table)
    out.print(f"{len(papers)} of {len(library.papers)} papers", style="dim")
    return 0


def _search_with_index(library: Library, query: Query, sort: str) -> SearchResult:
    """The query against the saved index (~0.4 s at 100k papers) or a new one (~6 s); either
    way every abstract indexed (those imported since the save, or all, read from disk one by
    one) and the result saved."""
    from paperdeck.store.search import load_or_start_index, save_if_more_complete

    library.find_abstracts()
    index, complete_before = load_or_start_index(
        library.index_path, list(library.papers.values()), lambda paper: library.abstract_of(paper.id)
    )
    index.index_abstracts()
    save_if_more_complete(library.index_path, index, complete_before)
    index.set_notes(library.marks)
    return index.search(query, library.marks, sort=sort)


def cmd_show(args: argparse.Namespace, library: Library) -> int:
    """Show one paper in full (its abstract read from disk alone, not with every other one)."""
    paper = library.resolve(args.ref)
    marks = library.marks_of(paper.id)
    library.find_abstracts()
    abstract = library.abstract_of(paper.id)
    if args.json:
        print_json({**paper_record(paper, marks), "abstract": abstract})
        return 0
    lines = [paper.title, f"id: {paper.id}"]
    meta = paper.describe()
    if meta:
        lines.append(" · ".join(meta))
    state = ("starred" if marks.starred else "not starred") + (", read" if marks.read else ", unread")
    lines.append(f"{state}; tags: {', '.join(marks.tags) or '-'}")
    for number, link in enumerate(paper.links, start=1):
        lines.append(f"[{number}] {link.kind} {link.url}")
    lines.extend(["", abstract])
    for line in lines:
        emit(line)
    return 0


def cmd_mark(args: argparse.Namespace, library: Library) -> int:
    """star / unstar / read / unread / tag / untag one paper."""
    paper = library.resolve(args.ref)
    command = args.command
    if command in ("star", "unstar"):
        library.set_starred(paper.id, command == "star")
    elif command in ("read", "unread"):
        library.set_read(paper.id, command == "read")
    elif command == "tag":
        library.add_tags(paper.id, args.tags)
    else:
        library.remove_tags(paper.id, args.tags)
    marks = library.marks_of(paper.id)
    tags = f" [{', '.join(marks.tags)}]" if marks.tags else ""
    emit(f"{'★' if marks.starred else '☆'} {paper.id}{tags}")
    return 0


def cmd_tags(args: argparse.Namespace, library: Library) -> int:
    """Every tag with its paper count, most used first."""
    counts = sorted(library.tag_counts().items(), key=lambda item: (-item[1], item[0]))
    if args.json:
        print_json([{"tag": tag, "count": count} for tag, count in counts])
        return 0
    for tag, count in counts:
        emit(f"{count}\t{tag}")
    return 0


def cmd_link(args: argparse.Namespace, library: Library) -> int:
    """Print the primary link, or every link with its kind; exit 1 when there is none."""
    paper = library.resolve(args.ref)
    if not paper.links:
        raise PaperdeckError(f"{paper.id}: no links in this paper")
    if args.all:
        for link in paper.links:
            emit(f"{link.kind}\t{link.url}")
    else:
        primary = paper.primary_link
        assert primary is not None
        emit(primary.url)
    return 0


def _inline_abstracts(catalog: Path) -> bool:
    """True for a readable schema 1 catalog, which holds the abstracts itself."""
    from paperdeck.store.schema import check_meta
    from paperdeck.store.storage import load_json_file

    try:
        return check_meta(load_json_file(catalog), catalog, "catalog") == 1
    except PaperdeckError:
        return False


def cmd_doctor(args: argparse.Namespace, folder: Path) -> int:
    """Check the library files; with --repair restore damaged ones from their newest good backup."""
    from paperdeck.store.backups import check_file, repair_file
    from paperdeck.store.catalog import ABSTRACTS_FILE, CATALOG_FILE
    from paperdeck.store.marks_store import JOURNAL_FILE, MARKS_FILE, check_journal, empty_snapshot, repair_journal

    if not (folder / CATALOG_FILE).exists():
        emit(f"{folder}: no library here yet (it is created on first use)")
        return 0
    healthy = True
    for name, kind in ((CATALOG_FILE, "catalog"), (ABSTRACTS_FILE, "abstracts"), (MARKS_FILE, "marks")):
        path = folder / name
        if kind == "abstracts" and not path.exists() and _inline_abstracts(folder / CATALOG_FILE):
            emit(f"ok       {path} (not written yet: the old catalog holds the abstracts until the next start)")
            continue
        if not args.repair:
            healthy &= _doctor_says(path, check_file(path, kind), None)
        elif kind == "marks":
            note = "no good backup: a new, empty marks file; the marks in the journal are kept"
            healthy &= _doctor_says(path, None, repair_file(path, kind, empty_snapshot(), note))
        else:
            healthy &= _doctor_says(path, None, repair_file(path, kind))
    journal = folder / JOURNAL_FILE
    report: FileReport | None = repair_journal(journal) if args.repair else None
    healthy &= _doctor_says(journal, check_journal(journal) if report is None else None, report)
    return 0 if healthy else 1


def _doctor_says(path: Path, problem: str | None, report: FileReport | None) -> bool:
    """Print what doctor found (and did) about one file; True if it is fine now."""
    problem = report.problem if report else problem
    if problem is None:
        emit(f"ok       {path}")
        return True
    emit(f"damaged  {problem}")
    aside = f"; the damaged file was kept as {report.moved_aside}" if report and report.moved_aside else ""
    if report and report.repaired_from:
        emit(f"repaired {path} from {report.repaired_from}{aside}")
        return True
    if report and report.rebuilt:
        emit(f"repaired {path}: {'; '.join(report.notes)}{aside}")
        return True
    for note in report.notes if report else ["run `paperdeck doctor --repair` to restore the last good backup"]:
        emit(f"         {note}")
    return False
