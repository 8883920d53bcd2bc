"""Hugging Face Daily Papers page dumps -> paper blocks, with warnings that carry line numbers.

Three layouts are read by one state machine: compact (title line, abstract line), blank-line
separated with a page date, and with per-paper metadata (`• 9 authors`, `·`, `Feb 27 4`).
Blank lines carry no meaning, so all three reduce to: chrome, page date, title, abstract,
metadata.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from paperdeck.store.capped_warnings import CappedWarnings
from paperdeck.store.dates import page_dates
from paperdeck.store.dump_reader import iter_lines, open_dump, read_chunks
from paperdeck.store.errors import DumpError
from paperdeck.store.links import find_links, is_safe_url
from paperdeck.store.models import Paper, Source
from paperdeck.store.text import clean_text, slugify

CHROME = frozenset(
    {
        "new",
        "subscribe",
        "daily papers",
        "byak and the research community",
        "get trending papers in your email inbox!",
        "get trending papers in your email inbox once a day!",
    }
)
_AUTHORS = re.compile(r"^•\s*(\d+)\s+authors?$", re.IGNORECASE)
_DATE = re.compile(r"^((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}(?:, \d{4})?)(?: (\d+))?$")
# Longer than any chrome line, author count or date line: certainly text.
_LONGEST_MARKER = max(64, *(len(chrome) for chrome in CHROME))
_GLUED_SUBSCRIBE = re.compile(r"^Subscribe(?=[A-Z0-9])")
# Titles on these pages stay under ~150 characters and abstracts run past ~400; a short line
# followed by a long one is a title, which tells a title whose abstract went missing.
ABSTRACT_MIN = 200


@dataclass(slots=True)
class PaperBlock:
    """One title/abstract block as read from a dump, before it becomes a Paper."""

    title: str
    abstract: str
    line: int
    source: str
    page_date: str | None = None
    authors_count: int | None = None
    published: str | None = None
    upvotes: int | None = None

    def to_paper(self, added: float = 0.0) -> Paper:
        """The catalog record for this block, with its links found and classified."""
        published, published_text, list_day = page_dates(self.published, self.page_date)
        return Paper(
            id=slugify(self.title),
            title=self.title,
            abstract=self.abstract,
            # The same rule as every other source (store.sources.fields.paper_links): a link a
            # shell or a terminal would act on is not kept, not merely refused at the edge.
            links=[link for link in find_links(self.abstract) if is_safe_url(link.url)],
            authors_count=self.authors_count,
            published=published,
            upvotes=self.upvotes,
            sources=[Source(self.source, self.page_date)],
            added=added,
            published_text=published_text,
            list_day=list_day,
        )


@dataclass(slots=True)
class ParseResult(CappedWarnings):
    """The blocks of one dump and the warnings about blocks that were skipped."""

    name: str
    blocks: list[PaperBlock] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0

    def to_papers(self, added: float = 0.0) -> list[Paper]:
        """The papers of the blocks, in order (repeats are merged by `Library.add_papers`)."""
        return [block.to_paper(added) for block in self.blocks]


Token = tuple[int, str, str]  # (line number, kind, cleaned text)


def _tokens(lines: Iterable[tuple[int, str]]) -> Iterator[Token]:
    """Classify the non-blank lines."""
    for number, raw in lines:
        line = clean_text(raw)
        if not line:
            continue
        if len(line) > _LONGEST_MARKER:
            # Chrome, author counts and dates are short; most lines are long abstracts.
            yield number, "text", line
            continue
        if line.lower() in CHROME:
            kind = "chrome"
        elif _AUTHORS.match(line):
            kind = "authors"
        elif line == "·":
            kind = "dot"
        elif _DATE.match(line):
            kind = "date"
        else:
            kind = "text"
        yield number, kind, line


class _Lookahead:
    """Tokens one at a time, with a look past the chrome at what comes next."""

    def __init__(self, tokens: Iterator[Token]) -> None:
        self._tokens = tokens
        self._ahead: deque[Token] = deque()

    def __iter__(self) -> Iterator[Token]:
        return self

    def __next__(self) -> Token:
        return self._ahead.popleft() if self._ahead else next(self._tokens)

    def next_text_is_long(self) -> bool:
        """Whether the next text line (before any metadata) is long enough to be an abstract."""
        index = 0
        while True:
            if index == len(self._ahead):
                token = next(self._tokens, None)
                if token is None:
                    return False
                self._ahead.append(token)
            _, kind, line = self._ahead[index]
            if kind == "text":
                return len(line) >= ABSTRACT_MIN
            if kind in ("authors", "dot", "date"):
                return False
            index += 1


def parse_text(text: str, name: str, source: str | None = None) -> ParseResult:
    """Parse one dump's text; `name` is used in messages, `source` (default: `name`) is
    recorded on the papers. Raises DumpError when the file as a whole is unusable (no paper
    at all, or a title at the end with no abstract: likely a truncated file)."""
    return parse_lines(enumerate(text.removeprefix("\ufeff").splitlines(), start=1), name, source)


def parse_stream(stream: BinaryIO, name: str, source: str | None = None) -> ParseResult:
    """Parse a dump from a binary stream (a file, stdin) without holding its text whole."""
    return parse_lines(iter_lines(read_chunks(stream), name), name, source)


def parse_lines(lines: Iterable[tuple[int, str]], name: str, source: str | None = None) -> ParseResult:
    """The state machine behind `parse_text` and `parse_stream`, over numbered lines."""
    result = ParseResult(name)
    tokens = _Lookahead(_tokens(lines))
    page_date: str | None = None
    pending: tuple[int, str] | None = None  # a title waiting for its abstract
    current: PaperBlock | None = None  # the last complete block, which metadata attaches to
    previous_kind = "start"
    for number, kind, line in tokens:
        if kind == "text" and not result.blocks and pending is None:
            line = _GLUED_SUBSCRIBE.sub("", line)
        if kind == "chrome":
            pass
        elif kind == "date" and previous_kind in ("start", "chrome"):
            page_date = line
        elif kind in ("authors", "dot", "date"):
            if pending is not None:
                result.warn(f"{name}:{pending[0]}: title with no abstract, skipped")
                pending = None
                current = None
            if current is None:
                result.warn(f"{name}:{number}: metadata line {line!r} with no paper before it, ignored")
            elif kind == "authors":
                current.authors_count = int(_AUTHORS.match(line).group(1))  # type: ignore[union-attr]
            elif kind == "date":
                date = _DATE.match(line)
                assert date is not None
                current.published = date.group(1)
                current.upvotes = int(date.group(2)) if date.group(2) else None
        elif pending is None:
            if len(line) >= ABSTRACT_MIN * 2:
                result.warn(f"{name}:{number}: text with no title before it, skipped")
            else:
                pending = (number, line)
        elif len(line) < ABSTRACT_MIN and tokens.next_text_is_long():
            result.warn(f"{name}:{pending[0]}: title with no abstract, skipped")
            pending = (number, line)
        else:
            current = PaperBlock(pending[1], line, pending[0], source or name, page_date)
            result.blocks.append(current)
            pending = None
        previous_kind = kind
    if pending is not None:
        raise DumpError(f"{name}:{pending[0]}: title at end of file has no abstract (truncated file?)")
    result.finish()
    if not result.blocks:
        raise DumpError(f"{name}: no papers found (expected title and abstract lines of a Daily Papers page)")
    return result


def parse_file(path: Path) -> ParseResult:
    """Read and parse one dump file as a stream; the source recorded on its papers is the
    file name."""
    with open_dump(path) as stream:
        return parse_stream(stream, str(path), path.name)
