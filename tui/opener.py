"""Opening a link in the web browser: only plain http(s) URLs, only through `webbrowser`
(which never runs a shell), and with the terminal handed over when the browser is a console one."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

from textual.app import SuspendNotSupported

from paperdeck.store.links import is_safe_url


@dataclass(frozen=True, slots=True)
class OpenResult:
    """Whether the link was handed to a browser, and what to tell the user."""

    opened: bool
    message: str


def has_graphical_browser() -> bool:
    """macOS/Windows always; Linux only with a display (else webbrowser picks lynx/w3m)."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_url(url: str, app: Any | None = None) -> OpenResult:
    """Open `url`; refuse anything but a plain http(s) link. `app` is suspended around a
    console browser so it gets the terminal."""
    import webbrowser  # on first use, not at every start

    if not is_safe_url(url):
        return OpenResult(False, f"Refused to open: not a plain http(s) link: {url[:60]}")
    try:
        if app is not None and not has_graphical_browser() and hasattr(app, "suspend"):
            try:
                with app.suspend():
                    opened = webbrowser.open(url)
            except SuspendNotSupported:  # headless (tests): nothing to hand over
                opened = webbrowser.open(url)
        else:
            opened = webbrowser.open(url)
    except webbrowser.Error as error:
        return OpenResult(False, f"Could not open a browser: {error}")
    if not opened:
        return OpenResult(False, "No web browser found; copy the link with c instead")
    return OpenResult(True, f"Opened {url}")
