"""`paperdeck fetch`, the real command against a real HTTP server on loopback: a day lands and
merges, fetching it twice changes nothing, failures are one line with the library untouched,
`--since-last` keeps the days it finished, and `--complete` fills arXiv ids by exact title."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from paperdeck.store import feed
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from paperdeck.store.sources import arxiv_client
from paperdeck.tui.__main__ import main
from tests.conftest import REPO

PAPERDECK = str(Path(sys.executable).with_name("paperdeck"))
HF_API = REPO.parent / "shared" / "hf-api"
DAY = "2026-08-20"
PATH = "/api/daily_papers"


def recorded(day: str = DAY) -> list[dict]:
    return json.loads((HF_API / f"daily_papers_{day}.json").read_text())


def fetch(folder: Path, *args: str, endpoint: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_ENDPOINT": endpoint, "ARXIV_ENDPOINT": endpoint}
    return subprocess.run(
        [PAPERDECK, "--library", str(folder), "fetch", *args], env=env, capture_output=True, text=True, timeout=60
    )


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def endpoint(httpserver: HTTPServer) -> str:
    return httpserver.url_for("/").rstrip("/")


def test_a_day_lands_merges_with_a_dump_and_twice_changes_nothing(
    httpserver: HTTPServer, endpoint: str, tmp_path: Path
) -> None:
    folder = tmp_path / "lib"
    library = Library.open(folder)
    first = recorded()[0]["paper"]
    # The same paper seen on a saved page before, with the title's case and spacing changed.
    dump = tmp_path / "page.txt"
    dump.write_text(first["title"].upper() + "\n\n" + "An abstract long enough to be one. " * 8 + "\n")
    assert (
        subprocess.run([PAPERDECK, "--library", str(folder), "import", str(dump)], capture_output=True).returncode == 0
    )
    known_id = next(iter(Library.open(folder).papers))
    Library.open(folder).change_marks([known_id], MarkChange(starred=True, add_tags=("keep",)))
    httpserver.expect_request(PATH, query_string={"date": DAY, "limit": "100", "p": "0"}).respond_with_json(recorded())
    result = fetch(folder, "--date", DAY, endpoint=endpoint)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{DAY}: 15 papers (14 new, 1 updated)\n"
    library = Library.open(folder)
    assert len(library.papers) == 15  # merged, not duplicated
    merged = library.papers[known_id]
    assert merged.arxiv_id == first["id"] and merged.authors and merged.list_day == DAY
    assert library.marks_of(known_id).starred and library.marks_of(known_id).tags == ["keep"]
    before = folder_bytes(folder)
    again = fetch(folder, "--date", DAY, "--json", endpoint=endpoint)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == [{"period": DAY, "papers": 15, "new": [], "updated": [], "warnings": []}]
    assert folder_bytes(folder) == before


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"response_data": "<html>busy</html>", "status": 200, "content_type": "text/html"}, "not JSON"),
        ({"response_data": "bad date", "status": 400}, "400"),
        ({"response_json": {"error": "nope"}}, "not a list"),
    ],
)
def test_a_failed_fetch_is_one_line_and_changes_no_byte(
    httpserver: HTTPServer, endpoint: str, tmp_path: Path, answer: dict, message: str
) -> None:
    folder = tmp_path / "lib"
    Library.open(folder)
    before = folder_bytes(folder)
    if "response_json" in answer:
        httpserver.expect_request(PATH).respond_with_json(answer["response_json"])
    else:
        httpserver.expect_request(PATH).respond_with_data(**answer)
    result = fetch(folder, "--date", DAY, endpoint=endpoint)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("paperdeck: ") and message in result.stderr
    assert folder_bytes(folder) == before


def test_unreachable_and_invalid_dates_are_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    Library.open(folder)
    before = folder_bytes(folder)
    refused = fetch(folder, "--date", DAY, endpoint="http://127.0.0.1:9")
    assert (
        refused.returncode == 1
        and refused.stderr == f"paperdeck: {DAY}: cannot reach http://127.0.0.1:9: connection refused\n"
    )
    for bad in (["--date", "2026-13-01"], ["--week", "2026-W60"], ["--month", "2026-13"], ["--date", "yesterday"]):
        invalid = fetch(folder, *bad, endpoint="http://127.0.0.1:9")  # refused before any request
        assert invalid.returncode == 1 and invalid.stderr.count("\n") == 1 and "cannot fetch" in invalid.stderr
    assert folder_bytes(folder) == before


def test_since_last_keeps_the_days_it_finished_and_names_the_one_that_failed(
    httpserver: HTTPServer,
    endpoint: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In process, so that today can be 2026-08-21."""
    folder = tmp_path / "lib"
    library = Library.open(folder)
    (folder / "fetch.json").write_text(json.dumps({"last_day": "2026-08-18"}))
    items = recorded()
    httpserver.expect_request(PATH, query_string={"date": "2026-08-19", "limit": "100", "p": "0"}).respond_with_json(
        items[:5]
    )
    httpserver.expect_request(PATH, query_string={"date": "2026-08-20", "limit": "100", "p": "0"}).respond_with_data(
        "no", status=404
    )
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    monkeypatch.setattr(feed, "utc_today", lambda: "2026-08-21")
    assert main(["--library", str(folder), "fetch", "--since-last"]) == 1
    out, err = capsys.readouterr()
    assert out == "2026-08-19: 5 papers (5 new, 0 updated)\n"
    assert err.startswith("paperdeck: ") and "2026-08-20" in err and "404" in err and err.count("\n") == 1
    assert len(Library.open(folder).papers) == 5 and len(library.papers) == 0
    assert json.loads((folder / "fetch.json").read_text())["last_day"] == "2026-08-19"


def test_complete_fills_arxiv_ids_by_exact_title(
    httpserver: HTTPServer,
    endpoint: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In process, so that arXiv's 3 s between requests can be 0."""
    folder = tmp_path / "lib"
    feed = (REPO / "tests" / "data" / "arxiv_atom_query.xml").read_bytes()
    from paperdeck.store.sources.arxiv_atom import parse_atom

    known = parse_atom(feed, "feed").papers[0]
    dump = tmp_path / "page.txt"
    dump.write_text(f"{known.title}\n\n" + "An abstract long enough to be one. " * 8 + "\n")
    dump.write_text(dump.read_text() + "A Title Arxiv Never Heard Of\n\n" + "Another abstract of length. " * 9 + "\n")
    subprocess.run([PAPERDECK, "--library", str(folder), "import", str(dump)], check=True, capture_output=True)
    httpserver.expect_request("/api/query").respond_with_data(feed, content_type="application/atom+xml")
    monkeypatch.setenv("ARXIV_ENDPOINT", endpoint)
    monkeypatch.setattr(arxiv_client, "INTERVAL", 0.0)
    assert main(["--library", str(folder), "fetch", "--complete"]) == 0
    assert capsys.readouterr().out == "arXiv: 1 of 2 papers completed\n"
    library = Library.open(folder)
    paper = library.papers[known.id]
    assert paper.arxiv_id == known.arxiv_id and paper.authors == known.authors and paper.categories
    # Resumable: a second run asks only about what is still unknown and not already missed.
    assert main(["--library", str(folder), "fetch", "--complete"]) == 0
    assert capsys.readouterr().out == "arXiv: 0 of 0 papers completed\n" and len(httpserver.log) == 1


def test_papers_by_arxiv_id_come_from_hugging_face_else_arxiv(
    httpserver: HTTPServer, endpoint: str, tmp_path: Path
) -> None:
    """`fetch --paper`: the paper Hugging Face knows comes with its upvotes; the one it answers
    404 for comes from arXiv; one neither knows is a warning; a second run adds nothing; a
    malformed id is one line before any request, the library untouched."""
    folder = tmp_path / "lib"
    hf_paper = recorded()[0]["paper"]
    httpserver.expect_request("/api/papers/2608.16590").respond_with_json(hf_paper)
    httpserver.expect_request("/api/papers/2401.00007").respond_with_data("", status=404)
    httpserver.expect_request("/api/papers/2401.99999").respond_with_data("", status=404)
    atom = (REPO / "tests" / "data" / "arxiv_atom_query.xml").read_bytes()
    httpserver.expect_request("/api/query").respond_with_data(atom, content_type="application/atom+xml")
    ids = ["https://arxiv.org/abs/2608.16590v3", "arXiv:2401.00007", "2401.99999"]
    first = fetch(folder, "--paper", *ids, endpoint=endpoint)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "2608.16590, 2401.00007, 2401.99999: 2 papers (2 new, 0 updated)\n"
    assert first.stderr == "warning: 2401.99999: neither Hugging Face nor arXiv knows this paper\n"
    arxiv_asked = [request.args["id_list"] for request, _ in httpserver.log if request.path == "/api/query"]
    assert arxiv_asked == ["2401.00007,2401.99999"]
    papers = {paper.arxiv_id: paper for paper in Library.open(folder).papers.values()}
    assert papers["2608.16590"].upvotes == hf_paper["upvotes"] and papers["2608.16590"].title == hf_paper["title"]
    assert papers["2401.00007"].authors and papers["2401.00007"].categories
    again = fetch(folder, "--paper", "2608.16590", "2401.00007", "--json", endpoint=endpoint)
    assert json.loads(again.stdout)[0]["new"] == [] and again.returncode == 0
    before = folder_bytes(folder)
    asked = len(httpserver.log)
    bad = fetch(folder, "--paper", "2608.16590", "../etc/passwd", endpoint=endpoint)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr == "paperdeck: cannot fetch '../etc/passwd': not an arXiv id such as 2608.16590\n"
    assert folder_bytes(folder) == before and len(httpserver.log) == asked
