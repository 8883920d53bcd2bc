"""`n`: a paper's note in a multi-line editor with Markdown highlighting; ctrl+s saves, Esc asks
before dropping changes, ctrl+e hands the text to $EDITOR and reads it back."""

from __future__ import annotations

import subprocess
from typing import ClassVar

from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from paperdeck.store.clean import printable
from paperdeck.store.errors import PaperdeckError
from paperdeck.tui.external_editor import edit_text
from paperdeck.tui.keys import bindings, shown_keys
from paperdeck.tui.screens.modals import MODAL_CSS, ConfirmScreen


def markdown_area(text: str) -> TextArea:
    """A TextArea for Markdown, highlighted when tree-sitter's grammar is installed."""
    from textual._tree_sitter import get_language

    language = "markdown" if get_language("markdown") is not None else None
    return TextArea(text, language=language, soft_wrap=True, tab_behavior="indent", id="note")


class NoteEditor(ModalScreen[str | None]):
    """Returns the edited text on ctrl+s, None when the changes are dropped."""

    DEFAULT_CSS = MODAL_CSS.format(name="NoteEditor") + "NoteEditor TextArea { height: 14; }"
    BINDINGS: ClassVar[list[BindingType]] = bindings("note")

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.title_text = title
        self.original = note

    def compose(self) -> ComposeResult:
        """The paper's title, the editor and the keys."""
        with Vertical():
            yield Label(f"Note — {printable(self.title_text)}", classes="title", markup=False)
            yield markdown_area(self.original)
            yield Label(
                f"{shown_keys('note.save')} saves · {shown_keys('note.external')} opens $EDITOR · "
                f"{shown_keys('note.cancel')} closes (asks before dropping changes)",
                classes="hint",
                markup=False,
            )

    def on_mount(self) -> None:
        """The cursor at the end of the note."""
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        """What the editor holds now."""
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        """ctrl+s: keep the note (an empty one deletes it)."""
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        """Esc: close; changes are dropped only after a yes."""
        if self.text == self.original:
            self.dismiss(None)
            return

        def answered(drop: bool | None) -> None:
            if drop:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Drop your changes to this note?"), answered)

    def action_external(self) -> None:
        """ctrl+e: edit in $VISUAL or $EDITOR (never through a shell), then back here."""

        def run(argv: list[str]) -> int:
            try:
                with self.app.suspend():
                    return subprocess.run(argv, check=False).returncode
            except SuspendNotSupported:  # headless (tests): the editor needs no terminal
                return subprocess.run(argv, check=False, capture_output=True).returncode

        try:
            text = edit_text(self.text, run)
        except PaperdeckError as error:
            self.notify(str(error)[:1].upper() + str(error)[1:], severity="warning")
            return
        area = self.query_one(TextArea)
        area.load_text(text)
        area.move_cursor(area.document.end)
