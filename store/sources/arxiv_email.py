"""arXiv listing emails (the daily "new submissions" mailing of a subject) -> Papers.

The layout, as arXiv sends it: a header of rules and "received from … to …"; then one entry
per paper, entries separated by a rule of dashes:

    \\\\
    arXiv:2401.00007 (*cross-listing*)
    Date: Fri, 29 Dec 2023 18:04:11 GMT   (25kb)

    Title: A title that may continue
      on indented lines
    Authors: Ada Lovelace, Alan Turing and Grace Hopper
    Categories: cs.LG cs.AI
    Comments: 12 pages
    \\\\
      The abstract, hard-wrapped, paragraphs indented.
    \\\\ ( https://arxiv.org/abs/2401.00007 ,  25kb)

New submissions come first, then cross-listings, then replacements (`replaced with revised
version <date>` instead of `Date:`, and no abstract), sections parted by `%-%-…` / `%%--…`
rules. A saved message (headers, quoted-printable or base64 body, an mbox of several) is read
through the stdlib `email` package. A damaged entry is skipped with a warning naming its line.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from paperdeck.store.dates import MONTHS, iso_day
from paperdeck.store.errors import SourceError
from paperdeck.store.models import Paper, Source
from paperdeck.store.sources.fields import (
    MAX_ABSTRACT,
    MAX_AUTHORS,
    MAX_NAME,
    MAX_NOTE,
    MAX_TITLE,
    SourceResult,
    arxiv_id,
    categories,
    names_field,
    note_cuts,
    paper_links,
    shown,
    starts_like_mail,
    text_field,
)
from paperdeck.store.text import slugify

SOURCE_NAME = "arxiv-email"
FORMAT = "arxiv_email"
_ENTRY_START = re.compile(r"^(?:arXiv:\s*(\S+)|Paper:\s*(\S+))\s*(\(\*cross-listing\*\))?")
_CROSS_PAPER = re.compile(r"^Paper \(\*cross-listing\*\):\s*(\S+)")  # the pre-2007 form
_FIELD = re.compile(r"^([A-Za-z][A-Za-z-]*)(?: \(revised [^)]*\))?:\s*(.*)$")
_END = re.compile(r"^\\\\\s*\(\s*https?://\S+\s*,.*\)\s*$")  # \\ ( https://arxiv.org/abs/… ,  25kb)
_REPLACED = re.compile(r"^replaced with revised version\s+(.*?)\s*(?:\(\d+kb[^)]*\))?\s*$", re.IGNORECASE)
_SIZE = re.compile(r"\s*\(\d+kb[^)]*\)\s*$")
_RULE = re.compile(r"^(?:-{20,}|%-%-%-|%%--%%--|%%%---%%%---)")
_RECEIVED = re.compile(r"received from\s.*?\bto\s+\w{3}\s+(\d{1,2})\s+(\w{3})\s+(\d{2,4})", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_KNOWN = {"title", "authors", "author", "categories", "comments", "journal-ref", "doi", "report-no", "license"}


@dataclass(slots=True)
class _Entry:
    """One entry's raw lines, as read."""

    line: int
    raw_id: str
    cross: bool
    fields: dict[str, str] = field(default_factory=dict)
    date: str | None = None
    replaced: str | None = None
    abstract: list[str] = field(default_factory=list)
    ended: bool = False  # its closing `\\ ( url , size)` line was seen


def parse_email(data: bytes | str, name: str) -> SourceResult:
    """Papers from an arXiv listing email (its text, or the saved message with headers).
    Raises SourceError when it holds no listing entry at all."""
    result = SourceResult(name, FORMAT)
    found = 0
    for text, mail_day in message_texts(data):
        entries = _entries(text, name, result)
        found += len(entries)
        day = _received_day(text) or mail_day
        for entry in entries:
            paper = _paper(entry, day, name, result)
            if paper is not None:
                result.papers.append(paper)
    if not found:
        raise SourceError(f"{name}: no arXiv listing entries found (expected `arXiv:` lines between `\\\\` lines)")
    return result.finish()


def message_texts(data: bytes | str) -> list[tuple[str, str | None]]:
    """The listing text of each message in `data` with the message's own date (ISO), if any:
    one plain text, one saved message, or an mbox of several."""
    if isinstance(data, str):
        if not starts_like_mail(data.encode("utf-8", "replace")[:200]):
            return [(data.removeprefix("\ufeff"), None)]
        data = data.encode("utf-8", "replace")
    data = data.removeprefix(b"\xef\xbb\xbf")
    if not starts_like_mail(data):
        return [(data.decode("utf-8", "replace"), None)]
    chunks = re.split(rb"(?m)^From \S.*\r?\n", data) if data.startswith(b"From ") else [data]
    texts: list[tuple[str, str | None]] = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        message = email.message_from_bytes(chunk, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",)) if message.is_multipart() else message
        body: object = ""
        if part is not None:
            try:
                body = part.get_content()
            except (LookupError, ValueError):  # an unknown charset or a broken transfer encoding
                payload = part.get_payload(decode=True)
                body = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        texts.append((body if isinstance(body, str) else "", _mail_day(message.get("Date"))))
    return texts


def _mail_day(value: object) -> str | None:
    """An e-mail date (`Fri, 29 Dec 2023 18:04:11 GMT`) -> `2023-12-29`; None when it is none."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value).strip()).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _received_day(text: str) -> str | None:
    """The mailing's day: the end of its "received from … to Thu 12 Feb 26 …" range."""
    match = _RECEIVED.search(text, 0, 20_000)
    if match is None or match.group(2).lower() not in MONTHS:
        return None
    year = int(match.group(3))
    if year < 100:  # `26` is 2026; arXiv began in 1991, so `99` is 1999
        year += 1900 if year >= 90 else 2000
    return iso_day(f"{year:04d}-{MONTHS[match.group(2).lower()]:02d}-{int(match.group(1)):02d}")


def _entries(text: str, name: str, result: SourceResult) -> list[_Entry]:
    """The entries of one listing, in order. An entry lasts from its `arXiv:` line to its
    closing `\\\\ ( url , size)` line; a rule or the next `arXiv:` line also ends it."""
    entries: list[_Entry] = []
    entry: _Entry | None = None
    in_abstract = False
    current: str | None = None  # the field that indented lines continue
    previous = ""
    for number, line in enumerate(text.splitlines(), start=1):
        start = _ENTRY_START.match(line) or _CROSS_PAPER.match(line)
        # Inside an abstract a line may begin with `arXiv:` too; there only `\\` before it
        # makes it the next entry (one whose closing line and rule were lost).
        after_backslashes, previous = previous == "\\\\", line.strip()
        if start and (entry is None or entry.ended or not in_abstract or after_backslashes):
            if entry is not None and not entry.ended:
                result.warn(f"{name}:{entry.line}: arXiv:{entry.raw_id} has no closing line (cut off?)")
            groups = [group for group in start.groups() if group]
            entry = _Entry(number, groups[0][:100], "cross-listing" in line)
            entries.append(entry)
            in_abstract, current = False, None
            continue
        if entry is None or entry.ended:
            continue
        if _END.match(line):
            entry.ended = True
        elif _RULE.match(line):
            entry.ended = True
            if not in_abstract and not entry.replaced:
                result.warn(f"{name}:{entry.line}: arXiv:{entry.raw_id} ends before its abstract")
        elif in_abstract:
            if line.strip() != "\\\\":
                entry.abstract.append(line)
        elif line.strip() == "\\\\":
            in_abstract = True
        elif replaced := _REPLACED.match(line):
            entry.replaced = replaced.group(1)
        elif (found := _FIELD.match(line)) and found.group(1).lower() in (*_KNOWN, "date"):
            key = found.group(1).lower()
            if key == "date":
                if entry.date is None and "(revised" not in line:
                    entry.date = _SIZE.sub("", found.group(2))
                current = None
            else:
                current = "authors" if key == "author" else key
                entry.fields[current] = found.group(2)
        elif line[:1] in (" ", "\t") and current is not None and line.strip():
            entry.fields[current] += " " + line.strip()
        else:
            current = None  # a blank line or a field we do not keep (Proxy, MSC-class, …)
    if entry is not None and not entry.ended:
        result.warn(f"{name}:{entry.line}: arXiv:{entry.raw_id} has no closing line (cut off?)")
    return entries


def _paper(entry: _Entry, day: str | None, name: str, result: SourceResult) -> Paper | None:
    """One entry -> a Paper, or None with a warning when its id, title or abstract is missing
    (replacements carry no abstract: they are kept without one)."""
    found_id = arxiv_id(entry.raw_id)
    label = f"{name}:{entry.line}: arXiv:{found_id or shown(entry.raw_id, 40)}"
    cut: list[str] = []
    fields = entry.fields
    title = text_field(fields.get("title"), MAX_TITLE, "title", cut)
    abstract = text_field("\n".join(entry.abstract), MAX_ABSTRACT, "abstract", cut, multiline=True) or ""
    missing = [what for what, value in (("arXiv id", found_id), ("title", title)) if not value]
    if not abstract and not entry.replaced:
        missing.append("abstract")
    if missing:
        result.warn(f"{label}: no usable {', '.join(missing)}, skipped")
        return None
    assert found_id and title
    extra: dict[str, str] = {"listing": "replaced" if entry.replaced else "cross-list" if entry.cross else "new"}
    for key, cap in (("comments", MAX_NOTE), ("journal-ref", MAX_NOTE), ("report-no", MAX_NAME), ("license", MAX_NAME)):
        value = text_field(fields.get(key), cap, key, cut)
        if value:
            extra[key.replace("-", "_")] = value
    doi = _DOI.search(fields.get("doi", ""))
    if doi:
        extra["doi"] = doi.group(0)
    revised = _mail_day(entry.replaced)
    if revised:
        extra["revised"] = revised
    authors = names_field(split_authors(fields.get("authors", "")), MAX_AUTHORS, MAX_NAME, "authors", cut)
    paper = Paper(
        id=slugify(title),
        title=title,
        abstract=abstract,
        links=paper_links((), abstract, label, result),
        authors_count=len(authors) or None,
        # A replacement's date is the new version's; the first version's is not in the mail.
        published=None if entry.replaced else _mail_day(entry.date),
        sources=[Source(SOURCE_NAME, day)],
        arxiv_id=found_id,
        authors=authors,
        extra=extra,
        categories=categories(fields.get("categories", "").split()),
    )
    note_cuts(cut, label, result)
    return paper


def split_authors(text: str) -> list[str]:
    """`A. One (MIT), B. Two and C. Three ((1) X, (2) Y)` -> the names: parenthesized
    affiliations dropped, split at commas and `and`."""
    if len(text) > 200_000:
        text = text[:200_000]
    kept: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif not depth:
            kept.append(char)
    return [name.strip() for name in _AUTHOR_SPLIT.split("".join(kept)) if name.strip()]
