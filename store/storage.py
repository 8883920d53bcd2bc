"""A TinyDB storage that never leaves a torn file, plus the library's advisory file lock.

TinyDB's default JSONStorage truncates and rewrites in place, so a crash mid-write loses the
file. `AtomicStorage` writes a temp file in the same folder, fsyncs it, renames it over the
old one and fsyncs the folder: a crash at any instant leaves the old or the new file. It keeps
the parsed data in memory and re-reads only when the file changed on disk (another process).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from paperdeck.store.backups import rotate_backup
from paperdeck.store.errors import LibraryError

TEMP_PREFIX = ".tmp-"


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """What changes whenever a file is replaced or rewritten: inode, size, mtime."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def write_atomic(path: Path, payload: bytes | Sequence[bytes]) -> None:
    """Replace `path` with `payload` (or its pieces, written in order) durably: temp file,
    fsync, rename, fsync the folder.

    Raises LibraryError (naming the file and the reason) when the disk refuses; the old file
    is then untouched and the temp file removed.
    """
    folder = path.parent
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", dir=folder)
    except OSError as error:
        raise LibraryError(f"{path}: could not save ({error.strerror or error}); nothing was changed") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(payload, bytes):
                handle.write(payload)
            else:
                handle.writelines(payload)  # no joined copy of a 140 MB file first
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise LibraryError(f"{path}: could not save ({error.strerror or error}); nothing was changed") from None
    try:
        fsync_folder(folder)
    except OSError as error:
        # The new file is in place but its rename may not survive a power cut: say so, as an
        # error the callers already handle (they re-read what is on disk).
        raise LibraryError(f"{path}: saved, but the folder could not be synced ({error.strerror or error})") from None


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)


def remove_stale_temps(folder: Path) -> int:
    """Delete temp files a crashed writer left behind (call while holding the lock)."""
    removed = 0
    for stale in folder.glob(f"{TEMP_PREFIX}*"):
        try:
            stale.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def load_json_file(path: Path) -> dict[str, Any] | None:
    """Parse a library file; None if it does not exist; LibraryError if it is damaged."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise LibraryError(f"{path}: cannot read ({error.strerror})") from None
    if not data:
        raise LibraryError(f"{path}: file is empty (damaged); run `paperdeck doctor` — the file was left as it is")
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise LibraryError(
            f"{path}: damaged JSON ({error.msg}); run `paperdeck doctor` — the file was left as it is"
        ) from None
    if not isinstance(parsed, dict) or not all(isinstance(table, dict) for table in parsed.values()):
        raise LibraryError(f"{path}: not a paperdeck library file (wrong shape); the file was left as it is")
    return parsed


class AtomicStorage(Storage):
    """TinyDB storage over one JSON file: atomic durable writes, orjson, and reads cached
    until the file changes on disk. `cache=False` keeps nothing after a read: for the big
    catalog files, whose contents live on as Paper objects (a second copy of 100,000 parsed
    records cost ~150 MB)."""

    def __init__(self, path: str | Path, keep_backups: bool = True, cache: bool = True) -> None:
        self.path = Path(path)
        self.keep_backups = keep_backups
        self.cache = cache
        self._data: dict[str, Any] | None = None
        self._seen: tuple[int, int, int] | None = None

    def changed_on_disk(self) -> bool:
        """True when the file differs from what this storage last read or wrote."""
        return self._seen is None or file_signature(self.path) != self._seen

    def read(self) -> dict[str, Any] | None:
        """The file's tables; re-read from disk only when the file changed (or not cached)."""
        if self._data is None or self.changed_on_disk():
            signature = file_signature(self.path)
            data = load_json_file(self.path)
            self._seen = signature
            if not self.cache:
                return data
            self._data = data
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        """Persist all tables atomically. On failure the cache is dropped, so the next read
        returns what is really on disk rather than the change that was refused."""
        self.write_payload(orjson.dumps(data), data)

    def write_payload(self, payload: bytes | Sequence[bytes], data: dict[str, Any] | None = None) -> None:
        """Persist already encoded tables (`data`, when given, is what they decode to, kept
        as the cache). A caller that lays out the JSON itself uses this directly."""
        if self.keep_backups and not self.changed_on_disk():
            # Only a file this process read successfully counts as a good copy to keep.
            rotate_backup(self.path)
        try:
            write_atomic(self.path, payload)
        except LibraryError:
            self._data = None
            self._seen = None
            raise
        self._data = data if self.cache else None
        self._seen = file_signature(self.path)

    def forget(self) -> None:
        """Drop the cached tables: the file was read but refused (newer schema, wrong shape),
        so no write may start from them; the next read goes back to the file (and refuses it
        again) instead of writing our change over the user's file."""
        self._data = None
        self._seen = None

    def close(self) -> None:
        """Nothing is held open between operations."""


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on the library folder, held around read-modify-write."""
    try:
        fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise LibraryError(f"{folder}: cannot open the lock file ({error.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
