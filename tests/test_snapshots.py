"""Snapshot tests of the main screens (pytest-textual-snapshot). After a deliberate UI change:
`python -m pytest tests/test_snapshots.py --snapshot-update`, look at the SVGs, commit them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from paperdeck.tui.app import PaperdeckApp
from paperdeck.tui.config import Config
from tests.make_screenshots import keys, sample_library


def make(tmp_path: Path) -> PaperdeckApp:
    return PaperdeckApp(sample_library(tmp_path / "lib"), Config(read_delay=0))


async def no_blink(pilot: Any) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_main_screen(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make(tmp_path), press=["j"], terminal_size=(140, 40), run_before=no_blink)


def test_filtered_with_highlights(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await no_blink(pilot)
        await pilot.press("slash", *keys("difusion 3d"), "enter")

    assert snap_compare(make(tmp_path), terminal_size=(140, 40), run_before=run_before)


def test_help_screen(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.press("question_mark")
        await no_blink(pilot)

    assert snap_compare(make(tmp_path), terminal_size=(120, 40), run_before=run_before)


def test_narrow_layout(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make(tmp_path), press=["j", "j"], terminal_size=(80, 30), run_before=no_blink)
