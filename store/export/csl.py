"""CSL JSON (the Citation Style Language's data format) for Zotero, pandoc and citeproc.

Every paper is an `article`: CSL 1.0.2 gives that type to preprints and works posted on a
repository such as arXiv, and Zotero maps its "Preprint" item type to it. An arXiv paper
carries arXiv's DOI, `publisher` "arXiv" and `number` "arXiv:ID": what Zotero writes for a
preprint (its repository and archive ID) and what styles such as APA print. Not `archive` as
well: CSL means a holding archive by it, and Chicago then prints "arXiv. arXiv.".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from paperdeck.store.export.fields import Entry, arxiv_doi, citation_url, date_parts, materialize
from paperdeck.store.export.keys import citation_keys
from paperdeck.store.export.names import PersonName, split_name
from paperdeck.store.models import Marks, Paper


def csl_json(entries: Iterable[Entry]) -> str:
    """A CSL JSON array for the papers, UTF-8, pretty; item ids are the BibTeX keys."""
    return orjson.dumps(csl_items(entries), option=orjson.OPT_INDENT_2).decode() + "\n"


def csl_items(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """The CSL items of `csl_json`, as dicts."""
    entries = materialize(entries)
    keys = citation_keys(entries)
    return [csl_item(paper, marks, key) for (paper, marks), key in zip(entries, keys, strict=True)]


def csl_item(paper: Paper, marks: Marks, key: str) -> dict[str, Any]:
    """One paper as a CSL item with id `key`; fields the paper lacks are left out."""
    item: dict[str, Any] = {"id": key, "type": "article", "title": paper.title}
    authors = [csl_name(name) for name in map(split_name, paper.authors) if name.family]
    if authors:
        item["author"] = authors
    parts = date_parts(paper)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if paper.arxiv_id:
        item["DOI"] = arxiv_doi(paper.arxiv_id)
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{paper.arxiv_id}"
    url = citation_url(paper)
    if url:
        item["URL"] = url
    if paper.abstract:
        item["abstract"] = paper.abstract
    if marks.tags:
        item["keyword"] = ", ".join(marks.tags)
    if marks.note.strip():
        item["note"] = marks.note.strip()
    return item


def csl_name(name: PersonName) -> dict[str, str]:
    """A CSL name object. The particle is non-dropping: BibTeX's convention and citeproc-js's
    reading of a lowercase particle — it stays with the family name ("van der Berg")."""
    parts = {"family": name.family}
    if name.given:
        parts["given"] = name.given
    if name.particle:
        parts["non-dropping-particle"] = name.particle
    if name.suffix:
        parts["suffix"] = name.suffix
    return parts
