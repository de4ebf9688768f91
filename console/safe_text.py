"""Makes log text (partly written by strangers) inert: every control, bidi or invisible
character is shown as a visible escape, so nothing in a line can style, move or act on a terminal."""

from __future__ import annotations

import re

_INVISIBLE = (
    [chr(c) for c in range(0x00, 0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
    + list("\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
           "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e"
           "\u206f\ufeff\ufff9\ufffa\ufffb")
)
_NEEDS = re.compile("[" + re.escape("".join(_INVISIBLE)) + "]")
_TABLE = {ord(ch): (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
          for ch in _INVISIBLE}
_TABLE[ord("\t")] = "\\t"
_TABLE[ord("\r")] = "\\r"
_TABLE[ord("\n")] = "\\n"
_TABLE[ord("\x1b")] = "\\e"


def visible(text: str) -> str:
    """The same text with each dangerous character replaced by a backslash escape."""
    if text is None:
        return ""
    if _NEEDS.search(text) is None:
        return text
    return text.translate(_TABLE)


def is_inert(text: str) -> bool:
    return _NEEDS.search(text) is None
