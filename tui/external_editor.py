"""A text handed to the user's $VISUAL or $EDITOR and read back: for `paperdeck note --edit`
and the note editor's ctrl+e. Never through a shell (the command is split, not interpreted)."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from paperdeck.store.errors import PaperdeckError

Run = Callable[[list[str]], int]  # runs the editor's command line, returns its exit code


def _run(argv: list[str]) -> int:
    return subprocess.run(argv, check=False).returncode


def edit_text(text: str, run: Run = _run) -> str:
    """The text after the editor had it; PaperdeckError (one line) when the editor cannot be
    run or exits with an error, the text then being as before. `run` lets the browser run it
    with the terminal handed over."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory(prefix="paperdeck-note-") as folder:
        path = Path(folder) / "note.md"
        path.write_text(text, encoding="utf-8")
        try:
            code = run([*shlex.split(editor), str(path)])
        except (OSError, ValueError) as error:
            raise PaperdeckError(f"could not run {editor!r}: {error}") from None
        if code != 0:
            raise PaperdeckError(f"{editor} exited with code {code}; the note is as before")
        return path.read_text(encoding="utf-8", errors="replace")
