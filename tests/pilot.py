"""Helpers for driving the browser with Textual's Pilot: an app that records its toasts,
the screen and list it shows, and typing text."""

from __future__ import annotations

from typing import Any

from paperdeck.store.library import Library
from paperdeck.tui.app import PaperdeckApp
from paperdeck.tui.config import Config
from paperdeck.tui.screens.main import MainScreen
from paperdeck.tui.widgets.paper_list import PaperList


def make_app(library: Library, **config: Any) -> tuple[PaperdeckApp, list[str]]:
    """An app with auto-read off unless asked, and a list that records every toast."""
    app = PaperdeckApp(library, Config(**{"read_delay": 0.0, **config}))
    toasts: list[str] = []
    original = app.notify

    def record(message: str, **kwargs: Any) -> None:
        toasts.append(message)
        original(message, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    return app, toasts


def screen_of(app: PaperdeckApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


def paper_list(app: PaperdeckApp) -> PaperList:
    return screen_of(app).paper_list


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*[{" ": "space", ",": "comma", ":": "colon", "#": "number_sign"}.get(c, c) for c in text])
