"""Text made safe for BibTeX and LaTeX: the ten special characters escaped, capitals that a
style must not lower-case protected with braces (`{NeRF}`, `{GPT}-4`), and, on request,
everything outside ASCII written as LaTeX (`é` -> `{\\'e}`, `ζ` -> `$\\zeta$`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from paperdeck.store.export.keys import STOPWORDS

if TYPE_CHECKING:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

# Braces are written as math-mode \lbrace/\rbrace, not \{ \}: BibTeX counts every brace, escaped
# or not, when it looks for a field's end, so a title with one `{` would swallow the rest of the
# file; `$\lbrace$` has no raw brace, and pandoc renders it (it drops \textbraceleft).
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"$\lbrace$",
    "}": r"$\rbrace$",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# Stand-ins for the braces that protect a word, placed before escaping (which would escape real
# braces) and turned into braces by the same translate call. Private-use code points.
_OPEN, _CLOSE = "\ue000", "\ue001"
_ESCAPES = str.maketrans(LATEX_SPECIALS | {_OPEN: "{", _CLOSE: "}"})
_NEEDS_ESCAPE = re.compile("[\\\\{}&%$#_~^\ue000\ue001]")
_WORD = re.compile(r"[^\W_]+")  # a run of letters and digits: "GPT" and "4" in "GPT-4"
_ENSUREMATH = "\\ensuremath{"
_SENTENCE_END = ":.?!"
# What `_is_acronym` finds in an ASCII title: a word with a capital past its first character,
# or a lone capital but "A".
_ASCII_ACRONYM = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z0-9][a-z0-9]*[A-Z][A-Za-z0-9]*|[B-Z](?![A-Za-z0-9]))")
# An ASCII word with a capital anywhere: in a sentence-case title, the only words to look at.
_ASCII_WITH_CAPITAL = re.compile(r"(?<![A-Za-z0-9])[a-z0-9]*[A-Z][A-Za-z0-9]*")
# Words of four letters or more past the first, in lower case, or capitalised and not opening
# a sentence (after a colon both conventions capitalise).
_LOWER_WORD = re.compile(r" ([a-z]{4,})\b(?!['-])")
_CAPITALISED_WORD = re.compile(r"(?<![:.?!]) ([A-Z][a-z]{3,})\b(?!['-])")
_CAPITALISED_STOPWORDS = frozenset(word.capitalize() for word in STOPWORDS)


def latex_text(text: str, ascii: bool = False) -> str:
    """Plain text as BibTeX field content: specials escaped; with `ascii`, non-ASCII as LaTeX."""
    return _escaped(_without_stand_ins(text), ascii)


def needs_escape(text: str) -> bool:
    """True when `text` holds a character `latex_text` would change (ASCII output)."""
    return _NEEDS_ESCAPE.search(text) is not None


def latex_title(title: str, ascii: bool = False) -> str:
    """A title as BibTeX field content: words a style's case change must keep braced — any
    with a capital after its first letter (`{NeRF}`, `{LLaMA}`, `{GPT}-4`, `{3D}`), a single
    capital letter but "A", and in a sentence-case title every capitalised word that does not
    start a sentence (a name: "Bayesian", "Gaussian") — then escaped as `latex_text`."""
    title = _without_stand_ins(title)
    if _is_sentence_case(title):
        words = _ASCII_WITH_CAPITAL if title.isascii() else _WORD
        protected = words.sub(lambda match: _protect_in_sentence(title, match), title)
    elif title.isascii():
        # The common case: one pattern finds just the words to brace (a test per word, as below,
        # costs 0.3 s more at 100,000 titles).
        protected = _ASCII_ACRONYM.sub(_brace, title)
    else:
        protected = _WORD.sub(_protect_acronym, title)
    return _escaped(protected, ascii)


def _without_stand_ins(text: str) -> str:
    # Private-use code points mean nothing in a paper's text; left in, they would become braces.
    if _OPEN in text or _CLOSE in text:
        return text.replace(_OPEN, "").replace(_CLOSE, "")
    return text


def _escaped(text: str, ascii: bool) -> str:
    if ascii and not text.isascii():
        return unicodedata.normalize("NFC", text).translate(_ASCII_ESCAPES)
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return text.translate(_ESCAPES)


def _brace(match: re.Match[str]) -> str:
    return _OPEN + match.group() + _CLOSE


def _is_acronym(word: str) -> bool:
    rest = word[1:]
    return rest != rest.lower() or (not rest and word.isupper() and word != "A")


def _protect_acronym(match: re.Match[str]) -> str:
    word = match.group()
    return _OPEN + word + _CLOSE if _is_acronym(word) else word


def _protect_in_sentence(title: str, match: re.Match[str]) -> str:
    word = match.group()
    if _is_acronym(word) or (word[0].isupper() and not _starts_sentence(title, match.start())):
        return _OPEN + word + _CLOSE
    return word


def _is_sentence_case(title: str) -> bool:
    """True when the title's words (past the first and those opening a sentence) are mostly in
    lower case, as "Deep kernels for Gaussian processes"; in a Title Case title a capital says
    nothing about a name. Short and stop words do not count (title case keeps them lower)."""
    lower = len(set(_LOWER_WORD.findall(title)).difference(STOPWORDS))
    return lower > 0 and lower > len(set(_CAPITALISED_WORD.findall(title)).difference(_CAPITALISED_STOPWORDS))


def _starts_sentence(title: str, start: int) -> bool:
    # Looking back over spaces and opening quotes: the title's start, or after : . ? !
    index = start - 1
    while index >= 0 and title[index] in " \"'(“‘":
        index -= 1
    return index < 0 or title[index] in _SENTENCE_END


class _AsciiEscapes(dict[int, str]):
    """A translate table for `ascii` output, filled in per character on first use: ASCII as
    itself or escaped, anything else as pylatexenc writes it in LaTeX."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = _ESCAPES.get(code, char) if code < 128 or char in (_OPEN, _CLOSE) else _latex_of(char)
        if isinstance(value, int):
            value = chr(value)
        self[code] = value
        return value


_ASCII_ESCAPES = _AsciiEscapes()


def _latex_of(char: str) -> str:
    """One non-ASCII character in LaTeX. pylatexenc knows thousands (accents, Greek, symbols,
    dashes, quotes) where a hand table would know dozens. An accent is braced (`{\\'e}`) so
    BibTeX reads it as one letter when it changes case or sorts; math symbols go in `$…$`."""
    latex = _math_mode(_encoder().unicode_to_latex(char))
    return "{" + latex + "}" if latex.startswith("\\") else latex


def _math_mode(latex: str) -> str:
    """`\\ensuremath{X}` as `$X$`: pandoc prints \\ensuremath as text; `$…$` works everywhere."""
    parts, done = [], 0
    while (start := latex.find(_ENSUREMATH, done)) != -1:
        end, depth = start + len(_ENSUREMATH), 1
        while end < len(latex) and depth:
            depth += {"{": 1, "}": -1}.get(latex[end], 0)
            end += 1
        parts += [latex[done:start], "$", latex[start + len(_ENSUREMATH) : end - 1], "$"]
        done = end
    return "".join(parts) + latex[done:]


@lru_cache(maxsize=1)
def _encoder() -> UnicodeToLatexEncoder:
    # Imported on the first `ascii` export only: most exports never need it.
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="none",
        unknown_char_policy=_unknown_char,
        unknown_char_warning=False,
    )


def _unknown_char(char: str) -> str:
    """What has no LaTeX form (a CJK character): a visible `[U+5C71]` marker. Plain text: math
    (`$\\langle$`, pylatexenc's own marker) is printed raw by pandoc inside a name."""
    return f"[U+{ord(char):04X}]"
