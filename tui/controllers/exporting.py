"""Exports from the browser: `E` (a menu: scope, format, copy or save) and `y` (the highlighted
paper's BibTeX, copied at once). Big exports are written on a worker thread (BibTeX of 100,000
papers is ~2 s); the copy goes through the same honest chain as links, a file is written
atomically into the export folder (config.json's `export_folder`) and the toast names it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from paperdeck.store.errors import PaperdeckError
from paperdeck.store.storage import write_atomic

if TYPE_CHECKING:
    from paperdeck.tui.controllers.host import Browser

IN_THE_FOREGROUND_UP_TO = 200  # papers: exported at once; more go to a worker thread


class ExportActions:
    """The export verbs of the main screen."""

    def __init__(self, screen: Browser, folder: Callable[[], Path]) -> None:
        self.screen = screen
        self._folder = folder  # resolved when a file is saved: the downloads folder is read from disk
        self.last_format = "bibtex"

    def menu(self) -> None:
        """E: ask what and how, then export."""
        screen = self.screen
        scopes: dict[str, Sequence[str]] = {}
        labels: list[tuple[str, str]] = []
        paper = screen.current_paper
        if paper is not None:
            scopes["paper"] = [paper.id]
            labels.append(("paper", "the highlighted paper"))
        if screen.selection:
            scopes["selection"] = screen.selected_in_order()
            labels.append(("selection", f"the {len(screen.selection):,} selected papers"))
        scopes["shown"] = list(screen.result.ids)
        labels.append(("shown", f"all {len(scopes['shown']):,} papers shown"))
        chosen = "selection" if screen.selection else ("paper" if paper is not None else "shown")

        def done(choice: tuple[str, str, str] | None) -> None:
            if choice is not None:
                scope, format_name, verb = choice
                self.last_format = format_name
                self.export(scopes[scope], format_name, verb)

        from paperdeck.tui.screens.export_menu import ExportMenu  # dialogs load on first use

        screen.app.push_screen(ExportMenu(labels, chosen, self.last_format), done)

    def copy_bibtex(self) -> None:
        """y: the highlighted paper's BibTeX, copied."""
        paper = self.screen.current_paper
        if paper is None:
            self.screen.notify("No paper highlighted", severity="warning")
            return
        self.export([paper.id], "bibtex", "copy")

    def export(self, paper_ids: Sequence[str], format_name: str, verb: str) -> None:
        """Write the export, in the background when it is big, then copy or save it."""
        if not paper_ids:
            self.screen.notify("No papers to export", severity="warning")
            return
        if len(paper_ids) <= IN_THE_FOREGROUND_UP_TO:
            self._deliver(self._text(paper_ids, format_name), len(paper_ids), format_name, verb)
            return
        self.screen.notify(f"Exporting {len(paper_ids):,} papers…", timeout=3)

        def work() -> None:
            text = self._text(paper_ids, format_name)
            self.screen.app.call_from_thread(self._deliver, text, len(paper_ids), format_name, verb)

        self.screen.run_worker(work, thread=True, group="export")

    def _text(self, paper_ids: Sequence[str], format_name: str) -> str | None:
        try:
            from paperdeck.store.export.selection import export_text  # the formats load on first use

            return export_text(self.screen.library, paper_ids, format_name)
        except PaperdeckError as error:
            self.screen.app.call_later(self.screen.notify, str(error), severity="error")
            return None

    def _deliver(self, text: str | None, count: int, format_name: str, verb: str) -> None:
        if text is None:
            return
        what = f"{count:,} paper{'s' if count != 1 else ''} as {format_name}"
        if verb == "copy":
            self.screen.linking.copy(text, what)
            return
        stamp = time.strftime("%Y%m%d-%H%M%S")
        from paperdeck.store.export import FORMATS

        folder = self._folder()
        path = folder / f"paperdeck-{stamp}{FORMATS[format_name].extension}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8"))
        except (OSError, PaperdeckError) as error:
            self.screen.notify(f"Could not save {path}: {error}", severity="error", timeout=10)
            return
        self.screen.notify(f"Saved {what} to {path}", timeout=10)
