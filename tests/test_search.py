"""Search on the real seed library: a ranking table a researcher would sign, filters, sorts,
and incremental updates."""

from __future__ import annotations

import pytest

from paperdeck.store.dumps import parse_text
from paperdeck.store.models import Marks, Paper
from paperdeck.store.search import IdView, SearchIndex

# (query, a title prefix that must be in the top 3)
RANKING = [
    ("gausian splating", "GaussianCity: Generative Gaussian Splatting"),  # two typos
    ("difusion 3d", "Large-Vocabulary 3D Diffusion Model"),  # typo + short word
    ("transfor", "Transformers Struggle to Learn to Search"),  # unfinished last word as prefix
    ("speculative decodng", "Speculative Decoding with Big Little Decoder"),
    ("retreival augmented", "Parametric Retrieval Augmented Generation"),
    ("llm", "The Curse of Depth in Large Language Models"),  # acronym spelled out in the title
    ("rag", "Parametric Retrieval Augmented Generation"),
    ("vit", "ViTGaze: Gaze Following with Interaction Features in Vision Transformers"),
    ("nerf", "pixelNeRF: Neural Radiance Fields"),
    ("moe", "MoEfication: Transformer Feed-forward Layers"),
    ("vision mamba", "MHS-VM: Multi-Head Scanning in Parallel Subspaces for Vision Mamba"),
    ("poincare resnet", "Poincaré ResNet"),  # ASCII query finds the accented title
    ('"multi-view diffusion"', "BoostDream: Efficient Refining"),  # exact phrase
    ("talking head", "StyleTalk: One-shot Talking Head Generation"),
    ("sign language translation", "Is context all you need? Scaling Neural Sign Language Translation"),
    ("mixture of experts", "MoEfication: Transformer Feed-forward Layers"),
    ("year:2023 residual", "Poincaré ResNet"),  # filter + text
    ("has:code speculative", "Balancing Speciality and Versatility"),
    ("upvotes:>=2", "Treasure Hunt: Real-time Targeting"),
    ("3dgs", "GaussianCity: Generative Gaussian Splatting"),
]


@pytest.fixture(scope="module")
def index(seed_papers: list[Paper]) -> SearchIndex:
    return SearchIndex(seed_papers)


@pytest.fixture(scope="module")
def titles(seed_papers: list[Paper]) -> dict[str, str]:
    return {paper.id: paper.title for paper in seed_papers}


@pytest.mark.parametrize(("query", "expected"), RANKING, ids=[q for q, _ in RANKING])
def test_ranking_table(index: SearchIndex, titles: dict[str, str], query: str, expected: str) -> None:
    top = [titles[paper_id] for paper_id in index.search(query, {}).ids[:3]]
    assert any(title.startswith(expected) for title in top), top


def test_all_words_beat_one_word(index: SearchIndex, titles: dict[str, str], seed_papers: list[Paper]) -> None:
    texts = {paper.id: (paper.title + " " + paper.abstract).lower() for paper in seed_papers}
    ids = index.search("gaussian splatting city ", {}).ids
    assert titles[ids[0]].startswith("GaussianCity")
    # Every result has every word: papers with only "gaussian" are not listed.
    assert all(all(word in texts[i] for word in ("gaussian", "splatting", "city")) for i in ids)
    assert len(index.search("gaussian ", {}).ids) > len(ids)


def test_title_hits_rank_above_abstract_hits(index: SearchIndex, titles: dict[str, str]) -> None:
    ids = index.search("residual ", {}).ids
    in_title = ["residual" in titles[paper_id].lower() for paper_id in ids]
    assert in_title == sorted(in_title, reverse=True)
    assert in_title[0] and not in_title[-1]


def test_filters_only_keep_the_sort_order(index: SearchIndex, seed_papers: list[Paper]) -> None:
    marks = {seed_papers[3].id: Marks(starred=True), seed_papers[1].id: Marks(starred=True, tags=["x"])}
    result = index.search("is:starred", marks)
    assert list(result.ids) == [seed_papers[1].id, seed_papers[3].id]  # catalog (added) order
    assert not result.ranked
    assert list(index.search("#x", marks).ids) == [seed_papers[1].id]
    assert len(index.search("-is:starred", marks).ids) == len(seed_papers) - 2
    unread = index.search("is:unread", {seed_papers[0].id: Marks(read=True)}).ids
    assert seed_papers[0].id not in unread and len(unread) == len(seed_papers) - 1


def test_has_filters(index: SearchIndex, seed_papers: list[Paper]) -> None:
    by_id = {paper.id: paper for paper in seed_papers}
    code = index.search("has:code", {}).ids
    assert code and all(any(link.kind == "code" for link in by_id[i].links) for i in code)
    linked = index.search("has:link", {}).ids
    assert len(linked) == sum(1 for paper in seed_papers if paper.links)
    assert len(index.search("-has:link", {}).ids) == len(seed_papers) - len(linked)


def test_sorts(index: SearchIndex, seed_papers: list[Paper]) -> None:
    by_id = {paper.id: paper for paper in seed_papers}
    upvotes = [by_id[i].upvotes for i in index.search("", {}, sort="upvotes").ids]
    assert upvotes[:4] == [4, 2, 1, 1] and upvotes[-1] is None
    titles = [by_id[i].title.lower() for i in index.search("", {}, sort="title").ids]
    assert titles == sorted(titles)
    dated = [by_id[i].shown_date for i in index.search("", {}, sort="date").ids]
    assert dated[0] and not dated[-1]
    assert dated.index("Feb 23, 2016") > dated.index("Feb 27")  # no year = this year = newer
    ranked = index.search("diffusion", {}, sort="title")
    ranked_titles = [by_id[i].title.lower() for i in ranked.ids]
    assert ranked_titles == sorted(ranked_titles) and not ranked.ranked


def test_warnings_do_not_break_the_search(index: SearchIndex) -> None:
    result = index.search("tag: upvotes:>=x speculative", {})
    assert len(result.warnings) == 2
    assert len(result.ids) > 0


def test_highlight_terms_include_the_matched_words(index: SearchIndex) -> None:
    assert "gaussian" in index.search("gausian", {}).highlight_terms


def test_incremental_add(seed_papers: list[Paper]) -> None:
    index = SearchIndex(seed_papers[:100])
    assert len(index.search("quokka", {}).ids) == 0
    block = parse_text("Quokka Networks for Everything\n\n" + "We study marsupial inspired models. " * 8, "q.txt")
    new_paper = block.blocks[0].to_paper(added=1.0)
    index.add([new_paper, *seed_papers[100:]])
    assert len(index) == len(seed_papers) + 1
    assert list(index.search("quoka netwrks", {}).ids)[:1] == [new_paper.id]
    assert index.search("", {}).ids[0] == new_paper.id  # newest first by default
    # Re-adding a known paper (a merge) neither duplicates it nor loses it.
    index.add([seed_papers[0]])
    assert len(index) == len(seed_papers) + 1
    assert list(index.search('"' + seed_papers[0].title + '"', {}).ids)[:1] == [seed_papers[0].id]


def test_id_view_behaves_like_a_list(index: SearchIndex) -> None:
    ids = index.search("diffusion", {}).ids
    assert isinstance(ids, IdView)
    as_list = list(ids)
    assert ids[:3] == as_list[:3] and ids[-1] == as_list[-1] and len(ids) == len(as_list)
    assert ids.index(as_list[5]) == 5
    with pytest.raises(ValueError):
        ids.index("not-a-paper")
