"""Copying and opening a paper's links from the browser: only plain http(s) links, copied
through the honest chain of tui/clipboard.py, opened through tui/opener.py (never a shell)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paperdeck.store.clean import printable
from paperdeck.store.links import all_links, is_safe_url
from paperdeck.store.models import Paper
from paperdeck.tui.clipboard import copy_text, osc52_possible
from paperdeck.tui.opener import open_url

if TYPE_CHECKING:
    from paperdeck.tui.controllers.host import Browser


class LinkActions:
    """The link verbs of the main screen."""

    def __init__(self, screen: Browser) -> None:
        self.screen = screen

    def copy(self, text: str, what: str) -> None:
        """Copy with an honest toast; when no clipboard works, show the text to select by hand."""
        app = self.screen.app
        osc52 = app.copy_to_clipboard if osc52_possible(getattr(app, "osc52_enabled", True)) else None
        result = copy_text(text, osc52)
        if result.copied:
            self.screen.notify(f"{result.message}: {what}")
        else:
            from paperdeck.tui.screens.modals import ShowTextScreen  # dialogs load on first use

            app.push_screen(ShowTextScreen("No clipboard available — select and copy by hand", text))

    def copy_url(self, url: str) -> None:
        """Copy a link if it is a plain http(s) URL; refuse anything else."""
        if not is_safe_url(url):
            self.screen.notify(f"Refused: not a plain http(s) link: {printable(url[:60])}", severity="error")
            return
        self.copy(url, url)

    def copy_primary(self, paper: Paper) -> None:
        """c: the primary link (no link: offer the title)."""
        link = paper.primary_link
        if link is not None:
            self.copy_url(link.url)
            return
        self.screen.confirm("No links in this paper. Copy the title instead?", lambda: self.copy(paper.title, "title"))

    def copy_links(self, papers: list[Paper]) -> None:
        """c with a selection: their primary links, one per line."""
        urls = [link.url for paper in papers if (link := paper.primary_link) is not None and is_safe_url(link.url)]
        if not urls:
            self.screen.notify("None of the selected papers has a link", severity="warning")
            return
        self.copy("\n".join(urls), f"{len(urls)} links")

    def copy_numbered(self, paper: Paper, number: int) -> None:
        """1-9: link N of the paper (as the viewer numbers them)."""
        links = all_links(paper)
        if not 1 <= number <= len(links):
            count = len(links)
            self.screen.notify(
                f"This paper has {count} link{'s' if count != 1 else ''}" if count else "No links in this paper",
                severity="warning",
            )
            return
        self.copy_url(links[number - 1].url)

    def pick(self, paper: Paper) -> None:
        """L: pick a link to copy (Enter/c) or open (o)."""
        links = all_links(paper)
        if not links:
            self.screen.notify("No links in this paper", severity="warning")
            return

        def done(choice: tuple[str, str] | None) -> None:
            if choice is not None:
                verb, url = choice
                self.open(url) if verb == "open" else self.copy_url(url)

        from paperdeck.tui.screens.modals import LinkPicker

        self.screen.app.push_screen(LinkPicker([(link.kind, link.url) for link in links]), done)

    def open(self, url: str) -> None:
        """Open a link in the web browser (never through a shell)."""
        outcome = open_url(url, self.screen.app)
        self.screen.notify(outcome.message, severity="information" if outcome.opened else "error")

    def open_kind(self, paper: Paper, kind: str | None) -> None:
        """o: the primary link; P: the PDF (kind "pdf")."""
        link = paper.primary_link if kind is None else next((x for x in all_links(paper) if x.kind == kind), None)
        if link is None:
            self.screen.notify(
                "No PDF: this paper has no arXiv id" if kind else "No links in this paper", severity="warning"
            )
            return
        self.open(link.url)
