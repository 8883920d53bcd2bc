"""Issue 6.3: `paperdeck import` while a browser is open: the browser keeps working, and
shows the new papers on `R` or by itself within a few seconds."""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

from paperdeck.store.library import Library
from tests.conftest import import_results
from tests.pilot import make_app, paper_list, screen_of, type_text
from tests.test_cli import PAPERDECK, run

ABSTRACT = "We propose a method for racing imports and report results on many benchmarks. " * 5


def write_dump(path: Path, titles: list[str]) -> Path:
    """A blank-line layout dump with these titles."""
    path.write_text("Daily Papers\n\nMar 11\n\n" + "".join(f"{title}\n\n{ABSTRACT}\n\n" for title in titles))
    return path


async def test_import_while_browsing_then_reload(library: Library, tmp_path: Path) -> None:
    app, toasts = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        first = paper_list(app).highlighted_id
        await pilot.press("s")  # a mark made just before the import must survive it
        dump = write_dump(tmp_path / "race.txt", ["Racing Imports Under A Live Browser"])
        result = run("import", str(dump), home=library.folder)
        assert result.returncode == 0, result.stderr
        await pilot.press("j", "k", "t")
        await type_text(pilot, "raced")
        await pilot.press("enter")
        await pilot.press("R")
        await pilot.pause()
        assert len(paper_list(app).ids) == 363
        await pilot.press("slash")
        await type_text(pilot, "racing imports")
        await pilot.press("enter")
        await pilot.pause()
        assert paper_list(app).highlighted_id == "racing-imports-under-a-live-browser"
    assert any("1 new papers imported" in toast for toast in toasts), toasts
    reopened = Library.open(library.folder)
    assert first is not None and reopened.marks_of(first).starred and reopened.marks_of(first).tags == ["raced"]
    assert "racing-imports-under-a-live-browser" in reopened.papers


async def test_papers_imported_elsewhere_show_up_without_a_key(library: Library, tmp_path: Path) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        dump = write_dump(tmp_path / "auto.txt", [f"Automatically Noticed Paper Number {n}" for n in range(3)])
        importer = subprocess.Popen([PAPERDECK, "--library", str(library.folder), "import", str(dump)])
        # Keep using the browser while the import runs.
        while importer.poll() is None:
            await pilot.press("j")
        assert importer.returncode == 0
        # README "Data safety": picked up within 2 s (the next poll), plus a frame or two. The
        # claim, not the poll constant, sets the deadline: a slower poll must fail here.
        imported = time.monotonic()
        deadline = imported + 2.0 + 1.0
        while len(paper_list(app).ids) != 365 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert len(paper_list(app).ids) == 365, f"not shown {time.monotonic() - imported:.1f} s after the import"
        assert screen_of(app).indexer.index is not None and len(screen_of(app).indexer.index) == 365


async def test_what_an_import_merges_into_known_papers_reaches_filters_and_sorts(library: Library) -> None:
    """Another process re-imports a page where a known paper has more upvotes and a code link:
    after `R`, `upvotes:` and `has:code` filter on the new values, as the rows show them."""
    from paperdeck.store.dumps import PaperBlock, ParseResult

    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        known = next(p for p in library.papers.values() if not p.links and (p.upvotes or 0) < 999)
        block = PaperBlock(
            known.title, known.abstract + " Code: https://github.com/quokka/lab", line=1, source="up.txt", upvotes=999
        )
        import_results(Library.open(library.folder), [ParseResult("up.txt", [block])])
        await pilot.press("R")
        await pilot.pause()
        screen = screen_of(app)
        screen.set_query("upvotes:>=999")
        await pilot.pause()
        assert list(paper_list(app).ids) == [known.id]
        screen.set_query("has:code")
        await pilot.pause()
        assert known.id in paper_list(app).ids  # it had no link before
