"""Durable writes that never leave a torn file, the TinyDB storage built on them, and the
library's advisory folder lock.

TinyDB's default JSONStorage truncates and rewrites in place, so a crash mid-write loses the
file. Here every file is written whole to a temp file in the same folder and fsynced, then
renamed over the old one, and the folder is fsynced: a crash at any instant leaves the old or
the new file. A write of several files (a fold of the catalog: abstracts and catalog) first
writes and fsyncs every temp file, and only then renames them: a full disk refuses the write
before any file in the folder changes. Backups of the replaced files rotate only after the
renames (store/backups.py).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from paperdeck.store.backups import BACKUP_DIR, discard_pending, keep_pending, rotate_pending
from paperdeck.store.errors import LibraryError

TEMP_PREFIX = ".tmp-"
_CONTROL_ESCAPES = (b"\\u00", b"\\b", b"\\t", b"\\n", b"\\f", b"\\r")
_C1_BYTES = re.compile(rb"\xc2[\x80-\x9f]")
Payload = bytes | Sequence[bytes]


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """What changes whenever a file is replaced or rewritten: inode, size, mtime."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _refused(path: Path, error: OSError) -> LibraryError:
    return LibraryError(f"{path}: could not save ({error.strerror or error}); nothing was changed")


def prepare_file(path: Path, payload: Payload) -> Path:
    """Write `payload` (or its pieces, in order) to a fsynced temp file beside `path`; the
    temp file's path. LibraryError when the disk refuses (the temp file is then removed)."""
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", dir=path.parent)
    except OSError as error:
        raise _refused(path, error) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(payload, bytes):
                handle.write(payload)
            else:
                handle.writelines(payload)  # no joined copy of a 140 MB file first
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise _refused(path, error) from None
    return Path(temp_name)


def write_files(files: Sequence[tuple[Path, Payload]], backups: Sequence[Path] = ()) -> None:
    """Replace each file of `files` (all in one folder) durably and together: every temp file
    is written and fsynced first, then they are renamed in order and the folder fsynced once.
    The files named in `backups` are kept as backups/NAME.1 (older ones shift down) once the
    new ones are in place.

    LibraryError when the disk refuses; until the renames nothing in the folder has changed,
    and the temp files (and the backups prepared for this write) are removed again.
    """
    temps: list[Path] = []
    try:
        for path, payload in files:
            temps.append(prepare_file(path, payload))
    except LibraryError:
        for temp in temps:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise
    pending = keep_pending(backups)
    done = 0
    try:
        for temp, (path, _) in zip(temps, files, strict=True):
            os.replace(temp, path)
            done += 1
    except OSError as error:
        for temp in temps[done:]:
            with contextlib.suppress(OSError):
                temp.unlink()
        discard_pending(pending)
        raise _refused(files[done][0], error) from None
    folder = files[0][0].parent
    try:
        fsync_folder(folder)
    except OSError as error:
        # The new files are in place but their renames may not survive a power cut: say so,
        # as an error the callers already handle (they re-read what is on disk).
        discard_pending(pending)
        raise LibraryError(f"{folder}: saved, but the folder could not be synced ({error.strerror or error})") from None
    rotate_pending(pending)


def write_atomic(path: Path, payload: Payload, keep_backup: bool = False) -> None:
    """Replace one file durably (see `write_files`), keeping the old one as backup 1 if asked."""
    write_files([(path, payload)], [path] if keep_backup else ())


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable (a no-op where folders cannot be opened)."""
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
    """Delete temp files a crashed writer left behind, backups it had prepared included (call
    while holding the lock)."""
    removed = 0
    for stale in [*folder.glob(f"{TEMP_PREFIX}*"), *(folder / BACKUP_DIR).glob(f"{TEMP_PREFIX}*")]:
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
    return parse_library_bytes(data, path)


def parse_library_bytes(data: bytes, path: Path) -> dict[str, Any]:
    """The tables of a library file's bytes; LibraryError naming the file if damaged."""
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


def may_hold_controls(data: bytes) -> bool:
    """Whether a library file's bytes may hold a control character in some string: JSON
    escapes C0 (`\\u001b`, `\\n`, …), and DEL and C1 are raw bytes (0x7f, 0xc2 0x80-0x9f).
    A few byte searches (~10 ms at 100,000 papers) spare a clean library a look at every string."""
    if b"\\" in data and any(escape in data for escape in _CONTROL_ESCAPES):
        return True
    return b"\x7f" in data or (b"\xc2" in data and _C1_BYTES.search(data) is not None)


class AtomicStorage(Storage):
    """TinyDB storage over one JSON file: atomic durable writes, orjson, and reads cached
    until the file changes on disk. `cache=False` keeps nothing after a read: for the big
    catalog files, whose contents live on as Paper objects (a second copy of 100,000 parsed
    records cost ~150 MB). `suspect` says whether the last read may hold control characters."""

    def __init__(self, path: str | Path, cache: bool = True) -> None:
        self.path = Path(path)
        self.cache = cache
        self.suspect = False
        self._data: dict[str, Any] | None = None
        self._seen: tuple[int, int, int] | None = None

    def changed_on_disk(self) -> bool:
        """True when the file differs from what this storage last read or wrote."""
        return self._seen is None or file_signature(self.path) != self._seen

    def read(self) -> dict[str, Any] | None:
        """The file's tables; re-read from disk only when the file changed (or not cached)."""
        if self._data is None or self.changed_on_disk():
            raw = self.read_raw()
            data = None if raw is None else parse_library_bytes(raw, self.path)
            if not self.cache:
                return data
            self._data = data
        return self._data

    def read_raw(self) -> bytes | None:
        """The file's bytes as they are now (None when missing), noted as read: for a caller
        that parses them its own way (store/lazy_papers.py)."""
        signature = file_signature(self.path)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self._seen, self._data = signature, None
            return None
        except OSError as error:
            raise LibraryError(f"{self.path}: cannot read ({error.strerror})") from None
        self.suspect = may_hold_controls(raw)
        self._seen = signature
        return raw

    def write(self, data: dict[str, Any]) -> None:
        """Persist all tables atomically. On failure the cache is dropped, so the next read
        returns what is really on disk rather than the change that was refused."""
        # Only a file this process read successfully counts as a good copy to keep.
        try:
            write_atomic(self.path, orjson.dumps(data), keep_backup=self.may_keep_backup())
        except LibraryError:
            self.forget()
            raise
        self.wrote(data)

    def wrote(self, data: dict[str, Any] | None = None) -> None:
        """Note that the file now holds what was just written (by `write_files`, with others)."""
        self._data = data if self.cache else None
        self._seen = file_signature(self.path)
        self.suspect = False

    def may_keep_backup(self) -> bool:
        """Whether the file on disk is the one this storage read: only that counts as a good copy."""
        return not self.changed_on_disk()

    def forget(self) -> None:
        """Drop the cached tables: the file was read but refused (newer schema, wrong shape),
        so no write may start from them; the next read goes back to the file (and refuses it
        again) instead of writing our change over the user's file."""
        self._data = None
        self._seen = None

    def close(self) -> None:
        """Nothing is held open between operations."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a bulk load allocates 100,000s of objects: each
    collection would walk every object made so far (it doubled the load time), and records
    and papers hold no reference cycles for it to find. What survives the load is then frozen
    out of the collector's sight: otherwise the first collection after it walked them all
    (~0.1 s at 100k papers, just before the first frame). Reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


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
