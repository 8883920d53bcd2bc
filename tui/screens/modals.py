"""Small modal screens: add tags, remove a tag, pick a link, confirm, show text to copy by hand."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from paperdeck.store.clean import printable
from paperdeck.tui.keys import bindings, shown_keys

R = TypeVar("R")

MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 80%; max-width: 90; height: auto; max-height: 90%;
    border: round $accent; background: $panel; padding: 0 1;
}}
{name} Label.title {{ text-style: bold; width: 100%; }}
{name} Label.hint {{ color: $text-muted; width: 100%; }}
{name} OptionList {{ height: auto; max-height: 16; border: none; }}
"""


def split_tags(text: str) -> list[str]:
    """`diffusion, to read,` -> ["diffusion", "to read"]."""
    return [part.strip() for part in text.split(",") if part.strip()]


class LastTagSuggester(Suggester):
    """Completes the tag being typed after the last comma from the tags already in use."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        """The whole input with its last tag completed, or None."""
        head, _, last = value.rpartition(",")
        stem = last.lstrip().lower()
        if not stem:
            return None
        for tag in self.tags:
            if tag.startswith(stem) and tag != stem:
                prefix = f"{head}, " if head else ""
                return prefix + tag
        return None


class _LineDialog(ModalScreen[R | None]):
    """A title, one line of input and a hint; Enter answers (nothing typed = cancel), Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("tags")

    def __init__(self, title: str, hint: str, field: Input, more: str = "") -> None:
        super().__init__()
        self.title_text, self.hint, self.field, self.more = title, hint, field, more

    def compose(self) -> ComposeResult:
        """The title, the input and the hint."""
        with Vertical():
            yield Label(printable(self.title_text), classes="title", markup=False)
            yield self.field
            hint = f"{self.hint} · {shown_keys('tags.cancel')} cancels" + (f" · {self.more}" if self.more else "")
            yield Label(hint, classes="hint", markup=False)

    def answer(self, text: str) -> R | None:
        """What Enter returns for the text typed (None: cancel)."""
        raise NotImplementedError

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """Enter: the answer."""
        self.dismiss(self.answer(event.value))

    def action_cancel(self) -> None:
        """Esc: no answer."""
        self.dismiss(None)


class TagEditor(_LineDialog[list[str]]):
    """t: type one or more tags, comma separated; Tab/→ accepts a completion."""

    DEFAULT_CSS = MODAL_CSS.format(name="TagEditor")

    def __init__(self, known_tags: list[str]) -> None:
        known = printable(" ".join(f"#{tag}" for tag in known_tags[:20])) or "no tags yet"
        field = Input(placeholder="e.g. to-read, diffusion", suggester=LastTagSuggester(known_tags), id="tags")
        super().__init__("Add tags (comma separated)", "→ completes · Enter adds", field, f"in use: {known}")

    def answer(self, text: str) -> list[str] | None:
        """The tags typed."""
        return split_tags(text) or None


class AskText(_LineDialog[str]):
    """One line of text (a saved search's name): Enter returns it, Esc cancels."""

    DEFAULT_CSS = MODAL_CSS.format(name="AskText")

    def __init__(self, question: str, value: str = "", placeholder: str = "") -> None:
        super().__init__(question, "Enter saves", Input(value=value, placeholder=placeholder))

    def answer(self, text: str) -> str | None:
        """The text, trimmed."""
        return text.strip() or None


class _PickerScreen(ModalScreen[str | None]):
    """A titled OptionList; Enter returns the option id, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("picker")

    def __init__(self, title: str, hint: str, options: list[Option]) -> None:
        super().__init__()
        self.title_text, self.hint, self.options = title, hint, options

    def compose(self) -> ComposeResult:
        """Title, options, hint."""
        with Vertical():
            yield Label(printable(self.title_text), classes="title", markup=False)
            yield OptionList(*self.options)
            yield Label(self.hint, classes="hint", markup=False)

    def action_down(self) -> None:
        """j: next option."""
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        """k: previous option."""
        self.query_one(OptionList).action_cursor_up()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter: return the option's id."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Esc: nothing chosen."""
        self.dismiss(None)


class TagRemover(_PickerScreen):
    """T: pick one of the paper's tags to remove."""

    DEFAULT_CSS = MODAL_CSS.format(name="TagRemover")

    def __init__(self, tags: list[str]) -> None:
        super().__init__(
            "Remove which tag?",
            f"Enter removes · {shown_keys('picker.cancel')} cancels",
            [Option(Text(printable(f"#{t}")), id=t) for t in tags],
        )


class LinkPicker(ModalScreen[tuple[str, str] | None]):
    """L: the paper's links; Enter/c copies, o opens."""

    DEFAULT_CSS = MODAL_CSS.format(name="LinkPicker")
    BINDINGS: ClassVar[list[BindingType]] = bindings("links")

    def __init__(self, links: list[tuple[str, str]]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        """Numbered links with their kind."""
        with Vertical():
            yield Label("Links", classes="title")
            yield OptionList(
                *(
                    Option(Text(printable(f"[{n}] {kind:<8} {url}")), id=url)
                    for n, (kind, url) in enumerate(self.links, start=1)
                )
            )
            yield Label(
                f"Enter / {shown_keys('links.copy')} copies · {shown_keys('links.open')} opens in the browser · "
                f"{shown_keys('links.cancel')} closes",
                classes="hint",
                markup=False,
            )

    def action_down(self) -> None:
        """j: next link."""
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        """k: previous link."""
        self.query_one(OptionList).action_cursor_up()

    def action_choose(self, verb: str) -> None:
        """Copy or open the highlighted link."""
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss((verb, self.links[options.highlighted][1]))

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter copies."""
        self.dismiss(("copy", event.option.id or ""))

    def action_cancel(self) -> None:
        """Esc: nothing."""
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y/Enter yes, n/Esc no."""

    DEFAULT_CSS = MODAL_CSS.format(name="ConfirmScreen")
    BINDINGS: ClassVar[list[BindingType]] = bindings("confirm")

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question and the keys."""
        with Vertical():
            yield Label(printable(self.question), classes="title", markup=False)
            yield Label(
                f"{shown_keys('confirm.yes')}: yes · {shown_keys('confirm.no')}: no", classes="hint", markup=False
            )

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)


class ShowTextScreen(ModalScreen[None]):
    """Text to select and copy by hand when no clipboard is reachable."""

    DEFAULT_CSS = MODAL_CSS.format(name="ShowTextScreen") + "ShowTextScreen TextArea { height: 5; }"
    BINDINGS: ClassVar[list[BindingType]] = bindings("show")

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        """A read-only text area with the text selected."""
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            yield TextArea(printable(self.text, multiline=True), read_only=True, soft_wrap=True, id="text")
            hint = f"Select with the mouse (shift+drag in tmux) · {shown_keys('show.close')} closes"
            yield Label(hint, classes="hint", markup=False)

    def on_mount(self) -> None:
        """Select everything so a terminal copy takes it all."""
        area = self.query_one(TextArea)
        area.focus()
        area.select_all()

    def action_close(self) -> None:
        """Esc: close."""
        self.dismiss(None)


class LibraryErrorScreen(ModalScreen[bool]):
    """A library file turned out damaged while browsing: say which and what to do.

    Esc keeps browsing what is already in memory (marks cannot be saved until it is repaired);
    q quits so `paperdeck doctor --repair` can be run."""

    DEFAULT_CSS = MODAL_CSS.format(name="LibraryErrorScreen") + (
        "LibraryErrorScreen > Vertical { border: round $error; }"
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings("error")

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        """The problem, what to do, and the keys."""
        with Vertical():
            yield Label("The library cannot be read", classes="title")
            yield Label(printable(self.message), id="message", markup=False)
            yield Label(
                "Nothing was overwritten. Quit and run `paperdeck doctor` (then `--repair`) to restore the last good "
                "backup.",
            )
            hint = f"{shown_keys('error.quit')}: quit · {shown_keys('error.keep')}: keep browsing what is loaded"
            yield Label(hint, classes="hint", markup=False)

    def action_answer(self, quit_app: bool) -> None:
        """Close, telling the caller whether to quit."""
        self.dismiss(quit_app)
