"""Export formats: plain functions from (Paper, Marks) pairs to text, and `FORMATS`, the one
declaration a command line or a menu lists them from. No I/O: callers write the text."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from paperdeck.store.export.bibtex import bibtex
from paperdeck.store.export.csl import csl_json
from paperdeck.store.export.csv_table import csv_text
from paperdeck.store.export.fields import Entry
from paperdeck.store.export.json_records import json_text
from paperdeck.store.export.markdown import markdown
from paperdeck.store.export.ris import ris


class ExportFormat(NamedTuple):
    """One export format: its function, file extension, media type and what it is for."""

    export: Callable[[Iterable[Entry]], str]
    extension: str
    media_type: str
    description: str


FORMATS: dict[str, ExportFormat] = {
    "bibtex": ExportFormat(bibtex, ".bib", "application/x-bibtex", "BibTeX for LaTeX, biber, JabRef"),
    "csl-json": ExportFormat(
        csl_json, ".csl.json", "application/vnd.citationstyles.csl+json", "CSL JSON for Zotero, pandoc, citeproc"
    ),
    "ris": ExportFormat(ris, ".ris", "application/x-research-info-systems", "RIS for EndNote, Zotero, Mendeley"),
    "markdown": ExportFormat(markdown, ".md", "text/markdown", "Markdown reading list"),
    "csv": ExportFormat(csv_text, ".csv", "text/csv", "CSV table for spreadsheets"),
    "json": ExportFormat(json_text, ".json", "application/json", "JSON: everything stored, with marks"),
}

__all__ = ["FORMATS", "Entry", "ExportFormat", "bibtex", "csl_json", "csv_text", "json_text", "markdown", "ris"]
