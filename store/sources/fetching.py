"""HTTP for the API clients (hf_client, arxiv_client): one way to set up a client (our
User-Agent, connect and read timeouts), one GET with retries, and every way a request can
fail turned into one FetchError line written for a person.

Retries are tenacity's: a rate limit (429) waits as long as the server says (its `RateLimit`
header's `t=`, else `Retry-After`, at most 60 s); a server error (5xx) or a dropped connection
waits 1 s, then 2 s; 3 tries in all. `sleep` is a parameter so tests wait no real time.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, metadata
from urllib.parse import urlsplit

import httpx
import tenacity

from paperdeck.store.clean import clean_line
from paperdeck.store.errors import FetchError, NotFoundError

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
ATTEMPTS = 3
FIRST_BACKOFF = 1.0  # seconds before the second try; doubled before the third
MAX_WAIT = 60.0  # the longest a rate limit makes us wait before trying again
MAX_BODY = 32 * 1024 * 1024  # a day of 100 papers is ~400 KB; more is no API answer
_RATE_LIMIT_RESET = re.compile(r"(?:^|[;,\s])t=(\d+)")

Sleep = Callable[[float], None]
Progress = Callable[[int, int | None], None]


@dataclass(slots=True, frozen=True)
class Answer:
    """A successful (2xx) answer, its body read whole."""

    url: str
    status: int
    content_type: str
    content: bytes


class _Retryable(Exception):
    """An answer worth trying again: 429 or 5xx, with the wait the server asked for, if any."""

    def __init__(self, status: int, reason: str, wait: float | None) -> None:
        super().__init__(status, reason)
        self.status = status
        self.reason = reason
        self.wait = wait


def user_agent() -> str:
    """`paperdeck/<version> (+<homepage>)` from the installed package's metadata (the
    homepage only when pyproject declares one)."""
    try:
        found = metadata("paperdeck")
    except PackageNotFoundError:
        return "paperdeck/unknown"
    urls = [entry.partition(",")[2].strip() for entry in found.get_all("Project-URL") or []]
    homepage = found.get("Home-page") or next(iter(urls), "")
    return f"paperdeck/{found['Version']}" + (f" (+{homepage})" if homepage else "")


def make_client(headers: Mapping[str, str] | None = None) -> httpx.Client:
    """An httpx client with our User-Agent, the timeouts (connect 10 s, read 30 s) and
    redirects followed (httpx refuses any that leave http/https)."""
    return httpx.Client(
        headers={"User-Agent": user_agent(), **(headers or {})},
        timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
        follow_redirects=True,
    )


def site_of(url: str) -> str:
    """`https://huggingface.co` of `https://huggingface.co/api/daily_papers` (for messages)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def check_endpoint(value: str, variable: str) -> str:
    """An endpoint from the environment, without a trailing slash; FetchError unless it is an
    http(s) URL with a host."""
    endpoint = value.strip().rstrip("/")
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise FetchError(
            f"{variable}={clean_line(value)[:200]!r} is not an http(s) address such as https://example.org"
        )
    return endpoint


def get(client: httpx.Client, url: str, params: Mapping[str, str | int], what: str, sleep: Sleep) -> Answer:
    """GET `url` with retries; the 2xx answer, or FetchError with one line naming the site
    and `what` was asked for (`date=2026-08-20`)."""
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(ATTEMPTS),
        wait=_wait,
        retry=tenacity.retry_if_exception_type((_Retryable, httpx.TransportError)),
        sleep=sleep,
        reraise=True,
    )
    site = site_of(url)
    try:
        for attempt in retrying:
            with attempt:
                return _get_once(client, url, params, site, what)
    except _Retryable as error:
        if error.status == 429:
            raise FetchError(
                f"{site} is limiting requests (429 Too Many Requests) for {what}; try again later"
            ) from None
        raise FetchError(
            f"{site} answered {error.status} {error.reason} for {what} ({ATTEMPTS} tries); try again later"
        ) from None
    except httpx.TimeoutException as error:
        limit = CONNECT_TIMEOUT if isinstance(error, httpx.ConnectTimeout) else READ_TIMEOUT
        raise FetchError(f"cannot reach {site}: no answer within {limit:g} s") from None
    except httpx.TransportError as error:
        raise FetchError(f"cannot reach {site}: {_reason(error)}") from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:  # too many redirects, a broken encoding
        raise FetchError(f"{site} gave no usable answer for {what}: {clean_line(str(error))[:200]}") from None
    raise AssertionError("unreachable: tenacity either returns an answer or re-raises")  # pragma: no cover


def _get_once(client: httpx.Client, url: str, params: Mapping[str, str | int], site: str, what: str) -> Answer:
    """One request; raises _Retryable for 429/5xx, FetchError for another non-2xx status or
    a body past MAX_BODY, httpx.TransportError when the connection fails."""
    with client.stream("GET", url, params=params) as response:
        status = response.status_code
        if status == 429 or status >= 500:
            raise _Retryable(status, _phrase(status), _server_wait(response.headers))
        if not 200 <= status < 300:
            detail = _error_detail(response)
            failure = NotFoundError if status == 404 else FetchError
            raise failure(f"{site} answered {status} {_phrase(status)} for {what}{detail}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY:
                raise FetchError(
                    f"{site} answered more than {MAX_BODY // (1024 * 1024)} MB for {what}; not an API answer"
                )
            chunks.append(chunk)
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return Answer(str(response.url), status, content_type, b"".join(chunks))


def _phrase(status: int) -> str:
    """The standard reason phrase (`Not Found`): servers vary (`NOT FOUND`) and HTTP/2 sends none."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "(unknown status)"


def _error_detail(response: httpx.Response) -> str:
    """` (the server's error message)` when a small JSON error body gives one, else ""."""
    body = b""
    try:
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > 4096:
                return ""
        message = json.loads(body).get("error")
    except (ValueError, AttributeError, httpx.HTTPError):  # not JSON, not an object, or cut off
        return ""
    return f" ({clean_line(message)[:200]})" if isinstance(message, str) and message.strip() else ""


def _server_wait(headers: httpx.Headers) -> float | None:
    """The seconds the server asks us to wait: the `t=` of `RateLimit: "api";r=0;t=42`, else
    `Retry-After` (seconds or an HTTP date); capped at MAX_WAIT. None when neither says."""
    reset = _RATE_LIMIT_RESET.search(headers.get("ratelimit", ""))
    if reset:
        return min(float(reset.group(1)), MAX_WAIT)
    retry_after = headers.get("retry-after", "").strip()
    if retry_after.isascii() and retry_after.isdigit():
        return min(float(retry_after), MAX_WAIT)
    if retry_after:
        try:
            return min(max(0.0, parsedate_to_datetime(retry_after).timestamp() - time.time()), MAX_WAIT)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return None


def _wait(state: tenacity.RetryCallState) -> float:
    """How long to wait before the next try: what the server asked for, else 1 s, 2 s, …"""
    error = state.outcome.exception() if state.outcome is not None else None
    if isinstance(error, _Retryable) and error.wait is not None:
        return error.wait
    return FIRST_BACKOFF * 2 ** (state.attempt_number - 1)


def _reason(error: httpx.TransportError) -> str:
    """Why a connection failed, in words: the OS's reason when there is one."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
        cause = cause.__cause__ or cause.__context__
    text = clean_line(str(error))[:200]
    return text or type(error).__name__
