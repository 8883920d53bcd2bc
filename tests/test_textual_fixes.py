"""tui/textual_fixes.py: the patches apply only on the Textual versions they were tested with
(on another the app starts without them, and says so in the log); toasts are bounded; the
memory Python freed is handed back."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap

import pytest

from paperdeck.store.library import Library
from paperdeck.tui import textual_fixes
from paperdeck.tui.controllers import memory
from tests.conftest import REPO
from tests.pilot import make_app


def test_the_installed_textual_is_a_tested_version() -> None:
    """pyproject pins textual to the range the fixes were tested on; this says if it moved."""
    assert textual_fixes.textual_version() in textual_fixes.TESTED_VERSIONS


def test_on_an_unknown_textual_version_the_app_starts_without_the_patches() -> None:
    script = textwrap.dedent(
        """
        import asyncio, logging, sys
        logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format="%(message)s")
        from paperdeck.tui import textual_fixes
        textual_fixes.TESTED_VERSIONS = ("0.0.0",)
        from textual.strip import Strip
        from paperdeck.tui.app import PaperdeckApp
        from paperdeck.store.library import Library
        from paperdeck.tui.config import Config

        async def main():
            app = PaperdeckApp(Library.open(sys.argv[1]), Config(read_delay=0))
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.press("j", "slash", "d", "escape")
            print("started", app.return_value is None, Strip.render is textual_fixes._original_render)

        asyncio.run(main())
        """
    )
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([sys.executable, "-c", script, folder], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "is not a version paperdeck's fixes were tested with" in result.stdout
    assert result.stdout.strip().endswith("started True True")


async def test_toasts_are_bounded(library: Library) -> None:
    """A key held down made a toast widget per press (hundreds alive at once): at most
    MAX_TOASTS are shown; the newest ones."""
    from textual.widgets._toast import Toast

    app, toasts = make_app(library)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        for _ in range(25):
            await pilot.press("S")
        await pilot.pause()
        shown = list(app.screen.query(Toast))
        assert len(toasts) == 25 and 0 < len(shown) <= textual_fixes.MAX_TOASTS


async def test_freed_memory_is_handed_back_every_few_seconds(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(memory, "TRIM_EVERY", 0.05)
    monkeypatch.setattr(memory, "_malloc_trim", lambda: calls.append)
    app, _ = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.4)
    assert calls and set(calls) == {0}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_malloc_trim_is_found_where_glibc_is() -> None:
    assert memory._malloc_trim() is not None


def test_a_painted_line_never_carries_a_control_character() -> None:
    """The last line of defence: text that reached a painted line with an escape sequence in
    it (a widget that forgot `printable`) loses its control characters there; the styles'
    own sequences stay."""
    from rich.console import Console
    from rich.segment import Segment
    from rich.style import Style
    from textual.strip import Strip

    console = Console(color_system="truecolor", force_terminal=True)
    strip = Strip([Segment("Evil \x1b]52;c;ZXZpbA==\x07 title \x9b31m", Style(bold=True)), Segment(" ok")])
    output = strip.render(console)
    assert "\x1b]52" not in output and "\x07" not in output and "\x9b" not in output
    assert "Evil ]52;c;ZXZpbA== title 31m" in output and "\x1b[1m" in output  # bold kept
