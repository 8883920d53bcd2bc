"""Text from outside (page dumps, API answers, emails, old library files) made safe for a
terminal: no control character survives, and an escape sequence goes whole.

A title holding `ESC ] 52 ; c ; … BEL` sets the clipboard of whoever's terminal prints it;
`ESC [ 2 J` clears their screen; `ESC [ 6 n` makes the terminal type an answer into the
program. So every source cleans what it reads (`clean_line`, `clean_block`), and every place
that writes text to a terminal shows what is left visibly (`printable`), independently.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls (U+0080-U+009F; 0x9b is a CSI to many terminals).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# What a terminal would act on as one sequence, dropped whole so no debris is left visible:
# CSI (ESC [ or 0x9b) with its parameters and final byte; the string sequences OSC, DCS, SOS,
# PM and APC up to their terminator (BEL or ST), or to the end of the line when unterminated;
# any other ESC with its intermediate and final bytes; a lone ESC.
_SEQUENCE = re.compile(
    "(?:\x1b\\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    "|(?:\x1b[\\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\\\|\x9c)?"
    "|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
_BLOCK_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline
# Shown in place of a control character that reached the edge: C0 as its Unicode control
# picture (ESC as ␛), DEL as ␡, C1 as a replacement character. One cell each, never acted on.
_VISIBLE = {code: chr(0x2400 + code) for code in range(32)} | {0x7F: "\u2421"}
_VISIBLE |= dict.fromkeys(range(0x80, 0xA0), "\ufffd")
_VISIBLE_KEEPING_LINES = {code: shown for code, shown in _VISIBLE.items() if code not in (9, 10)}


def has_control(text: str) -> bool:
    """True when `text` holds any C0 or C1 control character or DEL (tab and newline count)."""
    return _CONTROL.search(text) is not None


# Every byte of UTF-8 but C0 controls (tab and newline kept) and DEL: deleting these from a
# text's bytes leaves its C0 and DEL. A C1 control is 0xc2 then 0x80-0x9f in UTF-8.
_NOT_C0 = bytes(range(0x20, 0x7F)) + b"\t\n" + bytes(range(0x80, 0x100))


def has_block_control(text: str) -> bool:
    """True when `text` holds a control character other than tab and newline. For the
    2.4 MB that `list` prints at once: deleting bytes is ~1 ms where the search is ~7 ms."""
    data = text.encode("utf-8", "surrogatepass")
    if data.translate(None, _NOT_C0):
        return True
    return b"\xc2" in data and _BLOCK_CONTROL.search(text) is not None


def clean_line(text: str) -> str:
    """A one-line field (title, author, tag, keyword): escape sequences dropped whole, line
    breaks and tabs made spaces, every other control removed, white space folded."""
    if _CONTROL.search(text) is None:
        # isprintable is False for every white space but the space (no-break, ideographic…).
        if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
            return text
        return " ".join(text.split())
    text = _SEQUENCE.sub("", text)
    # str.split() breaks at \t \n \v \f \r and \x1c-\x1f: those become single spaces.
    text = " ".join(text.split())
    return _CONTROL.sub("", text)


def clean_block(text: str) -> str:
    """Multi-line text (an abstract, a note): as `clean_line`, but newlines and tabs are kept
    (CR LF and a lone CR become a newline) and white space is not folded."""
    if _CONTROL.search(text) is None:
        return text
    text = _SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _BLOCK_CONTROL.sub("", text)


def printable(text: str, multiline: bool = False) -> str:
    """Text as it may go to a terminal: any control character left is shown as a visible
    symbol instead (newlines and tabs kept when `multiline`). For the edge: what the sources
    cleaned passes through unchanged, at the cost of one search."""
    if _CONTROL.search(text) is None:
        return text
    return text.translate(_VISIBLE_KEEPING_LINES if multiline else _VISIBLE)


def json_safe(encoded: bytes) -> bytes:
    """JSON (UTF-8) that a terminal may print: JSON escapes C0 already; DEL and C1 are legal
    raw in JSON strings but not on a terminal, so they are escaped too (`\\u009b`)."""
    if b"\x7f" not in encoded and b"\xc2" not in encoded:
        return encoded
    return re.sub(rb"\x7f|\xc2([\x80-\x9f])", _escape_raw, encoded)


def _escape_raw(match: re.Match[bytes]) -> bytes:
    code = 0x7F if match.group(1) is None else match.group(1)[0]
    return b"\\u%04x" % code
