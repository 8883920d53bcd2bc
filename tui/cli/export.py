"""`paperdeck export`: papers chosen by the query language, in a citation or list format, to
standard output or (atomically) to a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from paperdeck.store.clean import printable
from paperdeck.store.export import FORMATS
from paperdeck.store.library import Library
from paperdeck.store.storage import write_atomic
from paperdeck.tui.cli.output import emit
from paperdeck.tui.cli.papers import select


def add_arguments(parser: argparse.ArgumentParser, sorts: tuple[str, ...]) -> None:
    """The options of `export`."""
    parser.add_argument("query", nargs="*", help="which papers (the query language; none: every paper)")
    parser.add_argument("--format", "-f", choices=list(FORMATS), default="bibtex")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    parser.add_argument("--sort", choices=sorts, default="added")
    parser.add_argument("--ascii", action="store_true", help="BibTeX: non-ASCII as LaTeX commands (é -> {\\'e})")
    parser.add_argument("--limit", type=int, metavar="N", help="at most N papers")


def cmd_export(args: argparse.Namespace, library: Library) -> int:
    """Export the papers the query selects."""
    from paperdeck.store.export.selection import export_text  # the formats, for this command only

    ids = list(select(library, " ".join(args.query or []), args.sort).ids)
    if args.limit:
        ids = ids[: args.limit]
    text = export_text(library, ids, args.format, ascii=args.ascii)
    if args.output:
        path = Path(args.output).expanduser()
        write_atomic(path, text.encode("utf-8"))
        emit(f"{len(ids)} papers written to {path} ({args.format})")
    elif sys.stdout.isatty():
        sys.stdout.write(printable(text, multiline=True))  # shown on a terminal: nothing acted on
    else:
        sys.stdout.write(text)  # for another program: the exact bytes (RIS lines end in CR LF)
    return 0
