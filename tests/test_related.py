"""More like this (`like:`), `for-you` and their explanations (store/search/related.py), and
the evaluation on the seed library: precision@5 of `like:` over topic families labelled by
reading titles (tests/related_families.py), against plain TF-IDF cosine over title+abstract."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter

import pytest

from paperdeck.store.models import Marks, Paper
from paperdeck.store.search import SearchIndex
from paperdeck.store.text import words_of
from tests.related_families import FAMILIES


def family_of(papers: list[Paper]) -> dict[str, str]:
    """paper id -> family, each title prefix naming exactly one paper."""
    found: dict[str, str] = {}
    for family, prefixes in FAMILIES.items():
        for prefix in prefixes:
            (paper,) = [paper for paper in papers if paper.title.startswith(prefix)]
            assert paper.id not in found, prefix
            found[paper.id] = family
    return found


class PlainCosine:
    """The baseline: TF-IDF ((1 + log tf) x log(N/df)) cosine over title + abstract."""

    def __init__(self, papers: list[Paper]) -> None:
        counts = {paper.id: Counter(words_of(paper.title + " " + paper.abstract)) for paper in papers}
        df = Counter(word for count in counts.values() for word in count)
        self.vectors: dict[str, dict[str, float]] = {}
        for paper_id, count in counts.items():
            vector = {w: (1 + math.log(c)) * math.log(len(papers) / df[w]) for w, c in count.items()}
            norm = math.sqrt(sum(x * x for x in vector.values())) or 1.0
            self.vectors[paper_id] = {w: x / norm for w, x in vector.items()}

    def top(self, paper_id: str, count: int = 5) -> list[str]:
        query = self.vectors[paper_id]
        scored = [
            (sum(query.get(w, 0.0) * x for w, x in vector.items()), other)
            for other, vector in self.vectors.items()
            if other != paper_id
        ]
        return [other for _, other in sorted(scored, reverse=True)[:count]]


def precision_at_5(papers: list[Paper], top: object) -> dict[str, float]:
    """family -> mean precision@5 of `top(paper_id)` over the family's papers."""
    families = family_of(papers)
    table: dict[str, float] = {}
    for family in FAMILIES:
        members = [paper_id for paper_id, name in families.items() if name == family]
        hits = [sum(families.get(other) == family for other in top(paper_id)[:5]) / 5 for paper_id in members]  # type: ignore[operator]
        table[family] = sum(hits) / len(hits)
    return table


@pytest.fixture(scope="module")
def index(seed_papers: list[Paper]) -> SearchIndex:
    return SearchIndex(seed_papers)


def test_like_ranks_better_than_plain_cosine(index: SearchIndex, seed_papers: list[Paper]) -> None:
    cosine = precision_at_5(seed_papers, PlainCosine(seed_papers).top)
    ours = precision_at_5(seed_papers, lambda paper_id: list(index.search(f"like:{paper_id}", {}).ids[:5]))
    assert sum(ours.values()) / len(ours) > sum(cosine.values()) / len(cosine) + 0.03, (ours, cosine)
    assert sum(ours[f] >= cosine[f] for f in FAMILIES) > len(FAMILIES) / 2, (ours, cosine)


def test_families_are_labelled_by_title(seed_papers: list[Paper]) -> None:
    families = family_of(seed_papers)
    sizes = Counter(families.values())
    assert len(sizes) >= 8 and all(8 <= size <= 30 for size in sizes.values()), sizes


def test_like_combines_with_filters_and_explains(index: SearchIndex, seed_papers: list[Paper]) -> None:
    pixelnerf = next(p for p in seed_papers if p.title.startswith("pixelNeRF"))
    result = index.search("like:pixelnerf", {})
    ids = list(result.ids)
    assert pixelnerf.id not in ids and result.ranked and not result.warnings
    reasons = result.explain(ids[0])
    assert 1 <= len(reasons) <= 5 and all(isinstance(reason, str) for reason in reasons)
    marks = {paper_id: Marks(read=True) for paper_id in ids[:3]}
    unread = list(index.search("like:pixelnerf is:unread", marks).ids)
    expected = [paper_id for paper_id in ids if paper_id not in marks]
    assert unread == expected  # scored once, then filtered: the same order
    with_word = list(index.search("like:pixelnerf diffusion", {}).ids)
    assert with_word and set(with_word) <= set(index.search("diffusion", {}).ids)


def test_like_references_that_do_not_resolve_warn(index: SearchIndex, seed_papers: list[Paper]) -> None:
    unknown = index.search("like:no-such-paper-at-all", {})
    assert unknown.warnings and "no paper" in unknown.warnings[0]
    ambiguous = index.search("like:a", {})
    assert ambiguous.warnings and "matches" in ambiguous.warnings[0]


def test_like_takes_an_arxiv_id_and_several_papers(seed_papers: list[Paper]) -> None:
    papers = [dataclasses.replace(p, arxiv_id=f"2401.{i:05d}") for i, p in enumerate(seed_papers)]
    index = SearchIndex(papers)
    by_arxiv = list(index.search("like:2401.00010v2", {}).ids)
    assert by_arxiv == list(index.search(f"like:{papers[10].id}", {}).ids)
    both = list(index.search(f"like:{papers[10].id[:20]} like:arxiv:2401.00011", {}).ids)
    assert papers[10].id not in both and papers[11].id not in both and both


def test_for_you_follows_the_stars(index: SearchIndex, seed_papers: list[Paper]) -> None:
    families = family_of(seed_papers)
    drafting = [paper_id for paper_id, family in families.items() if family == "speculative decoding"]
    marks = {paper_id: Marks(starred=True, updated=1000.0 + i) for i, paper_id in enumerate(drafting[:4])}
    result = index.search("", marks, sort="for-you")
    ids = list(result.ids)
    assert len(ids) == len(seed_papers)  # every paper, the unscored after the scored
    top = [paper_id for paper_id in ids if paper_id not in marks][:5]
    assert sum(families.get(paper_id) == "speculative decoding" for paper_id in top) >= 3
    newest = list(index.search("", {}, sort="added").ids)[:5]
    assert sum(families.get(paper_id) == "speculative decoding" for paper_id in newest) == 0
    assert "speculative" in [reason for paper_id in top for reason in result.explain(paper_id)]
    # Papers read and not starred push their terms down; without marks for-you is date added.
    assert list(index.search("", {}, sort="for-you").ids) == list(index.search("", {}, sort="added").ids)


def test_weighted_terms_of_a_paper(index: SearchIndex, seed_papers: list[Paper]) -> None:
    paper = next(p for p in seed_papers if p.title.startswith("GaussianCity"))
    terms = index.terms_of(paper.id)
    assert terms and terms[0][1] >= terms[-1][1]
    assert {"splatting", "city"} <= {term for term, _ in terms[:10]}
    assert index.terms_of("no-such-paper") == []
