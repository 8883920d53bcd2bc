"""The arXiv export API's Atom feed (`/api/query?search_query=…&id_list=…`) -> Papers.

Each `<entry>` gives an id (`http://arxiv.org/abs/2104.12255v1`: kept without the version;
old ids keep their slash), a hard-wrapped title and summary, authors, the first version's
date, the primary category and the others, and optionally a comment, journal reference and
DOI. arXiv answers a malformed query with HTTP 200 and a feed whose one entry is titled
`Error`: that becomes a SourceError. The XML is parsed by defusedxml with DTDs refused: an
Atom feed never has one, and entity tricks (billion laughs, external files) need one.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from paperdeck.store.dates import iso_day
from paperdeck.store.errors import SourceError
from paperdeck.store.models import Paper, Source
from paperdeck.store.sources.fields import (
    MAX_ABSTRACT,
    MAX_AUTHORS,
    MAX_NAME,
    MAX_NOTE,
    MAX_TITLE,
    SourceResult,
    arxiv_id,
    categories,
    names_field,
    note_cuts,
    paper_links,
    shown,
    text_field,
)
from paperdeck.store.text import slugify

SOURCE_NAME = "arxiv-api"
FORMAT = "arxiv_atom"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


def parse_atom(data: bytes | str, name: str = SOURCE_NAME) -> SourceResult:
    """Papers from an arXiv Atom feed. Raises SourceError for XML that is not well formed,
    has a DTD, is not an Atom feed, or is arXiv's error answer."""
    root = _feed(data, name)
    result = SourceResult(name, FORMAT)
    for index, entry in enumerate(root.findall(f"{ATOM}entry")):
        paper = _paper(entry, index, result)
        if paper is not None:
            result.papers.append(paper)
    return result.finish()


def _feed(data: bytes | str, name: str) -> Element:
    """The feed's root element, checked."""
    try:
        root = safe_xml.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise SourceError(f"{name}: XML with a DTD or entity declarations refused (an Atom feed has none)") from None
    except ParseError as error:
        raise SourceError(f"{name}: not well-formed XML ({error})") from None
    if root.tag != f"{ATOM}feed":
        raise SourceError(f"{name}: XML, but not an Atom feed (its root is {shown(root.tag.rpartition('}')[2], 40)})")
    for entry in root.findall(f"{ATOM}entry"):
        if "/api/errors" in _text(entry, f"{ATOM}id"):
            message = text_field(_text(entry, f"{ATOM}summary"), MAX_NOTE, "error", []) or "unknown error"
            raise SourceError(f"{name}: arXiv answered with an error: {message}")
    return root


def _text(element: Element, tag: str) -> str:
    """All the text inside the first child `tag`, "" when there is none."""
    child = element.find(tag)
    return "".join(child.itertext()) if child is not None else ""


def _paper(entry: Element, index: int, result: SourceResult) -> Paper | None:
    """One entry -> a Paper, or None with a warning when its id, title or summary is unusable."""
    raw_id = _text(entry, f"{ATOM}id").strip()
    found_id = arxiv_id(raw_id)
    label = f"{result.name}: entry {index} ({found_id or shown(raw_id, 60)})"
    cut: list[str] = []
    title = text_field(_text(entry, f"{ATOM}title"), MAX_TITLE, "title", cut)
    abstract = text_field(_text(entry, f"{ATOM}summary"), MAX_ABSTRACT, "abstract", cut, multiline=True)
    missing = [what for what, value in (("arXiv id", found_id), ("title", title), ("abstract", abstract)) if not value]
    if missing:
        result.warn(f"{label}: no usable {', '.join(missing)}, skipped")
        return None
    assert found_id and title and abstract
    names = ["".join(name.itertext()) for name in entry.iterfind(f"{ATOM}author/{ATOM}name")]
    authors = names_field(names, MAX_AUTHORS, MAX_NAME, "authors", cut)
    primary = entry.find(f"{ARXIV}primary_category")
    terms = [primary.get("term")] if primary is not None else []
    terms += [category.get("term") for category in entry.iterfind(f"{ATOM}category")]
    extra: dict[str, str] = {}
    for key, tag in (("comments", "comment"), ("journal_ref", "journal_ref"), ("doi", "doi")):
        value = text_field(_text(entry, f"{ARXIV}{tag}"), MAX_NOTE, key, cut)
        if value:
            extra[key] = value
    paper = Paper(
        id=slugify(title),
        title=title,
        abstract=abstract,
        links=paper_links((), abstract, label, result),
        authors_count=len(authors) or None,
        published=iso_day(_text(entry, f"{ATOM}published")),
        sources=[Source(SOURCE_NAME)],
        arxiv_id=found_id,
        authors=authors,
        extra=extra,
        categories=categories(terms),
    )
    note_cuts(cut, label, result)
    return paper
