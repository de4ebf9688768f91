"""Makes log text (partly written by strangers) inert: every control, bidi or invisible
character is shown as a visible escape, so nothing in a line can style, move or act on a terminal."""

from __future__ import annotations

import re

# Every control (Cc), format (Cf: bidi, zero-width, tags), line/paragraph separator and surrogate
# code point of Unicode 14 (Python 3.11), plus the blank fillers and invisible marks used to hide
# text. tests/hostile checks this list against unicodedata, so a newer Unicode cannot slip by.
_RANGES = (
    (0x00, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x34F, 0x34F), (0x600, 0x605), (0x61C, 0x61C),
    (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x2064),
    (0x2066, 0x206F), (0x3164, 0x3164), (0xD800, 0xDFFF), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE007F),
)
_CLASS = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in _RANGES)
_EXACT = re.compile(f"[{_CLASS}]")
# The screen used on every line: the BMP ranges plus all of the astral planes, which keeps the
# class a fast bitmap (the exact one is five times slower); translate() then escapes only _TABLE.
_NEEDS = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in _RANGES if b < 0x10000)
                    + "\U00010000-\U0010ffff]")


def _escape(cp: int) -> str:
    if cp < 0x100:
        return f"\\x{cp:02x}"
    return f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


_TABLE = {cp: _escape(cp) for a, b in _RANGES for cp in range(a, b + 1)}
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
    return _EXACT.search(text) is None
