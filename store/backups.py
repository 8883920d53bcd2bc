"""Automatic backups of the library files, and the checks and repair behind `paperdeck doctor`.

Library files are never changed in place (every write renames a new file over the old), so the
previous version can be kept by hard-linking the old file into `backups/` just before the
rename: no copy, no extra write, and the backup is exactly the last good file.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from paperdeck.store.errors import LibraryError, NewerSchemaError

BACKUP_DIR = "backups"
KEEP = 3


def backup_paths(path: Path) -> list[Path]:
    """The backups of a library file, newest first: backups/NAME.1 … NAME.KEEP."""
    folder = path.parent / BACKUP_DIR
    return [folder / f"{path.name}.{number}" for number in range(1, KEEP + 1)]


def rotate_backup(path: Path) -> None:
    """Keep the current `path` as backup 1 (older ones shift down). Called under the folder
    lock just before `path` is replaced; a failure here never blocks the write itself."""
    if not path.exists():
        return
    slots = backup_paths(path)
    with contextlib.suppress(OSError):
        slots[0].parent.mkdir(exist_ok=True)
        for older, newer in zip(reversed(slots[1:]), reversed(slots[:-1]), strict=True):
            if newer.exists():
                os.replace(newer, older)
        try:
            os.link(path, slots[0])
        except OSError:
            # File systems without hard links: fall back to a copy.
            slots[0].write_bytes(path.read_bytes())


@dataclass(slots=True)
class FileReport:
    """What doctor found about one library file."""

    path: Path
    problem: str | None = None
    repaired_from: Path | None = None
    rebuilt: bool = False  # replaced by a fresh file (no good backup), see `notes`
    moved_aside: Path | None = None
    notes: list[str] = field(default_factory=list)


def check_file(path: Path, kind: str) -> str | None:
    """None if the file loads as a library file of `kind`, else the problem in one line."""
    from paperdeck.store.schema import check_library_file  # storage imports backups; avoid the cycle at import time

    try:
        check_library_file(path, kind)
    except LibraryError as error:
        return str(error)
    if not path.exists():
        return f"{path}: missing"
    return None


def _is_newer_version(path: Path, kind: str) -> bool:
    from paperdeck.store.schema import check_library_file

    try:
        check_library_file(path, kind)
    except NewerSchemaError:
        return True
    except LibraryError:
        return False
    return False


def repair_file(path: Path, kind: str, fallback: bytes | None = None, fallback_note: str = "") -> FileReport:
    """Replace a damaged file by its newest good backup, else by `fallback` when given (the
    marks file: its journal still holds the latest marks). The damaged file is moved aside,
    never deleted, since doctor cannot prove it holds nothing of value."""
    report = FileReport(path, check_file(path, kind))
    if report.problem is None:
        return report
    if _is_newer_version(path, kind):
        # Not damage: an older backup would throw away what the newer version wrote.
        report.notes.append("written by a newer paperdeck: upgrade paperdeck; the file was left as it is")
        return report
    for candidate in backup_paths(path):
        if candidate.exists() and check_file(candidate, kind) is None:
            replace_damaged(path, candidate.read_bytes(), report)
            report.repaired_from = candidate
            return report
    if fallback is not None:
        replace_damaged(path, fallback, report)
        report.rebuilt = True
        report.notes.append(fallback_note)
        return report
    report.notes.append("no good backup to restore from; the file was left as it is")
    return report


def replace_damaged(path: Path, content: bytes, report: FileReport) -> None:
    from paperdeck.store.storage import write_atomic

    if path.exists():
        aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(path, aside)
        report.moved_aside = aside
    write_atomic(path, content)
