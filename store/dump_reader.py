"""Page dumps read as a stream of numbered text lines, so a 200 MB file is never in memory
whole: bytes arrive in chunks, are decoded incrementally and split the way str.splitlines
splits (LF, CRLF, CR and the other Unicode line ends). Empty, binary (NUL) and non-UTF-8
input becomes one DumpError naming the file and, where it applies, the line.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from paperdeck.store.errors import DumpError

CHUNK_BYTES = 1 << 20  # 1 MiB: big enough to keep per-chunk overhead negligible
LINE_ENDS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on


def read_chunks(stream: BinaryIO) -> Iterator[bytes]:
    """The stream's bytes, a chunk at a time."""
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


def iter_lines(chunks: Iterable[bytes], name: str) -> Iterator[tuple[int, str]]:
    """(line number, line without its line end) for every line of the input."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    number = 0
    carry = ""  # an unfinished last line, completed by the next chunk
    has_text = False
    for chunk in chunks:
        if b"\x00" in chunk:
            line = number + 1 + chunk[: chunk.index(b"\x00")].count(b"\n")
            raise DumpError(f"{name}:{line}: binary file (NUL bytes), expected UTF-8 text")
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as error:
            line = number + 1 + chunk[: max(0, error.start)].count(b"\n")
            raise DumpError(_not_utf8(name, line, f"byte 0x{chunk[max(0, error.start)]:02x}")) from None
        if number == 0 and not carry:
            text = text.removeprefix("\ufeff")
        has_text = has_text or (bool(text) and not text.isspace())
        pieces = (carry + text).splitlines(keepends=True)
        carry = ""
        # The last piece has no line end yet, or ends in CR that may be half of a CRLF.
        if pieces and (pieces[-1].endswith("\r") or pieces[-1] == pieces[-1].rstrip(LINE_ENDS)):
            carry = pieces.pop()
        for piece in pieces:
            number += 1
            yield number, piece.rstrip(LINE_ENDS)
    try:
        rest = carry + decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise DumpError(_not_utf8(name, number + 1, "a character cut off at the end")) from None
    for piece in rest.splitlines():
        number += 1
        yield number, piece
    if not has_text:
        raise DumpError(f"{name}: file is empty (expected a Daily Papers page dump)")


def _not_utf8(name: str, line: int, what: str) -> str:
    return f"{name}:{line}: not UTF-8 text ({what}); save the page as UTF-8"


def open_dump(path: Path) -> BinaryIO:
    """Open a dump file for reading, turning every way that fails into one DumpError line."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise DumpError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DumpError(f"{path}: is a directory, expected a page dump file") from None
    except OSError as error:
        raise DumpError(f"{path}: cannot read ({error.strerror})") from None
