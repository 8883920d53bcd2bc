"""Plain records of the library: papers, their links and sources, and the user's marks.

No I/O here: these classes convert to and from the dicts that the storage writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

LINK_KINDS = ("project", "code", "data")

MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_DATE_TEXT = re.compile(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2})(?:, (\d{4}))?$")


@dataclass(slots=True)
class Link:
    """One link found in an abstract, with its kind: project, code or data."""

    url: str
    kind: str

    def to_dict(self) -> dict[str, str]:
        """The JSON form: {url, kind}."""
        return {"url": self.url, "kind": self.kind}


@dataclass(slots=True, frozen=True)
class Source:
    """Where a paper was seen: a dump's file name and the page date it carried."""

    name: str
    page_date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: {name, page_date}."""
        return {"name": self.name, "page_date": self.page_date}


@dataclass(slots=True)
class Paper:
    """A paper in the catalog. Fields a dump cannot give (arxiv_id, authors, extra) stay empty
    until an importer that knows them (e.g. the Hugging Face API) fills them. Its lists and
    dicts are replaced, never changed in place: loaded papers share empty ones."""

    id: str
    title: str
    abstract: str
    links: list[Link] = field(default_factory=list)
    authors_count: int | None = None
    published: str | None = None  # as the page shows it: "Feb 27" or "Mar 24, 2023"
    upvotes: int | None = None
    sources: list[Source] = field(default_factory=list)
    added: float = 0.0  # epoch seconds of the first import
    arxiv_id: str | None = None
    authors: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def primary_link(self) -> Link | None:
        """The first project link, else the first code link, else the first link."""
        return primary_link(self.links)

    @property
    def year(self) -> int | None:
        """The year of `published` when the page gave one."""
        parsed = parse_date_text(self.published)
        return parsed[0] if parsed else None

    def describe(self) -> list[str]:
        """Human-readable metadata, only what the paper has: `9 authors`, `Feb 27`, `▲ 4`,
        `seen on 2 pages (Mar 11, Mar 12)`."""
        parts: list[str] = []
        if self.authors_count:
            parts.append(f"{self.authors_count} author{'s' if self.authors_count != 1 else ''}")
        if self.published:
            parts.append(self.published)
        if self.upvotes is not None:
            parts.append(f"▲ {self.upvotes}")
        if self.sources:
            count = len(self.sources)
            dates = [source.page_date for source in self.sources if source.page_date]
            seen = f"seen on {count} page{'s' if count != 1 else ''}"
            parts.append(seen + (f" ({', '.join(dates)})" if dates else ""))
        return parts

    def merge(self, other: Paper) -> bool:
        """Fill what this record lacks from another sighting of the same paper; True if changed.

        Known fields are kept (the first import wins), except upvotes, which only grow, and
        links and sources, which are unioned in order.
        """
        changed = False
        for name in ("abstract", "authors_count", "published", "arxiv_id"):
            if not getattr(self, name) and getattr(other, name):
                setattr(self, name, getattr(other, name))
                changed = True
        if other.upvotes is not None and (self.upvotes is None or other.upvotes > self.upvotes):
            self.upvotes = other.upvotes
            changed = True
        if other.authors and not self.authors:
            self.authors = list(other.authors)
            changed = True
        # New lists and dicts, never changed in place: loaded papers share empty ones (below).
        known_urls = {link.url for link in self.links}
        for link in other.links:
            if link.url not in known_urls:
                self.links = [*self.links, link]
                known_urls.add(link.url)
                changed = True
        for source in other.sources:
            if source not in self.sources:
                self.sources = [*self.sources, source]
                changed = True
        for key, value in other.extra.items():
            if key not in self.extra:
                self.extra = {**self.extra, key: value}
                changed = True
        return changed

    def to_dict(self) -> dict[str, Any]:
        """The catalog form of the paper (also the base of the CLI's JSON)."""
        return {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "links": [link.to_dict() for link in self.links],
            "authors_count": self.authors_count,
            "published": self.published,
            "upvotes": self.upvotes,
            "sources": [source.to_dict() for source in self.sources],
            "added": self.added,
            "arxiv_id": self.arxiv_id,
            "authors": list(self.authors),
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        """Rebuild a paper from its catalog form; raises KeyError/TypeError on a wrong shape."""
        return cls(
            id=data["id"],
            title=data["title"],
            abstract=data["abstract"],
            links=[Link(item["url"], item["kind"]) for item in data.get("links", ())],
            authors_count=data.get("authors_count"),
            published=data.get("published"),
            upvotes=data.get("upvotes"),
            sources=[Source(item["name"], item.get("page_date")) for item in data.get("sources", ())],
            added=float(data.get("added", 0.0)),
            arxiv_id=data.get("arxiv_id"),
            authors=list(data.get("authors", ())),
            extra=dict(data.get("extra", {})),
        )


def catalog_record(paper: Paper) -> dict[str, Any]:
    """The catalog file's form of a paper: no abstract (it lives in the abstracts file) and
    no empty fields, which keeps 100,000 records small enough to parse in ~0.2 s."""
    record: dict[str, Any] = {"id": paper.id, "title": paper.title}
    if paper.links:
        record["links"] = [link.to_dict() for link in paper.links]
    for name in ("authors_count", "published", "upvotes", "arxiv_id"):
        value = getattr(paper, name)
        if value is not None:
            record[name] = value
    if paper.sources:
        record["sources"] = [
            {"name": source.name, "page_date": source.page_date} if source.page_date else {"name": source.name}
            for source in paper.sources
        ]
    record["added"] = paper.added
    if paper.authors:
        record["authors"] = list(paper.authors)
    if paper.extra:
        record["extra"] = dict(paper.extra)
    return record


# Shared by every loaded paper that has none (most have no authors, extra fields or links):
# an empty list or dict each was ~200 bytes a paper, 2 MB of a 10,000-paper library. So a
# paper's lists and dicts are replaced, never changed in place (see Paper.merge).
_NO_LINKS: list[Link] = []
_NO_AUTHORS: list[str] = []
_NO_EXTRA: dict[str, Any] = {}


def paper_from_record(record: dict[str, Any], abstract: str, shared: dict[Any, Any]) -> Paper:
    """Rebuild a paper from a catalog record (either schema: an inline abstract wins over
    `abstract`). `shared` holds values equal across papers, to keep one object of each:
    thousands of papers come from one dump (Source by name and page date) and one import
    (its time), and share dates and link kinds (sys.intern would grow the interpreter's own
    table by more than it saves). Raises KeyError/TypeError/AttributeError on a wrong shape."""
    links = record.get("links")
    found = record.get("sources")
    sources: list[Source] = []
    if found:
        for item in found:
            key = (item["name"], item.get("page_date"))
            source = shared.get(key)
            if source is None:
                source = shared[key] = Source(*key)
            sources.append(source)
    one = shared.setdefault
    published = record.get("published")
    added = float(record.get("added", 0.0))
    return Paper(
        record["id"],
        record["title"],
        record.get("abstract", abstract),
        [Link(item["url"], one(item["kind"], item["kind"])) for item in links] if links else _NO_LINKS,
        record.get("authors_count"),
        one(published, published) if published else published,
        record.get("upvotes"),
        sources,
        one(added, added),
        record.get("arxiv_id"),
        list(record["authors"]) if "authors" in record else _NO_AUTHORS,
        dict(record["extra"]) if "extra" in record else _NO_EXTRA,
    )


@dataclass(slots=True)
class Marks:
    """What the user said about a paper: starred, tags (normalized), read, and when."""

    starred: bool = False
    tags: list[str] = field(default_factory=list)
    read: bool = False
    updated: float = 0.0

    @property
    def is_empty(self) -> bool:
        """True when the marks say nothing (so they need not be stored)."""
        return not (self.starred or self.tags or self.read)

    def to_dict(self) -> dict[str, Any]:
        """The marks-file form."""
        return {"starred": self.starred, "tags": list(self.tags), "read": self.read, "updated": self.updated}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Marks:
        """Rebuild marks from the marks-file form."""
        return cls(
            starred=bool(data.get("starred", False)),
            tags=[str(tag) for tag in data.get("tags", ())],
            read=bool(data.get("read", False)),
            updated=float(data.get("updated", 0.0)),
        )


def primary_link(links: list[Link]) -> Link | None:
    """The first project link, else the first code link, else the first link, else None."""
    for kind in ("project", "code"):
        for link in links:
            if link.kind == kind:
                return link
    return links[0] if links else None


def parse_date_text(text: str | None) -> tuple[int | None, int, int] | None:
    """("Mar 24, 2023") -> (2023, 3, 24); ("Feb 27") -> (None, 2, 27); anything else -> None."""
    if not text:
        return None
    match = _DATE_TEXT.match(text)
    if not match or match.group(1).lower() not in MONTHS:
        return None
    year = int(match.group(3)) if match.group(3) else None
    return year, MONTHS[match.group(1).lower()], int(match.group(2))


def date_sort_key(text: str | None) -> tuple[int, int, int]:
    """A key that sorts dates oldest first. The page omits the year for the current year,
    so a date without one sorts after every dated year; no date at all sorts first."""
    parsed = parse_date_text(text)
    if parsed is None:
        return (0, 0, 0)
    year, month, day = parsed
    return (year if year is not None else 9999, month, day)
