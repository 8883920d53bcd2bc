"""The help screen: every key binding of the browser, with a filter box to search them."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from paperdeck.store.clean import printable
from paperdeck.tui.keys import bindings

HelpRow = tuple[str, str, str, str]  # (section, keys, description, binding id)


class HelpScreen(ModalScreen[None]):
    """?/F1: a searchable list of bindings; Esc, q or ? closes."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: round $accent; background: $panel; }
    HelpScreen Input { border: none; height: 1; margin: 0 1; }
    HelpScreen OptionList { height: 1fr; border: none; }
    HelpScreen Label { color: $text-muted; margin: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings("help")

    def __init__(self, rows: list[HelpRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        """Search box, bindings, hint."""
        with Vertical():
            yield Label("paperdeck keys — type to search · remap by id in config.json (keymap)")
            yield Input(placeholder="search keys and actions", id="help-search")
            yield OptionList(id="help-list")
            yield Label("Esc closes")

    def on_mount(self) -> None:
        """Show every row and put the cursor in the search box."""
        self.show_rows("")
        self.query_one(Input).focus()

    def show_rows(self, needle: str) -> None:
        """Rows whose keys, description, section or id contain every typed word."""
        words = needle.lower().split()
        options = self.query_one(OptionList)
        options.clear_options()
        for section, keys, description, binding_id in self.rows:
            haystack = f"{section} {keys} {description} {binding_id}".lower()
            if all(word in haystack for word in words):
                line = Text.assemble(
                    (printable(f"{keys:>16}  "), "bold"),
                    (f"{description:<32}", ""),
                    (f"{section:<8} ", "dim"),
                    (binding_id, "dim italic"),
                )
                options.add_option(Option(line))

    @on(Input.Changed, "#help-search")
    def search(self, event: Input.Changed) -> None:
        """Filter as you type."""
        self.show_rows(event.value)

    def action_focus_list(self) -> None:
        """Down arrow: from the search box into the list."""
        self.query_one(OptionList).focus()

    def action_close(self) -> None:
        """Back to the browser."""
        self.dismiss(None)

    def key_question_mark(self) -> None:
        """? closes too, unless it is being typed into the search box."""
        if not isinstance(self.focused, Input):
            self.dismiss(None)

    def key_q(self) -> None:
        """q closes when the search box is not focused."""
        if not isinstance(self.focused, Input):
            self.dismiss(None)
