"""Copying to the clipboard with an honest answer about how (or whether) it happened.

Order: the system clipboard through pyperclip (read back to be sure); else the terminal's
OSC 52 escape (works over SSH and in tmux with set-clipboard on, but cannot be confirmed);
else nothing, and the caller shows the text so it can be selected by hand.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

# Terminals known not to understand OSC 52: writing it there would only claim a copy.
NO_OSC52_TERMS = ("dumb", "linux")


@dataclass(frozen=True, slots=True)
class CopyResult:
    """How a copy went: `method` is "system", "osc52" or "none"."""

    method: str
    message: str

    @property
    def copied(self) -> bool:
        """True when the text reached (or was sent to) a clipboard."""
        return self.method != "none"


def osc52_possible(enabled: bool = True) -> bool:
    """Whether an OSC 52 copy is worth sending on this terminal."""
    return enabled and os.environ.get("TERM", "") not in NO_OSC52_TERMS


def copy_text(text: str, osc52: Callable[[str], None] | None) -> CopyResult:
    """Copy `text`; `osc52` sends the terminal escape, or is None where that is impossible."""
    import pyperclip  # on first copy: it loads ctypes and more (~1 MB, ~5 ms of every start)

    try:
        pyperclip.copy(text)
        if pyperclip.paste() == text:
            return CopyResult("system", "Copied to the clipboard")
    except pyperclip.PyperclipException:
        pass
    if osc52 is not None:
        osc52(text)
        return CopyResult("osc52", "Copied via terminal (OSC 52)")
    return CopyResult("none", "No clipboard available")
