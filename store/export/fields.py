"""What every export format reads from a paper beyond its plain fields: its arXiv links and
DOI, the URL to cite, the code link, the publication date, text folded onto one line.

One helper per piece, so BibTeX, CSL JSON, RIS, Markdown and CSV cannot disagree about them.
"""

from __future__ import annotations

from collections.abc import Iterable

from paperdeck.store.arxiv_ids import abs_url as arxiv_url
from paperdeck.store.arxiv_ids import hf_url as hf_url
from paperdeck.store.arxiv_ids import pdf_url
from paperdeck.store.models import Marks, Paper

# What every export function takes: the papers with the user's marks, in the order to write.
Entry = tuple[Paper, Marks]


def arxiv_doi(arxiv_id: str) -> str:
    """The DOI arXiv registers for every paper through DataCite (10.48550/arXiv.ID)."""
    return f"10.48550/arXiv.{arxiv_id}"


def citation_url(paper: Paper) -> str | None:
    """The URL a reference gives: the arXiv page for an arXiv paper (what arXiv and Zotero
    cite), else the paper's primary link, else None."""
    if paper.arxiv_id:
        return arxiv_url(paper.arxiv_id)
    link = paper.primary_link
    return link.url if link else None


def code_url(paper: Paper) -> str | None:
    """The paper's code: the GitHub repository a source gave, else the first code link."""
    if paper.github_repo:
        return paper.github_repo
    return next((link.url for link in paper.links if link.kind == "code"), None)


def known_urls(paper: Paper) -> list[str]:
    """Every URL known for the paper, without duplicates: its links, project page and
    repository, then the pages derived from its arXiv id (abstract, Hugging Face, PDF)."""
    urls = [link.url for link in paper.links]
    urls += [url for url in (paper.project_page, paper.github_repo) if url]
    if paper.arxiv_id:
        urls += [arxiv_url(paper.arxiv_id), hf_url(paper.arxiv_id), pdf_url(paper.arxiv_id)]
    return list(dict.fromkeys(urls))


def publication_date(paper: Paper) -> str:
    """The date a paper was published as precisely as known: ISO, else as a page showed it
    without a year ("Feb 27"), else the day of the Daily Papers list it was on, else ""."""
    return paper.published or paper.published_text or paper.list_day or ""


def date_parts(paper: Paper) -> list[int]:
    """[year, month, day] of the publication date, [year] when only the year is known (from a
    list day), [] when not even that."""
    if paper.published:
        return [int(part) for part in paper.published.split("-")]
    year = paper.year
    return [year] if year else []


def one_line(text: str) -> str:
    """Text with every run of white space, line breaks included, folded into one space (for
    formats whose values end at the end of a line)."""
    return " ".join(text.split())


def materialize(entries: Iterable[Entry]) -> list[Entry]:
    """The entries as a list (keys depend on every paper of an export, so generators are read
    once, up front)."""
    return entries if isinstance(entries, list) else list(entries)
