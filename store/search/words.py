"""The words a query word stands for: itself and its plural or singular, its extensions while
it is being typed, else its nearest spellings (rapidfuzz), looked up in a vocabulary built
from the index's tables."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

PREFIX_LIMIT = 40  # a short prefix matches thousands of words; the most frequent few are meant
FUZZY_LIMIT = 6


@dataclass(slots=True, frozen=True)
class Vocabulary:
    """Every indexed word, for prefix and fuzzy matching, as of one index generation. Words
    are the tables' own bytes objects (ASCII), not str copies of them."""

    generation: int
    words: list[bytes]  # sorted, for prefix ranges by bisection
    by_length: dict[int, list[bytes]]  # fuzzy candidates are within two letters of the length
    frequencies: array[int]  # papers per word (as in `words`), to pick the most useful prefix extensions


EMPTY = Vocabulary(-1, [], {}, array("i"))


def load_fuzzy_matching() -> None:
    """Import rapidfuzz now. It is imported where it is used, on the first keystroke that
    needs it, ~10 ms that a browser's start would otherwise spend before its first frame: the
    browser calls this from its index worker, after that frame and before anyone types."""
    import rapidfuzz.fuzz
    import rapidfuzz.process  # noqa: F401


def fuzzy_cutoff(word: str) -> float:
    """Typos allowed grow with length: none under 4 letters, about one in five after."""
    return 101.0 if len(word) < 4 else (80.0 if len(word) < 7 else 75.0)


def build_vocabulary(generation: int, counts_of_tables: Iterable[dict[bytes, int]]) -> Vocabulary:
    """Every word of the tables, sorted and by length, with its paper count (~50 ms at 100k)."""
    # Papers per word, for picking the most useful prefix extensions: computing it per
    # keystroke was 3-8 ms of a 20 ms short-prefix keystroke at 100k papers.
    tables = iter(counts_of_tables)
    counts = next(tables, {})
    for table in tables:
        for word, count in table.items():
            counts[word] = counts.get(word, 0) + count
    words = sorted(counts)
    by_length: dict[int, list[bytes]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(word)
    return Vocabulary(generation, words, by_length, array("i", map(counts.__getitem__, words)))


def find_words(word: str, prefix: bool, vocabulary: Vocabulary, known: Callable[[bytes], bool]) -> tuple[str, ...]:
    """The indexed words a query word stands for: itself and its plural/singular, its
    extensions while it is being typed, else its nearest spellings."""
    key = word.encode("ascii")  # query words are ASCII-folded (store.text.words_of)
    matched: list[bytes] = []
    if known(key):
        matched.append(key)
        singular = key[:-1] if key.endswith(b"s") else b""
        matched.extend(v for v in (key + b"s", key + b"es", singular) if v and known(v))
    if prefix:
        matched.extend(w for w in prefix_extensions(key, vocabulary) if w not in matched)
    if not matched:
        matched.extend(nearest(key, vocabulary.by_length, fuzzy_cutoff(word)))
    return tuple(w.decode("ascii") for w in matched)


def prefix_extensions(key: bytes, vocabulary: Vocabulary) -> Sequence[bytes]:
    """Words starting with `key`, the most frequent PREFIX_LIMIT when there are more."""
    words = vocabulary.words
    start, stop = bisect_left(words, key), bisect_left(words, key + b"\x7f")
    if stop - start <= PREFIX_LIMIT:
        return words[start:stop]
    frequency = vocabulary.frequencies.__getitem__
    return [words[slot] for slot in sorted(range(start, stop), key=frequency, reverse=True)[:PREFIX_LIMIT]]


def nearest(key: bytes, by_length: dict[int, list[bytes]], cutoff: float) -> list[bytes]:
    """The closest spellings of `key` (within two letters of its length) above `cutoff`."""
    if cutoff > 100:
        return []
    from rapidfuzz import fuzz, process  # see load_fuzzy_matching

    near = chain.from_iterable(by_length.get(n, ()) for n in range(len(key) - 2, len(key) + 3))
    found = process.extract(key, list(near), scorer=fuzz.ratio, score_cutoff=cutoff, limit=FUZZY_LIMIT)
    return [candidate for candidate, _, _ in found]
