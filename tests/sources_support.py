"""What the source and fetch tests share: the recorded API answers, hostile strings, a check
that a paper carries no control character or unsafe link, and a raw loopback TCP server for
the failures an HTTP test server cannot stage (a dropped connection, a silent one)."""

from __future__ import annotations

import copy
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from paperdeck.store.clean import has_control
from paperdeck.store.links import is_safe_url
from paperdeck.store.models import Paper
from tests.conftest import REPO

HF_API = REPO.parent / "shared" / "hf-api"
OLD_DAY, NEW_DAY = "2024-10-25", "2026-08-20"
DATA = Path(__file__).parent / "data"
# Terminal escape sequences: OSC 52 (sets the clipboard), CSI 2J (clears the screen), and a
# C1 CSI (0x9b) that many terminals act on like ESC [.
OSC52, CLEAR, C1_CSI = "\x1b]52;c;ZXZpbA==\x07", "\x1b[2J", "\x9b31m"
HOSTILE = [OSC52, CLEAR, C1_CSI, "\x00", "\x07", "\r\n", "\u2028", "\x1b", "\x9d0;title\x9c", "\x1b[6n"]


def recorded(day: str) -> list[dict[str, Any]]:
    """A fresh copy of the recorded answer for `day` (tests change their copies)."""
    return json.loads((HF_API / f"daily_papers_{day}.json").read_text(encoding="utf-8"))


def many_items(count: int) -> list[dict[str, Any]]:
    """`count` distinct items made from the recorded ones (ids and titles numbered)."""
    base = recorded(NEW_DAY) + recorded(OLD_DAY)
    items = []
    for number in range(count):
        item = copy.deepcopy(base[number % len(base)])
        item["paper"]["id"] = f"2608.{10000 + number}"
        item["paper"]["title"] = f"{item['paper']['title']} (copy {number})"
        items.append(item)
    return items


def strings_of(paper: Paper) -> Iterator[str]:
    """Every string a paper holds, in any field, list or dict, but its abstract."""

    def walk(value: object) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, inner in value.items():
                yield from walk(key)
                yield from walk(inner)
        elif isinstance(value, list | tuple):
            for inner in value:
                yield from walk(inner)

    yield from walk({**paper.to_dict(), "abstract": ""})


def assert_clean(paper: Paper) -> None:
    """No control character anywhere in the paper (but the newlines between an abstract's
    paragraphs); only safe http(s) links."""
    for text in strings_of(paper):
        assert not has_control(text), (paper.id, text)
    assert not has_control(paper.abstract.replace("\n", " ")), paper.abstract
    assert "\n\n" not in paper.abstract and paper.abstract == paper.abstract.strip()
    for link in paper.links:
        assert link.url.startswith(("http://", "https://")) and is_safe_url(link.url), link
    for url in (paper.github_repo, paper.project_page):
        assert url is None or is_safe_url(url), url


@contextmanager
def raw_server(script: list[str]) -> Iterator[tuple[str, list[int]]]:
    """A TCP server on loopback serving one connection per step of `script`: `drop` closes it
    unanswered, `hold` keeps it open without answering, anything else is sent as the whole
    HTTP answer. Yields its base URL and the list of steps served so far (by index)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(10)
    served: list[int] = []
    held: list[socket.socket] = []

    def serve() -> None:
        for index, step in enumerate(script):
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            served.append(index)
            if step == "hold":
                held.append(connection)
                continue
            connection.settimeout(5)
            try:
                connection.recv(65536)
                if step != "drop":
                    connection.sendall(step.encode())
            except OSError:
                pass
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", served
    finally:
        listener.close()
        for connection in held:
            connection.close()
        thread.join(timeout=5)


def http_answer(body: bytes, status: str = "200 OK", content_type: str = "application/json") -> str:
    """A complete HTTP/1.1 answer as text."""
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head + body.decode()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port
