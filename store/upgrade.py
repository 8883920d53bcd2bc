"""Records written by an older paperdeck, brought up to this version's form when loaded.

Catalog schema 2 (and 1) stored a page's date as shown (`Feb 27`, `Mar 24, 2023`) in
`published`; schema 3 keeps an ISO date there and the shown text, when no year is known, in
`published_text`. Text stored before paperdeck cleaned its input may hold control characters
(an escape sequence in a title sets the clipboard of whoever prints it): it is cleaned on load,
and the next write of the catalog stores the clean text.
"""

from __future__ import annotations

from typing import Any

from paperdeck.store.clean import clean_block, clean_line, has_control
from paperdeck.store.dates import iso_day, page_dates
from paperdeck.store.links import is_safe_url
from paperdeck.store.models import Link, Paper, Source


def upgrade_record(record: dict[str, Any]) -> dict[str, Any]:
    """A schema 1 or 2 catalog record in schema 3's form (a new dict)."""
    shown = record.get("published")
    if not isinstance(shown, str) or iso_day(shown) == shown:
        return record
    upgraded = dict(record)
    page_date = next((item.get("page_date") for item in record.get("sources", ()) if item.get("page_date")), None)
    published, published_text, list_day = page_dates(shown, page_date)
    upgraded.pop("published")
    if published:
        upgraded["published"] = published
    if published_text:
        upgraded["published_text"] = published_text
    if list_day and not record.get("list_day"):
        upgraded["list_day"] = list_day
    return upgraded


def _line(value: str | None) -> str | None:
    return clean_line(value) if value and has_control(value) else value


def clean_paper(paper: Paper) -> bool:
    """Remove control characters from every text field of a loaded paper and drop links that
    are not plain http(s); True if anything changed. Papers that are clean cost a search per
    field."""
    changed = False
    for name in ("title", "published_text", "list_day", "published", "ai_summary", "organization", "arxiv_id"):
        value = getattr(paper, name)
        if value and has_control(value):
            setattr(paper, name, clean_line(value))
            changed = True
    if paper.abstract and has_control(paper.abstract):
        paper.abstract = clean_block(paper.abstract)
        changed = True
    for name in ("authors", "ai_keywords", "categories"):
        values = getattr(paper, name)
        if any(has_control(value) for value in values):
            setattr(paper, name, [cleaned for value in values if (cleaned := clean_line(value))])
            changed = True
    for name in ("github_repo", "project_page"):
        url = getattr(paper, name)
        if url and not is_safe_url(url):
            setattr(paper, name, None)
            changed = True
    if not all(is_safe_url(link.url) for link in paper.links):
        paper.links = [Link(link.url, link.kind) for link in paper.links if is_safe_url(link.url)]
        changed = True
    if any(has_control(f"{source.name}{source.page_date or ''}") for source in paper.sources):
        paper.sources = [Source(clean_line(s.name), _line(s.page_date)) for s in paper.sources]
        changed = True
    if paper.extra and any(isinstance(value, str) and has_control(value) for value in paper.extra.values()):
        paper.extra = {key: _line(value) if isinstance(value, str) else value for key, value in paper.extra.items()}
        changed = True
    return changed
