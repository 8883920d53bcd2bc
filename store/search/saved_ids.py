"""The ids of a saved search index (store/search/index_file.py), compared with the library's
without decoding them: a query at 100,000 papers takes the library's own id strings instead
of 100,000 more."""

from __future__ import annotations

import codecs
from collections.abc import Sequence

COMPARED_AT_ONCE = 4096  # ids


class SavedIds(Sequence[str]):
    """The ids section of a saved index, in position order: compared as bytes, decoded only
    if read."""

    def __init__(self, encoded: bytes) -> None:
        self.encoded = encoded  # utf-8, newline-separated
        self._count = encoded.count(b"\n") + 1 if encoded else 0
        self._ids: list[str] | None = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):  # type: ignore[no-untyped-def,override]
        if self._ids is None:
            self._ids = codecs.decode(self.encoded, "utf-8").split("\n") if self._count else []
        return self._ids[index]

    def same_as(self, ids: Sequence[str]) -> bool:
        """Whether `ids` are these, in this order (compared a few thousand at a time: one
        joined copy of 100,000 ids was 17 MB of temporaries in the browser's index worker)."""
        if len(ids) != self._count:
            return False
        encoded, at = memoryview(self.encoded), 0
        for start in range(0, len(ids), COMPARED_AT_ONCE):
            chunk = "\n".join(ids[start : start + COMPARED_AT_ONCE]).encode("utf-8") + b"\n"
            if encoded[at : at + len(chunk)] != chunk[: len(encoded) - at]:
                return False
            at += len(chunk)
        return at == len(encoded) + 1 or (self._count == 0 and at == 0)


def same_ids(saved: Sequence[str], ids: list[str]) -> bool:
    """Whether a snapshot's ids (saved or made in memory) are `ids`, in order."""
    return saved.same_as(ids) if isinstance(saved, SavedIds) else list(saved) == ids
