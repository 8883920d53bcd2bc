"""BibTeX, as arXiv's "Export BibTeX citation" writes it: `@misc` with title, author, year,
eprint, archivePrefix, primaryClass and url; plus the user's tags (`keywords`) and note
(`annote`: kept by biber and imported by Zotero as a note, but printed by no standard style).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import quote

from paperdeck.store.export.fields import Entry, citation_url, materialize, one_line
from paperdeck.store.export.keys import citation_keys
from paperdeck.store.export.latex import latex_text, latex_title, needs_escape
from paperdeck.store.export.names import PersonName, plain_names, split_name
from paperdeck.store.models import Marks, Paper

_URL_SAFE = "".join(chr(code) for code in range(33, 127) if chr(code) not in "{}\\")
_URL_VERBATIM = re.compile("[" + re.escape(_URL_SAFE) + "]*")


def bibtex(entries: Iterable[Entry], *, ascii: bool = False) -> str:
    """A .bib file for the papers, in the given order. UTF-8 by default (biber, pandoc, and
    BibTeX with a UTF-8 LaTeX read it); `ascii` writes non-ASCII characters as LaTeX for
    8-bit BibTeX. Keys are `citation_keys`, the same as the CSL JSON export's ids."""
    entries = materialize(entries)
    keys = citation_keys(entries)
    return "\n".join(
        bibtex_entry(paper, marks, key, ascii=ascii) for (paper, marks), key in zip(entries, keys, strict=True)
    )


def bibtex_entry(paper: Paper, marks: Marks, key: str, *, ascii: bool = False) -> str:
    """One `@misc` entry. A paper without an arXiv id keeps what is known of title, authors
    and year, with its primary link as `url`."""
    lines = [f"@misc{{{key},\n  title={{{latex_title(paper.title, ascii)}}},\n"]
    if paper.authors:
        authors = bibtex_authors(paper.authors, ascii)
        if authors:
            lines.append(f"  author={{{authors}}},\n")
    year = paper.year
    if year:
        lines.append(f"  year={{{year}}},\n")
    if paper.arxiv_id:
        category = paper.categories[0] if paper.categories else ""
        arxiv_id = paper.arxiv_id
        if needs_escape(arxiv_id + category) or (ascii and not (arxiv_id + category).isascii()):
            # Never so for a real id and category; escaped all the same.
            arxiv_id, category = latex_text(arxiv_id, ascii), latex_text(category, ascii)
        lines.append(f"  eprint={{{arxiv_id}}},\n  archivePrefix={{arXiv}},\n")
        if category:
            lines.append(f"  primaryClass={{{category}}},\n")
    url = citation_url(paper)
    if url:
        lines.append(f"  url={{{bibtex_url(url)}}},\n")
    if marks.tags:
        lines.append(f"  keywords={{{latex_text(', '.join(marks.tags), ascii)}}},\n")
    if marks.note and not marks.note.isspace():
        # BibTeX folds white space, line breaks included: written folded, as it will be read.
        lines.append(f"  annote={{{latex_text(one_line(marks.note), ascii)}}},\n")
    lines.append("}\n")
    return "".join(lines)


def bibtex_authors(authors: list[str], ascii: bool = False) -> str:
    """The `author` field: every name as `bibtex_name` writes it, joined with " and "."""
    if _is_plain("\n" + "\n".join(authors) + "\n"):
        # Most names are capitalised words and nothing else ("Ashish Vaswani"): one check for
        # the whole list, no splitting into parts (a 100k-paper export has ~750,000 names).
        text = " and ".join(map(_last_first, authors))
        return latex_text(text, ascii) if ascii else text  # a plain name has no LaTeX special
    return " and ".join(filter(None, (_bibtex_author(author, ascii) for author in authors if author.strip())))


def _is_plain(framed: str) -> bool:
    # Names that need neither splitting into parts nor escaping.
    return plain_names(framed) and not needs_escape(framed)


def _last_first(name: str) -> str:
    """A plain name (see `_is_plain`) as BibTeX's "Last, First": "Vaswani, Ashish"."""
    given, _, family = name.rpartition(" ")
    return f"{family}, {given}" if given else family


@lru_cache(maxsize=65_536)  # an author of many papers is written once
def _bibtex_author(author: str, ascii: bool) -> str:
    """The name as `bibtex_name` writes it; "" for one with no letters to write (",")."""
    if _is_plain("\n" + author + "\n"):
        return latex_text(_last_first(author), ascii)
    name = split_name(author)
    return bibtex_name(name, ascii) if name.family else ""


def bibtex_name(name: PersonName, ascii: bool = False) -> str:
    """A name as BibTeX reads it unambiguously: "von Last, First" or "von Last, Jr, First".

    A lowercase word inside the family name ("Ortega y Gasset") is braced, or BibTeX would
    take it for a particle; "and" is braced (it separates authors) and so is a comma (it
    separates the parts)."""
    family = [_name_word(word, ascii) for word in name.family.split()]
    family = [_brace_if_lower(word) for word in family[:-1]] + family[-1:]
    von_last = " ".join([*(_name_word(word, ascii) for word in name.particle.split()), *family])
    if von_last.lower() == "others":  # "and others" is BibTeX's "et al."
        von_last = "{" + von_last + "}"
    given = " ".join(_name_word(word, ascii) for word in name.given.split())
    if name.suffix:
        return f"{von_last}, {_name_word(name.suffix, ascii)}, {given}"
    return f"{von_last}, {given}" if given else von_last


def _name_word(word: str, ascii: bool) -> str:
    word = latex_text(word, ascii)
    if word.lower() == "and":
        return "{" + word + "}"
    return word.replace(",", "{,}") if "," in word else word


def _brace_if_lower(word: str) -> str:
    first_letter = next((char for char in word if char.isalpha()), "")
    return "{" + word + "}" if first_letter.islower() else word


def bibtex_url(url: str) -> str:
    """A URL as a `url` field holds it verbatim, except what cannot be in a URL and would
    break the field: braces, backslashes, white space and non-ASCII, percent-encoded."""
    return url if _URL_VERBATIM.fullmatch(url) else quote(url, safe=_URL_SAFE)
