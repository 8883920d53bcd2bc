"""An append-only journal beside a TinyDB snapshot: what makes a change cost what it adds.

A change (a batch of marks, the papers of one import) is one JSON line appended and fsynced:
~0.3 ms, where rewriting a 100,000-paper snapshot took seconds. From time to time the journal
is folded into a new snapshot and emptied. Each line carries the generation of the snapshot it
was written on top of (`gen`); a fold writes the snapshot of the next generation, so lines a
crash left behind after a fold are older than the snapshot and skipped: a fold is never undone
by replaying what it already holds.

A crash mid-append leaves a last line without its newline: never replayed (the change was never
acknowledged) and cut off before the next append. An append the disk refuses is taken back
(the file is truncated to where it was, or removed if the append created it), so a refused
change leaves no byte behind.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from paperdeck.store.errors import LibraryError
from paperdeck.store.storage import file_signature, fsync_folder

Validator = Callable[[dict[str, Any]], bool]


class Journal:
    """The journal file at `path`; `valid` says whether a decoded line is one of its records."""

    def __init__(self, path: Path, valid: Validator, what: str) -> None:
        self.path = path
        self.valid = valid
        self.what = what  # "marks record", "catalog record": for messages
        self.offset = 0  # bytes of complete lines read so far
        self.lines_read = 0
        self._seen: tuple[int, int, int] | None = None

    def changed_on_disk(self) -> bool:
        """True when the file differs from what this process last read or wrote."""
        return file_signature(self.path) != self._seen

    def read(self) -> list[dict[str, Any]]:
        """Every complete record ([] when there is no journal); LibraryError naming the line
        for a damaged one. A last line without its newline is a torn append and is skipped."""
        self.offset = self.lines_read = 0
        return self.read_new()

    def grew_only(self) -> bool:
        """True when the file is the one last read, only longer: another process appended
        (`read_new` then reads just that), as opposed to a fold that emptied or replaced it."""
        signature = file_signature(self.path)
        return (
            self._seen is not None
            and signature is not None
            and signature[0] == self._seen[0]
            and signature[1] > self._seen[1]
        )

    def read_new(self) -> list[dict[str, Any]]:
        """The complete records after those already read (see `read`)."""
        signature = file_signature(self.path)
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            self._seen, self.offset = None, 0
            return []
        except OSError as error:
            raise LibraryError(f"{self.path}: cannot read ({error.strerror})") from None
        records: list[dict[str, Any]] = []
        lines = data.split(b"\n")
        lines.pop()  # after the last newline: empty, or a torn append
        first = self.lines_read + 1
        for number, line in enumerate(lines, start=first):
            record = self._decode(line)
            if record is None:
                raise LibraryError(
                    f"{self.path}:{number}: damaged journal line (expected one {self.what}); run `paperdeck doctor`"
                )
            records.append(record)
        self.offset += sum(len(line) + 1 for line in lines)
        self.lines_read = first - 1 + len(lines)
        self._seen = signature
        return records

    def _decode(self, line: bytes) -> dict[str, Any] | None:
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            return None
        try:
            return record if isinstance(record, dict) and self.valid(record) else None
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def append(self, payload: bytes) -> None:
        """Append complete lines durably (call under the folder lock). LibraryError when the
        disk refuses; the journal is then exactly as it was."""
        created = not self.path.exists()
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as error:
            raise self._refused(error) from None
        size = 0
        try:
            size = _cut_torn_tail(fd, os.fstat(fd).st_size)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            if created:
                fsync_folder(self.path.parent)  # the new file's name must survive a crash too
        except OSError as error:
            # Take back whatever part of the line reached the file: a line written but not
            # acknowledged must not come back at the next start.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
            os.close(fd)
            if created:
                with contextlib.suppress(OSError):
                    self.path.unlink()
            raise self._refused(error) from None
        os.close(fd)
        self._seen = file_signature(self.path)
        if self.offset == size:  # everything before this line was read: this one counts as read too
            self.offset += len(payload)
            self.lines_read += payload.count(b"\n")

    def _refused(self, error: OSError) -> LibraryError:
        return LibraryError(f"{self.path}: could not save ({error.strerror or error}); nothing was changed")

    def empty(self) -> None:
        """Empty the journal after a fold. Failing is harmless: its lines are of an older
        generation than the new snapshot and are skipped."""
        try:
            with open(self.path, "r+b") as handle:
                handle.truncate(0)
                os.fsync(handle.fileno())
        except OSError:
            return
        self._seen = file_signature(self.path)
        self.offset = self.lines_read = 0

    def good_lines(self) -> tuple[bytes, int]:
        """The journal's readable complete lines (for `doctor --repair`) and how many."""
        kept = [line + b"\n" for line in self.path.read_bytes().split(b"\n")[:-1] if self._decode(line) is not None]
        return b"".join(kept), len(kept)


def _cut_torn_tail(fd: int, size: int) -> int:
    """Cut a last line left without its newline by a writer that crashed; returns the size."""
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return size
    start = max(0, size - (1 << 16))
    tail = os.pread(fd, size - start, start)
    end = tail.rfind(b"\n")
    keep = start + end + 1 if end >= 0 else 0
    if keep == 0 and start > 0:
        # A torn line longer than 64 KiB: find its start the slow way.
        keep = os.pread(fd, size, 0).rfind(b"\n") + 1
    os.ftruncate(fd, keep)
    return keep
