"""Look papers up in the arXiv export API (`{ARXIV_ENDPOINT}/api/query`, default
https://export.arxiv.org): by exact title, or by arXiv id.

A title search asks for several titles at once (`ti:"…" OR ti:"…"`) and keeps a result only
when its normalized title (`slugify`) equals the one asked for: never a fuzzy guess, and no
match at all when two different papers share the title. arXiv asks for at most one request
every 3 seconds, one connection at a time: requests from this process are spaced so (the
interval and the sleep are parameters, for tests).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import httpx

from paperdeck.store.errors import FetchError, SourceError
from paperdeck.store.models import Paper
from paperdeck.store.sources.arxiv_atom import parse_atom
from paperdeck.store.sources.fetching import Progress, Sleep, check_endpoint, get, make_client
from paperdeck.store.sources.fields import arxiv_id, shown
from paperdeck.store.text import slugify, words_of

DEFAULT_ENDPOINT = "https://export.arxiv.org"
INTERVAL = 3.0  # seconds between two requests, as arXiv's terms of use ask
TITLES_PER_REQUEST = 10
RESULTS_PER_TITLE = 5  # a phrase also matches longer titles that contain it
IDS_PER_REQUEST = 100
MAX_TITLE_WORDS = 40  # a query past this is no title; it would only make the URL long

_pace_lock = threading.Lock()
_last_request = float("-inf")  # clock() of this process's last request to arXiv


@dataclass(slots=True)
class Lookup:
    """What a lookup found: papers by the title or id asked for, warnings, requests made."""

    matches: dict[str, Paper] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    requests: int = 0


def endpoint() -> str:
    """The API's base URL: `ARXIV_ENDPOINT`, else https://export.arxiv.org (checked)."""
    return check_endpoint(os.environ.get("ARXIV_ENDPOINT") or DEFAULT_ENDPOINT, "ARXIV_ENDPOINT")


def find_by_titles(
    titles: Iterable[str],
    progress: Progress | None = None,
    interval: float = INTERVAL,
    sleep: Sleep = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Lookup:
    """The arXiv papers whose titles equal `titles` once normalized (case, accents, punctuation
    and white space ignored). `matches` maps each title as given to its paper; a title with no
    exact match, or with several different papers matching, is left out (the latter with a
    warning). `progress(done, total)` counts titles."""
    lookup = Lookup()
    wanted: dict[str, str] = {}  # normalized title -> the title as given
    for title in titles:
        words = words_of(title)
        if words and len(words) <= MAX_TITLE_WORDS:
            wanted.setdefault(slugify(title), title)
        else:
            why = "too long for a title" if words else "no words to search for"
            lookup.warnings.append(f"{shown(title)}: {why}, not looked up")
    found: dict[str, dict[str, Paper]] = {slug: {} for slug in wanted}
    slugs = list(wanted)
    with make_client() as client:
        for start in range(0, len(slugs), TITLES_PER_REQUEST):
            batch = slugs[start : start + TITLES_PER_REQUEST]
            query = " OR ".join(f'ti:"{" ".join(words_of(wanted[slug]))}"' for slug in batch)
            params = {"search_query": query, "start": 0, "max_results": len(batch) * RESULTS_PER_TITLE}
            for paper in _query(
                client, params, f"titles {start + 1}-{start + len(batch)}", lookup, interval, sleep, clock
            ):
                slug = slugify(paper.title)
                if slug in found and paper.arxiv_id:
                    found[slug].setdefault(paper.arxiv_id, paper)
            if progress:
                progress(min(start + TITLES_PER_REQUEST, len(slugs)), len(slugs))
    for slug, papers in found.items():
        if len(papers) == 1:
            lookup.matches[wanted[slug]] = next(iter(papers.values()))
        elif papers:
            ids = ", ".join(sorted(papers))
            lookup.warnings.append(
                f"{shown(wanted[slug])}: {len(papers)} arXiv papers have this title ({ids}); none taken"
            )
    return lookup


def find_by_ids(
    ids: Iterable[str],
    progress: Progress | None = None,
    interval: float = INTERVAL,
    sleep: Sleep = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Lookup:
    """The arXiv papers with these ids (versions ignored); `matches` maps each id (without
    version) to its paper. An id not of arXiv's shape is warned about and not asked for."""
    lookup = Lookup()
    checked: list[str] = []
    for raw in ids:
        found = arxiv_id(raw)
        if found is None:
            lookup.warnings.append(f"{shown(raw)}: not an arXiv id, not looked up")
        elif found not in checked:
            checked.append(found)
    with make_client() as client:
        for start in range(0, len(checked), IDS_PER_REQUEST):
            batch = checked[start : start + IDS_PER_REQUEST]
            params = {"id_list": ",".join(batch), "start": 0, "max_results": len(batch)}
            for paper in _query(
                client, params, f"ids {start + 1}-{start + len(batch)}", lookup, interval, sleep, clock
            ):
                if paper.arxiv_id in batch:
                    lookup.matches.setdefault(paper.arxiv_id, paper)
            if progress:
                progress(min(start + IDS_PER_REQUEST, len(checked)), len(checked))
    return lookup


def _query(
    client: httpx.Client,
    params: dict[str, str | int],
    asked: str,
    lookup: Lookup,
    interval: float,
    sleep: Sleep,
    clock: Callable[[], float],
) -> list[Paper]:
    """One paced request to /api/query and its papers; its warnings go to `lookup`."""
    global _last_request
    url = f"{endpoint()}/api/query"
    with _pace_lock:  # one request at a time from this process, `interval` apart
        wait = _last_request + interval - clock()
        if wait > 0:
            sleep(wait)
        try:
            # A retry waits at least `interval` too: it is a request like any other.
            answer = get(client, url, params, asked, lambda seconds: sleep(max(seconds, interval)))
        finally:
            _last_request = clock()
    lookup.requests += 1
    try:
        parsed = parse_atom(answer.content, f"arXiv API {asked}")
    except SourceError as error:
        raise FetchError(str(error)) from None
    lookup.warnings.extend(parsed.warnings)
    return parsed.papers
