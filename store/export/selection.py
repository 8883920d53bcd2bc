"""The papers an export writes, with their abstracts and marks, and the text of an export:
shared by `paperdeck export` and the browser's export menu."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from paperdeck.store.errors import PaperdeckError
from paperdeck.store.export import FORMATS
from paperdeck.store.export.bibtex import bibtex
from paperdeck.store.export.fields import Entry
from paperdeck.store.library import Library

READ_ONE_BY_ONE_UP_TO = 500  # papers; past that every abstract is loaded at once (~1 s at 100k)


def entries(library: Library, paper_ids: Iterable[str]) -> list[Entry]:
    """(paper with its abstract, marks) for each id, in order; the library's papers are not
    changed (copies carry the abstracts read from disk)."""
    ids = list(paper_ids)
    if len(ids) > READ_ONE_BY_ONE_UP_TO:
        library.load_abstracts()
    return [
        (dataclasses.replace(library.papers[i], abstract=library.read_abstract(i)), library.marks_of(i)) for i in ids
    ]


def export_text(library: Library, paper_ids: Iterable[str], format_name: str, ascii: bool = False) -> str:
    """The export of some papers in one of FORMATS; PaperdeckError for an unknown format."""
    chosen = FORMATS.get(format_name)
    if chosen is None:
        raise PaperdeckError(f"unknown export format {format_name!r}; paperdeck writes {', '.join(FORMATS)}")
    selected = entries(library, paper_ids)
    if format_name == "bibtex":
        return bibtex(selected, ascii=ascii)
    return chosen.export(selected)
