"""A paper's text must never drive the terminal: control characters and escape sequences are
removed at the door (every source, and old library files on load), and shown as symbols or
dropped at every edge (CLI output, JSON, every widget), each defence tested on its own."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperdeck.store.clean import clean_block, clean_line, has_block_control, has_control, json_safe, printable
from paperdeck.store.library import Library
from paperdeck.store.mark_changes import MarkChange
from paperdeck.store.models import Link, Paper, Source
from tests.conftest import REPO
from tests.pilot import make_app, screen_of

PAPERDECK = str(Path(sys.executable).with_name("paperdeck"))
ESC, BEL = "\x1b", "\x07"
HOSTILE_TITLE = f"Evil {ESC}]52;c;ZXZpbA=={BEL} Clipboard Title {ESC}[31mRed"
HOSTILE_ABSTRACT = (
    f"We clear {ESC}[2J the screen, ask {ESC}[6n for a report, switch {ESC}[?1049h screens, "
    f"retitle {ESC}]0;owned{BEL} the window, link {ESC}]8;;http://evil.example{ESC}\\here{ESC}]8;;{ESC}\\ "
    f"and colour \x9b31m with a C1 CSI, ring {BEL} the bell. " * 3
)
# What a terminal acts on: C0 (but newline and tab), DEL, and C1 — in UTF-8, 0xc2 0x80-0x9f.
_DRIVES_A_TERMINAL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


def hostile_dump(path: Path) -> Path:
    path.write_text(
        f"{HOSTILE_TITLE}\n\n{HOSTILE_ABSTRACT} Code: https://github.com/evil/repo\n\n"
        "A Calm Second Paper\n\n" + "An abstract that only talks about calm things. " * 6 + "\n",
        encoding="utf-8",
    )
    return path


# --- the cleaning itself ------------------------------------------------------------------------


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from([ESC, BEL, "\x9b", "\x9d", "[", "]", ";"])))
def test_nothing_that_drives_a_terminal_survives_cleaning(text: str) -> None:
    line, block, shown = clean_line(text), clean_block(text), printable(text)
    assert not has_control(line) and not has_control(shown)
    assert not has_control(block.replace("\n", "").replace("\t", ""))
    assert not _DRIVES_A_TERMINAL.search(json_safe(json.dumps(line, ensure_ascii=False).encode()))


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from([ESC, "\t", "\n", "\x7f", "\x85", "\xa0"])))
def test_the_fast_control_check_finds_exactly_what_a_terminal_acts_on(text: str) -> None:
    """`has_block_control` deletes bytes instead of searching (C0 and DEL), and searches only
    when a C1 control may be there: it must say what the plain definition says."""
    assert has_block_control(text) == bool(_DRIVES_A_TERMINAL.search(text.encode("utf-8", "surrogatepass")))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc"])))
def test_printable_text_is_left_as_it_is(text: str) -> None:
    assert clean_block(text) == text and printable(text) == text
    assert clean_line(text) == " ".join(text.split())


def test_a_sequence_goes_whole_not_as_debris() -> None:
    assert clean_line(HOSTILE_TITLE) == "Evil Clipboard Title Red"
    assert clean_line(f"a{ESC}[?1049hb{ESC}]8;;http://x{ESC}\\c{ESC}") == "abc"
    assert clean_line("unterminated \x1b]52;c;ZXZpbA== tail") == "unterminated"
    assert printable(f"a{ESC}b\x9bc") == "a␛b\ufffdc"


# --- the door and the edge of the command line --------------------------------------------------


def test_a_hostile_dump_prints_nothing_that_drives_a_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    imported = subprocess.run(
        [PAPERDECK, "--library", str(folder), "import", str(hostile_dump(tmp_path / "evil.txt"))], capture_output=True
    )
    assert imported.returncode == 0, imported.stderr
    paper_id = next(iter(Library.open(folder).papers))
    outputs = {}
    for args in (
        ["list"],
        ["list", "--json"],
        ["show", paper_id],
        ["show", paper_id, "--json"],
        ["link", paper_id, "--all"],
    ):
        result = subprocess.run([PAPERDECK, "--library", str(folder), *args], capture_output=True)
        assert result.returncode == 0, result.stderr
        assert not _DRIVES_A_TERMINAL.search(result.stdout.replace(b"\t", b"")), (args, result.stdout[:300])
        outputs[" ".join(args)] = result.stdout.decode()
    assert "Evil Clipboard Title Red" in outputs["list"]
    shown = json.loads(outputs[f"show {paper_id} --json"])
    assert shown["title"] == "Evil Clipboard Title Red" and not has_control(shown["abstract"])
    assert "the screen, ask for a report" in shown["abstract"]
    assert [link["url"] for link in shown["links"]] == ["https://github.com/evil/repo"]


def test_an_old_library_holding_escape_sequences_is_cleaned_on_load(tmp_path: Path) -> None:
    """tests/data/legacy-library was written by main before this version, from a dump whose
    title held OSC 52 and CSI sequences: they are gone on load, and stored clean at once."""
    folder = tmp_path / "lib"
    shutil.copytree(REPO / "tests" / "data" / "legacy-library", folder)
    assert b"\\u001b" in (folder / "catalog.json").read_bytes()
    library = Library.open(folder)
    evil = library.papers["evil-52-c-zxzpba-clipboard-title-31mred"]  # its id never changes
    assert evil.title == "Evil Clipboard Title Red"
    abstract = library.abstract_of(evil.id)
    assert not has_control(abstract) and "can be driven" in abstract
    assert not _DRIVES_A_TERMINAL.search((folder / "catalog.json").read_bytes())
    assert not _DRIVES_A_TERMINAL.search((folder / "abstracts.json").read_bytes())


def test_the_edge_shows_what_a_source_forgot_to_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A paper added without cleaning (as a future source that forgets might): the commands
    still print no control character (the library cleans it when it loads it again, too)."""
    from paperdeck.tui.__main__ import main

    folder = tmp_path / "lib"
    Library.open(folder).add_papers([dirty_paper()])
    for args in (["list"], ["list", "--json"], ["show", "dirty"], ["link", "dirty", "--all"]):
        assert main(["--library", str(folder), *args]) == 0
        out = capsys.readouterr().out.encode()
        assert not _DRIVES_A_TERMINAL.search(out.replace(b"\t", b"")), (args, out[:300])


def dirty_paper() -> Paper:
    return Paper(
        "dirty",
        HOSTILE_TITLE,
        HOSTILE_ABSTRACT,
        links=[Link("https://example.org/\x1b]52;c;x\x07", "project"), Link("https://example.org/ok", "code")],
        authors=[f"Mallory {ESC}[2J Evil"],
        ai_summary=f"Summary {ESC}]0;title{BEL}",
        ai_keywords=[f"key{ESC}[31mword"],
        sources=[Source("evil\x9b.txt")],
    )


# --- the edge of the browser ---------------------------------------------------------------------


def rendered(app: object) -> str:
    """Every text segment the screen on top would send to the terminal (before the last-resort
    filter of tui/textual_fixes.py, which this test must not rely on)."""
    screen = app.screen  # type: ignore[attr-defined]
    return "".join(
        segment.text for strip in screen._compositor.render_strips() for segment in strip if not segment.control
    )


async def test_every_widget_renders_hostile_text_as_text(tmp_path: Path) -> None:
    """List row, viewer, toasts, modals: the paper's control characters never reach a segment."""
    library = Library.open(tmp_path / "lib")
    library.add_papers([dirty_paper()])
    library.change_marks(["dirty"], MarkChange(note=f"my note {ESC}[2J"))
    app, _ = make_app(library)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screens = [rendered(app)]  # list and viewer
        await pilot.press("s")  # a toast with the title
        await pilot.pause()
        screens.append(rendered(app))
        await pilot.press("L")  # the link picker
        await pilot.pause()
        screens.append(rendered(app))
        await pilot.press("escape", "question_mark")  # help
        await pilot.pause()
        screens.append(rendered(app))
        await pilot.press("escape")
        screen_of(app).confirm(HOSTILE_TITLE, lambda: None)  # a modal with paper text
        await pilot.pause()
        screens.append(rendered(app))
    for text in screens:
        assert not has_control(text), repr(text[:200])
    assert "Evil ␛]52;c;ZXZpbA==␇ Clipboard Title ␛[31mRed" in screens[0]


# --- a real terminal ----------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_in_tmux_with_set_clipboard_on_the_clipboard_stays_empty(tmp_path: Path) -> None:
    """The browser shows the hostile paper in a real terminal that honours OSC 52: no buffer
    appears in tmux, and the screen still shows the list."""
    folder = tmp_path / "lib"
    subprocess.run([PAPERDECK, "--library", str(folder), "import", str(hostile_dump(tmp_path / "e.txt"))], check=True)
    Library.open(folder).add_papers([dirty_paper()])  # and one no source cleaned
    # A server of our own, never one an earlier run with the same pid left behind. `-t t:` is
    # session t's next free window: `-t t` failed 1 run in 40 ("index 0 in use").
    tmux = ["tmux", "-L", f"paperdeck-test-{os.getpid()}-{time.monotonic_ns()}", "-f", "/dev/null"]
    env = {**os.environ, "TERM": "xterm-256color"}
    subprocess.run([*tmux, "new-session", "-d", "-s", "t", "-x", "120", "-y", "40", "sleep 60"], check=True, env=env)
    try:
        subprocess.run([*tmux, "set", "-g", "set-clipboard", "on"], check=True)
        command = [*tmux, "new-window", "-t", "t:", f"{PAPERDECK} --library {folder}"]
        window = subprocess.run(command, capture_output=True, text=True, env=env)
        assert window.returncode == 0, window.stderr
        screen = ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "Calm Second Paper" not in screen:
            time.sleep(0.2)
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", "t"], capture_output=True, text=True).stdout
        for key in ("j", "j", "k", "L", "Escape"):  # every paper in the viewer, the link picker
            subprocess.run([*tmux, "send-keys", "-t", "t", key], check=True)
            time.sleep(0.4)
        screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", "t"], capture_output=True, text=True).stdout
        buffers = subprocess.run([*tmux, "list-buffers"], capture_output=True, text=True).stdout
        assert buffers == "", buffers
        assert "Calm Second Paper" in screen and "of 3 papers" in screen, screen
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def test_rows_printed_at_once_show_a_control_inside_a_field_and_keep_their_separators(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`list` prints its rows with one write: a tab, newline or escape inside a field is shown
    as a symbol (clean rows print as they are), and the separators stay the only tabs."""
    from paperdeck.tui.cli.output import emit_rows

    # Each alone: one field's control must be caught by its own check.
    for field, shown in (("a\ttab", "a␉tab"), ("line\nbreak", "line␊break"), (f"an {ESC}[2J escape", "an ␛[2J escape")):
        emit_rows([["1", "plain", "row"], ["2", field, "x"]])
        assert capsys.readouterr().out == f"1\tplain\trow\n2\t{shown}\tx\n"
    emit_rows([])
    assert capsys.readouterr().out == ""
