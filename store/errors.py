"""The errors a user can cause, each carrying a one-line message written for a person.

The CLI and the browser catch `PaperdeckError` once, at the edge, and show its message.
"""


class PaperdeckError(Exception):
    """Base of every error paperdeck reports to the user as one line."""


class SourceError(PaperdeckError):
    """An input (a file, an API answer) that cannot be read at all as any format paperdeck
    knows, or as the one it was given as; the message names the input."""


class DumpError(SourceError):
    """A page dump that cannot be imported at all (the message names the file and line)."""


class FetchError(PaperdeckError):
    """A fetch from the Hugging Face or arXiv API that failed: unreachable, refused, an
    answer that is not the expected JSON or XML, or a server error that outlived the retries."""


class NotFoundError(FetchError):
    """A fetch the server answered 404 Not Found: the thing asked for is not there."""


class LibraryError(PaperdeckError):
    """A library file that is missing, damaged, locked, newer than this version, or unwritable."""


class NewerSchemaError(LibraryError):
    """A library file written by a newer paperdeck: not damage, so never "repaired"."""


class RefError(PaperdeckError):
    """A paper reference that matches no paper, or more than one."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []
