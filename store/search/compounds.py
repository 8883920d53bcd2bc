"""Compound words: `fine-tuning`, `finetuning` and `fine tuning` are one word to a researcher.

Learned from the text, not from a list: every hyphenated word the library writes is
remembered (joined -> hyphenated: `finetuning` -> `fine-tuning`), so that a query finds the
other spellings: a joined query word also matches its parts as a phrase (which the hyphenated
and the spaced spellings are, word by word), and adjacent query words that make a known
compound also match it joined. The joined forms are not indexed as words of their own: that
was 7 postings an abstract, +6% of a loaded index's memory.

Finding hyphenated words costs ~7 µs an abstract besides splitting it into words (~0.6 s of
a 100k-paper build): the text is split at hyphens and the words either side of each read, all
C calls; a regex over the text was 25x slower.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator

from paperdeck.store.text import WORD_TABLE, fold_ascii, words_of

# Lower case letters, digits and the hyphen kept, everything else a space (store.text.WORD_TABLE
# keeps the hyphen out).
_KEEP = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789-")
_HYPHEN_TABLE = bytes(c if c in _KEEP else c + 32 if 65 <= c <= 90 else 32 for c in range(256))
MAX_PARTS = 4  # `state-of-the-art` is one; longer chains are lists (`x-y-z-w-v`), not words


def text_words(text: str, compounds: dict[bytes, bytes]) -> set[bytes]:
    """The distinct search words of a text (as `store.text.word_set`); its hyphenated words
    are registered in `compounds` (joined -> hyphenated)."""
    if not text.isascii():
        text = fold_ascii(text)
    raw = text.encode("ascii")
    words = set(raw.translate(WORD_TABLE).split())
    if b"-" in raw:
        for chain in _hyphenated(raw.translate(_HYPHEN_TABLE)):
            joined = b"".join(chain)
            if joined not in compounds:
                compounds[joined] = b"-".join(chain)
    return words


def text_counts(text: str) -> Counter[bytes]:
    """How often each search word is in a text, hyphenated words also counted joined."""
    if not text.isascii():
        text = fold_ascii(text)
    raw = text.encode("ascii")
    counts = Counter(raw.translate(WORD_TABLE).split())
    if b"-" in raw:
        counts.update(b"".join(chain) for chain in _hyphenated(raw.translate(_HYPHEN_TABLE)))
    return counts


def _hyphenated(text: bytes) -> Iterator[list[bytes]]:
    """The parts of each hyphenated word of a lower-cased text (hyphens kept)."""
    pieces = text.split(b"-")
    chain: list[bytes] = []
    for piece in pieces:
        if chain and piece and not piece[:1].isspace():
            head, _, rest = piece.partition(b" ")
            chain.append(head)
            if not rest and piece == head:
                continue  # a middle part (`of` in state-of-the-art): the chain goes on
            if 1 < len(chain) <= MAX_PARTS:
                yield chain
            chain = []
        elif 1 < len(chain) <= MAX_PARTS:
            yield chain
            chain = []
        else:
            chain = []
        if piece and not piece[-1:].isspace() and not chain:
            tail = piece.rsplit(None, 1)[-1] if b" " in piece else piece
            chain = [tail]
    if 1 < len(chain) <= MAX_PARTS:  # the text ends with a hyphenated word
        yield chain


def join_runs(words: list[str], compounds: dict[bytes, bytes]) -> list[list[str]]:
    """Query words grouped into terms: a run of adjacent words that the library writes as one
    hyphenated word (`fine tuning`, `state of the art`) is one term, longest run first."""
    terms: list[list[str]] = []
    start = 0
    while start < len(words):
        for stop in range(min(len(words), start + MAX_PARTS), start + 1, -1):
            run = words[start:stop]
            if compounds.get("".join(run).encode("ascii")) == "-".join(run).encode("ascii"):
                terms.append(run)
                start = stop
                break
        else:
            terms.append([words[start]])
            start += 1
    return terms


def compound_phrase_finder(phrase: str, compounds: dict[bytes, bytes]) -> Callable[[str], bool]:
    """A test for whether a text has `phrase`, where the parts of a compound in it may also be
    written joined (`supervised fine tuning` finds `supervised finetuning`)."""
    gaps = []
    for run in join_runs(phrase.split(" "), compounds):
        gaps.append("[^a-z0-9]*".join(map(re.escape, run)))
    pattern = re.compile("[^a-z0-9]+".join(gaps))

    def has_phrase(text: str) -> bool:
        return pattern.search(text.lower() if text.isascii() else " ".join(words_of(text))) is not None

    return has_phrase
