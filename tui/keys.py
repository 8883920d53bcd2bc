"""Every key binding of the browser, declared once: each widget's BINDINGS, the footer, the
help screen, the command palette and the user's keymap (by binding id) all read this table.

A `Key` names where it works (`scope`), what it does (the action and its description) and
whether the footer shows it; the id is what config.json's keymap remaps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Key:
    """One binding: its id, default keys (comma separated), action, description, scope."""

    id: str
    keys: str
    action: str
    description: str
    scope: str
    footer: bool = False
    palette: bool = True  # offered in the command palette (scope "main" only)
    priority: bool = False
    detail: str = ""  # the palette's and the help's words, when the footer's are too short

    @property
    def long_description(self) -> str:
        """What the palette and the help screen say."""
        return self.detail or self.description


SCOPES = {  # scope -> the section the help screen lists it under
    "main": "browser",
    "list": "list",
    "viewer": "viewer",
    "filter": "filter",
    "facets": "facets",
    "note": "note",
    "export": "export",
    "tags": "tags",
    "picker": "picker",
    "links": "links",
    "confirm": "confirm",
    "show": "text",
    "error": "error",
    "help": "help",
    "app": "app",
}

KEYS: tuple[Key, ...] = (
    # Priority: handled when the key arrives, before the keys after it are handed to the list
    # (see MainScreen.action_focus_filter).
    Key("main.filter", "slash", "focus_filter", "Filter", "main", footer=True, priority=True),
    Key("main.star", "s", "toggle_star", "Star", "main", footer=True),
    Key("main.tag", "t", "add_tags", "Tag", "main", footer=True),
    Key("main.untag", "T", "remove_tag", "Remove a tag", "main"),
    Key("main.note", "n", "edit_note", "Note", "main", footer=True),
    Key("main.read", "r", "toggle_read", "Read / unread", "main"),
    Key("main.select", "space", "toggle_select", "Select", "main"),
    Key("main.select_all", "V", "select_all", "Select all shown", "main"),
    Key("main.read_all", "A", "read_all", "Mark all shown read", "main"),
    Key("main.undo", "u", "undo", "Undo", "main", footer=True),
    Key("main.redo", "ctrl+r", "redo", "Redo", "main"),
    Key("main.copy", "c", "copy_primary", "Copy", "main", footer=True, detail="Copy link"),
    Key("main.links", "L", "pick_link", "Links", "main"),
    Key("main.open", "o", "open_primary", "Open", "main", footer=True),
    Key("main.pdf", "P", "open_pdf", "Open the PDF", "main"),
    Key("main.export", "E", "export", "Export", "main"),
    Key("main.bibtex", "y", "copy_bibtex", "Copy BibTeX", "main"),
    Key("main.like", "m", "more_like_this", "Similar", "main", footer=True, detail="More like this"),
    Key("main.sort", "S", "cycle_sort", "Sort", "main"),
    Key("main.facets", "b", "toggle_facets", "Facets", "main"),
    Key("main.save_search", "W", "save_search", "Save this filter as a search", "main"),
    Key("main.fetch", "F", "fetch('today')", "Fetch", "main", footer=True, detail="Fetch today's papers"),
    Key("main.fetch_since", "", "fetch('since-last')", "Fetch since last time", "main"),  # the palette's
    Key("main.prev_day", "left_square_bracket", "step_day(-1)", "Previous list day", "main"),
    Key("main.next_day", "right_square_bracket", "step_day(1)", "Next list day", "main"),
    Key("main.switch", "tab", "switch_pane", "Switch pane", "main", palette=False),
    Key("main.reload", "R", "refresh_library", "Reload from disk", "main"),
    Key("main.clear", "escape", "clear_filter", "Clear selection, then filter", "main", palette=False),
    Key("main.help", "question_mark,f1", "help", "Help", "main", footer=True),
    *(
        Key(f"main.copy_{number}", str(number), f"copy_link({number})", f"Copy link {number}", "main", palette=False)
        for number in range(1, 10)
    ),
    Key("list.down", "j,down", "cursor_down", "Down", "list"),
    Key("list.up", "k,up", "cursor_up", "Up", "list"),
    Key("list.first", "g,home", "first", "First", "list"),
    Key("list.last", "G,end", "last", "Last", "list"),
    Key("list.page_down", "pagedown,ctrl+f", "page_down", "Page down", "list"),
    Key("list.page_up", "pageup,ctrl+b", "page_up", "Page up", "list"),
    Key("viewer.down", "j,down", "scroll_down", "Scroll down", "viewer"),
    Key("viewer.up", "k,up", "scroll_up", "Scroll up", "viewer"),
    Key("viewer.top", "g,home", "scroll_home", "Top", "viewer"),
    Key("viewer.bottom", "G,end", "scroll_end", "Bottom", "viewer"),
    Key("viewer.page_down", "space,pagedown", "page_down", "Page down", "viewer"),
    Key("viewer.page_up", "pageup", "page_up", "Page up", "viewer"),
    Key("filter.clear", "escape", "clear_filter", "Clear filter", "filter", footer=True),
    Key("filter.to_list", "down", "done", "To list", "filter"),
    Key("facets.rename", "e", "rename", "Rename a saved search", "facets"),
    Key("facets.delete", "d,delete", "delete", "Delete a saved search", "facets"),
    # Priority: the text area would take them otherwise (ctrl+e is its end of line).
    Key("note.save", "ctrl+s", "save", "Save the note", "note", footer=True, priority=True),
    Key("note.external", "ctrl+e", "external", "Edit in $EDITOR", "note", footer=True, priority=True),
    Key("note.cancel", "escape", "cancel", "Close", "note", footer=True, priority=True),
    Key("export.copy", "c,enter", "finish('copy')", "Copy", "export", footer=True),
    Key("export.save", "w", "finish('save')", "Save to a file", "export", footer=True),
    Key("export.cancel", "escape,q", "cancel", "Cancel", "export", footer=True),
    Key("export.down", "j", "down", "Down", "export"),
    Key("export.up", "k", "up", "Up", "export"),
    Key("tags.cancel", "escape", "cancel", "Cancel", "tags"),
    Key("picker.cancel", "escape,q", "cancel", "Cancel", "picker"),
    Key("picker.down", "j", "down", "Down", "picker"),
    Key("picker.up", "k", "up", "Up", "picker"),
    Key("links.cancel", "escape,q", "cancel", "Cancel", "links"),
    Key("links.copy", "c", "choose('copy')", "Copy", "links"),
    Key("links.open", "o", "choose('open')", "Open", "links"),
    Key("links.down", "j", "down", "Down", "links"),
    Key("links.up", "k", "up", "Up", "links"),
    Key("confirm.yes", "y,enter", "answer(True)", "Yes", "confirm"),
    Key("confirm.no", "n,escape,q", "answer(False)", "No", "confirm"),
    Key("show.close", "escape", "close", "Close", "show"),
    Key("error.quit", "q", "answer(True)", "Quit", "error"),
    Key("error.keep", "escape,enter", "answer(False)", "Keep browsing", "error"),
    Key("help.close", "escape,f1", "close", "Close", "help"),
    Key("help.list", "down", "focus_list", "To the list", "help"),
    Key("app.quit", "q", "quit", "Quit", "app", footer=True),
    Key("app.palette", "ctrl+p", "command_palette", "Commands", "app"),
)


def bindings(scope: str) -> list[Binding]:
    """The Textual bindings of one scope (a widget's or screen's BINDINGS)."""
    return [
        Binding(key.keys, key.action, key.description, show=key.footer, id=key.id, priority=key.priority)
        for key in KEYS
        if key.scope == scope and key.keys
    ]


def keys_of(key: Key, keymap: Mapping[str, str]) -> str:
    """A binding's keys with the user's keymap applied."""
    return keymap.get(key.id, key.keys)


_BY_ID = {key.id: key for key in KEYS}
_NAMES = {"escape": "Esc", "enter": "Enter", "tab": "Tab", "space": "Space", "delete": "Del", "f1": "F1"}
_KEYMAP: dict[str, str] = {}  # the user's, as the running app applied it (`use_keymap`)


def use_keymap(keymap: Mapping[str, str]) -> None:
    """The keymap the app applies (config.json's), so that hint lines name the keys in effect."""
    _KEYMAP.clear()
    _KEYMAP.update(keymap)


def shown_keys(binding_id: str) -> str:
    """A binding's keys as a hint line names them (`y / Enter`), with the user's keymap: a
    dialog never announces a key the keymap moved elsewhere."""
    keys = keys_of(_BY_ID[binding_id], _KEYMAP)
    return " / ".join(_NAMES.get(one, one) for one in keys.split(",") if one) or "the palette"


def palette_keys() -> list[Key]:
    """The main screen's bindings the command palette offers."""
    return [key for key in KEYS if key.scope == "main" and key.palette]
