"""The `paperdeck` command end to end, through a subprocess, on temp libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from paperdeck.store.dumps import parse_file
from paperdeck.store.library import Library

PAPERDECK = str(Path(sys.executable).with_name("paperdeck"))


def run(*args: str, home: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAPERDECK_HOME": str(home), "COLUMNS": "120"}
    return subprocess.run(
        [PAPERDECK, *args],
        env=env,
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=60,
    )


def folder_state(folder: Path) -> dict[str, bytes] | None:
    """Every file under the folder, backups included."""
    if not folder.exists():
        return None
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def home(tmp_path: Path, seed_paths: list[Path]) -> Path:
    folder = tmp_path / "home"
    result = run("import", *map(str, seed_paths), home=folder)
    assert result.returncode == 0, result.stderr
    return folder


def test_import_summary_and_reimport(tmp_path: Path, seed_paths: list[Path]) -> None:
    folder = tmp_path / "lib"
    first = run("import", *map(str, seed_paths), home=folder)
    assert first.returncode == 0
    assert first.stdout.strip() == "5 files: 362 papers (362 new, 0 updated), 46 duplicates in input, 0 warnings"
    second = run("--library", str(folder), "import", *map(str, seed_paths), home=tmp_path / "unused")
    assert second.stdout.strip() == "5 files: 362 papers (0 new, 0 updated), 46 duplicates in input, 0 warnings"
    assert not (tmp_path / "unused").exists()


def test_import_from_stdin(tmp_path: Path, seed_paths: list[Path]) -> None:
    result = run("import", "-", home=tmp_path / "lib", stdin=seed_paths[4].read_bytes())
    assert result.stdout.strip() == "1 file: 37 papers (37 new, 0 updated), 0 duplicates in input, 0 warnings"


def test_warnings_name_file_and_line(tmp_path: Path) -> None:
    dump = tmp_path / "page.txt"
    dump.write_text("Good\n\n" + "An abstract sentence. " * 20 + "\n\nOrphan\n\nAlso Good\n\n" + "More text. " * 30)
    result = run("import", str(dump), home=tmp_path / "lib")
    assert result.returncode == 0
    assert f"warning: {dump}:5: title with no abstract, skipped" in result.stderr
    assert result.stdout.strip().endswith("0 duplicates in input, 1 warning")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: ((d / "e.txt").write_bytes(b"") and d / "e.txt") or d / "e.txt", "file is empty"),
        (lambda d: ((d / "b.bin").write_bytes(b"\x00\xff\x00") and d / "b.bin") or d / "b.bin", "binary file"),
        (lambda d: ((d / "l.txt").write_bytes(b"T\n\xe9t\xe9\n") and d / "l.txt") or d / "l.txt", ":2: not UTF-8"),
        (lambda d: ((d / "n.txt").write_text("new\nSubscribe\n") and d / "n.txt") or d / "n.txt", "no papers found"),
        (
            lambda d: ((d / "t.txt").write_text("T\n" + "x " * 200 + "\nEnd title\n") and d / "t.txt") or d / "t.txt",
            ":3: title at end of file has no abstract",
        ),
    ],
    ids=["missing", "directory", "empty", "binary", "latin1", "no-papers", "title-at-end"],
)
def test_bad_input_one_line_exit_1_library_untouched(home: Path, tmp_path: Path, seed_paths, make, expected) -> None:
    """A good file of papers the library lacks, then a bad one: nothing of either lands."""
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = make(bad_dir)
    good = tmp_path / "good.txt"
    good.write_text("A Paper Nobody Has Seen\n\n" + "An abstract long enough to be one. " * 8 + "\n")
    before = folder_state(home)
    result = run("import", str(good), str(bad), home=home)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and str(bad) in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert folder_state(home) == before


def test_bad_input_on_fresh_machine_creates_nothing(tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nope.txt"), home=tmp_path / "lib")
    assert result.returncode == 1
    assert not (tmp_path / "lib").exists()


def test_first_run_loads_the_bundled_sample(tmp_path: Path) -> None:
    result = run("list", "--limit", "3", home=tmp_path / "fresh")
    assert result.returncode == 0
    assert "Loaded 362 sample papers; import your own with `paperdeck import FILE`" in result.stderr
    assert len(result.stdout.strip().splitlines()) == 3
    again = run("list", "--limit", "3", home=tmp_path / "fresh")
    assert "Loaded" not in again.stderr


def test_marks_through_the_cli(home: Path) -> None:
    assert run("star", "flexvar", home=home).returncode == 0
    assert run("tag", "flexvar", "To Read", "VAR", home=home).returncode == 0
    assert run("read", "flexvar", home=home).returncode == 0
    assert run("tag", "gausstr", "var", home=home).returncode == 0
    shown = json.loads(run("show", "flexvar", "--json", home=home).stdout)
    assert shown["starred"] is True and shown["read"] is True and shown["tags"] == ["to-read", "var"]
    for key in ("id", "title", "abstract", "authors_count", "published", "upvotes", "links", "primary_link", "sources"):
        assert key in shown
    assert shown["authors_count"] == 9 and shown["published_text"] == "Feb 27" and shown["published"] is None
    tags = json.loads(run("tags", "--json", home=home).stdout)
    assert tags == [{"tag": "var", "count": 2}, {"tag": "to-read", "count": 1}]
    assert run("untag", "flexvar", "var", home=home).returncode == 0
    assert run("unstar", "flexvar", home=home).returncode == 0
    assert run("unread", "flexvar", home=home).returncode == 0
    marks = Library.open(home).marks_of(Library.open(home).resolve("flexvar").id)
    assert (marks.starred, marks.tags, marks.read) == (False, ["to-read"], False)


def test_list_filters_and_json(home: Path) -> None:
    run("star", "flexvar", home=home)
    run("tag", "gausstr", "ml", home=home)
    starred = json.loads(run("list", "--starred", "--json", home=home).stdout)
    assert [paper["title"][:7] for paper in starred] == ["FlexVAR"]
    tagged = run("list", "--tag", "ML", home=home).stdout.strip().splitlines()
    assert len(tagged) == 1 and "GaussTR" in tagged[0]
    by_upvotes = json.loads(run("list", "--sort", "upvotes", "--limit", "2", "--json", home=home).stdout)
    assert [paper["upvotes"] for paper in by_upvotes] == [4, 2]
    assert len(json.loads(run("list", "--json", home=home).stdout)) == 362


def test_link_and_ambiguous_ref(home: Path) -> None:
    assert run("link", "gausstr", home=home).stdout.strip() == "https://github.com/hustvl/GaussTR"
    every = run("link", "--all", "worldsplat", home=home).stdout.strip()
    assert every == "project\thttps://wm-research.github.io/worldsplat/"
    no_links = run("link", "flexvar", home=home)
    assert no_links.returncode == 1 and "no links" in no_links.stderr
    ambiguous = run("show", "g", home=home)
    assert ambiguous.returncode == 1
    assert "matches" in ambiguous.stderr.splitlines()[0]
    many = run("show", "f", home=home).stderr.splitlines()
    count = int(many[0].split("matches ")[1].split()[0])
    assert count > 20 and len(many) == 22 and many[-1] == f"  … and {count - 20} more"
    unknown = run("star", "zzzz", home=home)
    assert unknown.returncode == 1 and unknown.stderr.count("\n") == 1


def test_damaged_library_is_one_line_and_untouched(home: Path) -> None:
    catalog = home / "catalog.json"
    catalog.write_bytes(catalog.read_bytes()[:1000])
    damaged = catalog.read_bytes()
    result = run("list", home=home)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "damaged JSON" in result.stderr and str(catalog) in result.stderr
    assert catalog.read_bytes() == damaged


def test_doctor_reports_and_repairs(home: Path) -> None:
    run("star", "flexvar", home=home)
    run("tag", "flexvar", "keep", home=home)
    assert run("doctor", home=home).returncode == 0
    marks = home / "marks.json"
    marks.write_bytes(b"\x00\x00garbage")
    report = run("doctor", home=home)
    assert report.returncode == 1
    assert "damaged" in report.stdout and "doctor --repair" in report.stdout
    assert marks.read_bytes() == b"\x00\x00garbage"
    repaired = run("doctor", "--repair", home=home)
    assert repaired.returncode == 0, repaired.stdout
    assert "repaired" in repaired.stdout
    assert next(iter(home.glob("marks.json.damaged-*"))).read_bytes() == b"\x00\x00garbage"
    shown = json.loads(run("show", "flexvar", "--json", home=home).stdout)
    assert shown["starred"] is True


def test_doctor_restores_snapshots_from_real_backups(tmp_path: Path, seed_paths: list[Path]) -> None:
    """catalog.json and marks.json damaged by something outside paperdeck: --repair restores
    each from its newest backup (and the journals' changes since still apply)."""
    home = tmp_path / "home"
    assert run("import", *map(str, seed_paths[:3]), home=home).returncode == 0
    assert run("import", *map(str, seed_paths[3:]), home=home).returncode == 0  # a fold: catalog.json.1
    dump = tmp_path / "late.txt"
    dump.write_text("A Late Paper In The Journal\n\n" + "An abstract long enough to be one. " * 8 + "\n")
    assert run("import", str(dump), home=home).returncode == 0  # one paper: the catalog journal
    run("star", "flexvar", home=home)
    Library.open(home).compact_marks()  # marks.json.1: the empty marks file replaced
    run("tag", "flexvar", "kept", home=home)
    Library.open(home).compact_marks()  # marks.json.1: starred; the journal then holds nothing
    run("read", "flexvar", home=home)
    for name in ("catalog.json", "marks.json"):
        (home / name).write_bytes(b"\x00 not json")
    assert run("doctor", home=home).returncode == 1
    repaired = run("doctor", "--repair", home=home)
    assert repaired.returncode == 0, repaired.stdout
    assert f"repaired {home / 'catalog.json'} from {home / 'backups' / 'catalog.json.1'}" in repaired.stdout
    assert f"repaired {home / 'marks.json'} from {home / 'backups' / 'marks.json.1'}" in repaired.stdout
    library = Library.open(home)
    first_three = {paper.id for path in seed_paths[:3] for paper in parse_file(path).to_papers()}
    # The backup is of the catalog before the last fold; the journal's paper applies to it.
    assert set(library.papers) == first_three | {"a-late-paper-in-the-journal"}
    marks = library.marks_of("flexvar-flexible-visual-autoregressive-modeling-without-residual-prediction")
    # backup 1 (starred), then the journal's line of the read, which holds the paper's whole marks
    assert marks.starred and marks.read and marks.tags == ["kept"]


def test_list_query_ranks_and_warns_on_stderr(home: Path) -> None:
    """`paperdeck list QUERY` takes the query language; a malformed filter is a warning, not an error."""
    result = run("list", "--json", "gausian splating upvotes:>=x", home=home)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["title"].startswith("GaussianCity: Generative Gaussian Splatting")
    assert result.stderr.strip() == "warning: 'upvotes:>=x': expected a number, e.g. upvotes:>=10 or upvotes:2024"


def test_list_saves_the_search_index_and_answers_the_same_from_it(home: Path, tmp_path: Path) -> None:
    """`list` builds the index once and saves it; the next `list` loads it, answering exactly
    as before; papers imported since are found too."""
    from paperdeck.store.search.index_file import read_snapshot

    query = ("list", "--json", "gausian splating")  # a typo: fuzzy matching, abstracts too
    first = run(*query, home=home)
    assert first.returncode == 0, first.stderr
    saved = home / "search-index.bin"
    snapshot = read_snapshot(saved)
    assert snapshot is not None and len(snapshot.ids) > 300
    stamp = saved.stat().st_mtime_ns
    again = run(*query, home=home)
    assert again.stdout == first.stdout and saved.stat().st_mtime_ns == stamp  # loaded, not rewritten
    dump = tmp_path / "new.txt"
    dump.write_text("Gaussian Splatting For Quokkas\n\n" + "We splat quokkas with gaussians, at length. " * 4 + "\n")
    imported = run("import", str(dump), home=home)
    assert imported.returncode == 0, imported.stderr
    # An import leaves the cache alone (rewriting 66 MB of index at 100k papers cost more than
    # the import); the next search indexes the few papers added since.
    assert saved.stat().st_mtime_ns == stamp
    third = run(*query, home=home)
    assert "gaussian-splatting-for-quokkas" in third.stdout


def test_list_of_filters_alone_needs_no_index(home: Path) -> None:
    """`list is:starred` answers from the catalog and marks: no index is built or saved, and
    with --json only the listed papers' abstracts are read."""
    assert run("star", "flexvar", home=home).returncode == 0
    listed = run("list", "--json", "--", "is:starred", "-has:note", home=home)
    assert listed.returncode == 0, listed.stderr
    (record,) = json.loads(listed.stdout)
    assert record["id"].startswith("flexvar") and record["starred"] and len(record["abstract"]) > 100
    assert "because" not in record
    assert not (home / "search-index.bin").exists()
    plain = run("list", "--sort", "title", "--", "-is:starred", home=home)
    assert plain.returncode == 0 and len(plain.stdout.splitlines()) == 361
    assert not (home / "search-index.bin").exists()


def test_list_like_explains_each_paper(home: Path) -> None:
    result = run("list", "--json", "--limit", "5", "like:pixelnerf", home=home)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == 5 and all(1 <= len(record["because"]) <= 5 for record in records)
    assert not any(record["id"].startswith("pixelnerf") for record in records)
    assert (home / "search-index.bin").exists()
    unknown = run("list", "like:no-such-paper", home=home)
    assert unknown.returncode == 0 and "warning: like:no-such-paper: no paper" in unknown.stderr
    assert run("list", "--sort", "for-you", "--limit", "3", home=home).returncode == 0


def test_notes_saved_searches_and_undo_from_the_command_line(home: Path, tmp_path: Path) -> None:
    ref = "flexvar"
    assert run("note", ref, "Compare with", "VAR", home=home).stdout.startswith("note saved: flexvar")
    assert run("note", ref, home=home).stdout == "Compare with VAR\n"
    assert run("note", ref, "-", home=home, stdin=b"from stdin\n\nsecond paragraph\n").returncode == 0
    assert run("note", ref, home=home).stdout == "from stdin\n\nsecond paragraph\n"
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho "edited" >> "$1"\n')
    editor.chmod(0o755)
    env_run = subprocess.run(
        [PAPERDECK, "note", ref, "--edit"],
        env={**os.environ, "PAPERDECK_HOME": str(home), "EDITOR": str(editor), "VISUAL": ""},
        capture_output=True,
        text=True,
    )
    assert env_run.returncode == 0, env_run.stderr
    assert run("note", ref, home=home).stdout.endswith("edited\n")
    shown = json.loads(run("show", ref, "--json", home=home).stdout)
    assert shown["note"].startswith("from stdin")
    assert [r["id"] for r in json.loads(run("list", "--json", "has:note", home=home).stdout)] == [shown["id"]]
    assert run("tag", ref, "thesis", home=home).returncode == 0
    assert (
        run("saved", "Thesis", "tag:thesis", "is:unread", home=home).stdout == "saved @thesis: tag:thesis is:unread\n"
    )
    assert run("saved", home=home).stdout == "@thesis\ttag:thesis is:unread\n"
    assert [r["id"] for r in json.loads(run("list", "--json", "@thesis", home=home).stdout)] == [shown["id"]]
    undone = run("undo", home=home)
    assert undone.stdout == "Undid: tag #thesis on 1 paper\n"
    assert json.loads(run("list", "--json", "@thesis", home=home).stdout) == []
    history = run("undo", "--list", home=home).stdout.splitlines()
    assert history[0].endswith("undo of: tag #thesis on 1 paper") and len(history) <= 20
    assert run("saved", "--delete", "thesis", home=home).returncode == 0
    assert run("saved", home=home).stdout == ""
    assert run("note", ref, "", home=home).stdout.startswith("note deleted")
