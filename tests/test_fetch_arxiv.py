"""store.sources.arxiv_client against a loopback HTTP server serving Atom feeds: exact-title
matches only, several titles a request, requests spaced as arXiv asks (on a fake clock)."""

from __future__ import annotations

import re

import pytest
from pytest_httpserver import HTTPServer

from paperdeck.store.errors import FetchError
from paperdeck.store.sources import arxiv_client
from paperdeck.store.sources.arxiv_client import find_by_ids, find_by_titles
from tests.sources_support import DATA

PATH = "/api/query"
FEED = (DATA / "arxiv_atom_query.xml").read_text(encoding="utf-8")
EMPTY = '<feed xmlns="http://www.w3.org/2005/Atom"><title>ArXiv Query</title></feed>'
SPARSE = "Sparse Mixture Routing for Long-Context Language Models: A Study of Expert Collapse and Recovery"


class FakeTime:
    """A clock that only moves when slept on; records the sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    """ARXIV_ENDPOINT on loopback, a fresh pace (no earlier request counts), a fake clock."""
    monkeypatch.setenv("ARXIV_ENDPOINT", httpserver.url_for("/"))
    monkeypatch.setattr(arxiv_client, "_last_request", float("-inf"))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    return FakeTime()


def lookup_titles(fake_time: FakeTime, titles: list[str], **options: object) -> arxiv_client.Lookup:
    return find_by_titles(titles, sleep=fake_time.sleep, clock=fake_time.clock, **options)  # type: ignore[arg-type]


def test_only_exact_titles_match_whatever_their_case_accents_and_punctuation(
    httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    httpserver.expect_request(PATH).respond_with_data(FEED, content_type="application/atom+xml")
    wanted = [
        "sparse mixture routing for long-context language models — a study of expert collapse and recovery",
        "Benchmarking Tabular Foundation Models",  # a prefix of a real title: no guess
        "Boundary States and Open-String Dualities",
    ]
    lookup = lookup_titles(fake_time, wanted)
    assert {title: paper.arxiv_id for title, paper in lookup.matches.items()} == {
        wanted[0]: "2401.00007",
        wanted[2]: "hep-th/9901001",
    }
    assert lookup.requests == 1 and lookup.warnings == []
    (request, _) = httpserver.log[0]
    query = request.args["search_query"]
    assert query == (
        'ti:"sparse mixture routing for long context language models a study of expert collapse and recovery"'
        ' OR ti:"benchmarking tabular foundation models" OR ti:"boundary states and open string dualities"'
    )
    assert request.args["max_results"] == "15" and request.headers["User-Agent"].startswith("paperdeck/")


def test_requests_are_three_seconds_apart_and_titles_go_ten_to_a_request(
    httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    httpserver.expect_request(PATH).respond_with_data(EMPTY)
    progress: list[tuple[int, int | None]] = []
    titles = [f"Title number {number}" for number in range(25)]
    lookup = lookup_titles(fake_time, titles, progress=lambda done, total: progress.append((done, total)))
    assert lookup.requests == 3 and lookup.matches == {}
    assert [len(re.findall(r"ti:", request.args["search_query"])) for request, _ in httpserver.log] == [10, 10, 5]
    assert fake_time.sleeps == [3.0, 3.0]  # none before the first request
    assert progress == [(10, 25), (20, 25), (25, 25)]


def test_the_interval_holds_across_calls_and_is_a_parameter(httpserver: HTTPServer, fake_time: FakeTime) -> None:
    httpserver.expect_request(PATH).respond_with_data(EMPTY)
    lookup_titles(fake_time, ["First"])
    fake_time.now += 1.0  # a second call 1 s later waits the 2 s left
    lookup_titles(fake_time, ["Second"])
    lookup_titles(fake_time, ["Third"], interval=0.5)
    assert fake_time.sleeps == [2.0, 0.5]


def test_two_papers_with_the_same_title_are_no_match(httpserver: HTTPServer, fake_time: FakeTime) -> None:
    twin = FEED.replace("http://arxiv.org/abs/hep-th/9901001v3", "http://arxiv.org/abs/2402.00001v1").replace(
        "Boundary States and Open String Dualities", "Benchmarking Tabular Foundation Models on Clinical Prediction"
    )
    httpserver.expect_request(PATH).respond_with_data(twin)
    lookup = lookup_titles(fake_time, ["Benchmarking tabular foundation models on clinical prediction"])
    assert lookup.matches == {}
    assert lookup.warnings == [
        "'Benchmarking tabular foundation models on clinical prediction': 2 arXiv papers have this title "
        "(2312.17650, 2402.00001); none taken"
    ]


def test_titles_without_words_are_not_asked_for(httpserver: HTTPServer, fake_time: FakeTime) -> None:
    lookup = lookup_titles(fake_time, ["", "???", "ζ", "word " * 41])
    assert lookup.requests == 0 and httpserver.log == []
    assert [warning.split(": ", 1)[1] for warning in lookup.warnings] == [
        "no words to search for, not looked up"
    ] * 3 + ["too long for a title, not looked up"]


def test_lookup_by_id(httpserver: HTTPServer, fake_time: FakeTime) -> None:
    httpserver.expect_request(PATH).respond_with_data(FEED)
    lookup = find_by_ids(["2401.00007v2", "hep-th/9901001", "nonsense"], sleep=fake_time.sleep, clock=fake_time.clock)
    assert sorted(lookup.matches) == ["2401.00007", "hep-th/9901001"]
    assert httpserver.log[0][0].args["id_list"] == "2401.00007,hep-th/9901001"
    assert lookup.warnings == ["'nonsense': not an arXiv id, not looked up"]


def test_arxivs_error_feed_is_a_fetch_error(httpserver: HTTPServer, fake_time: FakeTime) -> None:
    httpserver.expect_request(PATH).respond_with_data((DATA / "arxiv_atom_error.xml").read_bytes())
    with pytest.raises(FetchError, match="arXiv answered with an error: incorrect id format"):
        find_by_ids(["2401.00007"], sleep=fake_time.sleep, clock=fake_time.clock)


def test_rate_exceeded_is_retried_no_sooner_than_the_interval(httpserver: HTTPServer, fake_time: FakeTime) -> None:
    httpserver.expect_oneshot_request(PATH).respond_with_data("Rate exceeded.", status=503)
    httpserver.expect_request(PATH).respond_with_data(FEED)
    lookup = lookup_titles(fake_time, [SPARSE])
    assert list(lookup.matches) == [SPARSE] and fake_time.sleeps == [3.0]


def test_a_bad_arxiv_endpoint_is_one_line(monkeypatch: pytest.MonkeyPatch, fake_time: FakeTime) -> None:
    monkeypatch.setenv("ARXIV_ENDPOINT", "export.arxiv.org")
    with pytest.raises(FetchError, match=r"ARXIV_ENDPOINT='export\.arxiv\.org' is not an http"):
        lookup_titles(fake_time, [SPARSE])
