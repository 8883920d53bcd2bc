"""One benchmark process: open a library in the headless browser and time what a user feels.

    python -m tests.benchmarks.app_probe LIBRARY_DIR SPAWN_TIME

SPAWN_TIME is the parent's `time.time()` just before it started this process, so the cold
start includes the interpreter, imports and loading the library. Prints one JSON object.
Frames are timestamped where Textual hands a composed screen update to the driver
(`App._display`), so a figure is "until the list was painted", not until a handler ran.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from paperdeck.tui.app import PaperdeckApp
from paperdeck.tui.config import Config
from paperdeck.tui.screens.main import MainScreen
from paperdeck.tui.widgets.paper_list import PaperList

QUERIES = ("gaussian splatting", "difusion modle", "large language models reasoning", "transfor", "llm agents")
MARK_REPEATS = 20


def rss_mb() -> float:
    """Resident memory of this process in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class FrameClock:
    """Counts list replacements and timestamps every painted frame with the count it showed."""

    def __init__(self, app: PaperdeckApp) -> None:
        self.generation = 0
        self.frames: list[tuple[float, int]] = []
        self.first_titles_at: float | None = None
        clock = self
        original_set_ids = PaperList.set_ids

        def set_ids(self: PaperList, ids: Any, keep: str | None = None) -> None:
            clock.generation += 1
            original_set_ids(self, ids, keep)

        PaperList.set_ids = set_ids  # type: ignore[method-assign]
        original_display = app._display

        def display(screen: Any, renderable: Any) -> None:
            original_display(screen, renderable)
            if renderable is None:
                return
            clock.frames.append((time.perf_counter(), clock.generation))
            if clock.first_titles_at is None and isinstance(screen, MainScreen) and screen.paper_list.ids:
                clock.first_titles_at = time.time()

        app._display = display  # type: ignore[method-assign]

    async def painted_after(self, generation: int, since: float, timeout: float = 10.0) -> float:
        """Seconds from `since` to the first frame showing a list newer than `generation`."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for stamp, shown in reversed(self.frames):
                if stamp < since:
                    break
                if shown > generation:
                    first = min(s for s, g in self.frames if s >= since and g > generation)
                    return first - since
            await asyncio.sleep(0.0005)
        raise TimeoutError("no frame painted the new list")


def press(app: PaperdeckApp, character: str) -> None:
    """Send one key as the terminal driver would, without Pilot's idle waits."""
    # Imported here: `tui` must be imported before Textual, as `paperdeck` does (tui/__init__.py
    # sets the frame rate Textual reads at import).
    from textual import events
    from textual.keys import _character_to_key

    key = "escape" if character == "\x1b" else _character_to_key(character) if not character.isalnum() else character
    event = events.Key(key, None if key == "escape" else character)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


async def probe(folder: Path, spawned: float) -> dict[str, Any]:
    """Every in-process figure for one library."""
    library = Library.open(folder, create=False, abstracts=False)  # as `paperdeck` opens it
    loaded = time.time()
    app = PaperdeckApp(library, Config(read_delay=0.0))
    clock = FrameClock(app)
    result: dict[str, Any] = {"papers": len(library.papers), "load_s": loaded - spawned}
    async with app.run_test(size=(120, 40)) as pilot:
        while clock.first_titles_at is None:
            await asyncio.sleep(0.001)
        result["cold_start_s"] = clock.first_titles_at - spawned
        screen = app.screen
        assert isinstance(screen, MainScreen)
        while screen.indexer.index is None:
            await asyncio.sleep(0.005)
        result["titles_searchable_s"] = time.time() - spawned
        while screen.indexer.index.abstracts_pending:  # keystrokes are timed against the full index
            await asyncio.sleep(0.005)
        await pilot.pause()
        result["index_ready_s"] = time.time() - spawned
        keystrokes: list[float] = []
        clears: list[float] = []
        for query in QUERIES:
            await pilot.press("slash")
            await pilot.pause()
            for character in query:
                generation, started = clock.generation, time.perf_counter()
                press(app, character)
                keystrokes.append(await clock.painted_after(generation, started))
            await pilot.pause(0.05)
            generation, started = clock.generation, time.perf_counter()
            press(app, "\x1b")
            clears.append(await clock.painted_after(generation, started))
            assert len(screen.paper_list.ids) == len(library.papers)
            await pilot.pause(0.05)
        result["keystroke_ms"] = [ms * 1000 for ms in keystrokes]
        result["clear_ms"] = [ms * 1000 for ms in clears]
        ids = sorted(library.papers)[:MARK_REPEATS]
        stars, tags = [], []
        for paper_id in ids:
            started = time.perf_counter()
            library.change_marks([paper_id], MarkChange(starred=not library.marks_of(paper_id).starred))
            stars.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            library.change_marks([paper_id], MarkChange(add_tags=(f"bench-{os.getpid()}",)))  # new each run
            tags.append((time.perf_counter() - started) * 1000)
        result["star_ms"], result["tag_ms"] = stars, tags
        result["rss_mb"] = rss_mb()
    return result


def main() -> None:
    """Run the probe and print its JSON; exit without tearing down a big heap."""
    folder, spawned = Path(sys.argv[1]), float(sys.argv[2])
    result = asyncio.run(probe(folder, spawned))
    sys.stdout.write(orjson.dumps(result).decode() + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
