"""Fetch Daily Papers from the Hugging Face API: a day, an ISO week or a month.

`GET {HF_ENDPOINT}/api/daily_papers?date=…` (or `week=`, `month=`) pages by `limit=100&p=0,1,…`
until a page holds fewer than 100 items (a day can hold more than the default 50). The
endpoint is read from `HF_ENDPOINT` at call time (default https://huggingface.co, the variable
huggingface_hub honours); `HF_TOKEN`, when set, is sent as a bearer token (a higher rate
limit). Retries, timeouts and error lines are store.sources.fetching's.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from paperdeck.store.dates import days_of
from paperdeck.store.errors import FetchError
from paperdeck.store.models import Paper
from paperdeck.store.sources.fetching import Answer, Progress, Sleep, check_endpoint, get, make_client, site_of
from paperdeck.store.sources.hf_api import decode_json, parse_items

DEFAULT_ENDPOINT = "https://huggingface.co"
PAGE_SIZE = 100  # the API's largest `limit`
MAX_PAGES = 100  # 10,000 papers: past that the server is not paging (a month holds ~1,500)


@dataclass(slots=True)
class FetchResult:
    """What one fetch brought: the raw items as the API gave them (deduplicated across pages),
    the Papers parsed from them, the warnings, and how many requests it took."""

    period: str
    items: list[Any] = field(default_factory=list)
    papers: list[Paper] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    requests: int = 0


def endpoint() -> str:
    """The API's base URL: `HF_ENDPOINT`, else https://huggingface.co (checked, no trailing /)."""
    return check_endpoint(os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT, "HF_ENDPOINT")


def auth_headers() -> dict[str, str]:
    """`Authorization: Bearer …` when `HF_TOKEN` is set, else nothing."""
    token = os.environ.get("HF_TOKEN", "").strip()
    return {"Authorization": f"Bearer {token}"} if token else {}


def fetch_period(period: str, progress: Progress | None = None, sleep: Sleep = time.sleep) -> FetchResult:
    """The Daily Papers of a day (`2026-08-20`), an ISO week (`2026-W34`) or a month
    (`2026-08`), every page of them. `progress(done, total)` is called after each page with
    the items so far (total None until the last page) and once at the end with both equal.
    An invalid period raises FetchError before any request; so does every failed request."""
    try:
        days = days_of(period)
    except ValueError as error:
        raise FetchError(f"cannot fetch {error}") from None
    period = period.strip()
    name = "date" if len(days) == 1 else "week" if "W" in period else "month"
    url = f"{endpoint()}/api/daily_papers"
    asked = f"{name}={period}"
    result = FetchResult(period)
    seen: set[str] = set()
    previous: list[Any] | None = None
    with make_client(auth_headers()) as client:
        for page in range(MAX_PAGES):
            answer = get(client, url, {name: period, "limit": PAGE_SIZE, "p": page}, asked, sleep)
            result.requests += 1
            items = _item_list(answer, asked)
            if items == previous:  # the server ignores `p`: every page would be this one
                result.warnings.append(f"{site_of(url)} gave the same page twice for {asked}; stopped paging")
                break
            result.items.extend(_new_items(items, seen))
            if progress:
                progress(len(result.items), None)
            if len(items) < PAGE_SIZE:
                break
            previous = items
        else:
            result.warnings.append(f"{asked}: stopped after {MAX_PAGES} pages of {PAGE_SIZE}")
    parsed = parse_items(result.items, days[0] if name == "date" else None, f"hf-api {asked}")
    result.papers = parsed.papers
    result.warnings.extend(parsed.warnings)
    if progress:
        progress(len(result.items), len(result.items))
    return result


def fetch_paper(arxiv_id: str, sleep: Sleep = time.sleep) -> FetchResult:
    """One paper by its arXiv id (`GET /api/papers/{id}`); a 404 (Hugging Face does not
    know the paper) is a NotFoundError."""
    from paperdeck.store.sources.fields import arxiv_id as checked_id

    found = checked_id(arxiv_id)
    if found is None:
        raise FetchError(f"cannot fetch {arxiv_id!r}: not an arXiv id such as 2608.16590")
    url = f"{endpoint()}/api/papers/{found}"
    with make_client(auth_headers()) as client:
        answer = get(client, url, {}, f"paper {found}", sleep)
    data = _json(answer, f"paper {found}")
    if not isinstance(data, dict):
        raise FetchError(f"{site_of(url)} answered JSON that is not a paper for paper {found}")
    parsed = parse_items(data, None, f"hf-api paper {found}")
    return FetchResult(found, [data], parsed.papers, parsed.warnings, 1)


def _json(answer: Answer, asked: str) -> object:
    """The answer's JSON; FetchError when it is not JSON (an HTML error page, a captive portal)."""
    try:
        return decode_json(answer.content)
    except ValueError:
        kind = f" ({answer.content_type})" if answer.content_type else ""
        raise FetchError(f"{site_of(answer.url)} answered something that is not JSON{kind} for {asked}") from None


def _item_list(answer: Answer, asked: str) -> list[Any]:
    """A page's items; FetchError unless the answer is a JSON list."""
    data = _json(answer, asked)
    if not isinstance(data, list):
        raise FetchError(f"{site_of(answer.url)} answered JSON that is not a list of papers for {asked}")
    return data


def _new_items(items: list[Any], seen: set[str]) -> list[Any]:
    """Items not seen on an earlier page: the list is sorted by upvotes at request time, so a
    paper upvoted between two requests can move to the next page and come twice."""
    fresh: list[Any] = []
    for item in items:
        paper = item.get("paper") if isinstance(item, dict) else None
        key = paper.get("id") if isinstance(paper, dict) else None
        if isinstance(key, str):
            if key in seen:
                continue
            seen.add(key)
        fresh.append(item)
    return fresh
