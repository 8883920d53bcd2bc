"""The Hugging Face Daily Papers API's JSON -> Papers.

Reads the items of `GET /api/daily_papers` (a list of `{paper: {...}, numComments, ...}`) and
the single paper object of `GET /api/papers/{id}` (the `paper` fields at the top level). Every
field may be missing, null or of another type than documented (/work/shared/hf-api/README.md
lists them); a field that cannot be used is left empty, and an item without a usable arXiv
id, title or abstract is skipped with a warning naming it. Nothing here raises on content.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

from paperdeck.store.dates import iso_day
from paperdeck.store.models import Paper, Source
from paperdeck.store.sources.fields import (
    MAX_ABSTRACT,
    MAX_AUTHORS,
    MAX_KEYWORD,
    MAX_KEYWORDS,
    MAX_NAME,
    MAX_NOTE,
    MAX_TITLE,
    SourceResult,
    arxiv_id,
    checked_link,
    count_field,
    names_field,
    note_cuts,
    paper_links,
    shown,
    text_field,
)
from paperdeck.store.text import slugify

SOURCE_NAME = "hf-api"
FORMAT = "daily_papers"
_EMPTY: Mapping[str, Any] = {}


def decode_json(data: bytes) -> object:
    """JSON bytes decoded (orjson: 5-10x faster), falling back to the stdlib for what orjson
    refuses but JSON allows (integers past 64 bits; NaN, as Python writes it). ValueError
    when it is not JSON at all, or nested past the stdlib's recursion limit (orjson stops at
    1,024 levels, and no Daily Papers answer has more than 5)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        try:
            return json.loads(data)  # raises ValueError (JSONDecodeError, UnicodeDecodeError) in turn
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def parse_items(data: object, requested_day: str | None = None, name: str = SOURCE_NAME) -> SourceResult:
    """Papers from a decoded Daily Papers answer: a list of items, one item, or one paper
    object. `requested_day` (the `date=` asked for) is the list day of items that do not carry
    their own (`submittedOnDailyAt` exists since 2025-03); `name` is used in warnings."""
    result = SourceResult(name, FORMAT)
    day = iso_day(requested_day)
    if isinstance(data, list):
        items: list[object] = data
    elif isinstance(data, dict):
        items = [data]
    else:
        result.warn(f"{name}: expected a list of papers, got {type(data).__name__}")
        return result.finish()
    for index, item in enumerate(items):
        paper = parse_item(item, index, day, result)
        if paper is not None:
            result.papers.append(paper)
    return result.finish()


def is_paper_object(value: object) -> bool:
    """True for the `/api/papers/{id}` shape: the paper's own fields at the top level."""
    return isinstance(value, dict) and "paper" not in value and "id" in value and "title" in value


def parse_item(item: object, index: int, requested_day: str | None, result: SourceResult) -> Paper | None:
    """One item (or paper object) -> a Paper, or None with a warning saying why it was skipped.
    Warnings about dropped links and cut fields go to `result` too."""
    if not isinstance(item, dict):
        result.warn(f"{result.name}: item {index}: not a paper object ({type(item).__name__}), skipped")
        return None
    if is_paper_object(item):
        fields, outer = item, _EMPTY
    else:
        inner = item.get("paper")
        fields, outer = (inner if isinstance(inner, dict) else _EMPTY), item
    cut: list[str] = []
    found_id = arxiv_id(fields.get("id"))
    title = text_field(fields.get("title"), MAX_TITLE, "title", cut) or text_field(
        outer.get("title"), MAX_TITLE, "title", cut
    )
    abstract = text_field(fields.get("summary"), MAX_ABSTRACT, "abstract", cut, multiline=True) or text_field(
        outer.get("summary"), MAX_ABSTRACT, "abstract", cut, multiline=True
    )
    raw_id = fields.get("id")
    label = f"{result.name}: item {index} ({found_id or (shown(raw_id, 40) if isinstance(raw_id, str) else 'no id')})"
    missing = [what for what, value in (("arXiv id", found_id), ("title", title), ("abstract", abstract)) if not value]
    if missing:
        has = f"title {shown(title, 60)}" if title else "no title"
        result.warn(f"{label}: no usable {', '.join(missing)} ({has}), skipped")
        return None
    assert found_id and title and abstract
    github_repo = checked_link(fields.get("githubRepo"), "code", "GitHub repo", label, result)
    project_page = checked_link(fields.get("projectPage"), "project", "project page", label, result)
    authors = _authors(fields.get("authors"), cut)
    list_day = iso_day(fields.get("submittedOnDailyAt")) or requested_day
    paper = Paper(
        id=slugify(title),
        title=title,
        abstract=abstract,
        links=paper_links((github_repo, project_page), abstract, label, result),
        authors_count=authors[1] or None,
        published=iso_day(fields.get("publishedAt")),
        upvotes=count_field(fields.get("upvotes")),
        sources=[Source(SOURCE_NAME, list_day)],
        arxiv_id=found_id,
        authors=authors[0],
        list_day=list_day,
        comments=count_field(outer.get("numComments", fields.get("numComments"))),
        github_repo=github_repo.url if github_repo else None,
        github_stars=count_field(fields.get("githubStars")),
        project_page=project_page.url if project_page else None,
        ai_summary=text_field(fields.get("ai_summary"), MAX_NOTE, "AI summary", cut),
        ai_keywords=_strings(fields.get("ai_keywords"), MAX_KEYWORDS, MAX_KEYWORD, "AI keywords", cut),
        organization=_organization(fields.get("organization"), cut) or _organization(outer.get("organization"), cut),
    )
    withdrawn = iso_day(fields.get("withdrawnAt"))
    if withdrawn:
        paper.extra = {"withdrawn": withdrawn}
    note_cuts(cut, label, result)
    return paper


def _authors(value: object, cut: list[str]) -> tuple[list[str], int]:
    """The shown authors' names (hidden ones and entries without a name skipped), at most
    MAX_AUTHORS, and how many there were before that cap."""
    if not isinstance(value, list):
        return [], 0
    names: list[object] = []
    for author in value:
        if isinstance(author, dict):
            if author.get("hidden") is True:
                continue
            names.append(author.get("name"))
        else:
            names.append(author)  # a bare name where an object was expected: still a name
    kept = names_field(names, MAX_AUTHORS, MAX_NAME, "authors", cut)
    total = (
        len(kept) if len(kept) < MAX_AUTHORS else sum(isinstance(name, str) and bool(name.strip()) for name in names)
    )
    return kept, total


def _strings(value: object, cap: int, item_cap: int, what: str, cut: list[str]) -> list[str]:
    """A list of strings (AI keywords); anything but a list gives none."""
    return names_field(value, cap, item_cap, what, cut) if isinstance(value, list) else []


def _organization(value: object, cut: list[str]) -> str | None:
    """An organization object's full name, else its short name; a bare string is a name too."""
    if isinstance(value, dict):
        return text_field(value.get("fullname"), MAX_NAME, "organization", cut) or text_field(
            value.get("name"), MAX_NAME, "organization", cut
        )
    return text_field(value, MAX_NAME, "organization", cut)
