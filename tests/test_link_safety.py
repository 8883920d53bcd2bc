"""Issue 6.7: links are data, never commands. Only plain http(s) links are opened or copied;
opening goes through `webbrowser` (no shell), and anything else is refused with a message."""

from __future__ import annotations

import os
import subprocess
import time
import webbrowser
from pathlib import Path

import pytest

from paperdeck.store.library import Library
from paperdeck.store.models import Link
from paperdeck.tui.opener import open_url
from paperdeck.tui.screens.modals import LinkPicker
from tests.pilot import make_app, screen_of

HOSTILE = [
    "javascript:alert(1)",
    "file:///etc/passwd",
    "https://example.org/$(touch /tmp/pwned)",
    "https://example.org/x;rm -rf ~",
    "https://example.org/`id`",
    "https://example.org/a|b",
    "https://example.org/\x1b]52;c;aGk=\x07",
]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[object]]:
    """Record every way a link could leave the app; shells are made to fail loudly."""
    seen: dict[str, list[object]] = {"browser": [], "shell": []}

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        seen["browser"].append(url)
        return True

    def no_shell(*args: object, **kwargs: object) -> None:
        seen["shell"].append(args)
        raise AssertionError("a shell was started")

    monkeypatch.setattr(webbrowser, "open", fake_open)
    monkeypatch.setattr(os, "system", no_shell)
    original_popen = subprocess.Popen

    def checked_popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        if kwargs.get("shell"):
            no_shell(*args)
        return original_popen(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(subprocess, "Popen", checked_popen)
    return seen


@pytest.mark.parametrize("url", HOSTILE)
def test_opener_refuses_what_is_not_a_plain_web_link(url: str, calls: dict[str, list[object]]) -> None:
    result = open_url(url)
    assert not result.opened and "Refused" in result.message
    assert calls == {"browser": [], "shell": []}


def test_opener_hands_a_web_link_to_webbrowser(calls: dict[str, list[object]]) -> None:
    assert open_url("https://wm-research.github.io/worldsplat/").opened
    assert calls["browser"] == ["https://wm-research.github.io/worldsplat/"] and not calls["shell"]


def test_a_real_browser_command_gets_the_link_as_one_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the real `webbrowser` with $BROWSER set: the URL arrives as argv[1], unparsed."""
    record = tmp_path / "argv.txt"
    script = tmp_path / "fake-browser"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$#" "$1" > {record}\n')
    script.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(script))
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # re-read $BROWSER
    monkeypatch.setattr(webbrowser, "_browsers", {})
    url = "https://example.org/a?b=c#d"
    assert open_url(url).opened
    for _ in range(100):
        if record.exists() and record.read_text().count("\n") == 2:
            break
        time.sleep(0.05)
    assert record.read_text().splitlines() == ["1", url]


async def test_the_browser_refuses_to_copy_or_open_hostile_links(
    library: Library, calls: dict[str, list[object]]
) -> None:
    paper = library.papers[sorted(library.papers)[0]]
    paper.links = [Link(url, "project") for url in HOSTILE[:3]]
    app, toasts = make_app(library)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        screen_of(app).set_query("")
        screen_of(app).paper_list.set_ids([paper.id])
        await pilot.pause()
        for key in ("c", "o", "1", "2", "3"):
            await pilot.press(key)
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, LinkPicker)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("L", "enter")
        await pilot.pause()
    refusals = [toast for toast in toasts if toast.startswith("Refused")]
    assert len(refusals) == 7, toasts
    assert copied == [] and calls == {"browser": [], "shell": []}
