"""RIS for EndNote, Zotero and Mendeley: one record per paper, `TY  - GEN` … `ER  - `.

The type is GEN (generic), what Zotero's own RIS translator writes for its Preprint items
(RIS has no preprint type; UNPB, "unpublished work", says something untrue of a paper posted
on arXiv). Lines end CR LF as the RIS specification asks (Zotero writes them so), each value
on one line; tags come in the order Zotero writes them.
"""

from __future__ import annotations

from collections.abc import Iterable

from paperdeck.store.export.fields import Entry, arxiv_doi, citation_url, materialize, one_line
from paperdeck.store.export.names import split_name
from paperdeck.store.models import Marks, Paper

NEWLINE = "\r\n"


def ris(entries: Iterable[Entry]) -> str:
    """The papers as RIS records, in the given order, each followed by a blank line."""
    return "".join(ris_record(paper, marks) for paper, marks in materialize(entries))


def ris_record(paper: Paper, marks: Marks) -> str:
    """One RIS record: TY, TI, one AU per author ("Last, First" or "Last, First, Suffix"),
    AB, DA (YYYY/MM/DD/), PY, DO, PB, UR, N1 and one KW per tag — those the paper has."""
    lines = [("TY", "GEN"), ("TI", paper.title)]
    for author in paper.authors:
        name = split_name(author)
        if name.family:
            lines.append(("AU", ", ".join(part for part in (name.surname, name.given, name.suffix) if part)))
    if paper.abstract:
        lines.append(("AB", paper.abstract))
    if paper.published:
        lines.append(("DA", paper.published.replace("-", "/") + "/"))
    if paper.year:
        lines.append(("PY", str(paper.year)))
    if paper.arxiv_id:
        lines += [("DO", arxiv_doi(paper.arxiv_id)), ("PB", "arXiv")]
    url = citation_url(paper)
    if url:
        lines.append(("UR", url))
    if marks.note.strip():
        lines.append(("N1", marks.note))
    lines += [("KW", tag) for tag in marks.tags]
    body = "".join(f"{tag}  - {one_line(value)}{NEWLINE}" for tag, value in lines if value.strip())
    return f"{body}ER  - {NEWLINE}{NEWLINE}"
