"""Changing marks from the browser: star, tag, read, notes — on the highlighted paper or on
every selected one at once — and taking any of it back (undo, redo).

Every change goes through Library.change_marks (the one door) and shows only once it is on
disk; the screen hears of it through a MarksChanged message. A change of more than
CONFIRM_OVER papers is asked about first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from paperdeck.store.errors import PaperdeckError
from paperdeck.store.library import undoable
from paperdeck.store.mark_changes import MarkBatch, MarkChange
from paperdeck.store.models import Paper
from paperdeck.tui.messages import MarksChanged

if TYPE_CHECKING:
    from paperdeck.tui.controllers.host import Browser

CONFIRM_OVER = 50  # papers: a bigger change is confirmed first
UNDO_LEVELS = 200


def short(title: str, width: int = 40) -> str:
    """A title cut for toasts: `FlexVAR: Flexible Visual…`."""
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


class MarkActions:
    """The mark verbs of the main screen, with this session's undo and redo stacks."""

    def __init__(self, screen: Browser) -> None:
        self.screen = screen
        self.library = screen.library
        self.undo_stack: list[MarkBatch] = []
        self.redo_stack: list[MarkBatch] = []
        self._history_read = False  # the undo history of earlier sessions, read at the first undo

    # --- what the verbs act on ---------------------------------------------------------------

    def targets(self) -> list[str]:
        """The selected papers, else the highlighted one (none: a hint is shown)."""
        if self.screen.selection:
            return self.screen.selected_in_order()
        paper = self.screen.current_paper
        if paper is None:
            self.screen.notify("No paper highlighted", severity="warning")
            return []
        return [paper.id]

    def _what(self, ids: Sequence[str]) -> str:
        if len(ids) == 1:
            return f'"{short(self.library.papers[ids[0]].title)}"'
        return f"{len(ids):,} papers"

    def apply(self, ids: Sequence[str], change: MarkChange, toast: str, *, auto: bool = False) -> None:
        """Change the marks of `ids`, asking first above CONFIRM_OVER papers."""
        if not ids:
            return
        if len(ids) > CONFIRM_OVER and not auto:
            self.screen.confirm(f"{toast} — {len(ids):,} papers?", lambda: self._write(ids, change, toast, auto))
        else:
            self._write(ids, change, toast, auto)

    def _write(self, ids: Sequence[str], change: MarkChange, toast: str, auto: bool) -> None:
        try:
            batch = self.library.change_marks(ids, change, auto=auto)
        except PaperdeckError as error:
            self.screen.notify(str(error), severity="error", timeout=8)
            return
        if not auto and batch.after:
            self.undo_stack = [*self.undo_stack[-(UNDO_LEVELS - 1) :], batch]
            self.redo_stack = []
        self.screen.post_message(MarksChanged(batch))
        if not auto:
            self.screen.notify(f"{toast} {self._what(ids)}")

    # --- the verbs -------------------------------------------------------------------------------

    def toggle_star(self) -> None:
        """s: star (all of them, or unstar all when every one is starred)."""
        ids = self.targets()
        starred = not all(self.library.marks_of(paper_id).starred for paper_id in ids)
        self.apply(ids, MarkChange(starred=starred), "★ Starred" if starred else "☆ Unstarred")

    def toggle_read(self) -> None:
        """r: mark read (or unread when every one is read)."""
        ids = self.targets()
        read = not all(self.library.marks_of(paper_id).read for paper_id in ids)
        self.apply(ids, MarkChange(read=read), "Marked read:" if read else "Marked unread:")

    def read_all(self, ids: Sequence[str]) -> None:
        """A: every paper the filter shows becomes read, after a confirmation."""
        unread = [paper_id for paper_id in ids if not self.library.marks_of(paper_id).read]
        if not unread:
            self.screen.notify("Every paper shown is read already")
            return
        self.screen.confirm(
            f"Mark {len(unread):,} papers read?",
            lambda: self._write(unread, MarkChange(read=True), "Marked read:", False),
        )

    def read_after_delay(self, paper_id: str) -> None:
        """The paper stayed highlighted: read, by the browser itself (not offered for undo)."""
        if paper_id in self.library.papers and not self.library.marks_of(paper_id).read:
            self._write([paper_id], MarkChange(read=True), "", auto=True)

    def add_tags(self) -> None:
        """t: add tags (comma separated, completed from the tags in use)."""
        ids = self.targets()
        if not ids:
            return

        def done(tags: list[str] | None) -> None:
            if tags:
                toast = "Tagged " + " ".join(f"#{tag}" for tag in tags) + ":"
                self._tag(ids, lambda: MarkChange(add_tags=tuple(tags)), toast)

        from paperdeck.tui.screens.modals import TagEditor  # dialogs load on first use

        self.screen.app.push_screen(TagEditor(sorted(self.library.tag_counts())), done)

    def _tag(self, ids: Sequence[str], make: Callable[[], MarkChange], toast: str) -> None:
        """Apply a change made from user input, which may be refused (an empty tag)."""
        try:
            change = make()
        except PaperdeckError as error:
            self.screen.notify(str(error), severity="error")
            return
        self.apply(ids, change, toast)

    def remove_tag(self) -> None:
        """T: remove one tag, chosen among the tags of the papers acted on."""
        ids = self.targets()
        tags = list(dict.fromkeys(tag for paper_id in ids for tag in self.library.marks_of(paper_id).tags))
        if not ids:
            return
        if not tags:
            self.screen.notify("No tags to remove", severity="warning")
            return

        def done(tag: str | None) -> None:
            if tag:
                self.apply(ids, MarkChange(remove_tags=(tag,)), f"Removed #{tag} from")

        from paperdeck.tui.screens.modals import TagRemover

        self.screen.app.push_screen(TagRemover(tags), done)

    def edit_note(self, paper: Paper) -> None:
        """n: the note editor for one paper."""
        from paperdeck.tui.screens.note_editor import NoteEditor

        def done(text: str | None) -> None:
            if text is not None and text != self.library.marks_of(paper.id).note:
                self._tag([paper.id], lambda: MarkChange(note=text), "Note saved:" if text.strip() else "Note deleted:")

        self.screen.app.push_screen(NoteEditor(paper.title, self.library.marks_of(paper.id).note), done)

    def undo(self) -> None:
        """u: take back the last change (this session's, then those before it, from the
        library's undo history: on the papers it changed, only what it changed)."""
        if not self._history_read:
            self._history_read = True
            seen = {batch.id for batch in self.undo_stack}
            earlier = [batch for batch in undoable(self.library.history()) if batch.id not in seen]
            self.undo_stack = [*earlier, *self.undo_stack][-UNDO_LEVELS:]
        self._step(self.undo_stack, self.redo_stack, self.library.undo, "undo", "Undid")

    def redo(self) -> None:
        """ctrl+r: do again what was last undone."""
        self._step(self.redo_stack, self.undo_stack, self.library.redo, "redo", "Redid")

    def _step(
        self,
        source: list[MarkBatch],
        target: list[MarkBatch],
        act: Callable[[MarkBatch], MarkBatch | None],
        what: str,
        verb: str,
    ) -> None:
        if not source:
            self.screen.notify(f"Nothing to {what}", severity="warning")
            return
        original = source[-1]
        try:
            batch = act(original)
        except PaperdeckError as error:
            self.screen.notify(str(error), severity="error", timeout=8)
            return
        source.pop()
        target.append(original)
        if batch is not None:
            self.screen.post_message(MarksChanged(batch))
        self.screen.notify(f"{verb}: {original.label}")
