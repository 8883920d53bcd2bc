"""Deterministic synthetic libraries for benchmarks: realistic titles (~80 chars) and
abstracts (~1,400 chars) drawn from a Zipf-like vocabulary seeded with the real sample's words."""

from __future__ import annotations

import random
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from paperdeck.store.dumps import parse_file
from paperdeck.store.locations import sample_dumps
from paperdeck.store.models import Link, Paper, Source
from paperdeck.store.text import slugify

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SYLLABLES = (
    "neuro",
    "graph",
    "morph",
    "trans",
    "former",
    "diff",
    "flow",
    "gen",
    "sparse",
    "quant",
    "token",
    "vision",
    "lingo",
    "mamba",
    "splat",
    "voxel",
    "point",
    "mesh",
    "fusion",
    "prompt",
    "agent",
    "reason",
)


@lru_cache(maxsize=1)
def vocabulary(size: int = 30_000) -> tuple[str, ...]:
    """Words by descending frequency: the sample's real words, then a long tail of made-up
    technical words (model names, compounds), as a real 100k-paper corpus has."""
    counts: Counter[str] = Counter()
    for path in sample_dumps():
        for block in parse_file(path).blocks:
            counts.update(re.findall(r"[A-Za-z][A-Za-z0-9-]+", block.title + " " + block.abstract))
    words = [word for word, _ in counts.most_common()]
    rng = random.Random(7)
    seen = {word.lower() for word in words}
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        if rng.random() < 0.3:
            word = word.capitalize() + str(rng.randint(1, 99))
        if word.lower() not in seen:
            seen.add(word.lower())
            words.append(word)
    return tuple(words)


def make_papers(count: int, seed: int = 0) -> list[Paper]:
    """`count` papers with unique titles; 30% have links, 40% have dates, 20% upvotes."""
    rng = random.Random(seed)
    words = vocabulary()
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(words))]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    # Titles skip the 200 most common words (articles, "the", "of") most of the time.
    title_words_pool, title_cumulative = words[200:], cumulative[200:]
    papers: list[Paper] = []
    seen: set[str] = set()
    while len(papers) < count:
        title_words: list[str] = []
        target_length, length = rng.randint(60, 100), 0
        while length < target_length:
            word = rng.choices(title_words_pool, cum_weights=title_cumulative, k=1)[0]
            title_words.append(word)
            length += len(word) + 1
        title = " ".join(title_words).title()
        if rng.random() < 0.4:
            title = f"{title_words[0].capitalize()}: " + " ".join(title_words[1:])
        paper_id = slugify(title)
        if paper_id in seen:
            continue
        seen.add(paper_id)
        sentences: list[str] = []
        length = 0
        target = rng.randint(1200, 1600)
        while length < target:
            sentence = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(12, 28)))
            sentence = sentence[0].upper() + sentence[1:] + "."
            sentences.append(sentence)
            length += len(sentence) + 1
        links = []
        if rng.random() < 0.3:
            name = title_words[0].lower()
            if rng.random() < 0.5:
                links.append(Link(f"https://github.com/lab{rng.randint(1, 999)}/{name}", "code"))
            else:
                links.append(Link(f"https://{name}{rng.randint(1, 99)}.github.io/", "project"))
            sentences.append(f"Code: {links[0].url}")
        published = None
        if rng.random() < 0.4:
            published = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}" + (
                f", {rng.randint(2016, 2024)}" if rng.random() < 0.5 else ""
            )
        papers.append(
            Paper(
                id=paper_id,
                title=title,
                abstract=" ".join(sentences),
                links=links,
                authors_count=rng.randint(1, 14) if published else None,
                published_text=published,
                upvotes=rng.randint(1, 300) if published and rng.random() < 0.5 else None,
                sources=[Source("synthetic.txt", "Mar 11")],
            )
        )
    return papers


def write_dump(papers: list[Paper], path: Path) -> Path:
    """Write papers as a Daily Papers page dump (blank-line layout with per-paper metadata)."""
    lines = ["new", "", "Subscribe", "", "Daily Papers", "", "byAK and the research community", "", "Mar 11", ""]
    for paper in papers:
        lines += [paper.title, "", paper.abstract, ""]
        if paper.published_text:
            date = paper.published_text + (f" {paper.upvotes}" if paper.upvotes is not None else "")
            lines += [f"  • {paper.authors_count} authors", "·", date, ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
