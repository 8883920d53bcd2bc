"""Issue 6.4: damaged library files are refused with one line naming the file and what to do,
exit code 1 from every command, an error screen in a running browser — and are never touched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paperdeck.store.abstracts import ABSTRACTS_FILE
from paperdeck.store.catalog_reader import CATALOG_FILE
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from paperdeck.store.marks_store import MARKS_FILE
from paperdeck.tui.screens.modals import LibraryErrorScreen
from tests.pilot import make_app
from tests.test_cli import run

DAMAGE = {
    "zero-byte": b"",
    "truncated": b'{"_meta": {"1": {"schema": 1, "kind": "KIND"}}, "TABLE": {"1": {"pa',
    "binary": bytes(range(256)) * 4,
    "wrong-json-shape": b"[1, 2, 3]",
    "wrong-record-shape": b'{"_meta": {"1": {"schema": 1, "kind": "KIND"}}, "TABLE": {"1": {"x": 1}}}',
    "foreign-json": b'{"hello": {"world": 1}}',
    "newer-schema": b'{"_meta": {"1": {"schema": 99, "kind": "KIND"}}, "TABLE": {}}',
}
FILES = {
    CATALOG_FILE: ("catalog", "papers"),
    ABSTRACTS_FILE: ("abstracts", "abstracts"),
    MARKS_FILE: ("marks", "marks"),
}
# What each command reads: a file it never reads cannot stop it (and is left as it is). A
# list of filters alone needs no abstract (store.search.filter_papers); words need the index.
READS = {
    "list": {CATALOG_FILE, MARKS_FILE},
    "list diffusion": set(FILES),
    "star gausstr": {CATALOG_FILE, MARKS_FILE},
    "import SEED": {CATALOG_FILE},  # an append to the catalog journal (until a fold)
}
EXPECTED = {
    "zero-byte": "file is empty",
    "truncated": "damaged JSON",
    "binary": "damaged JSON",
    "wrong-json-shape": "wrong shape",
    "wrong-record-shape": "wrong shape",
    "foreign-json": "no schema record",
    "newer-schema": "newer paperdeck",
}


def damaged_bytes(damage: str, file_name: str) -> bytes:
    """The damaged content, with the right kind/table names for this file."""
    kind, table = FILES[file_name]
    return DAMAGE[damage].replace(b"KIND", kind.encode()).replace(b"TABLE", table.encode())


@pytest.fixture(scope="module")
def good_home(tmp_path_factory: pytest.TempPathFactory, seed_paths: list[Path]) -> Path:
    """One imported library with a star, copied for each case (imports take a subprocess)."""
    folder = tmp_path_factory.mktemp("good") / "home"
    assert run("import", *map(str, seed_paths), home=folder).returncode == 0
    assert run("star", "flexvar", home=folder).returncode == 0
    return folder


@pytest.mark.parametrize("file_name", list(FILES))
@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("command", [("list",), ("list", "diffusion"), ("star", "gausstr"), ("import", "SEED")])
def test_cli_refuses_damaged_file_and_leaves_it_untouched(
    good_home: Path, tmp_path: Path, seed_paths: list[Path], file_name: str, damage: str, command: tuple[str, ...]
) -> None:
    home = tmp_path / "home"
    shutil.copytree(good_home, home)
    content = damaged_bytes(damage, file_name)
    (home / file_name).write_bytes(content)
    args = [str(seed_paths[0]) if arg == "SEED" else arg for arg in command]
    result = run(*args, home=home)
    if file_name not in READS[" ".join(command)]:
        assert (home / file_name).read_bytes() == content
        return
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(home / file_name) in lines[0] and EXPECTED[damage] in lines[0]
    assert "Traceback" not in result.stderr
    assert (home / file_name).read_bytes() == content


def test_doctor_names_the_problem_and_repairs_from_backup(good_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(good_home, home)
    assert run("tag", "flexvar", "keep", home=home).returncode == 0  # a second write: a backup exists
    marks = home / MARKS_FILE
    torn = marks.read_bytes()[:40]
    marks.write_bytes(torn)
    check = run("doctor", home=home)
    assert check.returncode == 1 and "damaged JSON" in check.stdout and str(marks) in check.stdout
    assert marks.read_bytes() == torn  # checking changes nothing
    repair = run("doctor", "--repair", home=home)
    assert repair.returncode == 0, repair.stdout
    aside = [path for path in home.rglob("*") if path.is_file() and path.read_bytes() == torn]
    assert aside, "the damaged file is kept aside, not deleted"
    repaired = Library.open(home)
    assert repaired.marks_of(repaired.resolve("flexvar").id).starred


@pytest.mark.parametrize("damage", ["truncated", "newer-schema", "wrong-record-shape", "foreign-json"])
async def test_browser_shows_an_error_screen_and_leaves_the_file_untouched(library: Library, damage: str) -> None:
    """Also for files that parse but are refused: a write must never start from them."""
    paper_id = next(iter(library.papers))
    library.change_marks([paper_id], MarkChange(starred=True))
    app, toasts = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        content = damaged_bytes(damage, MARKS_FILE)
        library.marks_path.write_bytes(content)
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, LibraryErrorScreen)
        message = str(app.screen.query_one("#message").render())
        assert str(library.marks_path) in message and EXPECTED[damage] in message
        await pilot.press("escape")  # keep browsing what is loaded
        await pilot.press("s")  # a mark cannot be saved over a damaged file: refused, said so
        await pilot.pause()
        assert any(EXPECTED[damage] in toast for toast in toasts), toasts
        assert library.marks_path.read_bytes() == content
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, LibraryErrorScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 1
    assert library.marks_path.read_bytes() == content


def test_doctor_never_repairs_a_newer_versions_file(good_home: Path, tmp_path: Path) -> None:
    """A newer paperdeck's file is not damage: --repair must not swap it for an old backup."""
    home = tmp_path / "home"
    shutil.copytree(good_home, home)
    assert run("tag", "flexvar", "keep", home=home).returncode == 0  # a backup exists
    newer = damaged_bytes("newer-schema", MARKS_FILE)
    (home / MARKS_FILE).write_bytes(newer)
    repair = run("doctor", "--repair", home=home)
    assert repair.returncode == 1 and "newer paperdeck" in repair.stdout and "upgrade paperdeck" in repair.stdout
    assert (home / MARKS_FILE).read_bytes() == newer
