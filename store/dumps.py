"""Hugging Face Daily Papers page dumps -> paper blocks, with warnings that carry line numbers.

Three layouts are read by one state machine: compact (title line, abstract line), blank-line
separated with a page date, and with per-paper metadata (`• 9 authors`, `·`, `Feb 27 4`).
Blank lines carry no meaning, so all three reduce to: chrome, page date, title, abstract,
metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from store.errors import DumpError
from store.links import find_links
from store.models import Paper, Source
from store.text import clean_text, slugify

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
        return Paper(
            id=slugify(self.title),
            title=self.title,
            abstract=self.abstract,
            links=find_links(self.abstract),
            authors_count=self.authors_count,
            published=self.published,
            upvotes=self.upvotes,
            sources=[Source(self.source, self.page_date)],
            added=added,
        )


@dataclass(slots=True)
class ParseResult:
    """The blocks of one dump and the warnings about blocks that were skipped."""

    name: str
    blocks: list[PaperBlock] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _tokens(text: str) -> list[tuple[int, str, str]]:
    """Classify the non-blank lines: (line number, kind, cleaned text)."""
    tokens: list[tuple[int, str, str]] = []
    # splitlines() knows CRLF, CR and LF, and also \x0b, \x0c, \x1c..; all are line ends here.
    for number, raw in enumerate(text.splitlines(), start=1):
        line = clean_text(raw)
        if not line:
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
        tokens.append((number, kind, line))
    return tokens


def parse_text(text: str, name: str, source: str | None = None) -> ParseResult:
    """Parse one dump's text; `name` is used in messages, `source` (default: `name`) is
    recorded on the papers. Raises DumpError when the file as a whole is unusable (no paper
    at all, or a title at the end with no abstract: likely a truncated file)."""
    result = ParseResult(name)
    text = text.removeprefix("\ufeff")
    tokens = _tokens(text)
    page_date: str | None = None
    pending: tuple[int, str] | None = None  # a title waiting for its abstract
    current: PaperBlock | None = None  # the last complete block, which metadata attaches to
    previous_kind = "start"
    for index, (number, kind, line) in enumerate(tokens):
        if kind == "text" and not result.blocks and pending is None:
            line = _GLUED_SUBSCRIBE.sub("", line)
        if kind == "chrome":
            pass
        elif kind == "date" and previous_kind in ("start", "chrome"):
            page_date = line
        elif kind in ("authors", "dot", "date"):
            if pending is not None:
                result.warnings.append(f"{name}:{pending[0]}: title with no abstract, skipped")
                pending = None
                current = None
            if current is None:
                result.warnings.append(f"{name}:{number}: metadata line {line!r} with no paper before it, ignored")
            elif kind == "authors":
                current.authors_count = int(_AUTHORS.match(line).group(1))  # type: ignore[union-attr]
            elif kind == "date":
                date = _DATE.match(line)
                assert date is not None
                current.published = date.group(1)
                current.upvotes = int(date.group(2)) if date.group(2) else None
        elif pending is None:
            if len(line) >= ABSTRACT_MIN * 2:
                result.warnings.append(f"{name}:{number}: text with no title before it, skipped")
            else:
                pending = (number, line)
        elif len(line) < ABSTRACT_MIN and _next_text_is_long(tokens, index):
            result.warnings.append(f"{name}:{pending[0]}: title with no abstract, skipped")
            pending = (number, line)
        else:
            current = PaperBlock(pending[1], line, pending[0], source or name, page_date)
            result.blocks.append(current)
            pending = None
        previous_kind = kind
    if pending is not None:
        raise DumpError(f"{name}:{pending[0]}: title at end of file has no abstract (truncated file?)")
    if not result.blocks:
        raise DumpError(f"{name}: no papers found (expected title and abstract lines of a Daily Papers page)")
    return result


def _next_text_is_long(tokens: list[tuple[int, str, str]], index: int) -> bool:
    for _, kind, line in tokens[index + 1 :]:
        if kind == "text":
            return len(line) >= ABSTRACT_MIN
        if kind in ("authors", "dot", "date"):
            return False
    return False


def decode_dump(data: bytes, name: str) -> str:
    """Bytes of a dump -> text; DumpError for empty, binary or non-UTF-8 input."""
    if not data.strip():
        raise DumpError(f"{name}: file is empty (expected a Daily Papers page dump)")
    if b"\x00" in data:
        raise DumpError(f"{name}: binary file (NUL bytes), expected UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DumpError(
            f"{name}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x}); save the page as UTF-8"
        ) from None


def read_dump(path: Path) -> str:
    """Read a dump file as text, turning every way it can fail into one DumpError line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DumpError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DumpError(f"{path}: is a directory, expected a page dump file") from None
    except OSError as error:
        raise DumpError(f"{path}: cannot read ({error.strerror})") from None
    return decode_dump(data, str(path))


def parse_file(path: Path) -> ParseResult:
    """Read and parse one dump file; the source name recorded on its papers is the file name."""
    return parse_text(read_dump(path), str(path), path.name)


def load_papers(paths: Iterable[Path]) -> list[Paper]:
    """Parse dumps and merge them into unique papers (first seen first), without a library."""
    papers: dict[str, Paper] = {}
    for path in paths:
        for block in parse_file(Path(path)).blocks:
            paper = block.to_paper()
            if paper.id in papers:
                papers[paper.id].merge(paper)
            else:
                papers[paper.id] = paper
    return list(papers.values())
