"""Automatic backups of the library files: the last three good versions of each, newest first,
as backups/NAME.1 … NAME.3.

Library files are never changed in place (every write renames a new file over the old), so
the previous version can be kept by hard-linking the old file just before the rename: no copy,
no extra write, and the backup is exactly the last good file. The link is made under a temp
name first and the older backups shift only once the new file is durably in place: a write the
disk refuses leaves backups/ exactly as it was (a refused write used to rotate, and three of
them left three copies of the current file and no history).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

BACKUP_DIR = "backups"
KEEP = 3
PENDING_PREFIX = ".tmp-backup-"  # removed at the next open if a writer died holding one


def backup_paths(path: Path) -> list[Path]:
    """The backups of a library file, newest first: backups/NAME.1 … NAME.KEEP."""
    folder = path.parent / BACKUP_DIR
    return [folder / f"{path.name}.{number}" for number in range(1, KEEP + 1)]


@dataclass(slots=True)
class PendingBackup:
    """The current version of a file, linked into backups/ under a temp name, waiting for the
    new version to be in place before it becomes backup 1."""

    path: Path
    link: Path
    made_folder: bool


def keep_pending(paths: Iterable[Path]) -> list[PendingBackup]:
    """Link each existing file of `paths` into backups/ under a temp name (a copy where hard
    links are not possible). A file that cannot be kept is skipped: a backup never blocks the
    write itself."""
    pending: list[PendingBackup] = []
    for path in paths:
        if not path.exists():
            continue
        folder = path.parent / BACKUP_DIR
        made_folder = False
        try:
            if not folder.is_dir():
                folder.mkdir()
                made_folder = True
            # Writers hold the folder lock: the process id and a clock make the name unique.
            link = folder / f"{PENDING_PREFIX}{path.name}.{os.getpid()}.{time.monotonic_ns()}"
            try:
                os.link(path, link)
            except OSError:
                # File systems without hard links: a copy.
                link.write_bytes(path.read_bytes())
        except OSError:
            _remove_folder_if_made(folder, made_folder)
            continue
        pending.append(PendingBackup(path, link, made_folder))
    return pending


def rotate_pending(pending: Iterable[PendingBackup]) -> None:
    """The new versions are in place: each kept version becomes backup 1, older ones shift
    down and the oldest is dropped. Failures are ignored (the library is already saved)."""
    for backup in pending:
        slots = backup_paths(backup.path)
        with contextlib.suppress(OSError):
            for older, newer in zip(reversed(slots[1:]), reversed(slots[:-1]), strict=True):
                if newer.exists():
                    os.replace(newer, older)
            os.replace(backup.link, slots[0])


def discard_pending(pending: Iterable[PendingBackup]) -> None:
    """The write was refused: remove what `keep_pending` made, so backups/ is as it was."""
    for backup in pending:
        with contextlib.suppress(OSError):
            backup.link.unlink()
        _remove_folder_if_made(backup.link.parent, backup.made_folder)


def _remove_folder_if_made(folder: Path, made: bool) -> None:
    if made:
        with contextlib.suppress(OSError):
            folder.rmdir()
