"""`paperdeck`: the command line. With no subcommand it opens the browser on the library.

Errors a user can cause are caught here, once, and printed as one line with exit code 1.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence

from paperdeck.store.errors import PaperdeckError, RefError
from paperdeck.store.library import Library
from paperdeck.store.locations import library_dir, sample_dumps
from paperdeck.store.sorts import EVERY_SORT
from paperdeck.tui.cli import marks, papers
from paperdeck.tui.cli.output import warn

CANDIDATES_SHOWN = 20  # an ambiguous prefix lists this many ids, then says how many more


class _VersionAction(argparse.Action):
    """`--version`: the installed package's version, looked up only when asked for
    (importlib.metadata is ~10 ms that no other run should pay)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print paperdeck's version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from importlib.metadata import version

        sys.stdout.write(f"paperdeck {version('paperdeck')}\n")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argparse tree of every subcommand."""
    library_help = "library folder (default: $PAPERDECK_HOME or the user data dir)"
    # Subcommands accept --library too; SUPPRESS keeps their missing option from erasing the top-level one.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--library", metavar="DIR", default=argparse.SUPPRESS, help=library_help)
    parser = argparse.ArgumentParser(
        prog="paperdeck", description="A keyboard-driven terminal browser for Hugging Face Daily Papers."
    )
    parser.add_argument("--library", metavar="DIR", help=library_help)
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common])

    add("browse", "open the browser (the default)")
    imp = add("import", "import Daily Papers page dumps (FILE or - for standard input)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    lst = add("list", "list papers matching a query")
    lst.add_argument("query", nargs="*", help='query: words, "phrase", tag:X, is:starred, has:code, year:2024 …')
    lst.add_argument("--starred", action="store_true", help="only starred papers")
    lst.add_argument("--unread", action="store_true", help="only unread papers")
    lst.add_argument("--tag", action="append", metavar="TAG", help="only papers with this tag (repeatable)")
    lst.add_argument("--sort", choices=EVERY_SORT, default="relevance")
    lst.add_argument("--limit", type=int, metavar="N", help="at most N papers")
    lst.add_argument("--json", action="store_true", help="JSON output")
    show = add("show", "show one paper")
    show.add_argument("ref", metavar="REF", help="paper id, unique id prefix or arXiv id")
    show.add_argument("--json", action="store_true")
    for name, help_text in (
        ("star", "star a paper"),
        ("unstar", "unstar a paper"),
        ("read", "mark a paper read"),
        ("unread", "mark a paper unread"),
    ):
        add(name, help_text).add_argument("ref", metavar="REF")
    for name, help_text in (("tag", "add tags to a paper"), ("untag", "remove tags from a paper")):
        tagger = add(name, help_text)
        tagger.add_argument("ref", metavar="REF")
        tagger.add_argument("tags", nargs="+", metavar="TAG")
    tags = add("tags", "list tags with counts")
    tags.add_argument("--json", action="store_true")
    link = add("link", "print a paper's primary link")
    link.add_argument("ref", metavar="REF")
    link.add_argument("--all", action="store_true", help="every link with its kind")
    fetch = add("fetch", "fetch Hugging Face Daily Papers into the library (today's list by default)")
    from paperdeck.tui.cli.fetch import add_arguments

    add_arguments(fetch)
    export = add("export", "export papers: BibTeX, CSL JSON, RIS, Markdown, CSV or JSON")
    from paperdeck.tui.cli.export import add_arguments as export_arguments

    export_arguments(export, EVERY_SORT)
    note = add("note", "print a paper's note, or set it (TEXT, - for standard input, --edit for $EDITOR)")
    note.add_argument("ref", metavar="REF")
    note.add_argument("text", nargs="*", metavar="TEXT", help="the note (an empty one deletes it)")
    note.add_argument("--edit", action="store_true", help="edit it in $VISUAL or $EDITOR")
    saved = add("saved", "list saved searches; saved NAME QUERY saves one (@NAME in any query stands for it)")
    saved.add_argument("name", nargs="?", metavar="NAME")
    saved.add_argument("query", nargs="*", metavar="QUERY")
    saved.add_argument("--delete", metavar="NAME", help="delete the saved search NAME")
    saved.add_argument("--json", action="store_true")
    undo = add("undo", "undo the latest change of marks made by any paperdeck process")
    undo.add_argument("--list", action="store_true", help="show the last 20 changes instead")
    undo.add_argument("--json", action="store_true")
    doctor = add("doctor", "check the library files; --repair restores damaged ones from the automatic backups")
    doctor.add_argument("--repair", action="store_true", help="restore damaged files from their newest good backup")
    return parser


def open_library(
    folder_override: str | None, *, with_sample: bool = True, lazy: bool = False
) -> tuple[Library, str | None]:
    """Open (creating if needed) the library; on first run load the bundled sample and
    return the one-time message that says so. Abstracts stay on disk: the browser's first
    frame needs none, `show` reads its one and `list` those it prints. `lazy` (every command
    but the browser) makes a paper from its catalog line only when it is asked for."""
    library = Library.open(library_dir(folder_override), abstracts=False, lazy=lazy)
    if library.is_new and with_sample:
        results = papers.parse_inputs([str(path) for path in sample_dumps()])
        report = library.add_papers(paper for result in results for paper in result.papers)
        return library, f"Loaded {report.new} sample papers; import your own with `paperdeck import FILE`"
    return library, None


def run(argv: Sequence[str]) -> int:
    """Parse arguments, run the command, return the exit code."""
    args = build_parser().parse_args(argv)
    command = args.command or "browse"
    if command not in ("browse", "fetch"):
        # A one-shot command makes no reference cycles worth collecting, and a collection walks
        # every paper and posting made so far (~0.1 s of `list 'two words'` at 100k papers).
        gc.disable()
    if command == "import":
        # Parse everything first: bad input must leave the library (even its folder) as it was.
        results = papers.parse_inputs(args.files)
        library = open_library(args.library, with_sample=False, lazy=True)[0]
        return papers.cmd_import(args, library, results)
    if command == "doctor":
        from paperdeck.tui.cli.doctor import cmd_doctor

        return cmd_doctor(args, library_dir(args.library))
    library, welcome = open_library(args.library, with_sample=command != "fetch", lazy=command != "browse")
    if command == "browse":
        from paperdeck.tui.app import run_browser  # Textual loads only when the browser is wanted

        return run_browser(library, welcome)
    if welcome:
        warn(welcome)
    handlers = {
        "list": papers.cmd_list,
        "show": papers.cmd_show,
        "tags": papers.cmd_tags,
        "link": papers.cmd_link,
        "undo": marks.cmd_undo,
        "note": marks.cmd_note,
        "saved": marks.cmd_saved,
        "fetch": _fetch,
        "export": _export,
    }
    handler = handlers.get(command, marks.cmd_mark)
    return handler(args, library)


def _fetch(args: argparse.Namespace, library: Library) -> int:
    from paperdeck.tui.cli.fetch import cmd_fetch  # httpx only for the command that fetches

    return cmd_fetch(args, library)


def _export(args: argparse.Namespace, library: Library) -> int:
    from paperdeck.tui.cli.export import cmd_export  # the export formats only for the command that exports

    return cmd_export(args, library)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `paperdeck` console script."""
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except RefError as error:
        warn(f"paperdeck: {error}")
        shown = error.candidates[:CANDIDATES_SHOWN]
        for candidate in shown:
            warn(f"  {candidate}")
        if len(error.candidates) > len(shown):
            warn(f"  … and {len(error.candidates) - len(shown)} more")
        return 1
    except PaperdeckError as error:
        warn(f"paperdeck: {error}")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`paperdeck list | head`): not an error worth a traceback.
        # Python would complain again flushing stdout at exit; point it at nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
