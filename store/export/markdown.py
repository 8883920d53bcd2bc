"""A Markdown reading list: one list item per paper with its link, authors, year, star and
tags, then its TL;DR, the user's note, and links to arXiv, Hugging Face and the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from paperdeck.store.export.fields import Entry, arxiv_url, code_url, hf_url, materialize, one_line
from paperdeck.store.export.names import split_name
from paperdeck.store.models import Marks, Paper

# Characters that would start emphasis, code, a link, HTML, an entity, math (pandoc) or a table
# cell inside a line; escaped with a backslash, which CommonMark allows before any of them.
_INLINE = str.maketrans({char: "\\" + char for char in "\\`*_[]<>~$&|"})
# What would make a line that starts a paragraph a heading, quote, list or rule.
_BLOCK_START = re.compile(r"^(?:[#>+=-]|\d+[.)])")
# A sentence ends at . ! or ? before a space and a capital, a digit or an opening bracket or
# quote — unless the word before the stop is an abbreviation or an initial.
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z0-9(\"“])")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "al", "etc", "vs", "cf", "fig", "figs", "eq", "eqs", "approx", "resp"})
TLDR_LIMIT = 300  # characters of a first sentence, past which it is cut at a word


def markdown(entries: Iterable[Entry]) -> str:
    """The reading list: `- [Title](link) — First Author et al., 2025 · ★ · #tag` per paper,
    the rest indented under it (so every renderer keeps it in the item)."""
    return "\n".join(markdown_item(paper, marks) for paper, marks in materialize(entries))


def markdown_item(paper: Paper, marks: Marks) -> str:
    """One paper's list item, ending with a newline."""
    link = paper.primary_link
    title = escape_markdown(paper.title) if link else _paragraph(paper.title)
    head = f"[{title or 'Untitled'}]({_link_target(link.url)})" if link else title or "Untitled"
    byline = _byline(paper)
    details = [byline] if byline else []
    if marks.starred:
        details.append("★")
    if marks.tags:
        details.append(" ".join("#" + escape_markdown(tag) for tag in marks.tags))
    lines = [f"- {head}" + (" — " + " · ".join(details) if details else "")]
    tldr = paper.ai_summary or first_sentence(paper.abstract)
    if tldr:
        lines += ["", "  " + _paragraph(tldr)]
    if marks.note.strip():
        # The note is the user's own Markdown: kept as written, quoted so it reads as theirs.
        lines += [""] + ["  > " + line if line.strip() else "  >" for line in marks.note.strip().splitlines()]
    links = _links(paper)
    if links:
        lines += ["", "  " + " · ".join(links)]
    return "\n".join(lines) + "\n"


def escape_markdown(text: str) -> str:
    """Text that renders as itself inside a Markdown line (a title, a tag)."""
    return one_line(text).translate(_INLINE)


def first_sentence(abstract: str) -> str:
    """The abstract's first sentence (not ended by "e.g." or an initial), cut at a word past
    `TLDR_LIMIT` characters; "" for no abstract."""
    text = one_line(abstract)
    for match in _SENTENCE_END.finditer(text):
        before = text[: match.start()].rsplit(" ", 1)[-1]
        if before.lower().rstrip(".") in _ABBREVIATIONS or (len(before) == 1 and before.isupper()):
            continue
        text = text[: match.end()]
        break
    if len(text) > TLDR_LIMIT:
        text = text[:TLDR_LIMIT].rsplit(" ", 1)[0] + "…"
    return text


def _byline(paper: Paper) -> str:
    """ "Vaswani", "Vaswani and Shazeer" or "Vaswani et al.", then the year, as known."""
    names = [name for name in map(split_name, paper.authors) if name.family]
    surnames = [name.surname for name in names[:2]]
    count = len(names) or paper.authors_count or 0
    who = ""
    if surnames:
        who = f"{surnames[0]} et al." if count > 2 else " and ".join(surnames)
    year = str(paper.year) if paper.year else ""
    return escape_markdown(", ".join(part for part in (who, year) if part))


def _paragraph(text: str) -> str:
    """Text escaped as `escape_markdown`, and so that it cannot open a block where it starts a line."""
    escaped = escape_markdown(text)
    match = _BLOCK_START.match(escaped)
    if match:  # "1. …", "- …", "# …" would open a list or heading instead of a paragraph
        end = match.end()
        escaped = escaped[: end - 1] + "\\" + escaped[end - 1 :]
    return escaped


def _links(paper: Paper) -> list[str]:
    links = []
    if paper.arxiv_id:
        links += [f"[arXiv]({arxiv_url(paper.arxiv_id)})", f"[Hugging Face]({hf_url(paper.arxiv_id)})"]
    code = code_url(paper)
    if code:
        links.append(f"[Code]({_link_target(code)})")
    return links


def _link_target(url: str) -> str:
    # A parenthesis, angle bracket or space would end the link's destination early.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
