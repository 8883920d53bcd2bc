"""Export formats: plain functions from (Paper, Marks) pairs to text, each in its own module
(bibtex, csl, ris, markdown, csv_table, json_records), and `FORMATS`, the one declaration a
command line or a menu lists them from. No I/O: callers write the text.

A format's module is imported on its first export: every `paperdeck` command lists the
formats (its `export --format` choices), and importing them all was ~5 ms of each start."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import NamedTuple

from paperdeck.store.export.fields import Entry


class ExportFormat(NamedTuple):
    """One export format: where its function is (module and name in this package), file
    extension, media type and what it is for."""

    module: str
    function: str
    extension: str
    media_type: str
    description: str

    def export(self, entries: Iterable[Entry]) -> str:
        """The text of `entries` in this format."""
        return getattr(import_module(f"{__name__}.{self.module}"), self.function)(entries)  # type: ignore[no-any-return]


FORMATS: dict[str, ExportFormat] = {
    "bibtex": ExportFormat("bibtex", "bibtex", ".bib", "application/x-bibtex", "BibTeX for LaTeX, biber, JabRef"),
    "csl-json": ExportFormat(
        "csl",
        "csl_json",
        ".csl.json",
        "application/vnd.citationstyles.csl+json",
        "CSL JSON for Zotero, pandoc, citeproc",
    ),
    "ris": ExportFormat(
        "ris", "ris", ".ris", "application/x-research-info-systems", "RIS for EndNote, Zotero, Mendeley"
    ),
    "markdown": ExportFormat("markdown", "markdown", ".md", "text/markdown", "Markdown reading list"),
    "csv": ExportFormat("csv_table", "csv_text", ".csv", "text/csv", "CSV table for spreadsheets"),
    "json": ExportFormat(
        "json_records", "json_text", ".json", "application/json", "JSON: everything stored, with marks"
    ),
}

__all__ = ["FORMATS", "Entry", "ExportFormat"]
