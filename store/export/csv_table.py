"""A CSV table of the papers for spreadsheets: RFC 4180 (CR LF, quoted as needed), UTF-8,
one header row, one row per paper; cells a spreadsheet would run as a formula neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from paperdeck.store.export.fields import Entry, known_urls, materialize, publication_date

COLUMNS = ("id", "arxiv_id", "title", "authors", "date", "upvotes", "starred", "read", "tags", "links", "note")
LIST_SEPARATOR = "; "
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (CSV injection); OWASP's advice is to prefix a single quote, which shows the text as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(entries: Iterable[Entry]) -> str:
    """The table as CSV text: columns `COLUMNS`, lists joined with "; ", yes/no flags, the
    upvote count as a number (empty when unknown)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for paper, marks in materialize(entries):
        # Every text cell is neutralised, not only titles and notes: ids, authors, tags and
        # links come from outside too.
        writer.writerow(
            [
                neutralise(paper.id),
                neutralise(paper.arxiv_id or ""),
                neutralise(paper.title),
                neutralise(LIST_SEPARATOR.join(paper.authors)),
                neutralise(publication_date(paper)),
                "" if paper.upvotes is None else paper.upvotes,
                "yes" if marks.starred else "no",
                "yes" if marks.read else "no",
                neutralise(LIST_SEPARATOR.join(marks.tags)),
                neutralise(LIST_SEPARATOR.join(known_urls(paper))),
                neutralise(marks.note),
            ]
        )
    return buffer.getvalue()


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate: a leading `'` when it starts like a
    formula (`=1+1` -> `'=1+1`), else unchanged."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
