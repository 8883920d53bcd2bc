"""Regenerate the README screenshots: drives the browser headless on the bundled sample.

python -m tests.make_screenshots        # writes screenshots/*.svg
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson

from paperdeck.store.dumps import parse_file
from paperdeck.store.library import Library
from paperdeck.store.locations import sample_dumps
from paperdeck.store.mark_changes import MarkChange
from paperdeck.tui.app import PaperdeckApp
from paperdeck.tui.config import Config
from tests.conftest import import_results

OUT = Path(__file__).resolve().parents[1] / "screenshots"
KEY_NAMES = {" ": "space", ",": "comma", ":": "colon", "#": "number_sign", "-": "minus"}


def keys(text: str) -> list[str]:
    """Pilot key names for typing `text`."""
    return [KEY_NAMES.get(char, char) for char in text]


HF_DAY = Path(__file__).resolve().parents[2] / "shared" / "hf-api" / "daily_papers_2026-08-20.json"


def sample_library(folder: Path, fetched: bool = False) -> Library:
    """The bundled sample with a few stars, tags and read papers, as after a morning's triage
    (and, `fetched`, a real day of the Daily Papers API added to it)."""
    library = Library.open(folder)
    import_results(library, [parse_file(path) for path in sample_dumps()])
    if fetched:
        from paperdeck.store.sources.hf_api import parse_items

        library.add_papers(parse_items(orjson.loads(HF_DAY.read_bytes()), "2026-08-20").papers, now=2e9)
    ids = list(library.papers)
    for paper_id in ids[:3]:
        library.change_marks([paper_id], MarkChange(starred=True))
    for paper_id, tags in ((ids[0], ["3d", "to-read"]), (ids[1], ["diffusion"]), (ids[5], ["3d"])):
        library.change_marks([paper_id], MarkChange(add_tags=tuple(tags)))
    for paper_id in ids[:8]:
        library.change_marks([paper_id], MarkChange(read=True))
    return library


async def shoot(
    name: str, size: tuple[int, int], steps: Callable[[Any], Awaitable[None]], fetched: bool = False
) -> Path:
    """Run the app at `size`, perform `steps` with the pilot, save screenshots/NAME.svg."""
    with tempfile.TemporaryDirectory() as tmp:
        app = PaperdeckApp(sample_library(Path(tmp) / "lib", fetched), Config(read_delay=0))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await steps(pilot)
            await pilot.pause(0.2)
            path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(OUT)))
    return path


async def main() -> None:
    """Every screenshot the README shows."""
    OUT.mkdir(exist_ok=True)

    async def nothing(pilot: Any) -> None:
        await pilot.press("j")

    async def filtered(pilot: Any) -> None:
        await pilot.press("slash", *keys("gausian splating"), "enter")

    async def tag_modal(pilot: Any) -> None:
        await pilot.press("t", *keys("to-r"))

    async def help_screen(pilot: Any) -> None:
        await pilot.press("question_mark")

    async def facets(pilot: Any) -> None:
        await pilot.press("b")

    async def triage(pilot: Any) -> None:
        await pilot.press("j", "space", "space", "space", "k")
        await pilot.press("n", *keys("Compare with MEt3R's consistency score before citing."), "ctrl+s")

    async def fetched_paper(pilot: Any) -> None:
        await pilot.press("slash", *keys("zetta"), "enter")

    async def export_menu(pilot: Any) -> None:
        await pilot.press("space", "space", "E")

    shots = [
        ("main", (140, 40), nothing, False),
        ("filtered", (140, 40), filtered, False),
        ("tag-modal", (140, 40), tag_modal, False),
        ("help", (140, 40), help_screen, False),
        ("facets", (140, 40), facets, False),
        ("narrow", (80, 30), nothing, False),
        ("triage", (140, 40), triage, False),
        ("fetched", (140, 40), fetched_paper, True),
        ("export", (140, 40), export_menu, True),
    ]
    for name, size, steps, fetched in shots:
        print(await shoot(name, size, steps, fetched))


if __name__ == "__main__":
    asyncio.run(main())
