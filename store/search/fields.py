"""What the index reads from a paper: a list of fields, each a table of its own, and the
user's notes, which change often and live in a small table that is changed in place.

`weight` ranks: a word hit in a field weighted above 1 (the title) ranks its paper in the top
group, and `related` scores shared terms by it. The abstract is deferred (read through
`abstract_of`, in chunks on the browser's worker); the other fields are short and in the
catalog, so they are indexed when a paper is added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from paperdeck.store.models import Paper
from paperdeck.store.search.compounds import text_words
from paperdeck.store.search.words import fuzzy_cutoff, nearest


@dataclass(frozen=True, slots=True)
class Field:
    """One indexed field: its name, ranking weight and text (None: the abstract, read through
    the index's `abstract_of`)."""

    name: str
    weight: float
    text_of: Callable[[Paper], str] | None


FIELDS: tuple[Field, ...] = (
    Field("title", 3.0, lambda paper: paper.title),
    Field("abstract", 1.0, None),
    Field("authors", 1.0, lambda paper: " ".join(paper.authors)),
    Field("keywords", 2.0, lambda paper: " ".join(paper.ai_keywords)),
    Field("summary", 1.0, lambda paper: paper.ai_summary or ""),
)
FIELD_NAMES = tuple(field.name for field in FIELDS)
EAGER = tuple(field for field in FIELDS if field.text_of is not None and field.name != "title")
# Fields a free word is looked up in (authors: `author:` only), the title first.
FREE_TEXT = ("title", "abstract", "keywords", "summary")


class NotesField:
    """word -> positions for the user's notes. A note changes with one keystroke in a modal,
    so it is re-indexed alone (~10 µs) and never makes the index start a new generation: its
    hits are looked up per search (a few hundred notes at most) instead of cached."""

    __slots__ = ("_by_length", "_by_word", "_compounds", "_texts", "_words_of")

    def __init__(self) -> None:
        self._by_word: dict[bytes, set[int]] = {}
        self._by_length: dict[int, list[bytes]] | None = None  # the words by length, for near spellings
        self._words_of: dict[int, set[bytes]] = {}
        self._texts: dict[int, str] = {}
        # Compounds a note writes are not taught to the index: a note changes on the UI
        # thread while the index's worker may be saving what the index learned.
        self._compounds: dict[bytes, bytes] = {}

    def __len__(self) -> int:
        return len(self._texts)

    def set(self, position: int, note: str) -> bool:
        """Index a paper's note (replacing its old one); True if it changed."""
        if self._texts.get(position, "") == note:
            return False
        self._by_length = None
        for word in self._words_of.pop(position, ()):
            holders = self._by_word[word]
            holders.discard(position)
            if not holders:
                del self._by_word[word]
        self._texts.pop(position, None)
        if note:
            self._texts[position] = note
            words = text_words(note, self._compounds)
            self._words_of[position] = words
            for word in words:
                self._by_word.setdefault(word, set()).add(position)
        return True

    def positions(self) -> list[int]:
        """The papers that have a note."""
        return list(self._texts)

    def text(self, position: int) -> str:
        """The note indexed for a paper ("" when none)."""
        return self._texts.get(position, "")

    def find(self, word: str, prefix: bool) -> set[int]:
        """Papers whose note has the word (a prefix of one while typing, else a near spelling)."""
        if not self._by_word:
            return set()
        key = word.encode("ascii")
        keys = [key] if key in self._by_word else []
        if prefix:
            keys.extend(w for w in self._by_word if w.startswith(key) and w != key)
        if not keys:
            # Kept between keystrokes (a word in no note is the usual case): rebuilt after a change.
            if self._by_length is None:
                self._by_length = {}
                for known in self._by_word:
                    self._by_length.setdefault(len(known), []).append(known)
            keys = nearest(key, self._by_length, fuzzy_cutoff(word))
        return set().union(*(self._by_word[k] for k in keys))
