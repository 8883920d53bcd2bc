"""`F` in the browser against a real HTTP server on loopback: a fetch runs in the background,
the new papers appear without losing the filter or the highlight, a toast says what came, and
a failure is a toast too."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from paperdeck.store.library import Library
from tests.conftest import REPO
from tests.pilot import make_app, paper_list, screen_of

RECORDED = json.loads((REPO.parent / "shared" / "hf-api" / "daily_papers_2026-08-20.json").read_text())


async def wait_for(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert condition()


async def test_f_fetches_in_the_background_and_keeps_the_filter_and_highlight(
    library: Library, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/api/daily_papers").respond_with_json(RECORDED)
    monkeypatch.setenv("HF_ENDPOINT", httpserver.url_for("/").rstrip("/"))
    app, toasts = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        screen_of(app).set_query("agent")
        await pilot.press("j")
        kept = paper_list(app).highlighted_id
        before = len(paper_list(app).ids)
        await pilot.press("F")
        await wait_for(lambda: any("papers (" in toast for toast in toasts))
        await pilot.pause()
        assert "15 papers (15 new)" in toasts
        assert len(library.papers) == 362 + 15
        assert screen_of(app).query_text == "agent" and paper_list(app).highlighted_id == kept
        assert len(paper_list(app).ids) > before  # fetched papers about agents are shown
        zetta = next(i for i in paper_list(app).ids if i.startswith("zetta"))
        paper_list(app).move_to(list(paper_list(app).ids).index(zetta))
        await pilot.pause()
        body = str(screen_of(app).viewer.query_one("#abstract-body").render())
        assert "arXiv 2608.16590" in body and "TL;DR" in body and "Xin Ding, Liang Mi, Mingzhe Huang …" in body
        assert len(httpserver.log) == 1


async def test_a_failed_fetch_is_a_toast(
    library: Library, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/api/daily_papers").respond_with_data("gone", status=404)
    monkeypatch.setenv("HF_ENDPOINT", httpserver.url_for("/").rstrip("/"))
    app, toasts = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("F")
        await wait_for(lambda: any("404" in toast for toast in toasts))
        assert app.is_running and len(library.papers) == 362
        await pilot.press("j")  # still browsing


async def test_brackets_step_through_list_days_and_p_opens_the_pdf(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    from paperdeck.store.sources.hf_api import parse_items

    for day in ("2024-10-25", "2026-08-20"):
        items = json.loads((REPO.parent / "shared" / "hf-api" / f"daily_papers_{day}.json").read_text())
        library.add_papers(parse_items(items, day).papers)
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    app, toasts = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        screen_of(app).set_query("agent")
        await pilot.press("right_square_bracket")  # no day in the filter yet: the newest
        assert screen_of(app).query_text == "date:2026-08-20 agent"
        assert all(library.papers[i].list_day == "2026-08-20" for i in paper_list(app).ids)
        await pilot.press("left_square_bracket")
        assert screen_of(app).query_text == "date:2024-10-25 agent"
        await pilot.press("left_square_bracket")
        assert toasts[-1] == "No earlier list day" and screen_of(app).query_text == "date:2024-10-25 agent"
        screen_of(app).set_query("date:2026-08-20")
        await pilot.pause()
        paper = library.papers[paper_list(app).highlighted_id]  # type: ignore[index]
        await pilot.press("P")
        assert opened == [f"https://arxiv.org/pdf/{paper.arxiv_id}"]
