"""catalog.json read lazily, for the commands a script calls in a loop (`show`, `star`, `list
is:starred`, `import`): at 100,000 papers, parsing every record into a Paper took ~0.6 s and
220 MB, for a command that prints one paper.

The file is one record per line (store/line_layout.py), each line starting with the record's
doc id and the paper's id. So one paper is found by a search of the file's bytes (C speed, a
few ms), every id by one regular expression over them when something needs them all, and a
record becomes a Paper only when someone asks for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, ItemsView, Iterator, Mapping, MutableMapping, ValuesView
from pathlib import Path
from typing import Any, TypeVar

import orjson

from paperdeck.store.line_layout import CLOSING, find_line, opening, record_of
from paperdeck.store.line_table import SAVED_FROM_BYTES, LineTable, catalog_key, load_line_table, save_line_table
from paperdeck.store.models import Paper, paper_from_record
from paperdeck.store.storage import gc_paused

# Every record line starts with its doc id and (catalog_record writes it first) the paper's id,
# a slug without quotes or backslashes. The pattern starts with a newline, not `^`: a literal
# start lets the regex engine skip ahead (60 -> 35 ms at 100,000 papers).
_ID = re.compile(rb'\n"(\d+)":\{"id":"([^"\\]+)"')
_ARXIV = re.compile(rb'"arxiv_id":"([^"\\]+)"')
NO_ABSTRACT_FLAG = b'"no_abstract":true'

V = TypeVar("V")


class CatalogLines:
    """A catalog file's bytes, kept whole, and what can be found in them without parsing."""

    # Records found by bisection before the table of every line is taken: a bisection is
    # ~35 us at 100,000 papers, the table ~10 ms saved (so ~300 bisections) or ~0.15 s found in
    # the file (`list is:starred` reads 10,000+ records).
    BISECTIONS = 300

    def __init__(self, data: bytes, header: bytes, saved: Path | None = None) -> None:
        self.data = data
        self.header = header
        self._saved = saved  # where the table of every line is kept between commands
        self._table: LineTable | None = None
        self._bisections = 0

    def _line_at(self, position: int) -> tuple[int, str] | None:
        """(doc id, paper id) of the record line holding `position`."""
        match = _ID.match(self.data, self.data.rfind(b"\n", 0, position))
        return (int(match.group(1)), match.group(2).decode("ascii", "replace")) if match else None

    def doc_of(self, paper_id: str) -> int | None:
        """A paper's doc id, by a search for the start of its record."""
        position = self.data.find(b'{"id":"%s","' % paper_id.encode("utf-8"))
        found = self._line_at(position) if position >= 0 else None
        return found[0] if found and found[1] == paper_id else None

    def all_doc_ids(self) -> dict[str, int]:
        """Every paper id with its doc id, in file order; where each line starts is noted with
        them, for the records that are read next."""
        return self._lines().doc_ids

    def _lines(self) -> LineTable:
        """The table of every line: saved beside the catalog (~10 ms at 100,000 papers), else
        found in the file (~0.15 s) and saved for the next command."""
        if self._table is None:
            saved = self._saved if len(self.data) >= SAVED_FROM_BYTES else None
            key = catalog_key(self.data) if saved else {}
            table = load_line_table(saved, key) if saved else None
            if table is None:
                doc_ids: dict[str, int] = {}
                starts: dict[int, int] = {}
                for match in _ID.finditer(self.data):
                    doc = int(match.group(1))
                    doc_ids[match.group(2).decode("ascii", "replace")] = doc
                    starts[doc] = match.start() + 1
                table = LineTable.of(doc_ids, starts)
                if saved:
                    save_line_table(saved, key, table)
            self._table = table
        return self._table

    def arxiv_owner(self, arxiv_id: str) -> str | None:
        """The id of the paper with this arXiv id."""
        position = self.data.find(b'"arxiv_id":"%s"' % arxiv_id.encode("utf-8"))
        found = self._line_at(position) if position >= 0 else None
        return found[1] if found else None

    def all_arxiv_ids(self) -> dict[str, str]:
        """arXiv id -> paper id for every paper that has one."""
        owners: dict[str, str] = {}
        for match in _ARXIV.finditer(self.data):
            found = self._line_at(match.start())
            if found:
                owners[match.group(1).decode("utf-8", "replace")] = found[1]
        return owners

    def abstract_missing(self, paper_id: str) -> bool | None:
        """Whether the paper's record says it has no abstract (None for an unknown paper)."""
        doc = self.doc_of(paper_id)
        line = find_line(self.data, doc) if doc is not None else None
        return None if line is None else NO_ABSTRACT_FLAG in line

    def all_abstracts_missing(self) -> dict[str, bool]:
        """The papers whose record says they have no abstract."""
        missing: dict[str, bool] = {}
        start = self.data.find(NO_ABSTRACT_FLAG)
        while start >= 0:
            found = self._line_at(start)
            if found:
                missing[found[1]] = True
            start = self.data.find(NO_ABSTRACT_FLAG, start + 1)
        return missing

    def record(self, paper_id: str, doc: int) -> bytes:
        """The JSON of a paper's record, found by its doc id (a bisection of the lines, which
        are in doc order); KeyError for a paper the file does not hold."""
        line = self._line_of(doc)
        if line is None:
            raise KeyError(paper_id)
        return record_of(line)

    def _line_of(self, doc: int) -> bytes | None:
        """The record line of a doc id: bisected, or from the table of lines once many were."""
        if self._table is None:
            self._bisections += 1
            if self._bisections <= self.BISECTIONS:
                return find_line(self.data, doc)
        start = self._lines().start_of(doc)
        if start is None:
            return None
        end = self.data.find(b"\n", start)
        return self.data[start : len(self.data) if end < 0 else end]

    def will_read(self, count: int) -> None:
        """Say how many records are about to be read: more than BISECTIONS take the table of
        lines at once, not after BISECTIONS bisections (~10 ms at 100,000 papers)."""
        if count > self.BISECTIONS:
            self._lines()

    def hinted_record(self, paper_id: str, doc: int) -> bytes | None:
        """The JSON of a paper's record if `doc` is its doc id, else None (a hint checked
        against the line, which starts with the doc id and the paper's id)."""
        line = self._line_of(doc)
        if line is None or not line.startswith(b'"%d":{"id":"%s"' % (doc, paper_id.encode("utf-8"))):
            return None
        return record_of(line)

    def last_doc(self) -> int:
        """The highest doc id (records are in doc order: the last line's)."""
        found = self._line_at(len(self.data) - len(CLOSING) - 2)
        return found[0] if found else 0


def lines_of(data: bytes, table: str, saved: Path | None = None) -> CatalogLines | None:
    """A catalog file in the one-record-per-line layout, or None for one laid out otherwise
    (then it is parsed whole); `saved` is where its table of lines is kept (store/line_table.py)."""
    header_end = data.find(b"\n")
    if not data.startswith(b'{"_meta":') or not data.startswith(opening(table) + b"\n", header_end + 1):
        return None
    if not data.endswith(b"\n" + CLOSING):
        return None
    return CatalogLines(data, data[:header_end], saved)


def meta_of(lines: CatalogLines) -> dict[str, Any]:
    """The file's tables but its records, i.e. `{"_meta": ...}`, from its first line."""
    return orjson.loads(lines.header.rstrip(b",") + b"}")


class LazyIndex(MutableMapping[str, V]):
    """A table of the catalog file (ids to doc ids, arXiv ids to ids, …): a key is looked up
    in the file's bytes, the whole table made only when someone iterates it or asks for many
    keys, and what is set since (the journal, an import) layered on top."""

    # Single searches before the whole table is made: a search of a 32 MB catalog is ~5 ms,
    # making the table ~0.1 s (an import of 50 papers looks up 100 keys).
    SEARCHES = 8

    def __init__(self, one: Callable[[str], V | None], everything: Callable[[], dict[str, V]]) -> None:
        self._one, self._everything = one, everything
        self._whole: dict[str, V] | None = None
        self._set: dict[str, V] = {}
        self._found: dict[str, V | None] = {}  # single searches made (`star REF` asks thrice)
        self._searches = 0

    def __getitem__(self, key: str) -> V:
        if key in self._set:
            return self._set[key]
        if self._whole is None and key not in self._found:
            self._searches += 1
            if self._searches > self.SEARCHES:
                self._whole = self._everything()
            else:
                self._found[key] = self._one(key)
        value = self._found.get(key) if self._whole is None else self._whole.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: V) -> None:
        self._set[key] = value

    def __delitem__(self, key: str) -> None:
        raise TypeError("the catalog file's tables are only added to")

    def whole(self) -> dict[str, V]:
        """The file's table (made on first use) with what was set since."""
        if self._whole is None:
            self._whole = self._everything()
        return {**self._whole, **self._set} if self._set else self._whole

    def __iter__(self) -> Iterator[str]:
        return iter(self.whole())

    def __len__(self) -> int:
        return len(self.whole())


class LazyPapers(MutableMapping[str, Paper]):
    """Papers by id, made from their catalog line when first asked for; papers set since
    (the journal, an import) are kept as given. Iterates in file order, then the new ones."""

    def __init__(self, lines: CatalogLines, doc_ids: LazyIndex[int], shared: dict[Any, Any]) -> None:
        self._lines = lines
        self._doc_ids = doc_ids
        self._shared = shared
        self._made: dict[str, Paper] = {}

    def __getitem__(self, paper_id: str) -> Paper:
        paper = self._made.get(paper_id)
        if paper is None:
            # The doc id from the index (one search of the file, or its whole table once many
            # papers are asked for), then the line by bisection: never a search per paper.
            record = orjson.loads(self._lines.record(paper_id, self._doc_ids[paper_id]))
            paper = self._made[paper_id] = paper_from_record(record, "", self._shared)
        return paper

    def __setitem__(self, paper_id: str, paper: Paper) -> None:
        self._made[paper_id] = paper

    def many(self, paper_ids: Collection[str], hints: Mapping[str, int]) -> list[Paper]:
        """The papers of `paper_ids` that the catalog holds, in that order. `hints` are doc ids
        that are probably theirs (the marks file's keys are the catalog's doc ids): each is
        checked against its line, so 20,000 marked papers need no dict of every paper id
        (~35 ms at 100,000 papers); a paper without a right hint is found as by `get`."""
        made, lines, shared, found = self._made, self._lines, self._shared, []
        lines.will_read(len(paper_ids))
        for paper_id in paper_ids:
            paper = made.get(paper_id)
            if paper is None:
                doc = hints.get(paper_id)
                record = None if doc is None else lines.hinted_record(paper_id, doc)
                if record is not None:
                    paper = made[paper_id] = paper_from_record(orjson.loads(record), "", shared)
                else:
                    paper = self.get(paper_id)
                    if paper is None:
                        continue  # marks of a paper the library does not hold
            found.append(paper)
        return found

    def __delitem__(self, paper_id: str) -> None:
        raise TypeError("papers are never removed from a catalog")

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._made or (isinstance(paper_id, str) and paper_id in self._doc_ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._doc_ids)

    def __len__(self) -> int:
        return len(self._doc_ids)

    def values(self) -> ValuesView[Paper]:  # type: ignore[override]
        """Every paper: asked for all of them, the file is parsed whole (~0.6 s at 100,000
        papers, where making each from its line would be ~2 s)."""
        self._make_all()
        return self._made.values()

    def items(self) -> ItemsView[str, Paper]:  # type: ignore[override]
        """Every paper with its id (see `values`)."""
        self._make_all()
        return self._made.items()

    def _make_all(self) -> None:
        if len(self._made) == len(self):
            return
        with gc_paused():
            self._make_the_rest()

    def _make_the_rest(self) -> None:
        records = orjson.loads(self._lines.data).get("papers", {})
        made, shared = self._made, self._shared
        for record in records.values():
            if record["id"] not in made:
                made[record["id"]] = paper_from_record(record, "", shared)
        # In file order, then those set since (the journal, an import): as iteration goes.
        self._made = {paper_id: made[paper_id] for paper_id in self if paper_id in made}
