"""The commands that change marks: star, unstar, read, unread, tag, untag, note, undo — and
saved searches."""

from __future__ import annotations

import argparse
import sys
import time

from paperdeck.store.errors import PaperdeckError
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkBatch, MarkChange
from paperdeck.store.saved_searches import search_name
from paperdeck.tui.cli.output import emit, emit_fields, print_json

CHANGES = {
    "star": lambda args: MarkChange(starred=True),
    "unstar": lambda args: MarkChange(starred=False),
    "read": lambda args: MarkChange(read=True),
    "unread": lambda args: MarkChange(read=False),
    "tag": lambda args: MarkChange(add_tags=tuple(args.tags)),
    "untag": lambda args: MarkChange(remove_tags=tuple(args.tags)),
}
HISTORY_SHOWN = 20


def cmd_mark(args: argparse.Namespace, library: Library) -> int:
    """star / unstar / read / unread / tag / untag one paper."""
    paper = library.resolve(args.ref)
    library.change_marks([paper.id], CHANGES[args.command](args))
    marks = library.marks_of(paper.id)
    tags = f" [{', '.join(marks.tags)}]" if marks.tags else ""
    emit(f"{'★' if marks.starred else '☆'} {paper.id}{tags}")
    return 0


def cmd_undo(args: argparse.Namespace, library: Library) -> int:
    """Undo the latest change of marks or notes made by any paperdeck process, or list the
    recent changes with --list."""
    if args.list:
        history = library.history()[-HISTORY_SHOWN:]
        if args.json:
            print_json([_history_record(batch) for batch in reversed(history)])
            return 0
        for batch in reversed(history):
            emit_fields([time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(batch.time)), _describe(batch)])
        return 0
    batch = library.undo()
    if batch is None:
        emit("nothing to undo")
        return 0
    emit(f"Undid: {batch.label}" + ("" if batch.count else " (nothing left to change)"))
    return 0


def _describe(batch: MarkBatch) -> str:
    if batch.undo_of:
        return f"undo of: {batch.label}"
    if batch.redo_of:
        return f"redo of: {batch.label}"
    return batch.label + (" (automatic)" if batch.auto else "")


def _history_record(batch: MarkBatch) -> dict[str, object]:
    return {
        "id": batch.id,
        "time": batch.time,
        "label": batch.label,
        "papers": sorted(batch.after),
        "undo_of": batch.undo_of,
        "redo_of": batch.redo_of,
        "automatic": batch.auto,
    }


def cmd_note(args: argparse.Namespace, library: Library) -> int:
    """Print a paper's note, or set it: TEXT, `-` (standard input) or --edit ($EDITOR); an
    empty text deletes it."""
    paper = library.resolve(args.ref)
    current = library.marks_of(paper.id).note
    if args.edit:
        from paperdeck.tui.external_editor import edit_text  # subprocess only for the command that edits

        text = edit_text(current)
    elif args.text == ["-"]:
        text = sys.stdin.read()
    elif args.text:
        text = " ".join(args.text)
    else:
        if current:
            emit(current)
        return 0
    batch = library.change_marks([paper.id], MarkChange(note=text))
    emit(
        ("note saved: " if library.marks_of(paper.id).note else "note deleted: ") + paper.id
        if batch.after
        else "unchanged"
    )
    return 0


def cmd_saved(args: argparse.Namespace, library: Library) -> int:
    """`saved` lists the saved searches, `saved NAME QUERY…` saves one, `--delete NAME` deletes it."""
    if args.delete:
        library.delete_search(args.delete)
        emit(f"deleted @{args.delete}")
        return 0
    if args.name and args.query:
        searches = library.save_search(args.name, " ".join(args.query))
        name = search_name(args.name)
        emit(f"saved @{name}: {searches[name]}")
        return 0
    if args.name:
        raise PaperdeckError("saved NAME needs a query: paperdeck saved NAME QUERY… (or --delete NAME)")
    searches = library.saved_searches()
    if args.json:
        print_json([{"name": name, "query": query} for name, query in searches.items()])
        return 0
    for name, query in searches.items():
        emit_fields([f"@{name}", query])
    return 0
