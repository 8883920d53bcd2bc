"""The browser driven through Textual's Pilot on temp libraries: every binding, persistence, layout."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import webbrowser
from pathlib import Path
from typing import Any

import pyperclip
import pytest

from paperdeck.store.dumps import parse_text
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from paperdeck.tui.screens.help import HelpScreen
from paperdeck.tui.screens.main import MainScreen
from paperdeck.tui.screens.modals import ConfirmScreen, LinkPicker, ShowTextScreen, TagEditor, TagRemover
from tests.conftest import import_results
from tests.pilot import make_app, paper_list, screen_of, type_text

LONG = "We propose a method that does things well and report results. " * 6


async def test_filter_narrows_and_restores(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        assert len(paper_list(app).ids) == 362
        await pilot.press("slash")
        assert app.focused is screen_of(app).filter_bar
        await type_text(pilot, "gausian splating")
        ids = paper_list(app).ids
        assert 0 < len(ids) < 362
        assert "gaussian" in library.papers[ids[0]].title.lower()
        await pilot.press("enter")
        assert app.focused is paper_list(app)
        assert len(paper_list(app).ids) == len(ids)
        status = str(screen_of(app).query_one("#status").render())
        assert status.startswith(f"{len(ids)} of 362 papers")
        await pilot.press("escape")
        assert len(paper_list(app).ids) == 362
        assert screen_of(app).filter_bar.value == ""


async def test_highlight_survives_refilter(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        flexvar = library.resolve("flexvar").id
        screen_of(app).set_query("flexvar")
        await pilot.pause()
        assert paper_list(app).highlighted_id == flexvar
        screen_of(app).set_query("")
        await pilot.pause()
        assert paper_list(app).highlighted_id == flexvar
        assert len(paper_list(app).ids) == 362


async def test_navigation_keys(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        plist = paper_list(app)
        await pilot.press("j", "j", "down")
        assert plist.cursor == 3
        await pilot.press("k", "up")
        assert plist.cursor == 1
        await pilot.press("G")
        assert plist.cursor == 361
        await pilot.press("g")
        assert plist.cursor == 0
        await pilot.press("end")
        assert plist.cursor == 361
        await pilot.press("home", "pagedown")
        page = plist.scrollable_content_region.height - 1
        assert plist.cursor == page
        await pilot.press("ctrl+f")
        assert plist.cursor == 2 * page
        await pilot.press("pageup", "ctrl+b")
        assert plist.cursor == 0
        await pilot.press("tab")
        viewer = screen_of(app).viewer
        assert app.focused is viewer
        await pilot.pause()
        assert viewer.max_scroll_y > 3, "the first paper's text should not fit the viewer"
        await pilot.press("j", "j")
        assert viewer.scroll_y == 2
        await pilot.press("k")
        assert viewer.scroll_y == 1
        await pilot.press("G")
        assert viewer.scroll_y == viewer.max_scroll_y
        await pilot.press("g")
        assert viewer.scroll_y == 0
        await pilot.press("pagedown")
        assert viewer.scroll_y > 3
        await pilot.press("pageup")
        assert viewer.scroll_y == 0
        await pilot.press("tab")
        assert app.focused is plist


async def test_star_tag_untag_read_persist_across_restart(library: Library) -> None:
    app, toasts = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("j")
        paper_id = paper_list(app).highlighted_id
        title = library.papers[paper_id].title
        await pilot.press("s")
        assert any(t.startswith('★ Starred "' + title[:10]) for t in toasts)
        await pilot.press("t")
        assert isinstance(app.screen, TagEditor)
        await type_text(pilot, "To Read, diffusion")
        await pilot.press("enter")
        await pilot.press("T")
        assert isinstance(app.screen, TagRemover)
        await pilot.press("down", "enter")  # second tag: diffusion
        await pilot.press("r")
        await pilot.press("q")
    marks = Library.open(library.folder).marks_of(paper_id)
    assert (marks.starred, marks.tags, marks.read) == (True, ["to-read"], True)


async def test_tag_editor_completes_existing_tags(library: Library) -> None:
    first = next(iter(library.papers))
    library.change_marks([first], MarkChange(add_tags=("diffusion",)))
    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("j", "t")
        await type_text(pilot, "new-one, dif")
        await pilot.press("right", "enter")
        await pilot.pause()
        paper_id = paper_list(app).highlighted_id
    assert Library.open(library.folder).marks_of(paper_id).tags == ["new-one", "diffusion"]


async def test_auto_read_after_delay(library: Library) -> None:
    """Read only after the delay, and only the paper that stayed highlighted that long."""
    app, _ = make_app(library, read_delay=0.6)
    async with app.run_test(size=(120, 30)) as pilot:
        first = paper_list(app).highlighted_id
        await pilot.pause(0.3)
        assert first is not None and not library.marks_of(first).read  # not yet
        await pilot.pause(0.6)
        assert library.marks_of(first).read
        await pilot.press("j")
        skipped = paper_list(app).highlighted_id
        await pilot.pause(0.3)
        await pilot.press("j")  # moved on before the delay
        await pilot.pause(0.9)  # longer than the delay since the skipped paper was highlighted
        assert skipped is not None and not library.marks_of(skipped).read
        assert library.marks_of(paper_list(app).ids[2]).read
        await pilot.press("u")  # the browser's own read is not what undo takes back
        assert library.marks_of(paper_list(app).ids[2]).read


async def test_state_restored_on_reopen(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "diffusion")
        await pilot.press("enter", "j", "j", "S", "S")
        highlighted = paper_list(app).highlighted_id
        sort = screen_of(app).sort
        assert sort == "upvotes"
        await pilot.press("q")
    again, _ = make_app(Library.open(library.folder))
    async with again.run_test(size=(120, 30)):
        assert screen_of(again).filter_bar.value == "diffusion"
        assert screen_of(again).sort == "upvotes"
        assert paper_list(again).highlighted_id == highlighted


async def test_copy_falls_back_to_osc52_honestly(library: Library) -> None:
    gausstr = library.resolve("gausstr").id
    app, toasts = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen_of(app).set_query("gausstr")
        await pilot.pause()
        assert paper_list(app).highlighted_id == gausstr
        await pilot.press("c")
        assert app.clipboard == "https://github.com/hustvl/GaussTR"
        assert toasts[-1] == "Copied via terminal (OSC 52): https://github.com/hustvl/GaussTR"
        await pilot.press("1")
        assert toasts[-1].startswith("Copied via terminal (OSC 52)")
        await pilot.press("2")
        assert toasts[-1] == "This paper has 1 link"


async def test_no_clipboard_at_all_shows_the_link(library: Library) -> None:
    app, toasts = make_app(library, osc52=False)
    async with app.run_test(size=(120, 30)) as pilot:
        screen_of(app).set_query("gausstr")
        await pilot.pause()
        await pilot.press("c")
        assert isinstance(app.screen, ShowTextScreen)
        assert app.clipboard == ""
        assert not any(t.startswith("Copied") for t in toasts)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_paper_without_links_offers_the_title(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen_of(app).set_query("flexvar")
        await pilot.pause()
        await pilot.press("c")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert app.clipboard.startswith("FlexVAR: Flexible Visual")


@pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xclip")), reason="needs Xvfb and xclip")
async def test_copy_reaches_the_real_system_clipboard(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real pyperclip this time
    display = ":97"
    xvfb = subprocess.Popen(["Xvfb", display, "-nolisten", "tcp"], stderr=subprocess.DEVNULL)
    try:
        monkeypatch.setenv("DISPLAY", display)
        for _ in range(50):
            if subprocess.run(["xclip", "-o"], env={**os.environ}, capture_output=True).returncode in (0, 1):
                break
            time.sleep(0.1)
        pyperclip.set_clipboard("xclip")
        app, toasts = make_app(library)
        async with app.run_test(size=(120, 30)) as pilot:
            screen_of(app).set_query("worldsplat")
            await pilot.pause()
            await pilot.press("c")
            copied = subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True)
            assert copied.stdout == "https://wm-research.github.io/worldsplat/"
            assert toasts[-1] == "Copied to the clipboard: https://wm-research.github.io/worldsplat/"
            assert app.clipboard == ""  # no OSC 52 was needed
    finally:
        xvfb.terminate()
        xvfb.wait()
        pyperclip.determine_clipboard()


async def test_link_picker_copies_and_opens(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    paper = next(p for p in library.papers.values() if len(p.links) >= 2)
    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        screen_of(app).set_query(f'"{paper.title}"')
        await pilot.pause()
        assert paper_list(app).highlighted_id == paper.id
        await pilot.press("L")
        assert isinstance(app.screen, LinkPicker)
        await pilot.press("j", "enter")
        assert app.clipboard == paper.links[1].url
        await pilot.press("L", "o")
        assert opened == [paper.links[0].url]
        await pilot.press("o")
        assert opened == [paper.links[0].url, paper.primary_link.url]


async def test_help_lists_bindings_and_searches(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.rows
        ids = {row[3] for row in rows}
        assert {"main.star", "main.tag", "list.down", "viewer.down", "app.quit", "filter.clear"} <= ids
        await type_text(pilot, "star")
        options = app.screen.query_one("#help-list")
        assert 0 < options.option_count < len(rows)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_sort_cycles(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("S")
        assert screen_of(app).sort == "date"
        await pilot.press("S")
        ids = paper_list(app).ids
        assert library.papers[ids[0]].upvotes == max(p.upvotes or 0 for p in library.papers.values())
        assert "sort: upvotes" in str(screen_of(app).query_one("#status").render())
        await pilot.press("S", "S")
        assert screen_of(app).sort == "added"
        await pilot.press("S")
        assert screen_of(app).sort == "for-you"
        await pilot.press("S")
        assert screen_of(app).sort == "relevance"


async def test_facets_set_the_filter(library: Library) -> None:
    tagged = list(library.papers)[:3]
    for paper_id in tagged:
        library.change_marks([paper_id], MarkChange(add_tags=("survey",)))
    app, _ = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("b")
        assert screen_of(app).has_class("facets-open")
        facets = screen_of(app).query_one("#facets")
        assert app.focused is facets
        await pilot.press("down", "down", "down", "down", "enter")  # all, starred, unread, note, #survey
        assert screen_of(app).query_text == "tag:survey"
        assert sorted(paper_list(app).ids) == sorted(tagged)
        await pilot.press("b")
        assert not screen_of(app).has_class("facets-open")


async def test_keymap_from_config_remaps(library: Library) -> None:
    app, _ = make_app(library, keymap={"main.star": "x"})
    async with app.run_test(size=(120, 30)) as pilot:
        paper_id = paper_list(app).highlighted_id
        await pilot.press("x")
        assert library.marks_of(paper_id).starred


async def test_dialog_hints_name_the_keys_the_keymap_gives(library: Library) -> None:
    """A dialog's hint line reads the one binding table with the user's keymap: remapped,
    Esc is not announced where ctrl+g now closes the dialog."""
    from textual.widgets import Label

    from paperdeck.tui.screens.modals import ConfirmScreen, TagEditor

    def hint(app: object) -> str:
        return str(app.screen.query_one(".hint", Label).render())  # type: ignore[attr-defined]

    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("t")
        assert isinstance(app.screen, TagEditor) and "Esc cancels" in hint(app)
        await pilot.press("escape")
    app, _ = make_app(library, keymap={"tags.cancel": "ctrl+g", "confirm.no": "N"})
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("t")
        assert "ctrl+g cancels" in hint(app) and "Esc" not in hint(app)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert not isinstance(app.screen, TagEditor)
        app.push_screen(ConfirmScreen("Drop it?"))
        await pilot.pause()
        assert hint(app) == "y / Enter: yes · N: no"


async def test_command_palette_runs_actions(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        paper_id = paper_list(app).highlighted_id
        await pilot.press("ctrl+p")
        await type_text(pilot, "Star")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert library.marks_of(paper_id).starred


async def test_empty_library_and_no_match_say_what_to_do(tmp_path: Path) -> None:
    empty = Library.open(tmp_path / "empty")
    app, _ = make_app(empty)
    async with app.run_test(size=(120, 30)) as pilot:
        body = str(screen_of(app).query_one("#abstract-body").render())
        assert "paperdeck import FILE" in body
        await pilot.press("s", "c", "j")  # nothing to act on: no crash
    lib = Library.open(tmp_path / "one")
    import_results(lib, [parse_text(f"Only Paper\n\n{LONG}\n", "x.txt")])
    app, _ = make_app(lib)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "zzqqxx")
        await pilot.pause(0.2)  # the viewer follows the filter once typing pauses
        body = str(screen_of(app).query_one("#abstract-body").render())
        assert "Esc" in body and "zzqqxx" in body


async def test_tiny_terminal_and_resizes(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(40, 12)) as pilot:
        assert screen_of(app).has_class("narrow")
        await pilot.press("j", "s", "tab", "j", "tab", "b", "b", "question_mark", "escape")
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert not screen_of(app).has_class("narrow")
        await pilot.resize_terminal(40, 12)
        await pilot.press("slash")
        await type_text(pilot, "llm")
        await pilot.press("enter", "G", "g")


async def test_marks_from_another_process_show_up(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        paper_id = paper_list(app).highlighted_id
        other = Library.open(library.folder)
        other.change_marks([paper_id], MarkChange(starred=True))
        import_results(other, [parse_text(f"A Freshly Imported Paper\n\n{LONG}\n", "new.txt")])
        await pilot.press("R")
        assert len(paper_list(app).ids) == 363
        assert screen_of(app).library.marks_of(paper_id).starred


async def test_viewer_follows_the_filter_once_typing_pauses(library: Library) -> None:
    app, _ = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "gausian splating")
        await pilot.pause(0.2)
        shown = str(screen_of(app).query_one("#abstract-body").render())
        highlighted = paper_list(app).highlighted_id
        assert highlighted is not None and library.papers[highlighted].title[:30] in shown.replace("\n", " ")


async def test_typing_in_the_filter_never_relays_out_the_screen(library: Library) -> None:
    """Issue 5: a layout per keystroke repainted the whole screen. Input asks for one as its
    text grows and so did the list's virtual size; both are plain repaints now."""
    from textual.widget import Widget

    app, _ = make_app(library)
    layouts: list[str] = []
    original = Widget.refresh

    def counting(self: Widget, *regions: Any, layout: bool = False, **kwargs: Any) -> Any:
        if layout and self.id not in ("viewer", "abstract-body"):  # the viewer follows a pause: re-laid then
            layouts.append(type(self).__name__)
        return original(self, *regions, layout=layout, **kwargs)

    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        Widget.refresh = counting  # type: ignore[method-assign]
        try:
            await type_text(pilot, "gaussian splat")
            await pilot.pause()
        finally:
            Widget.refresh = original  # type: ignore[method-assign]
        assert screen_of(app).filter_bar.value == "gaussian splat"
        assert 0 < len(paper_list(app).ids) < len(library.papers)
        assert layouts == []


async def test_keys_arriving_with_the_slash_go_to_the_filter(library: Library) -> None:
    """Over SSH `/nerf` can arrive in one read: every key is queued before the first is
    handled. The letters must land in the filter, not on the list's bindings."""
    from textual import events

    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app._driver is not None
        for key, character in (("slash", "/"), ("n", "n"), ("e", "e"), ("r", "r"), ("f", "f"), ("s", "s")):
            event = events.Key(key, character)
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause()
        await pilot.pause()
        assert screen_of(app).filter_bar.value == "nerfs"
        assert not any(marks.starred or marks.read for marks in library.marks.values())
        await type_text(pilot, "/3d")  # in the filter a slash is text
        assert screen_of(app).filter_bar.value == "nerfs/3d"


async def test_a_filtered_list_is_painted_without_waiting_for_the_frame_timer(library: Library) -> None:
    """Issue 5: Textual paints on a timer, 0-8 ms after a change; the screen paints the list a
    keystroke filtered as soon as it is ready. With the timer stopped, the new list must still
    reach the terminal (keys sent as the driver sends them: Pilot's waits paint by themselves)."""
    import asyncio

    from textual import events

    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        screen = screen_of(app)
        painted: list[tuple[str, ...]] = []
        original_display = app._display

        def display(shown: Any, update: Any) -> None:
            original_display(shown, update)
            if update is not None:
                painted.append(tuple(screen.paper_list.ids[:3]))

        app._display = display  # type: ignore[method-assign]
        screen._update_timer.pause()
        screen._update_timer.resume = lambda: None  # type: ignore[method-assign]
        before = tuple(screen.paper_list.ids[:3])
        event = events.Key("n", "n")
        event.set_sender(app)
        assert app._driver is not None
        app._driver.send_message(event)
        for _ in range(200):
            if painted:
                break
            await asyncio.sleep(0.005)
        assert screen.filter_bar.value == "n"
        assert painted, "no frame was painted after the keystroke"
        assert painted[-1] == tuple(screen.paper_list.ids[:3]) != before


async def test_typing_holds_full_collections_until_a_pause(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 5: a full collection mid-typing was a 30-45 ms keystroke at 100k papers. While
    keys come the collector makes young collections only; after a pause, or when the app
    ends, its thresholds are back."""
    import gc

    from paperdeck.tui.controllers import typing_gc

    monkeypatch.setattr(typing_gc, "HOLD_OVER", len(library.papers))  # as if it were big
    thresholds = gc.get_threshold()
    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "diff")
        assert gc.get_threshold()[:2] == thresholds[:2]
        assert gc.get_threshold()[2] == typing_gc.NO_FULL_COLLECTION
        await pilot.pause(typing_gc.TYPING_PAUSE + 0.3)
        assert gc.get_threshold() == thresholds
        await type_text(pilot, "usion")
        assert gc.get_threshold()[2] == typing_gc.NO_FULL_COLLECTION
    assert gc.get_threshold() == thresholds  # the app ended mid-typing


async def test_typing_in_a_smaller_library_leaves_the_collector_alone(library: Library) -> None:
    """Under GC_HOLD_OVER papers a full collection fits in a keystroke: nothing is held."""
    import gc

    from paperdeck.tui.controllers import typing_gc

    assert len(library.papers) < typing_gc.HOLD_OVER
    thresholds = gc.get_threshold()
    app, _ = make_app(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "diff")
        assert gc.get_threshold() == thresholds
