"""store.sources.hf_client against a real HTTP server on loopback (pytest-httpserver, or a raw
socket server for dropped and silent connections): paging, retries and their waits, and every
failure as one FetchError line. No test reaches the internet; waits go to a recording sleep."""

from __future__ import annotations

import json
import re
from importlib.metadata import version

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from paperdeck.store.errors import FetchError
from paperdeck.store.sources import fetching
from paperdeck.store.sources.hf_client import fetch_paper, fetch_period
from tests.sources_support import (
    C1_CSI,
    CLEAR,
    NEW_DAY,
    OLD_DAY,
    OSC52,
    assert_clean,
    closed_port,
    http_answer,
    many_items,
    raw_server,
    recorded,
)

PATH = "/api/daily_papers"


@pytest.fixture(autouse=True)
def endpoint(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """HF_ENDPOINT points at the loopback server; no token, no proxy from the environment."""
    base = httpserver.url_for("/").rstrip("/")
    monkeypatch.setenv("HF_ENDPOINT", base)
    for name in ("HF_TOKEN", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    return base


@pytest.fixture
def waits() -> list[float]:
    """The waits the client asked for, in place of sleeping them."""
    return []


def queries(httpserver: HTTPServer) -> list[dict[str, str]]:
    return [dict(request.args) for request, _ in httpserver.log]


def test_a_recorded_day_is_fetched_and_parsed(httpserver: HTTPServer, waits: list[float]) -> None:
    httpserver.expect_request(PATH).respond_with_json(recorded(NEW_DAY))
    result = fetch_period(NEW_DAY, sleep=waits.append)
    assert (len(result.items), len(result.papers), result.requests, result.warnings) == (15, 15, 1, [])
    assert result.items == recorded(NEW_DAY)  # the raw items, as the API gave them
    assert queries(httpserver) == [{"date": NEW_DAY, "limit": "100", "p": "0"}]
    assert result.papers[0].github_repo == "https://github.com/air-embodied-brain/Zetta-Embodiment"
    assert waits == []


def test_old_items_get_the_requested_day_as_their_list_day(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_json(recorded(OLD_DAY))
    result = fetch_period(OLD_DAY)
    assert {paper.list_day for paper in result.papers} == {OLD_DAY} and len(result.papers) == 25


def test_a_day_of_130_papers_is_fetched_in_two_pages_of_100(httpserver: HTTPServer) -> None:
    items = many_items(130)
    httpserver.expect_request(PATH, query_string={"date": NEW_DAY, "limit": "100", "p": "0"}).respond_with_json(
        items[:100]
    )
    httpserver.expect_request(PATH, query_string={"date": NEW_DAY, "limit": "100", "p": "1"}).respond_with_json(
        items[100:]
    )
    progress: list[tuple[int, int | None]] = []
    result = fetch_period(NEW_DAY, progress=lambda done, total: progress.append((done, total)))
    assert queries(httpserver) == [
        {"date": NEW_DAY, "limit": "100", "p": "0"},
        {"date": NEW_DAY, "limit": "100", "p": "1"},
    ]
    assert (len(result.items), len(result.papers), result.requests) == (130, 130, 2)
    assert progress == [(100, None), (130, None), (130, 130)]


def test_a_paper_that_moved_to_the_next_page_comes_once(httpserver: HTTPServer) -> None:
    items = many_items(150)
    httpserver.expect_request(PATH, query_string={"date": NEW_DAY, "limit": "100", "p": "0"}).respond_with_json(
        items[:100]
    )
    # Upvoted between the two requests: the last of page 0 now opens page 1 too.
    httpserver.expect_request(PATH, query_string={"date": NEW_DAY, "limit": "100", "p": "1"}).respond_with_json(
        items[99:149]
    )
    result = fetch_period(NEW_DAY)
    assert len(result.items) == len(result.papers) == 149


def test_a_server_that_ignores_the_page_stops_the_paging(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_json(many_items(100))
    result = fetch_period(NEW_DAY)
    assert result.requests == 2 and len(result.papers) == 100
    assert result.warnings == [
        f"{httpserver.url_for('/').rstrip('/')} gave the same page twice for date={NEW_DAY}; stopped paging"
    ]


@pytest.mark.parametrize(("period", "name"), [("2026-W34", "week"), ("2026-08", "month"), (f" {NEW_DAY} ", "date")])
def test_a_week_or_a_month_is_asked_for_with_its_own_parameter(httpserver: HTTPServer, period: str, name: str) -> None:
    httpserver.expect_request(PATH).respond_with_json(recorded(NEW_DAY))
    result = fetch_period(period)
    assert queries(httpserver) == [{name: period.strip(), "limit": "100", "p": "0"}]
    assert len(result.papers) == 15


def test_rate_limit_waits_as_the_ratelimit_header_says_then_retries(httpserver: HTTPServer, waits: list[float]) -> None:
    httpserver.expect_oneshot_request(PATH).respond_with_data("", status=429, headers={"RateLimit": '"api";r=0;t=1'})
    httpserver.expect_request(PATH).respond_with_json(recorded(NEW_DAY))
    result = fetch_period(NEW_DAY, sleep=waits.append)
    assert waits == [1.0] and len(httpserver.log) == 2 and len(result.papers) == 15


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"RateLimit": '"api";r=0;t=42', "Retry-After": "5"}, 42.0),
        ({"Retry-After": "7"}, 7.0),
        ({"RateLimit": '"api";r=0;t=3600'}, 60.0),
        ({"Retry-After": "600"}, 60.0),
        ({}, 1.0),
    ],
)
def test_rate_limit_waits_are_taken_from_the_headers_and_capped(
    httpserver: HTTPServer, waits: list[float], headers: dict[str, str], wait: float
) -> None:
    httpserver.expect_oneshot_request(PATH).respond_with_data("slow down", status=429, headers=headers)
    httpserver.expect_request(PATH).respond_with_json([])
    fetch_period(NEW_DAY, sleep=waits.append)
    assert waits == [wait]


def test_rate_limit_that_outlasts_the_tries_is_one_line(httpserver: HTTPServer, waits: list[float]) -> None:
    httpserver.expect_request(PATH).respond_with_data("", status=429, headers={"RateLimit": '"api";r=0;t=2'})
    with pytest.raises(FetchError, match=r"is limiting requests \(429 Too Many Requests\) for date=2026-08-20"):
        fetch_period(NEW_DAY, sleep=waits.append)
    assert waits == [2.0, 2.0] and len(httpserver.log) == 3


def test_a_server_error_is_retried_with_backoff(httpserver: HTTPServer, waits: list[float]) -> None:
    httpserver.expect_oneshot_request(PATH).respond_with_data("oops", status=500)
    httpserver.expect_request(PATH).respond_with_json(recorded(NEW_DAY))
    assert len(fetch_period(NEW_DAY, sleep=waits.append).papers) == 15
    assert waits == [1.0]


def test_a_server_error_three_times_is_one_line_after_three_tries(httpserver: HTTPServer, waits: list[float]) -> None:
    httpserver.expect_request(PATH).respond_with_data("oops", status=500)
    with pytest.raises(FetchError) as raised:
        fetch_period(NEW_DAY, sleep=waits.append)
    base = httpserver.url_for("/").rstrip("/")
    assert (
        str(raised.value) == f"{base} answered 500 Internal Server Error for date={NEW_DAY} (3 tries); try again later"
    )
    assert waits == [1.0, 2.0] and len(httpserver.log) == 3


def test_a_bad_request_is_not_retried_and_says_what_was_asked(httpserver: HTTPServer, waits: list[float]) -> None:
    httpserver.expect_request(PATH).respond_with_json({"error": "Invalid date\x1b[2J"}, status=400)
    with pytest.raises(FetchError) as raised:
        fetch_period("2026-08-21", sleep=waits.append)
    base = httpserver.url_for("/").rstrip("/")
    assert str(raised.value) == f"{base} answered 400 Bad Request for date=2026-08-21 (Invalid date)"
    assert len(httpserver.log) == 1 and waits == []


def test_an_invalid_date_is_refused_before_any_request(httpserver: HTTPServer) -> None:
    for period in ("2026-13-01", "2026-02-30", "yesterday", "2026-W54", ""):
        with pytest.raises(FetchError, match=r"cannot fetch .*(expected a date|no such)"):
            fetch_period(period)
    assert httpserver.log == []


def test_an_html_page_is_not_json(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data("<html><body>Sign in</body></html>", content_type="text/html")
    with pytest.raises(FetchError, match=r"answered something that is not JSON \(text/html\) for date=2026-08-20$"):
        fetch_period(NEW_DAY)


def test_json_that_is_not_a_list_is_one_line(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_json({"papers": []})
    with pytest.raises(FetchError, match=r"answered JSON that is not a list of papers for date=2026-08-20$"):
        fetch_period(NEW_DAY)


def test_a_closed_port_cannot_be_reached(monkeypatch: pytest.MonkeyPatch, waits: list[float]) -> None:
    port = closed_port()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    with pytest.raises(FetchError) as raised:
        fetch_period(NEW_DAY, sleep=waits.append)
    assert str(raised.value) == f"cannot reach http://127.0.0.1:{port}: connection refused"
    assert waits == [1.0, 2.0]


def test_a_dropped_connection_is_retried(monkeypatch: pytest.MonkeyPatch, waits: list[float]) -> None:
    body = json.dumps(recorded(NEW_DAY)).encode()
    with raw_server(["drop", "drop", http_answer(body)]) as (base, served):
        monkeypatch.setenv("HF_ENDPOINT", base)
        result = fetch_period(NEW_DAY, sleep=waits.append)
    assert len(result.papers) == 15 and served == [0, 1, 2] and waits == [1.0, 2.0]


def test_a_connection_dropped_every_time_is_one_line(monkeypatch: pytest.MonkeyPatch, waits: list[float]) -> None:
    with raw_server(["drop"] * 3) as (base, _):
        monkeypatch.setenv("HF_ENDPOINT", base)
        with pytest.raises(FetchError, match=f"^cannot reach {re.escape(base)}: "):
            fetch_period(NEW_DAY, sleep=waits.append)


def test_a_silent_server_times_out(monkeypatch: pytest.MonkeyPatch, waits: list[float]) -> None:
    monkeypatch.setattr(fetching, "READ_TIMEOUT", 0.2)  # 30 s in use
    with raw_server(["hold"] * 3) as (base, _):
        monkeypatch.setenv("HF_ENDPOINT", base)
        with pytest.raises(FetchError, match=f"^cannot reach {re.escape(base)}: no answer within 0.2 s$"):
            fetch_period(NEW_DAY, sleep=waits.append)
    assert waits == [1.0, 2.0]


def test_the_timeouts_are_10_s_to_connect_and_30_s_to_read() -> None:
    with fetching.make_client() as client:
        assert (client.timeout.connect, client.timeout.read) == (10.0, 30.0)


def test_an_answer_past_the_size_limit_is_refused(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetching, "MAX_BODY", 1000)
    httpserver.expect_request(PATH).respond_with_json(recorded(NEW_DAY))
    with pytest.raises(FetchError, match="answered more than"):
        fetch_period(NEW_DAY)


def test_the_token_is_sent_as_a_bearer_and_the_user_agent_names_paperdeck(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request(PATH).respond_with_json([])
    fetch_period(NEW_DAY)
    monkeypatch.setenv("HF_TOKEN", " hf_secret ")
    fetch_period(NEW_DAY)
    (first, _), (second, _) = httpserver.log
    assert "Authorization" not in first.headers and second.headers["Authorization"] == "Bearer hf_secret"
    for request in (first, second):
        assert request.headers["User-Agent"].startswith(f"paperdeck/{version('paperdeck')}")


def test_hf_endpoint_is_read_at_call_time(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    httpserver.expect_request("/mirror/api/daily_papers").respond_with_json([])
    monkeypatch.setenv("HF_ENDPOINT", httpserver.url_for("/mirror/"))
    fetch_period(NEW_DAY)
    assert [request.path for request, _ in httpserver.log] == ["/mirror/api/daily_papers"]
    for bad in ("ftp://example.org", "huggingface.co", "https://"):
        monkeypatch.setenv("HF_ENDPOINT", bad)
        with pytest.raises(FetchError, match="is not an http\\(s\\) address"):
            fetch_period(NEW_DAY)


def test_escape_sequences_and_unsafe_links_from_the_server_are_cleaned(httpserver: HTTPServer) -> None:
    items = recorded(NEW_DAY)[:2]
    items[0]["paper"]["title"] = f"Zetta{OSC52}{CLEAR} ζ"
    items[0]["paper"]["summary"] = f"An abstract{C1_CSI}."
    items[0]["paper"]["authors"] = [{"name": f"Xin{CLEAR} Ding"}]
    items[0]["paper"]["githubRepo"] = "javascript:alert(1)"
    items[1]["paper"]["projectPage"] = "file:///etc/passwd"
    httpserver.expect_request(PATH).respond_with_json(items)
    result = fetch_period(NEW_DAY)
    first, second = result.papers
    assert (first.title, first.abstract, first.authors) == ("Zetta ζ", "An abstract.", ["Xin Ding"])
    assert first.github_repo is None and second.project_page is None
    assert [warning.split(": ")[1] for warning in result.warnings] == ["item 0 (2608.16590)", "item 1 (2608.17253)"]
    for paper in result.papers:
        assert_clean(paper)


def test_one_paper_by_its_arxiv_id(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/papers/2608.16590").respond_with_json(recorded(NEW_DAY)[0]["paper"])
    httpserver.expect_request("/api/papers/2608.99999").respond_with_data("", status=404)
    (paper,) = fetch_paper("arXiv:2608.16590v2").papers
    assert paper.arxiv_id == "2608.16590"
    with pytest.raises(FetchError, match=r"answered 404 Not Found for paper 2608\.99999$"):
        fetch_paper("2608.99999")
    with pytest.raises(FetchError, match="not an arXiv id"):
        fetch_paper("../../etc/passwd")


def test_a_redirect_to_the_mirror_is_followed(httpserver: HTTPServer) -> None:
    def redirect(request: Request) -> Response:
        return Response(status=302, headers={"Location": "/moved/api/daily_papers?" + request.query_string.decode()})

    httpserver.expect_request(PATH).respond_with_handler(redirect)
    httpserver.expect_request("/moved/api/daily_papers").respond_with_json(recorded(NEW_DAY))
    assert len(fetch_period(NEW_DAY).papers) == 15


def test_endless_redirects_are_one_line(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data("", status=302, headers={"Location": PATH})
    with pytest.raises(
        FetchError, match=r"gave no usable answer for date=2026-08-20: Exceeded maximum allowed redirects"
    ):
        fetch_period(NEW_DAY)
