"""Find, clean and classify the links inside an abstract.

Abstracts from Daily Papers pages carry links glued to sentence punctuation, wrapped in
brackets, left without a scheme, or followed by LaTeX debris; this module turns them into
clean https URLs with a kind (project, code or data).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import urlsplit

from paperdeck.store.arxiv_ids import abs_url, hf_url, pdf_url
from paperdeck.store.models import Link, Paper

# A URL with a scheme may start anywhere (LaTeX glues `available~https://...`).
_SCHEMED = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# Scheme-less links only on hosts where they are unambiguous.
_BARE = re.compile(
    r"(?<![\w.@/-])"
    r"((?:[a-z0-9-]+\.)+(?:github|gitlab)\.io|(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co))"
    r"(/[^\s<>\"'`]*)?",
    re.IGNORECASE,
)
_BARE_ANCHOR = re.compile(r"(?:github|gitlab)\.(?:io|com)|huggingface\.co", re.IGNORECASE)
_BARE_HOST_WORDS = ("github.", "gitlab.", "huggingface.co")
_TRAILING_PUNCT = ".,;:!?'\"`*"
_BRACKETS = {")": "(", "]": "[", "}": "{"}
_UNSAFE = frozenset("`$;|&<>\\\"'")  # what a shell or a launcher's script would act on
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org")


def find_links(text: str) -> list[Link]:
    """Every link in `text`, in order of appearance, cleaned and classified, without duplicates."""
    found: list[tuple[int, str]] = []
    lowered = text.lower()
    # Most abstracts have no link: skip the regexes (the scheme-less one is slow: it tries a
    # host at every word) unless a scheme or one of the bare hosts is there at all.
    has_scheme = "://" in lowered
    if not has_scheme and not any(host in lowered for host in _BARE_HOST_WORDS):
        return []
    masked = text
    for match in _schemed_links(text) if has_scheme else ():
        url = clean_url(match.group(0))
        if url:
            found.append((match.start(), url))
        # Blank the match so the scheme-less pass cannot find its host a second time.
        masked = masked[: match.start()] + " " * len(match.group(0)) + masked[match.end() :]
    if masked is not text and not any(host in masked.lower() for host in _BARE_HOST_WORDS):
        masked = ""  # every host word was inside a schemed link: no scheme-less pass (~35 µs)
    for match in _bare_links(masked):
        url = clean_url("https://" + match.group(0))
        if url:
            found.append((match.start(), url))
    found.sort()
    links: list[Link] = []
    seen: set[str] = set()
    for _, url in found:
        if url not in seen:
            seen.add(url)
            links.append(Link(url, classify(url)))
    return links


def _schemed_links(text: str) -> Iterator[re.Match[str]]:
    """`_SCHEMED.finditer(text)`, found from each `://` outward: the regex alone tries an
    `http` at every letter of the abstract (~11 µs each; 6% of an import's time)."""
    colon = text.find("://")
    while colon != -1:
        match = None
        for start in (colon - 5, colon - 4):  # `https` before `http`: the leftmost start wins
            if start >= 0 and text[start:colon].lower() in ("https", "http"):
                match = _SCHEMED.match(text, start)
                break
        colon = text.find("://", match.end() if match else colon + 3)
        if match is not None:
            yield match


def _bare_links(text: str) -> Iterator[re.Match[str]]:
    """`_BARE` matches, found from the host names outward: scanning `_BARE` itself tries a
    host at every word of the abstract (~100 µs each; a third of an import's time)."""
    resume = 0
    for anchor in _BARE_ANCHOR.finditer(text):
        if anchor.start() < resume:
            continue
        start = anchor.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-."):
            start -= 1
        match = _BARE.match(text, start)
        if match is not None:
            resume = match.end()
            yield match


def clean_url(raw: str) -> str | None:
    """Strip LaTeX debris, trailing punctuation and unbalanced closing brackets from a URL.

    Returns None when nothing URL-like is left (e.g. `https://.`).
    """
    url = raw
    # LaTeX debris: `README.md{here.}` or `\url{...}` tails; a brace never belongs in a link.
    brace = url.find("{")
    if brace != -1:
        url = url[:brace]
    url = url.split("\\", 1)[0]
    while url:
        last = url[-1]
        if last in _TRAILING_PUNCT or (last in _BRACKETS and url.count(last) > url.count(_BRACKETS[last])):
            url = url[:-1]
        else:
            break
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    if not host or "." not in host.strip("."):
        return None
    return scheme.lower() + "://" + rest


def classify(url: str) -> str:
    """`code` for a repository host, `data` for Hugging Face models/datasets, else `project`."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = host.removeprefix("www.")
    if host in _CODE_HOSTS:
        return "code"
    if host == "huggingface.co":
        first = parts.path.strip("/").split("/", 1)[0]
        # Spaces are demos and /papers are pages: both count as project links.
        return "project" if first in ("spaces", "papers", "") else "data"
    return "project"


def is_safe_url(url: str) -> bool:
    """True for an http(s) URL with a host and no character a shell, a launcher or a terminal
    would act on: quotes (macOS hands URLs to AppleScript), controls including C1 (0x9b is a
    CSI to a terminal), and invisible format characters such as bidi overrides."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket: http://[::1
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    return not any(
        ch.isspace() or ch in _UNSAFE or ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or unicodedata.category(ch) == "Cf"
        for ch in url
    )


def derived_links(arxiv_id: str | None) -> list[Link]:
    """The links every paper with an arXiv id has: its Hugging Face page, arXiv abstract page
    and PDF."""
    if not arxiv_id:
        return []
    return [Link(hf_url(arxiv_id), "hf"), Link(abs_url(arxiv_id), "arxiv"), Link(pdf_url(arxiv_id), "pdf")]


def all_links(paper: Paper) -> list[Link]:
    """A paper's project, code and data links, then the ones derived from its arXiv id."""
    known = {link.url for link in paper.links}
    return [*paper.links, *(link for link in derived_links(paper.arxiv_id) if link.url not in known)]
