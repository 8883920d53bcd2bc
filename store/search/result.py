"""What a search answers: the ordered ids, warnings about the query, words to highlight, and
for `like:` and `for-you` why each paper is there."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


def _no_reasons(paper_id: str) -> list[str]:
    return []


@dataclass(slots=True)
class SearchResult:
    """Ordered ids, warnings about the query, words to highlight, and whether ranked.

    `explain(paper_id)` gives the terms that made a `like:` or `for-you` paper similar, most
    contributing first (computed when asked: one paper's words, ~50 µs)."""

    ids: Sequence[str]
    warnings: list[str] = field(default_factory=list)
    highlight_terms: list[str] = field(default_factory=list)
    ranked: bool = False
    reasons: Callable[[str], list[str]] = _no_reasons

    def explain(self, paper_id: str) -> list[str]:
        """Up to five terms shared with the `like:` papers or the profile (`for-you`), best
        first; [] for other searches and papers that share none."""
        return self.reasons(paper_id)
