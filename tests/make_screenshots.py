"""Regenerate the README screenshots: drives the browser headless on the bundled sample.

python -m tests.make_screenshots        # writes screenshots/*.svg
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

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


def sample_library(folder: Path) -> Library:
    """The bundled sample with a few stars, tags and read papers, as after a morning's triage."""
    library = Library.open(folder)
    import_results(library, [parse_file(path) for path in sample_dumps()])
    ids = list(library.papers)
    for paper_id in ids[:3]:
        library.change_marks([paper_id], MarkChange(starred=True))
    for paper_id, tags in ((ids[0], ["3d", "to-read"]), (ids[1], ["diffusion"]), (ids[5], ["3d"])):
        library.change_marks([paper_id], MarkChange(add_tags=tuple(tags)))
    for paper_id in ids[:8]:
        library.change_marks([paper_id], MarkChange(read=True))
    return library


async def shoot(name: str, size: tuple[int, int], steps: Callable[[Any], Awaitable[None]]) -> Path:
    """Run the app at `size`, perform `steps` with the pilot, save screenshots/NAME.svg."""
    with tempfile.TemporaryDirectory() as tmp:
        app = PaperdeckApp(sample_library(Path(tmp) / "lib"), Config(read_delay=0))
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

    shots = [
        ("main", (140, 40), nothing),
        ("filtered", (140, 40), filtered),
        ("tag-modal", (140, 40), tag_modal),
        ("help", (140, 40), help_screen),
        ("facets", (140, 40), facets),
        ("narrow", (80, 30), nothing),
    ]
    for name, size, steps in shots:
        print(await shoot(name, size, steps))


if __name__ == "__main__":
    asyncio.run(main())
