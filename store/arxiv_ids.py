"""arXiv identifiers: the one rule for what is one, used by every source, `REF` on the command
line and `like:`, and the pages every arXiv paper has (a module of its own so that none of
them loads another's code for it)."""

from __future__ import annotations

import re

# New-style ids since April 2007 (YYMM.NNNN, five digits from 2015), with an optional version;
# old-style ids are an archive (with an optional subject class) and YYMMNNN.
_NEW_ID = re.compile(r"(\d\d)(0[1-9]|1[0-2])\.(\d{4,5})(?:v\d{1,4})?", re.ASCII)
_OLD_ID = re.compile(r"([a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z]{2})?/(\d\d)(0[1-9]|1[0-2])(\d{3})(?:v\d{1,4})?", re.ASCII)
_ID_PREFIX = re.compile(r"^(?:arxiv:|https?://(?:export\.|www\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE)


def arxiv_id(value: object) -> str | None:
    """The arXiv id in `value` without its version (`2608.16590`, `astro-ph/0601001`), also
    given as `arXiv:…` or an abs/pdf URL; None when it is not the shape of one."""
    if not isinstance(value, str) or len(value) > 100:
        return None
    text = _ID_PREFIX.sub("", value.strip()).removesuffix(".pdf")
    new = _NEW_ID.fullmatch(text)
    if new:
        year_month = int(new.group(1) + new.group(2))
        # Four-digit numbers until 1412, five from 1501: the other length is a typo.
        if year_month < 704 or (len(new.group(3)) == 5) != (year_month >= 1501):
            return None
        return f"{new.group(1)}{new.group(2)}.{new.group(3)}"
    old = _OLD_ID.fullmatch(text)
    if old and (int(old.group(2)) >= 91 or int(old.group(2)) <= 7):
        # The subject class (`math.GT/…`) is not part of the canonical id.
        return f"{old.group(1)}/{old.group(2)}{old.group(3)}{old.group(4)}"
    return None


def abs_url(arxiv_id: str) -> str:
    """A paper's arXiv abstract page (the URL arXiv's own citations give)."""
    return f"https://arxiv.org/abs/{arxiv_id}"


def hf_url(arxiv_id: str) -> str:
    """A paper's Hugging Face page."""
    return f"https://huggingface.co/papers/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    """A paper's PDF on arXiv."""
    return f"https://arxiv.org/pdf/{arxiv_id}"
