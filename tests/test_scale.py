"""Issue 5: the browser behaves identically at 100,000 papers — filter, star, clear, quit.
Correctness only; the timings live in tests/benchmarks/run.py."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from paperdeck.store.dumps import PaperBlock, ParseResult
from paperdeck.store.library import Library
from tests.conftest import import_results
from tests.pilot import make_app, paper_list, screen_of, type_text

SIZE = 100_000
WORDS = ("sparse", "diffusion", "graph", "agents", "retrieval", "vision", "tokens", "reasoning", "splatting")


@pytest.fixture(scope="module")
def big_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100k papers; every 10,007th one mentions quokkas, so a filter has a known answer."""
    blocks = []
    for number in range(SIZE):
        topic = " ".join(WORDS[(number * k) % len(WORDS)] for k in (1, 3, 7))
        animal = " quokka" if number % 10_007 == 0 else ""
        title = f"Paper {number}: {topic}{animal}"
        abstract = f"We study {topic} at scale and report results for setting {number}. " * 3
        blocks.append(PaperBlock(title, abstract, line=number * 2 + 1, source="big.txt"))
    folder = tmp_path_factory.mktemp("big") / "lib"
    import_results(Library.open(folder), [ParseResult("big.txt", blocks)])
    return folder


async def test_filter_star_clear_quit_at_100k(big_library: Path) -> None:
    library = Library.open(big_library)
    assert len(library.papers) == SIZE
    app, toasts = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        assert len(paper_list(app).ids) == SIZE  # painted before the index is ready
        deadline = time.monotonic() + 120
        while screen_of(app).indexer.index is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert screen_of(app).indexer.index is not None
        await pilot.press("slash")
        await type_text(pilot, "quokka")
        await pilot.press("enter")
        await pilot.pause()
        found = list(paper_list(app).ids)
        assert len(found) == len(range(0, SIZE, 10_007)) and all("quokka" in library.papers[i].title for i in found)
        target = paper_list(app).highlighted_id
        await pilot.press("s")
        await pilot.pause()
        assert any(toast.startswith("★ Starred") for toast in toasts)
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert len(paper_list(app).ids) == SIZE
        assert paper_list(app).highlighted_id == target  # the highlight survives clearing
        await pilot.press("q")
        await pilot.pause()
    assert target is not None and Library.open(big_library).marks_of(target).starred
