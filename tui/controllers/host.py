"""What the controllers need of the screen they work for (the main screen provides it): the
library, the browsing state they act on, and the screen's ways to speak — without importing
the screen (which imports them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from textual.app import App
from textual.message import Message
from textual.timer import Timer
from textual.worker import Worker

from paperdeck.store.library import Library
from paperdeck.store.models import Paper
from paperdeck.store.search import SearchResult


class Copier(Protocol):
    """Copies text with an honest toast (tui/controllers/linking.py)."""

    def copy(self, text: str, what: str) -> None: ...


class Browser(Protocol):
    """The main screen as its controllers see it."""

    library: Library
    selection: set[str]
    result: SearchResult
    linking: Copier

    @property
    def app(self) -> App[Any]: ...

    @property
    def current_paper(self) -> Paper | None: ...

    def selected_in_order(self) -> list[str]: ...

    def confirm(self, question: str, yes: Callable[[], None]) -> None: ...

    def notify(
        self, message: str, *, title: str = "", severity: Any = "information", timeout: float | None = None
    ) -> None: ...

    def post_message(self, message: Message) -> bool: ...

    def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Worker[Any]: ...

    def set_timer(self, delay: float, callback: Any = None, **kwargs: Any) -> Timer: ...

    def set_interval(self, interval: float, callback: Any = None, **kwargs: Any) -> Timer: ...

    def call_after_refresh(self, callback: Any, *args: Any, **kwargs: Any) -> bool: ...
