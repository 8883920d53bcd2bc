"""What every source shares: the result it returns, the caps on sizes, and the helpers that
turn one value from outside into a clean field or nothing — text, counts, arXiv ids, links.

Every value is treated as possibly missing or of the wrong type: a helper given something it
cannot use returns None (or an empty list), never raises. Text goes through store.clean (via
`clean_text`), so no control character or escape sequence leaves a source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from paperdeck.store.arxiv_ids import arxiv_id as arxiv_id  # the sources take it from here
from paperdeck.store.capped_warnings import CappedWarnings
from paperdeck.store.clean import clean_block
from paperdeck.store.links import find_links, is_safe_url
from paperdeck.store.models import Link, Paper
from paperdeck.store.text import clean_text

# Caps on what one paper may bring in. Real values stay far below them (the longest arXiv
# titles run ~300 characters, abstracts ~2,000 [arXiv allows 1,920], collaborations list
# ~3,000 authors but HF shows fewer); past them a value is junk or an attack on memory.
MAX_TITLE = 1_000
MAX_ABSTRACT = 20_000
MAX_AUTHORS = 2_000
MAX_NAME = 300  # one author's name, an organization, a category
MAX_KEYWORDS = 100
MAX_KEYWORD = 200
MAX_NOTE = 2_000  # an AI summary, an arXiv comment, a journal reference
MAX_URL = 2_000
MAX_LINKS = 50  # links found in one abstract
MAX_CATEGORIES = 20
MAX_COUNT = 1_000_000_000  # upvotes, comments, stars: anything larger is not a count
# Text is cleaned before it is measured; a raw value this many times its cap is cut first, so
# a 100 MB "title" costs no more than a long one.
_RAW_FACTOR = 4


@dataclass(slots=True)
class SourceResult(CappedWarnings):
    """The papers read from one input and the warnings about what was skipped, cut or dropped
    (`Library.add_papers` takes the papers)."""

    name: str
    format: str
    papers: list[Paper] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0


def text_field(value: object, cap: int, what: str, cut: list[str], multiline: bool = False) -> str | None:
    """A text field from outside, cleaned (escape sequences and controls removed, LaTeX accents
    made letters, white space folded; hard wraps undone, paragraphs kept when `multiline`), or
    None when `value` is not a string or nothing is left. Longer than `cap` characters it is
    cut, and `what` is added to `cut` so the caller can say so."""
    if not isinstance(value, str):
        return None
    if len(value) > cap * _RAW_FACTOR:
        value = value[: cap * _RAW_FACTOR]
        cut.append(what)
    if multiline:
        text = unwrap(value)
    elif _OTHER_CONTROL.search(value) is None:
        # Only line breaks and tabs (arXiv's hard-wrapped titles): spaces instead, which
        # clean_text folds on its fast path (clean_line's regexes were a third of the time).
        text = clean_text(value.replace("\n", " ").replace("\r", " ").replace("\t", " "))
    else:
        text = clean_text(value)
    if len(text) > cap:
        text = text[: cap - 1].rstrip() + "…"
        if what not in cut:
            cut.append(what)
    return text or None


# arXiv's abstracts (and the API's copies of them) are hard-wrapped at ~80 columns; a new
# paragraph starts on an indented line (or after a blank one).
_PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+|\n[ \t]+(?=\S)")
_OTHER_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # every control but \t \n \r


def unwrap(text: str) -> str:
    """Multi-line text with its hard wraps undone: each paragraph one cleaned line, paragraphs
    separated by one newline."""
    if "\n" not in text and "\r" not in text:
        return clean_text(text)
    if _OTHER_CONTROL.search(text) is not None:
        text = clean_block(text)  # escape sequences go whole before the lines are split
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = (clean_text(paragraph.replace("\n", " ")) for paragraph in _PARAGRAPH_BREAK.split(text))
    return "\n".join(paragraph for paragraph in paragraphs if paragraph)


def names_field(values: Iterable[object], cap: int, item_cap: int, what: str, cut: list[str]) -> list[str]:
    """Distinct cleaned one-line strings (author names, keywords, categories) in order; values
    that are not strings are skipped, at most `cap` are kept."""
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        name = text_field(value, item_cap, what, cut)
        if name and name not in seen:
            if len(names) == cap:
                cut.append(what)
                break
            seen.add(name)
            names.append(name)
    return names


def count_field(value: object) -> int | None:
    """A count (upvotes, comments, stars): a non-negative int, also given as an integral float
    or a string of digits; None for anything else (a bool, NaN, a negative or absurd number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() else None  # NaN and infinities are not integers
    elif isinstance(value, str):
        digits = value.strip()
        value = int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 10 else None
    if isinstance(value, int) and 0 <= value <= MAX_COUNT:
        return value
    return None


# `cs.LG`, `q-bio.QM`, `hep-th`, `physics.comp-ph`, `cond-mat.stat-mech`, `nlin.CD`.
_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]{2,8}(?:-[A-Za-z]{2,8})?)?", re.ASCII)


def categories(words: Iterable[object]) -> list[str]:
    """arXiv categories in order, primary first, without duplicates; anything not of their
    shape is dropped, at most MAX_CATEGORIES are kept."""
    found: list[str] = []
    for word in words:
        if isinstance(word, str) and len(word) <= 40 and _CATEGORY.fullmatch(word) and word not in found:
            found.append(word)
            if len(found) == MAX_CATEGORIES:
                break
    return found


_MAIL_START = re.compile(rb"^(?:From |[A-Za-z][A-Za-z0-9-]*:[ \t])")


def starts_like_mail(data: bytes) -> bool:
    """True when `data` starts as a saved mail message: an mbox `From ` line or a header."""
    return _MAIL_START.match(data) is not None


def shown(value: object, length: int = 80) -> str:
    """A value as a warning may quote it: repr escapes every control and invisible character,
    so a warning is as safe to print as the fields are."""
    text = value if isinstance(value, str) else type(value).__name__
    return repr(text[:length] + ("…" if len(text) > length else ""))


def checked_link(value: object, kind: str, what: str, label: str, result: SourceResult) -> Link | None:
    """A link a source gives (a GitHub repo, a project page) when it is a plain http(s) URL;
    anything else is dropped with a warning naming the paper. None also when it is missing."""
    if value is None or value == "":
        return None
    url = value.strip() if isinstance(value, str) else None
    if url is None or len(url) > MAX_URL or not is_safe_url(url):
        result.warn(f"{label}: {what} {shown(value)} dropped (not a plain http(s) link)")
        return None
    return Link(url, kind)


def paper_links(given: Iterable[Link | None], abstract: str, label: str, result: SourceResult) -> list[Link]:
    """The links a paper keeps: those given (already checked), then those found in its abstract
    that are safe, without duplicates and at most MAX_LINKS from the abstract."""
    links: list[Link] = []
    seen: set[str] = set()
    for link in given:
        if link is not None and link.url not in seen:
            seen.add(link.url)
            links.append(link)
    found = find_links(abstract) if abstract else []
    for link in found[:MAX_LINKS]:
        if link.url in seen:
            continue
        if len(link.url) > MAX_URL or not is_safe_url(link.url):
            result.warn(f"{label}: link {shown(link.url)} in the abstract dropped (not a plain http(s) link)")
            continue
        seen.add(link.url)
        links.append(link)
    return links


def note_cuts(cut: list[str], label: str, result: SourceResult) -> None:
    """One warning naming the fields of a paper that were cut to their caps."""
    if cut:
        result.warn(f"{label}: {', '.join(dict.fromkeys(cut))} cut to size")
