"""The query language of the filter bar and `paperdeck list`: free words, "phrases", filters,
`like:` references and `@saved` searches.

Parsing never raises: a malformed filter is dropped and explained in `Query.warnings`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from paperdeck.store.dates import days_of
from paperdeck.store.text import normalize_tag, words_of

if TYPE_CHECKING:
    from paperdeck.store.models import Marks

IS_FLAGS = ("starred", "read", "unread", "new")
HAS_FLAGS = ("code", "project", "data", "link", "summary", "arxiv", "note")
KEYS = ("tag", "is", "has", "upvotes", "year", "date", "author", "like")
_TOKEN = re.compile(r'(-?)"([^"]*)("?)|(\S+)')
_COMPARISON = re.compile(r"^(>=|<=|>|<|=)?(\d+)$")
_DATE = re.compile(r"^(>=|<=|>|<|=)?(.+)$")
_SAVED = re.compile(r"(?<!\S)@([\w.-]+)")
SAVED_DEPTH = 8  # saved searches naming saved searches: deeper than this is a loop


@dataclass(slots=True, frozen=True)
class Comparison:
    """`>=10` and friends, for numeric filters."""

    op: str
    value: int

    def holds(self, number: object) -> bool:
        """False for a paper without the number at all."""
        if not isinstance(number, int):
            return False
        return {
            ">=": number >= self.value,
            "<=": number <= self.value,
            ">": number > self.value,
            "<": number < self.value,
            "=": number == self.value,
        }[self.op]


@dataclass(slots=True, frozen=True)
class DateRange:
    """`date:2026-08`, `date:>=2026-08-01`, `date:<2026-W34`: a comparison with a period
    (a day, an ISO week or a month: `first` to `last`, ISO days, which compare as text)."""

    op: str
    first: str
    last: str

    def holds(self, day: object) -> bool:
        """Whether an ISO day is inside (`=`), from (`>=`), after (`>`), before (`<`) or up to
        (`<=`) the period."""
        if not isinstance(day, str):
            return False
        return {
            "=": self.first <= day <= self.last,
            ">=": day >= self.first,
            ">": day > self.last,
            "<": day < self.first,
            "<=": day <= self.last,
        }[self.op]


@dataclass(slots=True)
class Query:
    """A parsed query. `words` are fuzzy; the last one is a prefix while `typing` is True
    (and `author_typing`, for the last author word, when an `author:` ends the text)."""

    text: str = ""
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    not_tags: list[str] = field(default_factory=list)
    is_flags: dict[str, bool] = field(default_factory=dict)  # flag -> wanted (False for -is:)
    has_flags: dict[str, bool] = field(default_factory=dict)
    upvotes: Comparison | None = None
    year: Comparison | None = None
    dates: list[DateRange] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)  # words every author match needs
    author_typing: bool = False
    like: list[str] = field(default_factory=list)  # paper references, as typed
    typing: bool = True
    warnings: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        """True when free words or phrases rank the result."""
        return bool(self.words or self.phrases)

    @property
    def needs_index(self) -> bool:
        """True when answering needs the search index (text, authors or `like:`); a query
        without is answered by `filter_papers` from the catalog and marks alone."""
        return bool(self.words or self.phrases or self.authors or self.like)

    @property
    def within_marks(self) -> bool:
        """True when every paper matching must have marks (a star, read, a tag or a note), so
        only the marked papers need looking at (`list is:starred` at 100,000 papers)."""
        return bool(
            self.tags or self.is_flags.get("starred") or self.is_flags.get("read") or self.has_flags.get("note")
        )

    @property
    def reads_marks(self) -> bool:
        """True when a change of marks can change what matches: a filter on tags, star, read
        state or notes (words match notes too: see `has_text`)."""
        return bool(
            self.tags
            or self.not_tags
            or "note" in self.has_flags
            or any(flag in self.is_flags for flag in ("starred", "read", "unread"))
        )

    def admits(self, marks: Marks) -> bool:
        """False when a paper with these marks cannot match (a wanted tag, star, read or
        note missing): `list is:starred` makes only the papers that can."""
        return (
            all(tag in marks.tags for tag in self.tags)
            and (marks.starred or not self.is_flags.get("starred"))
            and (marks.read or not self.is_flags.get("read"))
            and (bool(marks.note) or not self.has_flags.get("note"))
        )

    @property
    def highlight_terms(self) -> list[str]:
        """The typed words and phrases, for highlighting."""
        return [*self.words, *self.phrases]


def parse_query(text: str, saved: Mapping[str, str] | None = None) -> Query:
    """Parse the query language; see the README for the forms. `saved` names saved searches
    that `@NAME` expands to. Never raises."""
    warnings: list[str] = []
    expanded = expand_saved(text, saved or {}, warnings)
    typing = not text.endswith((" ", '"')) and _SAVED.search(text.rsplit(None, 1)[-1] if text.strip() else "") is None
    query = Query(text=text, typing=typing, warnings=warnings)
    tokens = list(_TOKEN.finditer(expanded))
    for number, match in enumerate(tokens):
        negated, phrase, closed, token = match.groups()
        if phrase is not None:
            phrase_words = words_of(phrase)
            if negated or not phrase_words:
                continue
            if closed and len(phrase_words) > 1:
                query.phrases.append(" ".join(phrase_words))
            else:
                # Until the closing quote is typed the phrase filters as plain words: cheap per keystroke.
                query.words.extend(phrase_words)
            continue
        _parse_token(token, query, last=number == len(tokens) - 1)
    return query


def expand_saved(text: str, saved: Mapping[str, str], warnings: list[str]) -> str:
    """`text` with every `@NAME` replaced by the saved search of that name (recursively); a
    name that is unknown or refers back to itself is dropped with a warning."""

    def replace(match: re.Match[str], seen: tuple[str, ...]) -> str:
        name = match.group(1).lower()
        if name in seen or len(seen) >= SAVED_DEPTH:
            warnings.append(f"@{name}: a saved search that refers to itself; left out")
            return " "
        body = saved.get(name)
        if body is None:
            warnings.append(f"@{name}: no saved search of that name")
            return " "
        return " " + _SAVED.sub(lambda inner: replace(inner, (*seen, name)), body) + " "

    return _SAVED.sub(lambda match: replace(match, ()), text) if "@" in text else text


def _parse_token(token: str, query: Query, last: bool) -> None:
    negated = token.startswith("-") and len(token) > 1
    body = token[1:] if negated else token
    if body.startswith("#"):
        body = "tag:" + body[1:]
    key, colon, value = body.partition(":")
    key = key.lower()
    if not colon or key not in KEYS:
        query.words.extend(words_of(token))
        return
    if negated and key in ("date", "author", "like"):
        query.warnings.append(f"{token!r}: {key}: cannot be negated")
    elif key == "tag":
        tag = normalize_tag(value)
        if not tag:
            query.warnings.append(f"{token!r}: tag needs a name, e.g. tag:to-read")
        else:
            (query.not_tags if negated else query.tags).append(tag)
    elif key == "is":
        flag = value.lower()
        if flag not in IS_FLAGS:
            query.warnings.append(f"{token!r}: is: takes {', '.join(IS_FLAGS)}")
        elif flag == "unread":
            query.is_flags["read"] = negated
        else:
            query.is_flags[flag] = not negated
    elif key == "has":
        flag = value.lower()
        if flag not in HAS_FLAGS:
            query.warnings.append(f"{token!r}: has: takes {', '.join(HAS_FLAGS)}")
        else:
            query.has_flags[flag] = not negated
    elif key == "date":
        _parse_date(token, value, query)
    elif key == "author":
        names = words_of(value)
        if not names:
            query.warnings.append(f"{token!r}: author needs a name, e.g. author:hinton")
        query.authors.extend(names)
        query.author_typing = bool(names) and last and query.typing
    elif key == "like":
        if not value.strip():
            query.warnings.append(f"{token!r}: like needs a paper id, id prefix or arXiv id")
        else:
            query.like.append(value.strip().lower())
    else:
        comparison = _COMPARISON.match(value.replace(" ", ""))
        if comparison is None or negated:
            query.warnings.append(f"{token!r}: expected a number, e.g. {key}:>=10 or {key}:2024")
        else:
            parsed = Comparison(comparison.group(1) or "=", int(comparison.group(2)))
            if key == "upvotes":
                query.upvotes = parsed
            else:
                query.year = parsed


def _parse_date(token: str, value: str, query: Query) -> None:
    match = _DATE.match(value.strip())
    try:
        if match is None:
            raise ValueError("a date is needed")
        days = days_of(match.group(2))
    except ValueError as error:
        query.warnings.append(f"{token!r}: {error}; e.g. date:2026-08-20, date:>=2026-08-01, date:2026-W34")
        return
    query.dates.append(DateRange(match.group(1) or "=", days[0], days[-1]))
