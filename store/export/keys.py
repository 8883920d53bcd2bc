"""Citation keys as arXiv's "Export BibTeX citation" makes them (`vaswani2017attentionneed`):
the first author's surname, the year, then up to four title words that are not stop words;
folded to ASCII `[a-z0-9]`, made unique within one export and stable across runs.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import filterfalse, islice

from paperdeck.store.export.fields import Entry
from paperdeck.store.export.names import split_name
from paperdeck.store.models import Paper
from paperdeck.store.text import fold_ascii

# The English stop words arXiv's key maker skips: the Glasgow IR list (as in scikit-learn),
# with arXiv's own variants kept ("fify", "thickv", no "i") so that our keys equal theirs.
_STOPWORD_TEXT = """a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond bill both bottom but by call can
    cannot cant co con could couldnt cry de describe detail do done down due during each eg eight
    either eleven else elsewhere empty enough etc even ever every everyone everything everywhere
    except few fifteen fify fill find fire first five for former formerly forty found four from
    front full further get give go had has hasnt have he hence her here hereafter hereby herein
    hereupon hers herself him himself his how however hundred ie if in inc indeed interest into is
    it its itself keep last latter latterly least less ltd made many may me meanwhile might mill
    mine more moreover most mostly move much must my myself name namely neither never nevertheless
    next nine no nobody none noone nor not nothing now nowhere of off often on once one only onto
    or other others otherwise our ours ourselves out over own part per perhaps please put rather re
    same see seem seemed seeming seems serious several she should show side since sincere six sixty
    so some somehow someone something sometime sometimes somewhere still such system take ten than
    that the their them themselves then thence there thereafter thereby therefore therein thereupon
    these they thickv thin third this those though three through throughout thru thus to together
    too top toward towards twelve twenty two un under until up upon us very via was we well were
    what whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever
    whether which while whither who whoever whole whom whose why will with within without would
    yet you your yours yourself yourselves"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
TITLE_WORDS = 4
# Letters that Unicode decomposition leaves without an ASCII form (fold_ascii would drop them).
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L"}
    | {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i"}
)
_NOT_KEY = re.compile(r"[^a-z0-9]+")
_PUNCTUATION = bytes(code for code in range(128) if not (chr(code).isalnum() or chr(code).isspace()))


def key_text(text: str) -> str:
    """`text` as key characters: ASCII-folded (`Müller` -> `muller`, `Ø` -> `o`), lower case,
    nothing but letters and digits."""
    if not text.isascii():
        text = fold_ascii(text.translate(_UNDECOMPOSED))
    elif text.isalnum():  # most surnames: no regex needed
        return text.lower()
    return _NOT_KEY.sub("", text.lower())


def base_key(paper: Paper) -> str:
    """The key arXiv would give the paper, before any collision suffix. Parts that are unknown
    are left out (no author: year and title words); never empty."""
    surname = key_text(split_name(paper.authors[0]).surname) if paper.authors else ""
    title = paper.title if paper.title.isascii() else fold_ascii(paper.title.translate(_UNDECOMPOSED))
    # Words are split at white space, as arXiv splits them ("Co-RL:" is one word, `corl`).
    # Punctuation is deleted by bytes.translate: a third of the time of a regex.
    words = filterfalse(STOPWORDS.__contains__, title.lower().encode().translate(None, _PUNCTUATION).decode().split())
    key = f"{surname}{paper.year or ''}{''.join(islice(words, TITLE_WORDS))}"
    return key or key_text(paper.id) or "paper"


def citation_keys(entries: Sequence[Entry]) -> list[str]:
    """One unique key per entry, in the entries' order. Papers whose keys would collide all get
    a suffix (`a`, `b`, … `z`, `aa`, …) in the order of their arXiv ids, then paper ids, so a key
    depends on which papers are exported, never on the order they are given in."""
    keys = [base_key(paper) for paper, _ in entries]
    counts = Counter(keys)
    if len(counts) == len(keys):
        return keys
    # Only the colliding keys get lists of their holders (100,000 one-item lists cost 0.5 s of
    # allocation and garbage collection for nothing).
    holders: defaultdict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        if counts[key] > 1:
            holders[key].append(index)
    taken = set(counts)  # a suffixed key must not take another paper's plain key either
    for key in sorted(holders):
        indexes = sorted(holders[key], key=lambda index: _disambiguation_order(entries[index][0]))
        number = 0
        for index in indexes:
            while (candidate := key + _suffix(number)) in taken:
                number += 1
            taken.add(candidate)
            keys[index] = candidate
            number += 1
    return keys


def _disambiguation_order(paper: Paper) -> tuple[bool, str, str, str]:
    # arXiv papers first by id (older first), then the others by paper id; the title settles
    # the rest, so only identical papers tie (and their order cannot show).
    return (paper.arxiv_id is None, paper.arxiv_id or "", paper.id, paper.title)


def _suffix(number: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, 27 -> ab, … (bijective base 26, as BibTeX users write them)."""
    letters = ""
    number += 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters
