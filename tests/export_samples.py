"""Papers the export tests share: hard cases (names with particles and suffixes, unicode,
LaTeX specials, braces, a formula-like title, colliding keys, a paper with nothing but a title
and a link) and the real papers of a recorded Hugging Face API answer."""

from __future__ import annotations

import json

from paperdeck.store.clean import clean_block, clean_line
from paperdeck.store.models import Link, Marks, Paper
from tests.conftest import REPO

HF_API = REPO.parent / "shared" / "hf-api"
SPECIALS_TITLE = r"50% & $5 #1 a_b {x} ~ ^ \ done"


def hard_entries() -> list[tuple[Paper, Marks]]:
    """Papers that exercise every escaping and naming rule, with marks."""
    return [
        (
            Paper(
                id="attention-is-all-you-need",
                title="Attention Is All You Need",
                abstract="Dominant transduction models are based on recurrent networks, e.g. LSTMs. We propose one.",
                arxiv_id="1706.03762",
                authors=["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"],
                published="2017-06-12",
                categories=["cs.CL", "cs.LG"],
                upvotes=42,
                github_repo="https://github.com/tensorflow/tensor2tensor",
            ),
            Marks(starred=True, tags=["nlp", "to-read"], read=True, note="Read §3 twice.\nThen the appendix."),
        ),
        (
            Paper(
                id="symphonies",
                title="Symphonies and Fables: NeRF, LLaMA and GPT-4 on Gaussian Splatting",
                arxiv_id="2401.00001",
                authors=[
                    "Ludwig van Beethoven",
                    "Jean de la Fontaine",
                    "Martin Luther King Jr.",
                    "Plato",
                    "Jean-Paul Sartre",
                    "山田 太郎",
                    "王小明",
                    "Haitz Sáez de Ocáriz Borde",
                ],
                published="2024-01-02",
                ai_summary="Composers, fabulists & philosophers *rank* [models] with `code`_in_titles.",
            ),
            Marks(tags=["music"]),
        ),
        (
            Paper(
                id="zeta-unicode",
                title="Zeta ζ: Café Søren Straße in Poincaré's Ørsted Model",
                arxiv_id="2402.00002",
                authors=["Søren Ørsted", "José Müller", "Łukasz Weiß"],
                published="2024-02-03",
                abstract="Ünïcödé everywhere. A second sentence.",
            ),
            Marks(note="ζ-function notes: é ø ß"),
        ),
        (
            Paper(
                id="specials",
                title=SPECIALS_TITLE,
                arxiv_id="2403.00003",
                authors=["Ada Lovelace"],
                published="2024-03-04",
            ),
            Marks(),
        ),
        (
            Paper(
                id="formula",
                title="=HYPERLINK(\"http://evil.example\") and +cmd|' /C calc'!A0",
                authors=["-Dash Start"],
            ),
            Marks(tags=["@mention"], note="=1+1"),
        ),
        (
            Paper(id="braces", title="Balanced {curly} and unbalanced } braces { in titles", arxiv_id="2404.00004"),
            Marks(),
        ),
        # Two papers whose keys would collide: same first author, year and first four words.
        (
            Paper(
                id="scaling-laws-b",
                title="Scaling Laws for Neural Language Models Revisited",
                arxiv_id="2405.00006",
                authors=["Jared Kaplan"],
                published="2024-05-06",
            ),
            Marks(),
        ),
        (
            Paper(
                id="scaling-laws-a",
                title="Scaling Laws for Neural Language Models",
                arxiv_id="2405.00005",
                authors=["Jared Kaplan", "Sam McCandlish"],
                published="2024-05-05",
            ),
            Marks(),
        ),
        (
            Paper(
                id="no-arxiv",
                title="A Blog Post Without arXiv",
                links=[Link("https://example.org/post?a=1&b=%20_x#frag", "project")],
            ),
            Marks(tags=["blog", "later"], note="No authors, no year."),
        ),
        (
            Paper(
                id="sentence-case",
                title="Deep kernels for Gaussian processes in Bayesian optimization",
                authors=["Carl Edward Rasmussen"],
                published_text="Feb 27",
            ),
            Marks(starred=True),
        ),
    ]


def real_entries(name: str = "daily_papers_2026-08-20.json") -> list[tuple[Paper, Marks]]:
    """The papers of a recorded API answer, built from `item["paper"]` as the real parser would
    (title and abstract cleaned at the door), with no marks."""
    entries = []
    for item in json.loads((HF_API / name).read_text(encoding="utf-8")):
        found = item["paper"]
        paper = Paper(
            id=found["id"],
            title=clean_line(found["title"]),
            abstract=clean_block(found["summary"]),
            arxiv_id=found["id"],
            authors=[clean_line(author["name"]) for author in found["authors"]],
            published=found["publishedAt"][:10],
        )
        entries.append((paper, Marks()))
    return entries
