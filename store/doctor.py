"""`paperdeck doctor`: what is wrong with each file of a library folder, and `--repair`.

Repairs restore the newest good backup (store/backups.py) of a damaged snapshot, keep a
damaged journal's readable lines, and always keep the damaged file beside its replacement:
doctor cannot prove it holds nothing of value. A file written by a newer paperdeck is not
damage and is never "repaired".
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from paperdeck.store import catalog_reader as catalog_files
from paperdeck.store import marks_store
from paperdeck.store.abstracts import ABSTRACTS_FILE
from paperdeck.store.backups import backup_paths
from paperdeck.store.errors import LibraryError, NewerSchemaError
from paperdeck.store.journal import Journal
from paperdeck.store.library import INDEX_FILE
from paperdeck.store.line_table import LINE_TABLE_FILE, catalog_key, load_line_table
from paperdeck.store.schema import META_TABLE, check_meta
from paperdeck.store.storage import folder_lock, load_json_file, parse_library_bytes, write_atomic


@dataclass(slots=True)
class FileReport:
    """What doctor found about one library file, and did."""

    path: Path
    problem: str | None = None
    repaired_from: Path | None = None
    rebuilt: bool = False  # replaced by a fresh file (no good backup), see `notes`
    moved_aside: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """True when the file is fine now (as found, or repaired)."""
        return self.problem is None or self.repaired_from is not None or self.rebuilt


def check_file(path: Path, kind: str) -> str | None:
    """None if the file loads as a library file of `kind`, else the problem in one line."""
    try:
        if check_meta(load_json_file(path), path, kind) == 0:
            return f"{path}: missing"
    except LibraryError as error:
        return str(error)
    return None


def _check_journal(journal: Journal) -> str | None:
    try:
        journal.read()
    except LibraryError as error:
        return str(error)
    return None


def examine(folder: Path, repair: bool = False) -> list[FileReport]:
    """A report per library file (and the search index cache), repairing when asked."""
    files = (
        (catalog_files.CATALOG_FILE, "catalog", None),
        (ABSTRACTS_FILE, "abstracts", None),
        (marks_store.MARKS_FILE, "marks", marks_store.empty_snapshot),
    )
    reports = []
    with folder_lock(folder):
        for name, kind, fallback in files:
            path = folder / name
            if kind == "abstracts" and not path.exists() and _inline_abstracts(folder / catalog_files.CATALOG_FILE):
                reports.append(FileReport(path, notes=["not written yet: the old catalog holds the abstracts"]))
                continue
            report = FileReport(path, check_file(path, kind))
            if repair and report.problem is not None:
                _repair_snapshot(report, kind, fallback)
            reports.append(report)
        for journal in (catalog_files.journal_of(folder), marks_store.journal_of(folder)):
            report = FileReport(journal.path, _check_journal(journal))
            if repair and report.problem is not None:
                good, count = journal.good_lines()
                _replace_damaged(journal.path, good, report)
                report.rebuilt = True
                report.notes.append(f"kept the {count} readable lines")
            reports.append(report)
    reports.append(_index_report(folder / INDEX_FILE))
    if (folder / LINE_TABLE_FILE).exists():
        reports.append(_line_table_report(folder))
    return reports


def _repair_snapshot(report: FileReport, kind: str, fallback: Callable[[], bytes] | None) -> None:
    """Replace a damaged snapshot by its newest good backup, else by `fallback` (the marks
    file: its journal still holds the latest marks)."""
    path = report.path
    try:
        check_meta(load_json_file(path), path, kind)
    except NewerSchemaError:
        # Not damage: an older backup would throw away what the newer version wrote.
        report.notes.append("written by a newer paperdeck: upgrade paperdeck; the file was left as it is")
        return
    except LibraryError:
        pass
    for candidate in backup_paths(path):
        if candidate.exists() and check_file(candidate, kind) is None:
            _replace_damaged(path, _joined_to_journal(candidate.read_bytes(), kind, path), report)
            report.repaired_from = candidate
            return
    if fallback is not None:
        _replace_damaged(path, _joined_to_journal(fallback(), kind, path), report)
        report.rebuilt = True
        report.notes.append("no good backup: a new, empty marks file; the marks in the journal are kept")
        return
    report.notes.append("no good backup to restore from; the file was left as it is")


def _joined_to_journal(content: bytes, kind: str, path: Path) -> bytes:
    """A restored snapshot that applies the journal beside it: the journal's lines name the
    generation of the snapshot they were written on (store/journal.py), and a backup is of an
    older one, so it takes the journal's generation (its lines are newer than the backup)."""
    journal_name = {"catalog": catalog_files.JOURNAL_FILE, "marks": marks_store.JOURNAL_FILE}.get(kind)
    if journal_name is None:
        return content
    try:
        lines = (path.parent / journal_name).read_bytes().split(b"\n")[:-1]
        generations = [record.get("gen", 0) for record in map(orjson.loads, lines) if isinstance(record, dict)]
    except (OSError, orjson.JSONDecodeError):
        return content
    if not generations:
        return content
    tables = parse_library_bytes(content, path)
    tables[META_TABLE]["1"]["generation"] = max(generations)
    return orjson.dumps(tables)


def _replace_damaged(path: Path, content: bytes, report: FileReport) -> None:
    if path.exists():
        aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(path, aside)
        report.moved_aside = aside
    write_atomic(path, content)


def _inline_abstracts(catalog: Path) -> bool:
    """True for a readable schema 1 catalog, which holds the abstracts itself."""
    try:
        return check_meta(load_json_file(catalog), catalog, "catalog") == 1
    except LibraryError:
        return False


def _index_report(path: Path) -> FileReport:
    """The saved search index is a cache: a damaged or stale one is rebuilt, never an error."""
    from paperdeck.store.search.index_file import read_snapshot  # the search engine, only for doctor

    report = FileReport(path)
    if not path.exists():
        report.notes.append("no saved search index yet (the browser or `paperdeck list` writes one)")
    elif read_snapshot(path) is None:
        report.notes.append("not readable by this version; it is a cache and will be rebuilt")
    return report


def _line_table_report(folder: Path) -> FileReport:
    """The table of catalog lines is a cache too (store/line_table.py): one made for another
    catalog is ignored and made again by the next quick command, never an error."""
    report = FileReport(folder / LINE_TABLE_FILE)
    try:
        key = catalog_key((folder / catalog_files.CATALOG_FILE).read_bytes())
    except OSError:
        key = {}
    if not key or load_line_table(report.path, key) is None:
        report.notes.append("made for another catalog or unreadable; it is a cache and will be rebuilt")
    return report
