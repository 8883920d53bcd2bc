"""Shared fixtures: the real seed dumps and temp libraries built from them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyperclip
import pytest

from paperdeck.store.dumps import ParseResult, parse_file
from paperdeck.store.library import AddReport, Library
from paperdeck.store.locations import sample_dumps
from paperdeck.store.models import Paper

REPO = Path(__file__).resolve().parents[1]
SHARED_SEEDS = REPO.parent / "shared" / "seeds"


def seed_files() -> list[Path]:
    """The five real page dumps: ../shared/seeds beside the repo, else the bundled copy."""
    shared = sorted(SHARED_SEEDS.glob("*.txt"))
    return shared or sample_dumps()


def import_results(library: Library, results: Iterable[ParseResult]) -> AddReport:
    """Add the papers of parsed page dumps, as `paperdeck import` does."""
    return library.add_papers(paper for result in results for paper in result.to_papers())


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return seed_files()


def load_papers(paths: Iterable[Path]) -> list[Paper]:
    """Parse dumps and merge them into unique papers (first seen first), without a library."""
    from paperdeck.store.dumps import parse_file

    papers: dict[str, Paper] = {}
    for path in paths:
        for paper in parse_file(Path(path)).to_papers():
            if paper.id in papers:
                papers[paper.id].merge(paper)
            else:
                papers[paper.id] = paper
    return list(papers.values())


@pytest.fixture(scope="session")
def seed_papers(seed_paths: list[Path]) -> list[Paper]:
    return load_papers(seed_paths)


@pytest.fixture
def library(tmp_path: Path, seed_paths: list[Path]) -> Library:
    """A fresh library in a temp folder with the five seed dumps imported."""
    lib = Library.open(tmp_path / "lib")
    import_results(lib, [parse_file(path) for path in seed_paths])
    return lib


@pytest.fixture(autouse=True)
def no_system_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unless a test says otherwise, behave like a bare container: pyperclip has no backend."""

    def refuse(*args: object) -> None:
        raise pyperclip.PyperclipException("no clipboard")

    monkeypatch.setattr(pyperclip, "copy", refuse)
    monkeypatch.setattr(pyperclip, "paste", refuse)
