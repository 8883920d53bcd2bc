"""The Textual app: theme, keymap from the config file, command palette, and the main screen."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable
from functools import partial
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from paperdeck.store.clean import printable
from paperdeck.store.library import Library
from paperdeck.store.locations import config_path
from paperdeck.tui import textual_fixes
from paperdeck.tui.config import Config, load_config
from paperdeck.tui.keys import KEYS, SCOPES, bindings, keys_of, palette_keys, use_keymap
from paperdeck.tui.screens.help import HelpRow
from paperdeck.tui.screens.main import MainScreen

textual_fixes.apply()


class PaperdeckApp(App[int]):
    """paperdeck's browser."""

    TITLE = "paperdeck"
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    def __init__(self, library: Library, config: Config | None = None, welcome: str | None = None) -> None:
        super().__init__()
        self.library = library
        self.welcome = welcome
        self.config = config or load_config(config_path(library.folder))
        self.osc52_enabled = self.config.osc52
        if self.config.theme:
            self.theme = self.config.theme if self.config.theme in self.available_themes else self.theme

    def get_default_screen(self) -> Screen[object]:
        """The main screen is the app's first screen: pushing it over Textual's blank default
        one painted and laid out a frame nobody saw (~15 ms of every cold start)."""
        return MainScreen(self.library, self.config)

    def on_mount(self) -> None:
        """Apply the user's keymap, greet a new user and report problems in the settings."""
        # The loaded library never becomes garbage: keep the cyclic collector from walking
        # its 100,000s of objects again and again (each full pass took ~100 ms at 100k papers).
        gc.freeze()
        use_keymap(self.config.keymap)
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        if self.welcome:
            self.notify(self.welcome, title="Welcome to paperdeck", timeout=10)
        for problem in self.config.problems:
            self.notify(problem, severity="warning", timeout=10)

    def describe_bindings(self, screen: Screen[object]) -> list[HelpRow]:
        """Every binding of the browser, with the user's keymap applied, for the help screen."""
        keymap = self.config.keymap
        rows: list[HelpRow] = []
        for key in KEYS:
            keys = keys_of(key, keymap)
            shown = ", ".join(self.get_key_display(Binding(one, "")) for one in keys.split(",") if one) or "palette"
            rows.append((SCOPES[key.scope], shown, key.long_description, key.id))
        return rows

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every main-screen action, with its key, besides Textual's own."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for key in palette_keys():
            keys = keys_of(key, self.config.keymap)
            help_text = f"key: {keys}" if keys else "from the palette"
            yield SystemCommand(key.long_description, help_text, partial(screen.run_action, key.action))

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:  # type: ignore[override]
        """Toasts carry titles, tags and links (`[Re] A paper`, a tag typed with `[`): plain,
        printable text — never markup, never a control character — unless a caller asks for markup."""
        title = kwargs.get("title")
        if isinstance(title, str):
            kwargs["title"] = printable(title)
        super().notify(printable(message, multiline=True), markup=markup, **kwargs)

    async def action_quit(self) -> None:
        """q: remember the browser state, then leave."""
        if isinstance(self.screen, MainScreen):
            self.screen.save_state()
        self.exit(0)


def run_browser(library: Library, welcome: str | None = None) -> int:
    """Open the browser on `library` (with a one-time welcome toast) and return the exit code.

    The process ends here without tearing down its heap: freeing 100,000 papers and their
    index one object at a time kept the terminal waiting ~0.5 s after `q`, and every file
    was already written (each write is durable before it shows)."""
    code = PaperdeckApp(library, welcome=welcome).run() or 0
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
