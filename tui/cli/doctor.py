"""`paperdeck doctor`: print what store.doctor found about each library file."""

from __future__ import annotations

import argparse
from pathlib import Path

from paperdeck.store.catalog_reader import CATALOG_FILE
from paperdeck.store.doctor import FileReport, examine
from paperdeck.tui.cli.output import emit


def cmd_doctor(args: argparse.Namespace, folder: Path) -> int:
    """Check the library files; with --repair restore damaged ones from their newest good backup."""
    if not (folder / CATALOG_FILE).exists():
        emit(f"{folder}: no library here yet (it is created on first use)")
        return 0
    healthy = True
    for report in examine(folder, repair=args.repair):
        healthy &= _says(report, args.repair)
    return 0 if healthy else 1


def _says(report: FileReport, repairing: bool) -> bool:
    """Print one file's line(s); True if it is fine now."""
    path = report.path
    if report.problem is None:
        emit(f"ok       {path}" + (f" ({'; '.join(report.notes)})" if report.notes else ""))
        return True
    emit(f"damaged  {report.problem}")
    aside = f"; the damaged file was kept as {report.moved_aside}" if report.moved_aside else ""
    if report.repaired_from:
        emit(f"repaired {path} from {report.repaired_from}{aside}")
    elif report.rebuilt:
        emit(f"repaired {path}: {'; '.join(report.notes)}{aside}")
    else:
        notes = report.notes if repairing else ["run `paperdeck doctor --repair` to restore the last good backup"]
        for note in notes:
            emit(f"         {note}")
    return report.healthy
