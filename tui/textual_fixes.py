"""Every patch of Textual's internals, in one place, applied only on the Textual versions it
was tested with (pyproject pins the range; tests/test_monkey.py and tests/test_textual_fixes.py
reproduce each bug). On any other version the app starts without them: each skipped patch is
logged, and the app works, only without the workaround.

- OptionList PgUp/PgDn before its first layout raised KeyError.
- Two closing keys queued within a frame dismissed a screen twice.
- The palette closed while its search ran raised NoMatches from a worker.
- A painted line was cached inside itself (a reference cycle per line).
- The last line of defence against text that drives the terminal: a control character that
  reached a painted line (a source that forgot to clean, a file name) is dropped there.
- Toasts were unbounded: a key held down (S, s j) mounted a toast widget per press, hundreds
  alive at once, each laid out on every new one (the soak benchmark: +20 MB per 1,000 presses).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import textual
from rich.console import Console
from rich.segment import Segment
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.notifications import Notify
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import OptionList

TESTED_VERSIONS = ("8.2.8",)
log = logging.getLogger(__name__)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

_original_move_page = OptionList._move_page
_original_dismiss = Screen.dismiss
_original_watch_list_visible = CommandPalette._watch__list_visible
_original_divide = Strip.divide
_original_render = Strip.render
MAX_TOASTS = 4  # notifications shown at once; a new one retires the oldest


def textual_version() -> str | None:
    """The installed Textual's version, read from its dist-info folder's name (importlib.metadata
    would cost ~25 ms of every start)."""
    site = Path(textual.__file__).resolve().parent.parent
    try:
        for entry in os.scandir(site):
            if entry.name.startswith("textual-") and entry.name.endswith(".dist-info"):
                return entry.name[len("textual-") : -len(".dist-info")]
    except OSError:
        return None
    return None


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


def _render_without_controls(self: Strip, console: Console) -> str:
    """A painted line becomes terminal output here: its text segments lose any control
    character (ESC, BEL, C1 …), so that no text can ever set the clipboard, retitle the
    window or clear the screen. Widgets show such characters as symbols already (store.clean
    .printable); this catches whatever did not pass through them. One search per line painted."""
    if self._render_cache is None:
        text = "".join([segment.text for segment in self._segments if not segment.control])
        if _CONTROL.search(text) is not None:
            clean = Strip(
                [
                    segment if segment.control else Segment(_CONTROL.sub("", segment.text), segment.style)
                    for segment in self._segments
                ],
                self.cell_length,
            )
            self._render_cache = _original_render(clean, console)
    return _original_render(self, console)


def _notify_bounded(self: App[Any], event: Notify) -> None:
    """A new notification retires the oldest beyond MAX_TOASTS (Textual 8.2.8 keeps them all
    until they time out)."""
    notifications = self._notifications
    notifications.add(event.notification)
    for old in list(notifications)[:-MAX_TOASTS]:
        del notifications[old]
    self._refresh_notifications()


PATCHES = (
    (OptionList, "_move_page", _move_page_when_laid_out),
    (Screen, "dismiss", _dismiss_when_active),
    (CommandPalette, "_watch__list_visible", _watch_list_visible_while_composed),
    (Strip, "divide", _divide_whole_without_a_cycle),
    (Strip, "render", _render_without_controls),
    (App, "_on_notify", _notify_bounded),
)


def apply(version: str | None = None) -> bool:
    """Install the workarounds when Textual is a tested version (idempotent); False (and a
    warning logged) when they were skipped."""
    version = version or textual_version()
    if version not in TESTED_VERSIONS:
        log.warning(
            "Textual %s is not a version paperdeck's fixes were tested with (%s): running without them",
            version,
            ", ".join(TESTED_VERSIONS),
        )
        return False
    for owner, name, patch in PATCHES:
        setattr(owner, name, patch)
    return True
