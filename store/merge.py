"""The merge rule: papers from any source, merged into a library. The same arXiv id, or else
the same normalized title (its slug, which is the paper's id), is the same paper — unless both
have arXiv ids that differ; a paper keeps its first id forever, so marks never move."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from paperdeck.store.catalog import Catalog
from paperdeck.store.models import Paper, earlier_sighting


@dataclass(slots=True)
class AddReport:
    """What `add_papers` did: the papers it was given (after merging repeats among them), the
    ids of the new ones and of known ones that gained something."""

    papers: int = 0
    duplicates: int = 0
    new_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)

    @property
    def new(self) -> int:
        """How many papers were new."""
        return len(self.new_ids)

    @property
    def updated(self) -> int:
        """How many known papers were updated."""
        return len(self.updated_ids)


def merge_into(catalog: Catalog, incoming: Iterable[Paper], report: AddReport) -> tuple[list[Paper], set[str]]:
    """What adding `incoming` changes (new papers, and copies of known ones with what they
    gained) and the ids whose abstract is new; memory is not touched (it changes once the
    write is done). Known papers gain what they lack and fresher counts and links."""
    changed: list[Paper] = []
    new_abstracts: set[str] = set()
    for paper in incoming:
        known = catalog.find(paper)
        if known is None:
            paper.id = _free_id(catalog, paper, new_abstracts)
            report.new_ids.append(paper.id)
            changed.append(paper)
            new_abstracts.add(paper.id)
            continue
        merged = dataclasses.replace(known)
        updated = merged.merge(paper)
        if paper.abstract and not catalog.has_abstract(known.id):
            merged.abstract = paper.abstract
            new_abstracts.add(known.id)
            updated = True
        if updated:
            report.updated_ids.append(known.id)
            changed.append(merged)
    return changed, new_abstracts


def _free_id(catalog: Catalog, paper: Paper, taken: set[str]) -> str:
    """The paper's id, unless a different paper (another arXiv id) has the same title,
    known or among those being added (`taken`)."""
    if paper.id not in catalog.papers and paper.id not in taken:
        return paper.id
    base = f"{paper.id}-{(paper.arxiv_id or 'paper').replace('/', '-').replace('.', '-')}"
    candidate, number = base, 2
    while candidate in catalog.papers or candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def merged_repeats(papers: Iterable[Paper], report: AddReport, now: float) -> list[Paper]:
    """The papers with repeats among them merged (the same arXiv id, or the same normalized
    title unless both have arXiv ids that differ), in order of first sighting, each stamped
    with the time it was added."""
    merged: list[Paper] = []
    by_arxiv: dict[str, Paper] = {}  # the first sighting of each arXiv id and each title
    by_title: dict[str, Paper] = {}
    for paper in papers:
        first = earlier_sighting(paper, by_arxiv.get, by_title.get)
        if first is None:
            paper.added = now
            merged.append(paper)
            by_title.setdefault(paper.id, paper)
            if paper.arxiv_id:
                by_arxiv[paper.arxiv_id] = paper
            continue
        report.duplicates += 1
        first.merge(paper)
        if paper.abstract and not first.abstract:
            first.abstract = paper.abstract
        if paper.arxiv_id:
            by_arxiv.setdefault(paper.arxiv_id, first)
    report.papers = len(merged)
    return merged
