"""Changes of marks as values: what to change (`MarkChange`), and what a change did (`MarkBatch`,
every paper's marks before and after), which is what the journal records and undo replays.

Undo restores, on each paper a batch changed, only the fields that batch changed, from the
marks the paper has now: a tag added by another process between a change and its undo stays.
Redo is the same move in the other direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paperdeck.store.clean import clean_block
from paperdeck.store.errors import PaperdeckError
from paperdeck.store.models import Marks
from paperdeck.store.text import normalize_tag

NOTE_LIMIT = 100_000  # characters; a note is a thought next to a paper, not a second paper


@dataclass(frozen=True, slots=True)
class MarkChange:
    """What to do to the marks of some papers; None or empty leaves a field as it is."""

    starred: bool | None = None
    read: bool | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    note: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "add_tags", clean_tags(self.add_tags))
        object.__setattr__(self, "remove_tags", tuple(normalize_tag(tag) for tag in self.remove_tags))
        if self.note is not None:
            object.__setattr__(self, "note", clean_note(self.note))

    def apply(self, marks: Marks) -> Marks:
        """The marks after this change (a new object)."""
        result = marks.copy()
        if self.starred is not None:
            result.starred = self.starred
        if self.read is not None:
            result.read = self.read
        if self.remove_tags:
            result.tags = [tag for tag in result.tags if tag not in self.remove_tags]
        if self.add_tags:
            result.tags = [*result.tags, *(tag for tag in self.add_tags if tag not in result.tags)]
        if self.note is not None:
            result.note = self.note
        return result

    def describe(self, count: int) -> str:
        """`star 12 papers`, `tag #batch-x on 99 papers`, `note on "…"` style words for toasts
        and the undo history."""
        papers = "1 paper" if count == 1 else f"{count:,} papers"
        parts = []
        if self.starred is not None:
            parts.append("star" if self.starred else "unstar")
        if self.read is not None:
            parts.append("mark read" if self.read else "mark unread")
        if self.add_tags:
            parts.append("tag " + " ".join(f"#{tag}" for tag in self.add_tags))
        if self.remove_tags:
            parts.append("untag " + " ".join(f"#{tag}" for tag in self.remove_tags))
        if self.note is not None:
            parts.append("edit note" if self.note else "delete note")
        return f"{', '.join(parts) or 'no change'} on {papers}"


def clean_tags(tags: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Tags normalized (case, white space, control characters); PaperdeckError for an empty one."""
    cleaned: list[str] = []
    for tag in tags:
        normal = normalize_tag(tag)
        if not normal:
            raise PaperdeckError("empty tag: a tag needs at least one letter or digit")
        if normal not in cleaned:
            cleaned.append(normal)
    return tuple(cleaned)


def clean_note(text: str) -> str:
    """A note as stored: control characters removed (newlines and tabs kept), trailing white
    space trimmed; PaperdeckError when it is absurdly long."""
    note = clean_block(text).rstrip()
    if len(note) > NOTE_LIMIT:
        raise PaperdeckError(f"note too long ({len(note):,} characters; at most {NOTE_LIMIT:,})")
    return note


def move(current: Marks, source: Marks, target: Marks) -> Marks:
    """`current` with every field that differs between `source` and `target` set as in
    `target`: undo is move(now, after, before), redo move(now, before, after)."""
    result = current.copy()
    if source.starred != target.starred:
        result.starred = target.starred
    if source.read != target.read:
        result.read = target.read
    gone = [tag for tag in source.tags if tag not in target.tags]
    came = [tag for tag in target.tags if tag not in source.tags]
    if gone or came:
        kept = [tag for tag in result.tags if tag not in gone]
        result.tags = [*kept, *(tag for tag in came if tag not in kept)]
    if source.note != target.note:
        result.note = target.note
    return result


@dataclass(slots=True)
class MarkBatch:
    """One change of marks as written: the marks of each paper it changed, before and after."""

    id: str
    time: float
    label: str
    before: dict[str, Marks] = field(default_factory=dict)
    after: dict[str, Marks] = field(default_factory=dict)
    undo_of: str | None = None
    redo_of: str | None = None
    auto: bool = False  # made by the browser itself (read after a delay): not offered for undo

    @property
    def count(self) -> int:
        """How many papers the batch changed."""
        return len(self.after)

    def to_record(self, generation: int) -> dict[str, Any]:
        """The journal line (and undo history entry) of the batch."""
        record: dict[str, Any] = {
            "gen": generation,
            "batch": self.id,
            "time": self.time,
            "label": self.label,
            "papers": {
                paper_id: {"before": self.before[paper_id].to_dict(), "after": after.to_dict()}
                for paper_id, after in self.after.items()
            },
        }
        for name in ("undo_of", "redo_of"):
            if getattr(self, name):
                record[name] = getattr(self, name)
        if self.auto:
            record["auto"] = True
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> MarkBatch:
        """A batch from its journal line; KeyError/TypeError/ValueError on a wrong shape."""
        papers = record["papers"]
        return cls(
            id=str(record["batch"]),
            time=float(record["time"]),
            label=str(record.get("label", "")),
            before={paper_id: Marks.from_dict(change["before"]) for paper_id, change in papers.items()},
            after={paper_id: Marks.from_dict(change["after"]) for paper_id, change in papers.items()},
            undo_of=record.get("undo_of"),
            redo_of=record.get("redo_of"),
            auto=bool(record.get("auto", False)),
        )
