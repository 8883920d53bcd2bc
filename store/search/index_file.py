"""The search index saved beside the library, so that the next start has every abstract
searchable at once instead of re-reading and re-indexing them all (~11 s in the background at
100,000 papers; tokenizing 140 MB of abstracts alone is 2.3 s of pure Python).

The file is a cache, derived from catalog.json and abstracts.json and never the only copy of
anything: a missing, damaged, foreign or out-of-date file is ignored and the index is built
from the library as before, then saved again. Written atomically like every library file.

Layout: MAGIC, one JSON header line, then the sections the header lists, back to back: the
ids (newline-separated), each field's table in the order the header names them (words sorted,
newline-separated, then papers per word and the postings as int32 arrays), the positions whose
abstract is still to index (int32), the compounds learned (hyphenated, newline-separated),
each paper's count of distinct words (uint16) and when it was added (float64). The header
names the byte order and integer size of the arrays, the fields, each section's length and a
CRC-32 of them all.
"""

from __future__ import annotations

import mmap
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from paperdeck.store.models import Paper
from paperdeck.store.search.fields import FIELD_NAMES
from paperdeck.store.search.index import IndexSnapshot, SearchIndex
from paperdeck.store.search.postings import FlatPostings
from paperdeck.store.search.saved_ids import SavedIds
from paperdeck.store.sectioned_file import read_sectioned, write_sectioned

MAGIC = b"paperdeck search index\n"
# 2: words of each table sorted (read by bisection, store/search/postings.py); 3: a table per
# field (store/search/fields.py), compounds and word counts (store/search/related.py); 4: when
# each paper was added (a query's order without making every paper), word counts as uint16
VERSION = 4
_SECTIONS = 1 + 3 * len(FIELD_NAMES) + 4  # ids, 3 per field, unindexed, compounds, lengths, added


def save_index(path: Path, index: SearchIndex) -> bool:
    """Save the index atomically; False (and nothing changed) when the disk refuses: the
    library itself is untouched, and the next start builds the index again."""
    snapshot = index.snapshot()
    sections = [_lines(id_.encode("utf-8") for id_ in snapshot.ids)]
    for name in FIELD_NAMES:
        sections.extend(_flat_sections(snapshot.tables[name]))
    sections += [
        snapshot.unindexed.tobytes(),
        _lines(snapshot.compounds),
        snapshot.lengths.tobytes(),
        snapshot.added.tobytes(),
    ]
    header = {
        "version": VERSION,
        "fields": list(FIELD_NAMES),
        "byteorder": sys.byteorder,
        "itemsize": array("i").itemsize,
        "papers": len(snapshot.ids),
        "unindexed": len(snapshot.unindexed),
    }
    return write_sectioned(path, MAGIC, header, sections)


def load_index(
    path: Path, papers: Sequence[Paper], abstract_of: Callable[[Paper], str] | None = None, one_shot: bool = False
) -> SearchIndex | None:
    """The saved index brought up to date with `papers` (papers added since are indexed by
    title, their abstracts queued), or None when there is no usable file: missing, damaged,
    another format or machine, or made for a library that has since lost or reordered papers.
    `one_shot` (a command that runs one query): the postings stay in the mapped file and the
    facets and orders are made only if the query needs them."""
    snapshot = read_snapshot(path, mapped=one_shot)
    return None if snapshot is None else SearchIndex.restore(papers, snapshot, abstract_of, warm=not one_shot)


def load_or_start_index(
    path: Path, papers: Sequence[Paper], abstract_of: Callable[[Paper], str] | None = None, one_shot: bool = False
) -> tuple[SearchIndex, int]:
    """The saved index (see `load_index`) or, without a usable one, a new index of the titles
    with every abstract queued; and how many papers it had fully indexed (-1 for a new one),
    for `save_if_more_complete` once `index_abstracts` has run."""
    index = load_index(path, papers, abstract_of, one_shot)
    if index is None:
        return SearchIndex(papers, defer_abstracts=True, abstract_of=abstract_of), -1
    return index, index.complete


def update_saved_index(path: Path, papers: Sequence[Paper]) -> None:
    """After an import: bring the saved index up to date with the papers (their abstracts in
    memory), so the browser's next start loads it whole instead of indexing the new ones.
    Nothing to do without a usable saved index: the browser builds one when it starts."""
    index = load_index(path, papers)
    if index is not None:
        complete_before = index.complete
        index.index_abstracts()
        save_if_more_complete(path, index, complete_before)


def save_if_more_complete(path: Path, index: SearchIndex, complete_before: int) -> None:
    """Save the index if it has more papers fully indexed than when it was loaded (-1: it was
    built, not loaded): the next start then need not index them again."""
    if index.complete > complete_before:
        save_index(path, index)


def read_snapshot(path: Path, mapped: bool = False) -> IndexSnapshot | None:
    """The snapshot in a saved index file, or None if it is not one this version wrote whole.
    `mapped`: its number arrays are views of the file mapped in memory, not copies (a query
    reads the postings of a few words of 60 MB; reading them all was ~0.1 s at 100k papers).
    Only for a process that ends soon: a view of a file truncated in place would fault."""
    try:
        with path.open("rb") as handle:
            raw: bytes | mmap.mmap = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if mapped else handle.read()
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return None
    found = read_sectioned(raw, MAGIC, _SECTIONS)
    if found is None:
        return None
    header, sections = found
    numbers = _views if mapped else _numbers
    try:
        fits = (
            header["version"] == VERSION
            and header["fields"] == list(FIELD_NAMES)
            and header["byteorder"] == sys.byteorder
            and header["itemsize"] == array("i").itemsize
        )
    except (KeyError, TypeError):
        return None
    if not fits:
        return None
    ids, *tables, unindexed, compounds, lengths, added = sections
    try:
        snapshot = IndexSnapshot(
            SavedIds(bytes(ids)),
            {name: _flat_postings(*tables[3 * i : 3 * i + 3], numbers) for i, name in enumerate(FIELD_NAMES)},
            numbers(unindexed, "i"),
            _split_lines(compounds),
            numbers(lengths, "H"),
            numbers(added, "d"),
        )
    except ValueError:  # sections that do not fit together (counts vs postings, partial numbers)
        return None
    return snapshot if len(snapshot.lengths) == len(snapshot.added) == len(snapshot.ids) else None


def _lines(items: Iterable[bytes]) -> bytes:
    return b"\n".join(items)


def _split_lines(section: memoryview) -> list[bytes]:
    return bytes(section).split(b"\n") if section.nbytes else []


def _flat_sections(flat: FlatPostings) -> list[bytes]:
    return [_lines(flat.words), flat.counts.tobytes(), flat.positions.tobytes()]


def _numbers(section: memoryview, typecode: str) -> array:  # type: ignore[type-arg]
    numbers = array(typecode)
    numbers.frombytes(section)  # ValueError for a length that is not a whole number of items
    return numbers


def _views(section: memoryview, typecode: str) -> memoryview:
    """The section as numbers, in place (TypeError, as ValueError, for a partial item)."""
    try:
        return section.cast(typecode)
    except TypeError:
        raise ValueError("a partial number") from None


def _flat_postings(
    words: memoryview, counts: memoryview, positions: memoryview, numbers: Callable[[memoryview, str], Any]
) -> FlatPostings:
    flat = FlatPostings(_split_lines(words), numbers(counts, "i"), numbers(positions, "i"))
    if not flat.fits():
        raise ValueError("index tables do not fit together")
    return flat
