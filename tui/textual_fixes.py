"""Workarounds for Textual bugs that a user can hit, each found by tests/test_monkey.py (or,
for the leak, by the scale benchmark's memory figure) and each with a test that reproduces
it. Applied once when tui.app is imported.

Remove a fix when the Textual version in pyproject.toml no longer needs it (the test says).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import textual.dom
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import OptionList

_original_move_page = OptionList._move_page
_original_dismiss = Screen.dismiss
_original_watch_list_visible = CommandPalette._watch__list_visible
_original_watch = textual.dom._watch
_original_divide = Strip.divide


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


def _watch_dropping_closed_watchers(
    node: Any, obj: Any, attribute_name: str, callback: Any, *, init: bool = True
) -> None:
    """A watcher is dropped only when the watched value changes, in Textual 8.2.8. The footer
    is recomposed on every focus change (/ and Esc) and each new key watches `Footer.compact`,
    which never changes: the removed keys stayed reachable from the footer's watcher list,
    ~15 widgets per focus change, forever (and each new watch scanned the whole list). Here a
    new watch first drops the watchers of closed nodes, as a change of the value would."""
    watchers = getattr(obj, "__watchers", {}).get(attribute_name)
    if watchers:
        watchers[:] = [(reactable, found) for reactable, found in watchers if not reactable._closing]
    _original_watch(node, obj, attribute_name, callback, init=init)


def _divide_whole_without_a_cycle(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    """The compositor divides every painted line; a line cut only at its end is `[self]`,
    which Textual 8.2.8 also caches in the line itself: a reference cycle per painted line.
    Every row repainted while typing (~40 a keystroke) then became garbage that only a full
    collection frees (~4,000 objects in 8 keys), which the typing hold of full collections
    made pile up. The same answer, not cached."""
    length = self.cell_length
    kept = [cut for cut in cuts if cut <= length]
    if kept == [length]:
        return [self]
    return _original_divide(self, kept)


def apply() -> None:
    """Install the workarounds (idempotent)."""
    OptionList._move_page = _move_page_when_laid_out  # type: ignore[method-assign]
    Screen.dismiss = _dismiss_when_active  # type: ignore[method-assign,assignment]
    CommandPalette._watch__list_visible = _watch_list_visible_while_composed  # type: ignore[method-assign]
    textual.dom._watch = _watch_dropping_closed_watchers
    Strip.divide = _divide_whole_without_a_cycle  # type: ignore[method-assign]
