"""Plain records of the library: papers, their links and sources, and the user's marks.

No I/O here: these classes convert to and from the dicts that the storage writes. A paper
has a typed field for everything any source gives (page dumps, the Hugging Face API, arXiv);
`extra` keeps the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from paperdeck.store.arxiv_ids import hf_url
from paperdeck.store.dates import date_key, short_date

LINK_KINDS = ("project", "code", "data")


@dataclass(slots=True)
class Link:
    """One link with its kind: project, code or data (found in an abstract or given by a
    source), or hf, arxiv, pdf (derived from the arXiv id)."""

    url: str
    kind: str

    def to_dict(self) -> dict[str, str]:
        """The JSON form: {url, kind}."""
        return {"url": self.url, "kind": self.kind}


@dataclass(slots=True, frozen=True)
class Source:
    """Where a paper was seen: a dump's file name (or `hf-api`, `arxiv-email`, …) and the
    page date it carried."""

    name: str
    page_date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: {name, page_date}."""
        return {"name": self.name, "page_date": self.page_date}


# Fields merged by "fill what is missing": the first source to know one wins. (The abstract
# too, but by the caller: a paper loaded without its abstract cannot tell it lacks one.)
FILLED = ("arxiv_id", "authors_count", "list_day", "published", "organization")
FILLED_LISTS = ("authors", "ai_keywords", "categories")
# Counts that only grow between sightings (a later fetch refreshes them, an old page cannot
# lower them).
COUNTS = ("upvotes", "comments", "github_stars")
# Given by a live source and refreshed by the next one that gives them.
REFRESHED = ("github_repo", "project_page", "ai_summary")


@dataclass(slots=True)
class Paper:
    """A paper in the catalog. Its lists and dicts are replaced, never changed in place:
    loaded papers share empty ones (see `paper_from_record`)."""

    id: str
    title: str
    abstract: str = ""
    links: list[Link] = field(default_factory=list)
    authors_count: int | None = None
    published: str | None = None  # arXiv publication day, ISO (YYYY-MM-DD)
    upvotes: int | None = None
    sources: list[Source] = field(default_factory=list)
    added: float = 0.0  # epoch seconds of the first import
    arxiv_id: str | None = None
    authors: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    published_text: str | None = None  # a page's date with no year known ("Feb 27"), as shown
    list_day: str | None = None  # the Daily Papers list the paper was on, ISO
    comments: int | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] = field(default_factory=list)
    organization: str | None = None
    categories: list[str] = field(default_factory=list)  # arXiv categories, primary first

    @property
    def primary_link(self) -> Link | None:
        """The first project link, else the first code link, else the Hugging Face page, else
        the first link."""
        return primary_link(self.links, self.arxiv_id)

    @property
    def year(self) -> int | None:
        """The year of publication (or of the list day) when known."""
        day = self.published or self.list_day
        if day:
            return int(day[:4])
        year = date_key(None, self.published_text)[0]
        return year if 0 < year < 9999 else None

    @property
    def date_key(self) -> tuple[int, int, int]:
        """What the date sort orders by: the list day, else the publication date."""
        return date_key(self.list_day or self.published, self.published_text)

    @property
    def shown_date(self) -> str:
        """The date a list row shows: the list day, else the publication date, as text."""
        return short_date(self.list_day or self.published, self.published_text)

    def describe(self) -> list[str]:
        """Human-readable metadata, only what the paper has: `9 authors`, `Feb 27`, `▲ 4`,
        `seen on 2 pages (Mar 11, Mar 12)`."""
        parts: list[str] = []
        count = len(self.authors) or self.authors_count
        if count:
            parts.append(f"{count} author{'s' if count != 1 else ''}")
        published = short_date(self.published, self.published_text)
        if published:
            parts.append(f"published {published}" if self.list_day else published)
        if self.list_day:
            parts.append(f"daily list {short_date(self.list_day)}")
        parts.extend(self.counts())
        if self.sources:
            count = len(self.sources)
            dates = [source.page_date for source in self.sources if source.page_date]
            seen = f"seen {count} time{'s' if count != 1 else ''}"
            parts.append(seen + (f" ({', '.join(dates)})" if dates else ""))
        return parts

    def counts(self) -> list[str]:
        """`▲ 4`, `3 comments`, `★ 152 on GitHub`: the counts the paper has."""
        parts = [] if self.upvotes is None else [f"▲ {self.upvotes}"]
        if self.comments:
            parts.append(f"{self.comments} comment{'s' if self.comments != 1 else ''}")
        if self.github_stars is not None:
            parts.append(f"★ {self.github_stars} on GitHub")
        return parts

    def merge(self, other: Paper) -> bool:
        """Take in another sighting of the same paper; True if anything changed.

        Known fields are kept (the first source wins) and missing ones filled; counts only
        grow; a project page, GitHub repo or AI summary given again replaces the old one;
        links and sources are unioned in order. Idempotent: merging the same sighting twice
        changes nothing the second time.
        """
        changed = False
        for name in FILLED:
            if not getattr(self, name) and getattr(other, name):
                setattr(self, name, getattr(other, name))
                changed = True
        if other.published and self.published_text:
            self.published_text = None  # a full date replaces a date shown without its year
            changed = True
        elif other.published_text and not (self.published or self.published_text):
            self.published_text = other.published_text
            changed = True
        for name in FILLED_LISTS:
            if getattr(other, name) and not getattr(self, name):
                setattr(self, name, list(getattr(other, name)))
                changed = True
        for name in COUNTS:
            value = getattr(other, name)
            if value is not None and (getattr(self, name) is None or value > getattr(self, name)):
                setattr(self, name, value)
                changed = True
        for name in REFRESHED:
            value = getattr(other, name)
            if value and value != getattr(self, name):
                setattr(self, name, value)
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
        """Every field (the base of the CLI's JSON and of the JSON export)."""
        record = catalog_record(self, every_field=True)
        record["abstract"] = self.abstract
        return record


# The optional fields of a catalog record, in the order they are written.
_SCALARS = (
    "arxiv_id",
    "authors_count",
    "list_day",
    "published",
    "published_text",
    "upvotes",
    "comments",
    "github_repo",
    "github_stars",
    "project_page",
    "ai_summary",
    "organization",
)
_LISTS = ("authors", "ai_keywords", "categories")
_RARE_KEYS = frozenset(
    {"published_text", "list_day", "comments", "github_repo", "github_stars", "project_page", "ai_summary"}
    | {"organization", "ai_keywords", "categories"}
)


def earlier_sighting(
    paper: Paper, by_arxiv: Callable[[str], Paper | None], by_id: Callable[[str], Paper | None]
) -> Paper | None:
    """The paper already seen that `paper` is another sighting of (the merge rule): the same
    arXiv id, or else the same normalized title (the id is made from it) unless both have
    arXiv ids that differ."""
    if paper.arxiv_id:
        known = by_arxiv(paper.arxiv_id)
        if known is not None:
            return known
    known = by_id(paper.id)
    if known is not None and known.arxiv_id and paper.arxiv_id and known.arxiv_id != paper.arxiv_id:
        return None
    return known


def catalog_record(paper: Paper, every_field: bool = False) -> dict[str, Any]:
    """The catalog file's form of a paper: no abstract (it lives in the abstracts file) and,
    unless `every_field`, no empty fields, which keeps 100,000 records quick to parse."""
    record: dict[str, Any] = {"id": paper.id, "title": paper.title}
    if paper.links or every_field:
        record["links"] = [link.to_dict() for link in paper.links]
    for name in _SCALARS:
        value = getattr(paper, name)
        if value is not None or every_field:
            record[name] = value
    for name in _LISTS:
        value = getattr(paper, name)
        if value or every_field:
            record[name] = list(value)
    if paper.sources or every_field:
        record["sources"] = [
            {"name": source.name, "page_date": source.page_date} if source.page_date else {"name": source.name}
            for source in paper.sources
        ]
    record["added"] = paper.added
    if paper.extra or every_field:
        record["extra"] = dict(paper.extra)
    return record


# Shared by every loaded paper that has none (most have no authors, extra fields or links):
# an empty list or dict each was ~200 bytes a paper, 2 MB of a 10,000-paper library. So a
# paper's lists and dicts are replaced, never changed in place (see Paper.merge).
_NO_LINKS: list[Link] = []
_NO_STRINGS: list[str] = []
_NO_EXTRA: dict[str, Any] = {}


def paper_from_record(record: dict[str, Any], abstract: str, shared: dict[Any, Any]) -> Paper:
    """Rebuild a paper from a catalog record (an inline abstract, schema 1, wins over
    `abstract`). `shared` holds values equal across papers, to keep one object of each:
    thousands of papers come from one dump (Source by name and page date) and one import
    (its time), and share dates and link kinds (sys.intern would grow the interpreter's own
    table by more than it saves). Raises KeyError/TypeError/AttributeError on a wrong shape."""
    get = record.get
    links = get("links")
    found = get("sources")
    sources: list[Source] = []
    if found:
        for item in found:
            key = (item["name"], item.get("page_date"))
            source = shared.get(key)
            if source is None:
                source = shared[key] = Source(*key)
            sources.append(source)
    one = shared.setdefault
    added = float(get("added", 0.0))
    published, list_day = get("published"), get("list_day")
    paper = Paper(
        record["id"],
        record["title"],
        get("abstract", abstract),
        [Link(item["url"], one(item["kind"], item["kind"])) for item in links] if links else _NO_LINKS,
        get("authors_count"),
        one(published, published) if published else None,
        get("upvotes"),
        sources,
        one(added, added),
        get("arxiv_id"),
        list(record["authors"]) if "authors" in record else _NO_STRINGS,
        dict(record["extra"]) if "extra" in record else _NO_EXTRA,
    )
    if not _RARE_KEYS.isdisjoint(record):
        # Most papers from page dumps have none of these: one check instead of ten lookups.
        paper.published_text = get("published_text")
        paper.list_day = one(list_day, list_day) if list_day else None
        paper.comments = get("comments")
        paper.github_repo = get("github_repo")
        paper.github_stars = get("github_stars")
        paper.project_page = get("project_page")
        paper.ai_summary = get("ai_summary")
        paper.organization = get("organization")
        paper.ai_keywords = list(record["ai_keywords"]) if "ai_keywords" in record else _NO_STRINGS
        paper.categories = list(record["categories"]) if "categories" in record else _NO_STRINGS
    return paper


@dataclass(slots=True)
class Marks:
    """What the user said about a paper: starred, tags (normalized), read, a note, and when.
    Keys this version does not know are kept in `extra` and written back, so that a newer
    paperdeck's marks survive this one folding the journal."""

    starred: bool = False
    tags: list[str] = field(default_factory=list)
    read: bool = False
    updated: float = 0.0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """True when the marks say nothing (so they need not be stored)."""
        return not (self.starred or self.tags or self.read or self.note or self.extra)

    def to_dict(self) -> dict[str, Any]:
        """The marks-file form (the note only when there is one)."""
        record: dict[str, Any] = {**self.extra, "starred": self.starred, "tags": list(self.tags), "read": self.read}
        if self.note:
            record["note"] = self.note
        record["updated"] = self.updated
        return record

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Marks:
        """Rebuild marks from the marks-file form (a journal line's `paper` key is not a mark)."""
        note = data.get("note", "")
        return cls(
            bool(data.get("starred", False)),
            [str(tag) for tag in data.get("tags", ())],
            bool(data.get("read", False)),
            float(data.get("updated", 0.0)),
            note if isinstance(note, str) else "",
            # Nearly always none: one set comparison instead of a pass over the keys.
            _NO_EXTRA if data.keys() <= _MARK_KEYS else {k: v for k, v in data.items() if k not in _MARK_KEYS},
        )

    def copy(self) -> Marks:
        """An independent copy (the tags list is not shared)."""
        return Marks(self.starred, list(self.tags), self.read, self.updated, self.note, self.extra)


_MARK_KEYS = frozenset({"starred", "tags", "read", "updated", "note", "paper", "gen"})  # journal keys too


def primary_link(links: list[Link], arxiv_id: str | None = None) -> Link | None:
    """The first project link, else the first code link, else the paper's Hugging Face page
    (when it has an arXiv id), else the first link, else None."""
    for kind in ("project", "code"):
        for link in links:
            if link.kind == kind:
                return link
    if arxiv_id:
        return Link(hf_url(arxiv_id), "hf")
    return links[0] if links else None
