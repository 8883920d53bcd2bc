"""The query language parser: every form, and malformed filters as warnings (never errors)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperdeck.store.search.query import Comparison, parse_query


def test_free_words_are_normalized() -> None:
    query = parse_query("Gausian  Splating Poincaré")
    assert query.words == ["gausian", "splating", "poincare"]
    assert query.has_text and query.typing


def test_trailing_space_means_the_last_word_is_finished() -> None:
    assert parse_query("transfor").typing
    assert not parse_query("transformer ").typing


def test_phrases() -> None:
    query = parse_query('"Multi-View  Diffusion" 3d "unclosed phrase')
    assert query.phrases == ["multi view diffusion"]
    # Until its closing quote is typed, a phrase filters as words (cheap on every keystroke).
    assert query.words == ["3d", "unclosed", "phrase"]
    assert query.highlight_terms == ["3d", "unclosed", "phrase", "multi view diffusion"]
    assert parse_query('"single"').words == ["single"]


def test_tags_and_short_form() -> None:
    query = parse_query("tag:To-Read #Diffusion -tag:done tag:x")
    assert query.tags == ["to-read", "diffusion", "x"]
    assert query.not_tags == ["done"]
    assert not query.has_text


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("is:starred", {"starred": True}),
        ("-is:starred", {"starred": False}),
        ("is:read", {"read": True}),
        ("is:unread", {"read": False}),
        ("-is:unread", {"read": True}),
        ("-is:read is:starred", {"read": False, "starred": True}),
    ],
)
def test_is_flags(text: str, flags: dict[str, bool]) -> None:
    assert parse_query(text).is_flags == flags


def test_has_flags() -> None:
    assert parse_query("has:code -has:project has:link").has_flags == {"code": True, "project": False, "link": True}


@pytest.mark.parametrize(
    ("text", "upvotes", "year"),
    [
        ("upvotes:>=10", Comparison(">=", 10), None),
        ("upvotes:3", Comparison("=", 3), None),
        ("upvotes:<5 year:2024", Comparison("<", 5), Comparison("=", 2024)),
        ("year:>2020", None, Comparison(">", 2020)),
    ],
)
def test_numeric_filters(text: str, upvotes: Comparison | None, year: Comparison | None) -> None:
    query = parse_query(text)
    assert (query.upvotes, query.year, query.warnings) == (upvotes, year, [])


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("tag:", "tag needs a name"),
        ("#", "tag needs a name"),
        ("upvotes:>=x", "expected a number"),
        ("year:twenty", "expected a number"),
        ("is:favourite", "is: takes"),
        ("has:pdf", "has: takes"),
    ],
)
def test_malformed_filters_warn_and_are_ignored(text: str, warning: str) -> None:
    query = parse_query(f"diffusion {text}")
    assert query.words == ["diffusion"]
    assert len(query.warnings) == 1 and warning in query.warnings[0]
    assert not (query.tags or query.is_flags or query.has_flags or query.upvotes or query.year)


def test_unknown_prefix_is_plain_text() -> None:
    assert parse_query("arxiv:2401 re:think").words == ["arxiv", "2401", "re", "think"]


def test_comparison_holds_only_with_a_value() -> None:
    assert Comparison(">=", 10).holds(10) and not Comparison(">=", 10).holds(9)
    assert not Comparison(">=", 0).holds(None)


@given(st.text(max_size=200))
def test_parser_never_raises(text: str) -> None:
    parse_query(text)


def test_new_filters_parse() -> None:
    from paperdeck.store.search.query import DateRange

    query = parse_query("author:Hinton date:>=2026-08-01 is:new has:summary -has:note has:arxiv like:pixelnerf")
    assert query.authors == ["hinton"] and query.author_typing is False
    assert query.dates == [DateRange(">=", "2026-08-01", "2026-08-01")]
    assert query.is_flags == {"new": True}
    assert query.has_flags == {"summary": True, "note": False, "arxiv": True}
    assert query.like == ["pixelnerf"] and query.needs_index and not query.has_text
    assert parse_query("author:hin").author_typing and not parse_query("author:hin ").author_typing


@pytest.mark.parametrize(
    ("text", "first", "last", "inside", "outside"),
    [
        ("date:2026-08-20", "2026-08-20", "2026-08-20", "2026-08-20", "2026-08-21"),
        ("date:2026-W34", "2026-08-17", "2026-08-23", "2026-08-23", "2026-08-24"),
        ("date:2026-08", "2026-08-01", "2026-08-31", "2026-08-31", "2026-09-01"),
        ("date:<2026-08-01", "2026-08-01", "2026-08-01", "2026-07-31", "2026-08-01"),
        ("date:>2026-08", "2026-08-01", "2026-08-31", "2026-09-01", "2026-08-31"),
    ],
)
def test_dates(text: str, first: str, last: str, inside: str, outside: str) -> None:
    (period,) = parse_query(text).dates
    assert (period.first, period.last) == (first, last)
    assert period.holds(inside) and not period.holds(outside) and not period.holds(None)


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("date:yesterday", "expected a date"),
        ("date:2026-13", "no such month"),
        ("date:2026-W60", "no such ISO week"),
        ("-date:2026-08", "cannot be negated"),
        ("author:", "author needs a name"),
        ("like:", "like needs a paper"),
        ("is:old", "is: takes"),
    ],
)
def test_malformed_new_filters_warn(text: str, warning: str) -> None:
    query = parse_query(f"diffusion {text}")
    assert query.words == ["diffusion"] and len(query.warnings) == 1 and warning in query.warnings[0]


def test_saved_searches_expand_and_compose() -> None:
    saved = {"thesis": "tag:thesis is:unread", "deep": "@thesis diffusion", "loop": "@loop x", "a": "@b", "b": "@a"}
    query = parse_query("@thesis is:starred", saved)
    assert query.tags == ["thesis"] and query.is_flags == {"read": False, "starred": True} and not query.warnings
    nested = parse_query("@deep models", saved)
    assert nested.tags == ["thesis"] and nested.words == ["diffusion", "models"]
    assert nested.typing  # the typed word after the expansion is still a prefix
    assert not parse_query("models @thesis", saved).typing  # a saved search ends complete
    looped = parse_query("@loop", saved)
    assert looped.words == ["x"] and "refers to itself" in looped.warnings[0]
    assert "refers to itself" in parse_query("@a", saved).warnings[0]
    unknown = parse_query("@nothing diffusion", saved)
    assert unknown.words == ["diffusion"] and "no saved search" in unknown.warnings[0]


@given(st.text(max_size=200), st.dictionaries(st.text(min_size=1, max_size=5), st.text(max_size=40), max_size=3))
def test_parser_with_saved_searches_never_raises(text: str, saved: dict[str, str]) -> None:
    parse_query(text, saved)


@pytest.mark.parametrize(
    "text",
    [
        "is:starred",
        "tag:ml",
        "tag:ml tag:cv",
        "is:read",
        "has:note",
        "is:starred -is:read",
        "-tag:ml tag:cv",
        "tag:ml has:note",
    ],
)
def test_marks_a_query_admits_are_never_fewer_than_the_filters_keep(text: str) -> None:
    """`list is:starred` makes only the papers whose marks `admits`: it may let through more
    than the filters keep, never fewer, and it turns away what cannot match."""
    from itertools import product

    from paperdeck.store.models import Marks, Paper
    from paperdeck.store.search import filter_papers

    query = parse_query(text)
    assert query.within_marks
    every = [
        Marks(starred=starred, read=read, tags=list(tags), note=note)
        for starred, read, tags, note in product(
            (False, True), (False, True), ((), ("ml",), ("cv",), ("ml", "cv")), ("", "x")
        )
    ]
    kept = [marks for marks in every if filter_papers(query, [Paper(id="p", title="t")], {"p": marks}).ids]
    assert kept and all(query.admits(marks) for marks in kept)
    assert not query.admits(Marks())
