"""The order of a durable write, recorded as it happens (a spy on os.fsync and os.replace): a
file's bytes are fsynced before it is renamed over the old one, the folder is fsynced after
the rename (or the rename may not survive a power cut), and a journal created by an append has
its folder fsynced too. Each of these fails when its step is taken out of the code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from paperdeck.store import catalog
from paperdeck.store.journal import Journal
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from paperdeck.store.storage import write_files
from tests.conftest import import_results


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """("fsync", path, "") and ("replace", source, target), in the order they happen."""
    recorded: list[tuple[str, str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        recorded.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"), ""))
        real_fsync(fd)

    def replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        recorded.append(("replace", str(source), str(target)))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return recorded


def check_rewrite(events: list[tuple[str, str, str]], targets: list[Path]) -> None:
    """Each target: its temp file fsynced, then renamed over it; the folder fsynced after the
    last of them."""
    renames = {
        target: next(i for i, e in enumerate(events) if e[0] == "replace" and e[2] == str(target)) for target in targets
    }
    for target, renamed in renames.items():
        temp = events[renamed][1]
        assert Path(temp).parent == target.parent and Path(temp).name.startswith(".tmp-")
        assert ("fsync", temp, "") in events[:renamed], f"{temp} renamed over {target.name} before it was fsynced"
    folder = str(targets[0].parent)
    synced = [i for i, e in enumerate(events) if e == ("fsync", folder, "")]
    assert synced and max(synced) > max(renames.values()), "the folder was not fsynced after the renames"


def test_a_rewrite_of_several_files_fsyncs_each_then_renames_then_syncs_the_folder(
    tmp_path: Path, events: list[tuple[str, str, str]]
) -> None:
    targets = [tmp_path / "a.json", tmp_path / "b.json"]
    write_files([(targets[0], b"{}"), (targets[1], [b"{", b"}"])])
    check_rewrite(events, targets)
    # Every temp file is written before the first rename: a full disk refuses before any change.
    first_rename = next(i for i, e in enumerate(events) if e[0] == "replace")
    assert sum(1 for e in events[:first_rename] if e[0] == "fsync" and ".tmp-" in e[1]) == 2


def test_a_fold_of_the_catalog_and_a_fold_of_the_marks(
    library: Library, events: list[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperdeck.store.dumps import parse_text

    monkeypatch.setattr(catalog, "FOLD_PAPERS", 0)
    events.clear()
    import_results(library, [parse_text("A Paper Folded In\n\n" + "Long enough to be an abstract. " * 9, "x.txt")])
    check_rewrite(events, [library.folder / "abstracts.json", library.catalog_path])
    events.clear()
    library.change_marks([next(iter(library.papers))], MarkChange(starred=True))
    library.compact_marks()
    check_rewrite(events, [library.marks_path])


def test_an_append_fsyncs_the_journal_and_a_new_journal_its_folder(
    tmp_path: Path, events: list[tuple[str, str, str]]
) -> None:
    journal = Journal(tmp_path / "x.journal", lambda record: True, "record")
    journal.append(b'{"a":1}\n')
    assert events == [("fsync", str(journal.path), ""), ("fsync", str(tmp_path), "")]
    events.clear()
    journal.append(b'{"a":2}\n')
    assert events == [("fsync", str(journal.path), "")]  # an existing file: its name is durable already


def test_a_mark_is_fsynced_before_the_call_returns(library: Library, events: list[tuple[str, str, str]]) -> None:
    paper_id = next(iter(library.papers))
    library.change_marks([paper_id], MarkChange(add_tags=("x",)))
    assert ("fsync", str(library.marks_store.journal_path), "") in events
