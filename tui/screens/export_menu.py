"""`E`: what to export (the highlighted paper, the selection, or every paper shown), in which
format, and whether to copy it or save it to a file."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, RadioButton, RadioSet
from textual.widgets.option_list import Option

from paperdeck.store.export import FORMATS
from paperdeck.tui.keys import bindings, shown_keys
from paperdeck.tui.screens.modals import MODAL_CSS

ExportChoice = tuple[str, str, str]  # (scope, format, "copy" or "save")


class ExportMenu(ModalScreen[ExportChoice | None]):
    """Scopes as radio buttons, formats as a list; c/Enter copies, w saves, Esc cancels."""

    DEFAULT_CSS = MODAL_CSS.format(name="ExportMenu") + "ExportMenu RadioSet { width: 100%; border: none; }"
    BINDINGS: ClassVar[list[BindingType]] = bindings("export")

    def __init__(self, scopes: list[tuple[str, str]], chosen: str, last_format: str = "bibtex") -> None:
        super().__init__()
        self.scopes = scopes  # (scope id, label)
        self.chosen = chosen
        self.last_format = last_format if last_format in FORMATS else "bibtex"

    def compose(self) -> ComposeResult:
        """Scopes, formats and the keys."""
        with Vertical():
            yield Label("Export", classes="title")
            with RadioSet(id="scopes"):
                for scope, label in self.scopes:
                    yield RadioButton(label, value=scope == self.chosen, id=f"scope-{scope}")
            yield OptionList(
                *(Option(f"{name:<9} {chosen.description}", id=name) for name, chosen in FORMATS.items()),
                id="formats",
            )
            yield Label(
                f"{shown_keys('export.copy')} copies · {shown_keys('export.save')} saves to a file · "
                f"Tab: scope / format · {shown_keys('export.cancel')} cancels",
                classes="hint",
                markup=False,
            )

    def on_mount(self) -> None:
        """The format used last is highlighted, and the list has the keys."""
        formats = self.query_one("#formats", OptionList)
        formats.highlighted = list(FORMATS).index(self.last_format)
        formats.focus()

    def _scope(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.id.removeprefix("scope-") if pressed is not None and pressed.id else self.chosen

    def action_finish(self, verb: str) -> None:
        """Copy or save the chosen scope in the highlighted format."""
        formats = self.query_one("#formats", OptionList)
        if formats.highlighted is not None:
            self.dismiss((self._scope(), list(FORMATS)[formats.highlighted], verb))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a format copies."""
        event.stop()
        self.action_finish("copy")

    def action_down(self) -> None:
        """j: next format."""
        self.query_one("#formats", OptionList).action_cursor_down()

    def action_up(self) -> None:
        """k: previous format."""
        self.query_one("#formats", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        """Esc: nothing."""
        self.dismiss(None)
