"""The query language of the filter bar and `paperdeck list`: free words, "phrases" and filters.

Parsing never raises: a malformed filter is dropped and explained in `Query.warnings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paperdeck.store.text import normalize_tag, words_of

IS_FLAGS = ("starred", "read", "unread")
HAS_FLAGS = ("code", "project", "data", "link")
_TOKEN = re.compile(r'(-?)"([^"]*)("?)|(\S+)')
_COMPARISON = re.compile(r"^(>=|<=|>|<|=)?(\d+)$")


@dataclass(slots=True, frozen=True)
class Comparison:
    """`>=10` and friends, for numeric filters."""

    op: str
    value: int

    def holds(self, number: int | None) -> bool:
        """False for a paper without the number at all."""
        if number is None:
            return False
        return {
            ">=": number >= self.value,
            "<=": number <= self.value,
            ">": number > self.value,
            "<": number < self.value,
            "=": number == self.value,
        }[self.op]


@dataclass(slots=True)
class Query:
    """A parsed query. `words` are fuzzy; the last one is a prefix while `typing` is True."""

    text: str = ""
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    not_tags: list[str] = field(default_factory=list)
    is_flags: dict[str, bool] = field(default_factory=dict)  # flag -> wanted (False for -is:)
    has_flags: dict[str, bool] = field(default_factory=dict)
    upvotes: Comparison | None = None
    year: Comparison | None = None
    typing: bool = True
    warnings: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        """True when free words or phrases rank the result."""
        return bool(self.words or self.phrases)

    @property
    def highlight_terms(self) -> list[str]:
        """The typed words and phrases, for highlighting."""
        return [*self.words, *self.phrases]


def parse_query(text: str) -> Query:
    """Parse the query language; see the README for the forms. Never raises."""
    query = Query(text=text, typing=not text.endswith((" ", '"')))
    for match in _TOKEN.finditer(text):
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
        _parse_token(token, query)
    return query


def _parse_token(token: str, query: Query) -> None:
    negated = token.startswith("-") and len(token) > 1
    body = token[1:] if negated else token
    if body.startswith("#"):
        body = "tag:" + body[1:]
    key, colon, value = body.partition(":")
    key = key.lower()
    if not colon or key not in ("tag", "is", "has", "upvotes", "year"):
        query.words.extend(words_of(token))
        return
    if key == "tag":
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
