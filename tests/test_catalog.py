"""The catalog split (issue 5): list metadata in catalog.json, abstracts in abstracts.json,
abstracts loaded on demand, old one-file catalogs upgraded, and the two files kept consistent."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import orjson
import pytest

from paperdeck.store import catalog, storage
from paperdeck.store.abstracts import ABSTRACTS_FILE
from paperdeck.store.catalog_reader import CATALOG_FILE
from paperdeck.store.dumps import parse_text
from paperdeck.store.errors import LibraryError
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from paperdeck.store.models import Paper
from paperdeck.tui.controllers import index as index_controller
from tests.conftest import import_results
from tests.pilot import make_app, screen_of

LONG = "We propose a method that does things well. " * 10


def full(library: Library) -> list[dict[str, object]]:
    return [paper.to_dict() for paper in library.papers.values()]


def test_catalog_holds_no_abstracts_and_the_abstracts_file_holds_them(library: Library) -> None:
    catalog = orjson.loads(library.catalog_path.read_bytes())
    abstracts = orjson.loads((library.folder / ABSTRACTS_FILE).read_bytes())
    assert catalog["_meta"]["1"] == {"schema": 3, "kind": "catalog", "generation": 1}
    assert all("abstract" not in record for record in catalog["papers"].values())
    assert {record["id"] for record in catalog["papers"].values()} == set(library.papers)
    texts = {record["id"]: record["text"] for record in abstracts["abstracts"].values()}
    assert texts == {paper.id: paper.abstract for paper in library.papers.values()}
    assert all(texts.values())
    # Empty fields are left out: 362 records, none carrying `"authors": []` or `null`s.
    assert b'"authors":[]' not in library.catalog_path.read_bytes()
    assert b"null" not in library.catalog_path.read_bytes()


def test_open_without_abstracts_then_load_them(library: Library) -> None:
    light = Library.open(library.folder, abstracts=False)
    assert not light.abstracts_loaded
    assert [paper.title for paper in light.papers.values()] == [paper.title for paper in library.papers.values()]
    assert all(paper.abstract == "" for paper in light.papers.values())
    light.load_abstracts()
    assert light.abstracts_loaded
    assert full(light) == full(library)


@pytest.mark.parametrize("bisections", [0, 5, 10_000])
def test_a_lazy_catalog_makes_every_paper_as_a_whole_parse_does(
    library: Library, bisections: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Papers asked for one by one, in any order, found by bisection, by the line starts
    noted after `bisections` of them, or by those noted with the whole table of ids."""
    from paperdeck.store.lazy_papers import CatalogLines

    monkeypatch.setattr(CatalogLines, "BISECTIONS", bisections)
    whole = {paper.id: paper.to_dict() for paper in Library.open(library.folder, abstracts=False).papers.values()}
    lazy = Library.open(library.folder, abstracts=False, lazy=True)
    ids = sorted(whole, key=lambda paper_id: hash(paper_id) % 97)
    assert {paper_id: lazy.papers[paper_id].to_dict() for paper_id in ids} == whole
    assert "no-such-paper" not in lazy.papers


def test_a_one_file_catalog_is_split_on_open_and_keeps_everything(library: Library) -> None:
    """A library written by the previous version (schema 1, abstracts inline)."""
    paper_id = next(iter(library.papers))
    library.change_marks([paper_id], MarkChange(starred=True))
    expected = full(library)
    old = {
        "_meta": {"1": {"schema": 1, "kind": "catalog"}},
        "papers": {str(number): paper for number, paper in enumerate(expected, start=1)},
    }
    library.catalog_path.write_bytes(orjson.dumps(old))
    (library.folder / ABSTRACTS_FILE).unlink()
    upgraded = Library.open(library.folder, abstracts=False)
    assert upgraded.abstracts_loaded  # they came inline
    assert full(upgraded) == expected
    assert orjson.loads(library.catalog_path.read_bytes())["_meta"]["1"]["schema"] == 3
    again = Library.open(library.folder)
    assert full(again) == expected and again.marks_of(paper_id).starred


def test_missing_abstracts_file_is_one_clear_error(library: Library) -> None:
    (library.folder / ABSTRACTS_FILE).unlink()
    light = Library.open(library.folder, abstracts=False)  # titles still open
    with pytest.raises(LibraryError, match=rf"{ABSTRACTS_FILE}: missing .*paperdeck doctor"):
        light.load_abstracts()


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under the library folder, backups included (the lock file aside)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_fold_the_disk_refuses_half_way_changes_no_byte(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fold writes both files' temp copies before renaming either: refused at the second
    one, nothing in the folder has changed (backups included) and memory is as before."""
    monkeypatch.setattr(catalog, "FOLD_PAPERS", 0)  # this import folds
    before, papers_before = folder_bytes(library.folder), full(library)
    original = storage.prepare_file

    def refuse_catalog(path: Path, payload: object) -> Path:
        if path.name == CATALOG_FILE:
            raise LibraryError(f"{path}: could not save (No space left on device); nothing was changed")
        return original(path, payload)  # type: ignore[arg-type]

    monkeypatch.setattr(storage, "prepare_file", refuse_catalog)
    with pytest.raises(LibraryError, match="No space"):
        import_results(library, [parse_text(f"A Brand New Paper\n\n{LONG}\n", "new.txt")])
    assert folder_bytes(library.folder) == before
    assert full(library) == papers_before
    monkeypatch.setattr(storage, "prepare_file", original)
    report = import_results(library, [parse_text(f"A Brand New Paper\n\n{LONG}\n", "new.txt")])
    assert report.new == 1
    assert Library.open(library.folder).papers["a-brand-new-paper"].abstract == LONG.strip()


def test_a_crash_between_the_fold_renames_leaves_the_old_state_whole(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after abstracts.json was renamed in and before catalog.json was: the library
    opens as it was before the import, with every abstract."""
    import_results(library, [parse_text(f"Kept In The Journal\n\n{LONG}\n", "kept.txt")])
    assert library.catalog.journal.path.read_bytes()  # one paper in the journal, beside the snapshot
    papers_before = full(Library.open(library.folder))
    monkeypatch.setattr(catalog, "FOLD_PAPERS", 0)
    real_replace = os.replace

    def die_after_abstracts(source: object, target: object) -> None:
        real_replace(source, target)  # type: ignore[arg-type]
        if str(target).endswith(ABSTRACTS_FILE):
            raise SystemExit("killed")

    monkeypatch.setattr(os, "replace", die_after_abstracts)
    with pytest.raises(SystemExit):
        import_results(library, [parse_text(f"A Brand New Paper\n\n{LONG}\n", "new.txt")])
    monkeypatch.setattr(os, "replace", real_replace)
    reopened = Library.open(library.folder)
    assert full(reopened) == papers_before
    assert reopened.papers["kept-in-the-journal"].abstract == LONG.strip()


def test_refresh_brings_new_papers_with_their_abstracts(library: Library, tmp_path: Path) -> None:
    browser = Library.open(library.folder, abstracts=False)
    browser.load_abstracts()
    other = Library.open(library.folder)
    import_results(other, [parse_text(f"Another Fresh Paper\n\n{LONG}\n", "fresh.txt")])
    refresh = browser.refresh()
    assert refresh.new_ids == ["another-fresh-paper"]
    assert browser.papers["another-fresh-paper"].abstract == LONG.strip()


async def test_browser_paints_titles_before_abstracts_are_loaded(
    library: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A big library (here: any size, by lowering the threshold) shows its list at once, the
    viewer says the abstract is loading, then shows it once the worker has read it."""
    monkeypatch.setattr(index_controller, "BACKGROUND_INDEX_OVER", 0)
    folder = tmp_path / "copy"
    shutil.copytree(library.folder, folder)
    light = Library.open(folder, abstracts=False)
    release = threading.Event()
    original = light.catalog.find_abstracts

    def held_back() -> None:
        release.wait(10)  # the worker thread waits, as a big read would, until the test looks
        original()

    light.catalog.find_abstracts = held_back  # type: ignore[method-assign]
    app, _ = make_app(light)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        assert len(screen.paper_list.ids) == len(library.papers)
        body = str(screen.viewer.query_one("#abstract-body").render())
        assert "loading the abstract" in body
        release.set()
        while screen.indexer.index is None:
            await pilot.pause(0.05)
        await pilot.pause()
        paper = screen.current_paper
        assert paper is not None
        abstract = light.abstract_of(paper.id)
        assert abstract and abstract == library.papers[paper.id].abstract
        assert not paper.abstract  # read from disk when shown, not held in memory
        body = str(screen.viewer.query_one("#abstract-body").render())
        assert "loading the abstract" not in body and abstract[:40] in body


def test_doctor_checks_and_repairs_the_abstracts_file(tmp_path: Path, seed_paths: list[Path]) -> None:
    from tests.test_cli import run

    home = tmp_path / "home"
    assert run("import", str(seed_paths[0]), home=home).returncode == 0
    assert run("import", *map(str, seed_paths[1:]), home=home).returncode == 0  # the first file is a backup now
    abstracts = home / ABSTRACTS_FILE
    abstracts.write_bytes(abstracts.read_bytes()[:100])
    check = run("doctor", home=home)
    assert check.returncode == 1 and f"damaged  {abstracts}: damaged JSON" in check.stdout
    shown = run("show", "flexvar", home=home)
    assert shown.returncode == 1 and str(abstracts) in shown.stderr and shown.stderr.count("\n") == 1
    assert run("star", "flexvar", home=home).returncode == 0  # marks do not need abstracts
    assert run("doctor", "--repair", home=home).returncode == 0
    assert run("doctor", home=home).returncode == 0
    # The backup is the abstracts file of the first import: the papers of the second come back
    # without abstracts rather than stopping the library from opening.
    assert run("list", home=home).returncode == 0


async def test_the_browser_saves_its_index_and_the_next_start_loads_it(
    library: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The first start indexes every abstract and saves the index; the next one loads it and
    finds abstract words without indexing any abstract again, new papers included."""
    from paperdeck.store.search import SearchIndex
    from tests.test_search_deferred import abstract_only_word

    monkeypatch.setattr(index_controller, "BACKGROUND_INDEX_OVER", 0)
    folder = tmp_path / "copy"
    shutil.copytree(library.folder, folder)
    word, expected = abstract_only_word(list(library.papers.values()))

    async def start() -> tuple[list[str], int]:
        light = Library.open(folder, abstracts=False)
        indexed: list[int] = []
        original = SearchIndex.index_abstracts

        def counting(self: SearchIndex, limit: int | None = None) -> bool:
            before = self.abstracts_pending
            more = original(self, limit)
            indexed.append(before - self.abstracts_pending)
            return more

        monkeypatch.setattr(SearchIndex, "index_abstracts", counting)
        app, _ = make_app(light)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = screen_of(app)
            while screen.indexer.index is None or screen.indexer.index.abstracts_pending:
                await pilot.pause(0.05)
            for _ in range(100):  # the worker saves after the last chunk
                if light.index_path.exists() and not any(w.is_running for w in app.workers):
                    break
                await pilot.pause(0.05)
            screen.set_query(word)
            await pilot.pause()
            found = list(screen.paper_list.ids)
        return found, sum(indexed)

    found, indexed = await start()
    assert expected <= set(found) and indexed == len(library.papers)
    assert (folder / "search-index.bin").exists()
    found_again, indexed_again = await start()
    assert found_again == found and indexed_again == 0
    import_results(Library.open(folder), [parse_text(f"A Paper About Quokkas\n\n{LONG}\n", "new.txt")])
    found_new, indexed_new = await start()
    assert expected <= set(found_new) and indexed_new == 1  # only the new paper's abstract


def test_loaded_papers_share_nothing_a_merge_changes(library: Library) -> None:
    """Loaded papers share their empty lists and dicts (2 MB at 10k papers): a merge into
    one must replace them, never fill them in place for every paper at once."""
    reopened = Library.open(library.folder, create=False)
    bare = [paper for paper in reopened.papers.values() if not paper.links and not paper.extra]
    assert len(bare) > 2
    assert bare[0].links is bare[1].links and bare[0].extra is bare[1].extra and bare[0].authors is bare[1].authors
    donor = next(paper for paper in reopened.papers.values() if paper.links)
    other = Paper(bare[0].id, bare[0].title, "", list(donor.links), authors=["A. Author"], extra={"venue": "ICML"})
    assert bare[0].merge(other)
    assert bare[0].links == donor.links and bare[0].extra == {"venue": "ICML"} and bare[0].authors == ["A. Author"]
    assert all(not paper.links and not paper.extra and not paper.authors for paper in bare[1:])
