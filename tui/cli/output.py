"""How the commands print: every line of paper text goes through `printable`, so a control
character that reached the library some other way still never reaches the terminal."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import orjson

from paperdeck.store.clean import has_block_control, json_safe, printable
from paperdeck.store.models import Marks, Paper


def emit(line: str) -> None:
    """One line of plain output (newlines and tabs kept, any other control character shown
    as a symbol). Plain writes, not rich: rich would expand tabs and wrap."""
    sys.stdout.write(printable(line, multiline=True) + "\n")


def emit_fields(fields: Sequence[str]) -> None:
    """One tab-separated line (see `emit_rows`)."""
    emit_rows([fields])


def emit_rows(rows: Sequence[Sequence[str]]) -> None:
    """Tab-separated lines, one per row; a tab, newline or other control character inside a
    field is shown, never taken for a separator. Written at once: `list` prints 20,000 lines
    into a pipe with one write (20,000 writes were ~8 ms more) and one search for controls."""
    text = "\n".join(["\t".join(fields) for fields in rows])
    separators = sum(len(fields) - 1 for fields in rows)
    if has_block_control(text) or text.count("\t") != separators or text.count("\n") != max(len(rows) - 1, 0):
        text = "\n".join(["\t".join(printable(field) for field in fields) for fields in rows])
    if rows:
        sys.stdout.write(text + "\n")


def warn(line: str) -> None:
    """One line on standard error. Plain writes, not rich: `import` and the other quick
    commands need not import rich's console (~25 ms of each run)."""
    sys.stderr.write(printable(line) + "\n")


def print_json(data: Any) -> None:
    """JSON on stdout, one document, UTF-8; DEL and C1 escaped like C0 (store.clean.json_safe)."""
    sys.stdout.buffer.write(json_safe(orjson.dumps(data, option=orjson.OPT_INDENT_2)) + b"\n")
    sys.stdout.flush()


def paper_record(paper: Paper, marks: Marks) -> dict[str, Any]:
    """The JSON object of a paper for scripts: every field, its marks and its primary link."""
    record = paper.to_dict()
    primary = paper.primary_link
    record["primary_link"] = primary.url if primary else None
    record["starred"] = marks.starred
    record["tags"] = list(marks.tags)
    record["read"] = marks.read
    record["note"] = marks.note
    return record
