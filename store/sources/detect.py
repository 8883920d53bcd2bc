"""Read a file of any format paperdeck knows, told apart by its content (never its name):
Daily Papers JSON from the Hugging Face API, an arXiv listing email, an arXiv API Atom feed,
or a Daily Papers page dump. Anything else is one SourceError line listing those formats.
"""

from __future__ import annotations

import io
import re
from typing import BinaryIO, cast

from paperdeck.store.dumps import parse_stream
from paperdeck.store.errors import DumpError, SourceError
from paperdeck.store.sources.fields import SourceResult, starts_like_mail
from paperdeck.store.sources.hf_api import decode_json, is_paper_object

FORMATS = (
    "Daily Papers JSON (as the Hugging Face API answers), arXiv listing emails, arXiv API Atom feeds, "
    "and Daily Papers pages saved as text"
)
DAILY_PAPERS, ARXIV_EMAIL, ARXIV_ATOM, PAGE_DUMP = "daily_papers", "arxiv_email", "arxiv_atom", "page_dump"
HEAD_BYTES = 64 * 1024  # what detection looks at; a page dump is then read on as a stream
_LISTING_ENTRY = re.compile(rb"^\\\\[ \t]*\r?\n(?:arXiv:|Paper(?: \(\*cross-listing\*\))?:)", re.MULTILINE)
_FROM_ARXIV = re.compile(rb"^(?:From|Reply-To|Sender):[^\n]*arxiv\.org", re.MULTILINE | re.IGNORECASE)
_ATOM_ROOT = re.compile(rb"<feed[\s>][^>]*?http://www\.w3\.org/2005/Atom|<feed\s+xmlns=", re.IGNORECASE)
_WHITE = b" \t\r\n\xef\xbb\xbf"  # leading white space and a UTF-8 byte order mark


def detect_format(head: bytes) -> str | None:
    """The format a file's first bytes show, by the cheap signs of each (JSON is confirmed
    by parsing it in `parse_any`); None for HTML, which no reader takes."""
    start = head.lstrip(_WHITE)[:256].lower()
    if start[:1] in (b"[", b"{"):
        return DAILY_PAPERS
    if start.startswith((b"<!doctype html", b"<html")):
        return None
    if start.startswith((b"<?xml", b"<feed")) and _ATOM_ROOT.search(head, 0, 8192):
        return ARXIV_ATOM
    if _LISTING_ENTRY.search(head) or (starts_like_mail(head) and _FROM_ARXIV.search(head)):
        return ARXIV_EMAIL
    return PAGE_DUMP


def parse_any(
    data: bytes | BinaryIO, name: str, source: str | None = None, requested_day: str | None = None
) -> SourceResult:
    """Papers and warnings from a file of any known format: `data` is its bytes or a binary
    stream (stdin); `name` names it in messages; `source` is what a page dump's papers record
    as their source (default `name`); `requested_day` is the list day of Daily Papers items
    that carry none. Raises SourceError (DumpError for a dump) when nothing can be read."""
    head = data[:HEAD_BYTES] if isinstance(data, bytes) else data.read(HEAD_BYTES)
    kind = detect_format(head)
    if kind == DAILY_PAPERS:
        whole = data if isinstance(data, bytes) else head + data.read()
        decoded = _json(whole, name)
        if decoded is not None:
            return _daily_papers(decoded, name, requested_day)
        kind = PAGE_DUMP  # `[` or `{` opening text that is no JSON: a dump whose first title has one
    if kind == ARXIV_ATOM:
        from paperdeck.store.sources.arxiv_atom import parse_atom

        return parse_atom(data if isinstance(data, bytes) else head + data.read(), name)
    if kind == ARXIV_EMAIL:
        from paperdeck.store.sources.arxiv_email import parse_email

        return parse_email(data if isinstance(data, bytes) else head + data.read(), name)
    if kind is None:
        raise SourceError(f"{name}: an HTML page, not a format paperdeck reads; it reads {FORMATS}")
    stream = io.BytesIO(data) if isinstance(data, bytes) else _Rejoined(head, data)
    try:
        parsed = parse_stream(cast(BinaryIO, stream), name, source)
    except DumpError as error:
        raise DumpError(f"{error}; paperdeck reads {FORMATS}") from None
    return SourceResult(name, PAGE_DUMP, parsed.to_papers(), parsed.warnings, parsed.warning_count)


def _json(data: bytes, name: str) -> object | None:
    """The decoded JSON, or None when `data` is not JSON; SourceError for JSON nested deeper
    than any Daily Papers answer (a dump would not open with hundreds of brackets)."""
    try:
        return decode_json(data.removeprefix(b"\xef\xbb\xbf"))
    except ValueError as error:
        if "nested too deeply" in str(error):
            raise SourceError(f"{name}: JSON nested too deeply to be Daily Papers") from None
        return None


def _daily_papers(decoded: object, name: str, requested_day: str | None) -> SourceResult:
    """A decoded Daily Papers answer checked for its shape, then parsed."""
    from paperdeck.store.sources.hf_api import parse_items

    if not looks_like_daily_papers(decoded):
        raise SourceError(
            f"{name}: JSON, but not Daily Papers (expected a list of items with a `paper`, or one paper object)"
        )
    return parse_items(decoded, requested_day, name)


def looks_like_daily_papers(value: object) -> bool:
    """True for a Daily Papers answer: an empty list (a day without papers), a list holding
    items (`{paper: …}`) or paper objects, or one of those alone."""
    if isinstance(value, list):
        return not value or any(looks_like_daily_papers(item) for item in value[:50] if isinstance(item, dict))
    return isinstance(value, dict) and (isinstance(value.get("paper"), dict) or is_paper_object(value))


class _Rejoined:
    """A stream whose first bytes were already read for detection, given back whole."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        """The held bytes first, then the rest of the stream."""
        if self._head:
            chunk, self._head = self._head, b""
            return chunk
        return self._rest.read(size)
