"""The BibTeX and CSL JSON exports handed to their real consumer: pandoc's citeproc resolves
every key without a warning and renders the names, titles and unicode as the papers hold them.

Skipped, with the reason shown, where pandoc is not on PATH (CI installs Debian's with apt).
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from paperdeck.store.export.bibtex import bibtex
from paperdeck.store.export.csl import csl_json
from paperdeck.store.export.keys import citation_keys
from paperdeck.store.export.names import split_name
from tests.export_samples import SPECIALS_TITLE, hard_entries, real_entries

PANDOC = shutil.which("pandoc")
pytestmark = pytest.mark.skipif(PANDOC is None, reason="pandoc is not on PATH (apt-get install pandoc)")

ENTRIES = hard_entries() + real_entries() + real_entries("daily_papers_2024-10-25.json")
EXPORTS = {
    "x.bib": lambda entries: bibtex(entries),
    "ascii.bib": lambda entries: bibtex(entries, ascii=True),
    "x.json": csl_json,
}


@pytest.fixture(scope="module", params=sorted(EXPORTS))
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The plain-text rendering, by `pandoc --citeproc`, of a document citing every key."""
    folder = tmp_path_factory.mktemp("pandoc")
    bibliography = folder / request.param
    bibliography.write_text(EXPORTS[request.param](ENTRIES), encoding="utf-8")
    document = folder / "cites.md"
    document.write_text("".join(f"See [@{key}].\n\n" for key in citation_keys(ENTRIES)), encoding="utf-8")
    result = subprocess.run(
        [str(PANDOC), "--citeproc", f"--bibliography={bibliography}", "-t", "plain", "--wrap=none", str(document)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # Any warning fails: "[WARNING] Citeproc: citation … not found" most of all.
    assert "[WARNING]" not in result.stderr, result.stderr
    return result.stdout


def normalized(text: str) -> str:
    # Case is the style's (Chicago title-cases), quotes are pandoc's (smart): the rest is ours.
    return " ".join(text.split()).casefold().replace("’", "'")


def test_every_key_resolves_to_its_first_authors_surname(rendered: str) -> None:
    text = normalized(rendered)
    assert "???" not in text  # what citeproc prints for a key it cannot find
    for paper, _ in ENTRIES:
        if paper.authors:
            assert split_name(paper.authors[0]).family.split()[-1].casefold() in text, paper.authors[0]


def test_every_name_of_the_hard_paper_is_rendered(rendered: str) -> None:
    symphonies = next(paper for paper, _ in ENTRIES if paper.id == "symphonies")
    text = normalized(rendered)
    for author in symphonies.authors:
        family = split_name(author).family
        assert normalized(family) in text or normalized(f"[U+{ord(family[0]):04X}]") in text, author


def test_titles_render_as_the_paper_holds_them(rendered: str) -> None:
    text = normalized(rendered)
    assert normalized(SPECIALS_TITLE) in text
    assert normalized("Zeta ζ: Café Søren Straße in Poincaré's Ørsted Model") in text
    assert normalized("Balanced {curly} and unbalanced } braces { in titles") in text
    assert normalized("Ørsted, Søren, José Müller, and Łukasz Weiß") in text
