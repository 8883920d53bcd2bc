"""Author names, as the sources give them ("First Last"), split into the parts citation
formats write separately: given name, particle (van, de la), family name and suffix (Jr.).

The split follows BibTeX's own reading of "First von Last" — a particle is a lowercase word —
restricted to known particles, so a lowercase given name ("john smith") is not taken for one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# Lowercase name particles (Dutch, German, French, Italian, Spanish, Portuguese, Scandinavian,
# Arabic). Capitalised forms ("Van", "De", "Di", "Le") are left to the given or family name, as
# BibTeX does: in middle position they are as often a given name ("Anh Van Nguyen", "Wei Di Zhang").
_PARTICLE_TEXT = """van von der den de del della delle dei degli di da das dos do du la le les lo
    ten ter te zu zum zur vom af av bin ibn binti al el 't d' l'"""
PARTICLES = frozenset(_PARTICLE_TEXT.split())
# Generational suffixes, compared in lower case and kept as written.
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# What makes a name more than "Given Names Family" (see `plain_names`), over names framed by
# newlines: a word not starting with an ASCII capital (a particle, a lowercase, accented or CJK
# word, a digit, stray white space, an empty name), a suffix, or a word an author list reads as
# syntax ("And", "Others").
_INVOLVED_WORD = re.compile(r"\s(?:[^A-Z]|(?:Jr|Sr|JR|SR|II|III|IV|And|AND|Others|OTHERS)\.?\s)")
# A word in a script written family name first (Han, kana, Hangul): "山田 太郎" is Yamada Taro.
_FAMILY_FIRST = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


class PersonName(NamedTuple):
    """One author's name in parts; `particle` is printed with the family name ("van Beethoven").
    A named tuple: built in C, 3x faster than a frozen dataclass for ~750,000 names an export."""

    given: str = ""
    particle: str = ""
    family: str = ""
    suffix: str = ""

    @property
    def surname(self) -> str:
        """The family name with its particle, as a citation shows it: "van Beethoven"."""
        return f"{self.particle} {self.family}" if self.particle else self.family


@lru_cache(maxsize=65_536)  # authors recur across papers; a 100k-paper export splits each once
def split_name(name: str) -> PersonName:
    """Split "First von Last Jr." (or BibTeX's "von Last, First" / "von Last, Jr, First") into
    its parts. A single word is a family name ("Plato"); so is a name with no space in a
    family-name-first script ("王小明"), while "山田 太郎" splits family first."""
    if plain_names("\n" + name + "\n"):
        given, _, family = name.rpartition(" ")
        return PersonName(given, "", family)
    if "," in name:
        parts = [part.strip() for part in name.split(",")]
        if len(parts) == 2 and parts[1].lower() in SUFFIXES and parts[0]:  # "Martin Luther King, Jr."
            base = _split_words(parts[0].split(), "")
            return PersonName(base.given, base.particle, base.family, parts[1])
        if len(parts) == 2 and parts[0]:  # "von Last, First"
            return _von_last(parts[0].split(), parts[1], "")
        if len(parts) == 3 and parts[0] and parts[1].lower() in SUFFIXES:  # "von Last, Jr, First"
            return _von_last(parts[0].split(), parts[2], parts[1])
        # Commas that are not name syntax: read the words as a plain name.
        return _split_words(name.replace(",", " ").split(), "")
    return _split_words(name.split(), "")


def plain_names(framed: str) -> bool:
    """True when every name in `framed` (one a line, the text starting and ending with a newline)
    is capitalised words with single spaces, no comma and no suffix: "Given Names Family", its
    last word the family name. Nearly every name the Hugging Face API gives is ("Ashish Vaswani":
    294 of 295 in its two recorded answers), so a whole author list is checked at once."""
    return "," not in framed and _INVOLVED_WORD.search(framed) is None


def _split_words(words: list[str], suffix: str) -> PersonName:
    if len(words) >= 2 and words[-1].lower() in SUFFIXES:
        suffix, words = words[-1], words[:-1]
    if not words:
        return PersonName(suffix=suffix)
    if len(words) == 1:
        return PersonName(family=words[0], suffix=suffix)
    if all(_FAMILY_FIRST.fullmatch(word) for word in words):
        return PersonName(" ".join(words[1:]), "", words[0], suffix)
    # The particle starts at the first known particle before the last word and runs as long as
    # particles follow; the last word is always part of the family name (BibTeX's rule).
    last = len(words) - 1
    start = next((index for index in range(last) if words[index] in PARTICLES), None)
    if start is None:
        return PersonName(" ".join(words[:-1]), "", words[-1], suffix)
    end = start
    while end < last and words[end] in PARTICLES:
        end += 1
    return PersonName(" ".join(words[:start]), " ".join(words[start:end]), " ".join(words[end:]), suffix)


def _von_last(von_last: list[str], given: str, suffix: str) -> PersonName:
    """ "de la Fontaine, Jean": leading particles, then the family name (at least one word)."""
    end = 0
    while end < len(von_last) - 1 and von_last[end] in PARTICLES:
        end += 1
    return PersonName(given, " ".join(von_last[:end]), " ".join(von_last[end:]), suffix)
