"""Workarounds for Textual bugs that a user can hit, each found by tests/test_monkey.py and
each with a test that reproduces it. Applied once when tui.app is imported.

Remove a fix when the Textual version in pyproject.toml no longer needs it (the test says).
"""

from __future__ import annotations

from typing import Any

from textual.await_complete import AwaitComplete
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import OptionList

_original_move_page = OptionList._move_page
_original_dismiss = Screen.dismiss
_original_watch_list_visible = CommandPalette._watch__list_visible


def _move_page_when_laid_out(self: OptionList, direction: int) -> None:
    """PgUp/PgDn in an OptionList that has options but no layout yet (e.g. ctrl+p then PgUp
    within one frame) raises KeyError in Textual 8.2.8; there is no page to move by yet."""
    if (self.highlighted or 0) not in self._index_to_line:
        return
    _original_move_page(self, direction)


def _dismiss_when_active(self: Screen[Any], result: Any = None) -> AwaitComplete:
    """Dismiss pops whatever screen is on top. Two closing keys queued within a frame (Enter
    twice in the palette or a modal) dismissed a screen twice in Textual 8.2.8: the second
    popped the main screen, or raised ScreenStackError. A screen no longer on top is gone."""
    if not self.is_active:
        return AwaitComplete.nothing()
    return _original_dismiss(self, result)


def _watch_list_visible_while_composed(self: CommandPalette) -> None:
    """The palette closed while its command search was still running: the search's last
    update finds no CommandList any more (NoMatches from a worker, which ends the app)."""
    try:
        _original_watch_list_visible(self)
    except NoMatches:
        return


def apply() -> None:
    """Install the workarounds (idempotent)."""
    OptionList._move_page = _move_page_when_laid_out  # type: ignore[method-assign]
    Screen.dismiss = _dismiss_when_active  # type: ignore[method-assign,assignment]
    CommandPalette._watch__list_visible = _watch_list_visible_while_composed  # type: ignore[method-assign]
