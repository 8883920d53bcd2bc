"""Export benchmark: seconds to write every format for synthetic libraries.

    python -m tests.benchmarks.export_bench [--sizes 1000,10000,100000] [--formats bibtex,ris]

Papers come from tests/benchmarks/synthetic.py, given what the Hugging Face API adds: 1-14
authors (some with particles, suffixes, accents), an arXiv id, an ISO date, categories, and
marks (a third starred, a fifth tagged, a tenth with a note). Target (issue "Cite and share"):
BibTeX for 100,000 papers in <= 2 s. Each figure is the best of `--runs`; `cpu s` is the
process's own CPU time, the figure to trust when other processes share the cores.
"""

from __future__ import annotations

import argparse
import random
import time

from paperdeck.store.export import FORMATS
from paperdeck.store.export.bibtex import _bibtex_author
from paperdeck.store.export.fields import Entry
from paperdeck.store.export.names import split_name
from paperdeck.store.models import Marks, Paper
from tests.benchmarks.synthetic import SYLLABLES, make_papers

GIVEN = ("Ashish", "Noam", "Wei", "Jean", "Maria", "Søren", "José", "Xin", "Ludwig", "Aman Singh", "Hwan")
FAMILY = ("Vaswani", "Shazeer", "Zhang", "Müller", "Nguyen", "O'Neil", "Zeta-Jones", "Kim", "Li", "Wang", "Ding")
FAMILY += ("Chen", "Popescu", "Liò", "Smith", "Garcia", "Kowalski", "Tanaka", "Singh", "Ivanov", "Rossi", "Dubois")
# Names BibTeX needs parts for (particle, suffix, accented initial): 5% of names here, more than
# the Hugging Face API's two recorded answers hold (1 in 295).
INVOLVED_FAMILY = ("van der Berg", "de la Fontaine", "Sáez de Ocáriz Borde", "King Jr.", "Østergaard", "von Neumann")
INVOLVED_SHARE = 0.05
CATEGORIES = ("cs.LG", "cs.CL", "cs.CV", "cs.AI", "stat.ML", "cs.RO")
CACHES = (split_name, _bibtex_author)
TAGS = ("to-read", "nlp", "vision", "rl", "agents", "survey")


def make_entries(count: int, seed: int = 0) -> list[Entry]:
    """`count` synthetic papers with the fields an export writes, and marks."""
    rng = random.Random(seed)
    # A pool of three names per paper (a real library's authors recur, ~2-3 papers each), a
    # fifth of them made-up syllable surnames so that most names are distinct.
    names = [f"{rng.choice(GIVEN)} {_family(rng)}" for _ in range(count * 2)]
    names += [f"{rng.choice(GIVEN)} {_surname(rng)}" for _ in range(count)]
    entries: list[Entry] = []
    for number, base in enumerate(make_papers(count, seed)):
        year, month, day = rng.randint(2017, 2026), rng.randint(1, 12), rng.randint(1, 28)
        paper = Paper(
            id=base.id,
            title=base.title,
            abstract=base.abstract,
            links=base.links,
            arxiv_id=f"{year % 100:02d}{month:02d}.{number:05d}",
            authors=rng.sample(names, rng.randint(1, 14)),
            published=f"{year}-{month:02d}-{day:02d}",
            upvotes=base.upvotes,
            categories=[rng.choice(CATEGORIES)],
            ai_summary=base.abstract.split(". ", 1)[0] + "." if rng.random() < 0.5 else None,
            sources=base.sources,
        )
        marks = Marks(
            starred=rng.random() < 0.3,
            tags=rng.sample(TAGS, 2) if rng.random() < 0.2 else [],
            read=rng.random() < 0.5,
            note="Read with the 2019 paper; see §3 & the appendix." if rng.random() < 0.1 else "",
        )
        entries.append((paper, marks))
    return entries


def _family(rng: random.Random) -> str:
    return rng.choice(INVOLVED_FAMILY if rng.random() < INVOLVED_SHARE else FAMILY)


def _surname(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'papers':>8}  {'format':<10} {'seconds':>8} {'cpu s':>7}  {'MB out':>7}")
    for size in (int(size) for size in args.sizes.split(",")):
        entries = make_entries(size)
        for name in args.formats.split(","):
            export = FORMATS[name].export
            best = best_cpu = float("inf")
            for _ in range(args.runs):
                for cache in CACHES:  # each run splits and writes its names anew, as a fresh process would
                    cache.cache_clear()
                started, started_cpu = time.perf_counter(), time.process_time()
                text = export(entries)
                best = min(best, time.perf_counter() - started)
                best_cpu = min(best_cpu, time.process_time() - started_cpu)
            print(f"{size:>8}  {name:<10} {best:>8.3f} {best_cpu:>7.3f}  {len(text.encode()) / 1e6:>7.1f}")


if __name__ == "__main__":
    main()
