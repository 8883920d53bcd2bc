"""The daily triage loop in the browser, through Pilot: selection and bulk changes, undo and
redo (across a restart, and around another process's change), notes through the editor and
$EDITOR, saved searches in the sidebar, `A`, `m` and Esc, `E` and `y`."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from paperdeck.tui.screens.export_menu import ExportMenu
from paperdeck.tui.screens.modals import AskText, ConfirmScreen, TagEditor
from paperdeck.tui.screens.note_editor import NoteEditor
from tests.pilot import make_app, paper_list, screen_of, type_text


async def test_select_bulk_tag_undo_redo_across_a_restart(library: Library) -> None:
    app, toasts = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("space", "space", "space")  # three selected, the cursor moved down each time
        chosen = set(paper_list(app).ids[:3])
        assert screen_of(app).selection == chosen and paper_list(app).cursor == 3
        assert "3 selected" in str(screen_of(app).query_one("#status").render())
        assert screen_of(app).row(paper_list(app).ids[0]).selected
        await pilot.press("t")
        assert isinstance(app.screen, TagEditor)
        await type_text(pilot, "batch-x")
        await pilot.press("enter")
        await pilot.pause()
        assert all(library.marks_of(i).tags == ["batch-x"] for i in chosen)
        assert toasts[-1] == "Tagged #batch-x: 3 papers"
        lines = library.marks_store.journal_path.read_bytes().splitlines()
        assert len(lines) == 1  # one journal record for the batch
        await pilot.press("s")
        assert all(library.marks_of(i).starred for i in chosen) and toasts[-1] == "★ Starred 3 papers"
        await pilot.press("u")  # the star goes back
        assert not any(library.marks_of(i).starred for i in chosen) and toasts[-1].startswith("Undid: star")
        await pilot.press("q")
    app, toasts = make_app(Library.open(library.folder))
    async with app.run_test(size=(140, 40)) as pilot:
        # After a restart, u takes back the latest change not undone yet: the bulk tag.
        await pilot.press("u")
        assert toasts[-1] == "Undid: tag #batch-x on 3 papers"
        assert not any(Library.open(library.folder).marks_of(i).tags for i in chosen)
        await pilot.press("ctrl+r")
        assert toasts[-1] == "Redid: tag #batch-x on 3 papers"
        await pilot.press("u", "u")
        assert toasts[-1] == "Nothing to undo"
        await pilot.press("ctrl+r")
    assert all(Library.open(library.folder).marks_of(i).tags == ["batch-x"] for i in chosen)


async def test_undo_restores_only_what_the_change_altered(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("V")  # every paper shown
        assert len(screen_of(app).selection) == len(library.papers)
        await pilot.press("t")
        await type_text(pilot, "everything")
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)  # more than 50 papers: asked first
        await pilot.press("y")
        await pilot.pause()
        assert all("everything" in library.marks_of(i).tags for i in library.papers)
        first = paper_list(app).ids[0]
        Library.open(library.folder).change_marks([first], MarkChange(add_tags=("mine",)))  # another process
        await pilot.press("u")
        await pilot.pause()
        assert Library.open(library.folder).marks_of(first).tags == ["mine"]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert Library.open(library.folder).marks_of(first).tags == ["mine", "everything"]
        await pilot.press("V")  # pressed again: the selection is cleared
        assert not screen_of(app).selection


async def test_escape_clears_the_selection_then_the_filter(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        screen_of(app).set_query("diffusion")
        await pilot.press("space")
        await pilot.press("escape")
        assert not screen_of(app).selection and screen_of(app).query_text == "diffusion"
        await pilot.press("escape")
        assert screen_of(app).query_text == ""


async def test_a_marks_all_shown_read_after_a_confirmation(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        screen_of(app).set_query("gaussian")
        await pilot.pause()
        shown = list(paper_list(app).ids)
        await pilot.press("A")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert all(library.marks_of(i).read for i in shown)
        assert not any(library.marks_of(i).read for i in library.papers if i not in shown)


async def test_a_note_through_the_editor_and_through_editor(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "editor.sh"
    script.write_text('#!/bin/sh\nprintf "%s\\n\\nwritten in \\$EDITOR" "$(cat "$1")" > "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    app, toasts = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        paper_id = paper_list(app).highlighted_id
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await type_text(pilot, "Check the ablation")
        await pilot.press("escape")  # changes: asked before dropping them
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("ctrl+e")  # $EDITOR gets the text and gives it back
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        note = library.marks_of(paper_id).note
        assert note == "Check the ablation\n\nwritten in $EDITOR"
        assert toasts[-1].startswith("Note saved")
        assert screen_of(app).row(paper_id).has_note
        assert "written in $EDITOR" in str(screen_of(app).viewer.query_one("#abstract-body").render())
        screen_of(app).set_query("has:note")
        await pilot.pause()
        assert list(paper_list(app).ids) == [paper_id]
        screen_of(app).set_query("ablation")  # the words of notes are searchable
        await pilot.pause()
        assert paper_id in paper_list(app).ids
        await pilot.press("u")  # the note is in the undo history too
    assert Library.open(library.folder).marks_of(paper_id).note == ""


async def test_saved_searches_in_the_sidebar(library: Library) -> None:
    library.change_marks(list(library.papers)[:4], MarkChange(add_tags=("thesis",)))
    app, _ = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        screen_of(app).set_query("tag:thesis")
        await pilot.press("W")
        assert isinstance(app.screen, AskText)
        await type_text(pilot, "thesis")
        await pilot.press("enter")
        await pilot.pause()
        assert library.saved_searches() == {"thesis": "tag:thesis"}
        screen_of(app).set_query("@thesis is:unread")
        await pilot.pause()
        assert len(paper_list(app).ids) == 4
        await pilot.press("b")
        facets = screen_of(app).query_one("#facets")
        options = [str(facets.get_option_at_index(i).prompt) for i in range(facets.option_count)]
        assert "@thesis (4)" in options
        facets.highlighted = options.index("@thesis (4)")
        await pilot.press("e")
        assert isinstance(app.screen, AskText)
        await pilot.press(*["backspace"] * 6)
        await type_text(pilot, "chapter-2")
        await pilot.press("enter")
        await pilot.pause()
        assert library.saved_searches() == {"chapter-2": "tag:thesis"}
        facets.highlighted = [str(facets.get_option_at_index(i).prompt) for i in range(facets.option_count)].index(
            "@chapter-2 (4)"
        )
        await pilot.press("d", "y")
        await pilot.pause()
        assert library.saved_searches() == {}


async def test_more_like_this_and_back(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        screen_of(app).set_query("nerf")
        await pilot.pause()
        await pilot.press("j", "j")
        paper_id = paper_list(app).highlighted_id
        assert paper_id != paper_list(app).ids[0]
        await pilot.press("m")
        await pilot.pause()
        assert screen_of(app).query_text == f"like:{paper_id}"
        shown = paper_list(app).ids
        assert len(shown) > 5 and paper_id not in list(shown)[:5]
        body = str(screen_of(app).viewer.query_one("#abstract-body").render())
        assert "because: " in body
        await pilot.press("j", "j", "escape")
        # Back to the filter before and to the paper `m` was pressed on, not the one moved to.
        assert screen_of(app).query_text == "nerf"
        assert paper_list(app).highlighted_id == paper_id


@pytest.mark.parametrize("key", ["y", "E"])
async def test_export_bibtex_to_the_clipboard(library: Library, key: str) -> None:
    app, toasts = make_app(library)
    copied: list[str] = []
    async with app.run_test(size=(140, 40)) as pilot:
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        paper = library.papers[paper_list(app).highlighted_id]  # type: ignore[index]
        await pilot.press(key)
        if key == "E":
            assert isinstance(app.screen, ExportMenu)
            await pilot.press("enter")  # BibTeX is highlighted, the highlighted paper chosen
        await pilot.pause()
        assert len(copied) == 1 and copied[0].startswith("@misc{") and paper.title.split(":")[0] in copied[0]
        assert toasts[-1].endswith("1 paper as bibtex")


async def test_export_the_selection_to_a_file(library: Library, tmp_path: Path) -> None:
    app, toasts = make_app(library, export_folder=str(tmp_path / "exports"))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("space", "space")
        await pilot.press("E", "j", "w")  # CSL JSON, saved
        await pilot.pause()
        (saved,) = (tmp_path / "exports").glob("paperdeck-*.csl.json")
        import json

        assert len(json.loads(saved.read_text())) == 2
        assert toasts[-1] == f"Saved 2 papers as csl-json to {saved}"


async def test_notes_written_before_the_start_or_by_another_process_are_searchable(library: Library) -> None:
    """The sample library (under 500 papers) builds its index at once: notes already on disk,
    and notes another process writes while the browser runs, are searchable words too."""
    first, second = sorted(library.papers)[:2]
    library.change_marks([first], MarkChange(note="zygomorphic remark"))
    app, _ = make_app(Library.open(library.folder))
    async with app.run_test(size=(140, 40)) as pilot:
        screen_of(app).set_query("zygomorphic")
        await pilot.pause()
        assert list(paper_list(app).ids) == [first]
        Library.open(library.folder).change_marks([second], MarkChange(note="quixotic remark"))
        await pilot.press("R")
        await pilot.pause()
        screen_of(app).set_query("quixotic")
        await pilot.pause()
        assert list(paper_list(app).ids) == [second]


async def test_a_filter_of_words_is_run_again_when_a_note_gets_one_of_them(library: Library) -> None:
    """Words match notes: a note written while a filter of words is shown changes the result
    (the change posted as the marking controller posts it)."""
    from paperdeck.tui.messages import MarksChanged

    app, _ = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        screen_of(app).set_query("zygomorphic")
        await pilot.pause()
        assert list(paper_list(app).ids) == []
        paper_id = sorted(library.papers)[3]
        screen_of(app).post_message(MarksChanged(library.change_marks([paper_id], MarkChange(note="zygomorphic"))))
        await pilot.pause()
        assert list(paper_list(app).ids) == [paper_id]
