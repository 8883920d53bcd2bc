"""The footer: the keys that work where the focus is, as one line of text.

Textual's Footer recomposes a widget per key on every focus change; with keys held down (`b`
toggling the facets, `/` and Esc) in a real terminal, recompositions overlapped and left ~9
widgets behind per press (the soak benchmark: +18 MB per 1,000 presses of `b`). This footer
draws the same keys, from the same bindings (tui/keys.py), into a single line instead.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static


class KeyFooter(Static):
    """`/ Filter  s Star  …  ^p Commands`, redrawn when the active bindings change."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description"}

    DEFAULT_CSS = """
    KeyFooter { dock: bottom; height: 1; background: $panel; color: $foreground; }
    KeyFooter > .key-footer--key { color: $accent; text-style: bold; }
    KeyFooter > .key-footer--description { color: $foreground; }
    """

    def on_mount(self) -> None:
        """Follow the screen's bindings (they change with the focus)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._show_keys()

    def on_unmount(self) -> None:
        """Stop following."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self._show_keys()

    def _show_keys(self) -> None:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        text = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        active = self.screen.active_bindings
        for _, binding, enabled, _ in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            dim = Style(dim=not enabled)
            text.append(f" {self.app.get_key_display(binding)} ", key_style + dim)
            text.append(f"{binding.description} ", description_style + dim)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            text.append(" ▏")
            text.append(f"{self.app.get_key_display(palette.binding)} ", key_style)
            text.append("Commands", description_style)
        self.update(text)
