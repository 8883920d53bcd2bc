"""Warnings about one input, kept up to a cap: a junk file of millions of lines must not fill
memory with messages, so past MAX_WARNINGS they are only counted and summed up in one line.
Shared by page dumps (store.dumps.ParseResult) and every other source (SourceResult)."""

from __future__ import annotations

from typing import Self

MAX_WARNINGS = 100  # per input


class CappedWarnings:
    """What a parse result adds to its `name`, `warnings` and `warning_count` fields."""

    __slots__ = ()
    name: str
    warnings: list[str]
    warning_count: int  # all of them; `warnings` keeps the first MAX_WARNINGS

    def warn(self, message: str) -> None:
        """Note one problem (skipped, cut or dropped)."""
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)

    def finish(self) -> Self:
        """Close the warnings with one line for those counted but not kept; returns self."""
        if self.warning_count > len(self.warnings):
            self.warnings.append(
                f"{self.name}: … and {self.warning_count - len(self.warnings)} more warnings like these"
            )
        return self
