"""Makes log text (partly written by strangers) inert: every control, bidi or invisible
character is shown as a visible escape, so nothing in a line can style, move or act on a terminal."""

from __future__ import annotations

import re
import unicodedata

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


# -- on screen: every character of a width all terminals agree on ------------------------------------
#
# A terminal advances its cursor by its own idea of each character's width. Where terminals (and
# rich, which lays out the screen) disagree, a row is drawn longer or shorter than planned: the panel's
# border moves and the rest of one row lands on the next. So the screen shows a character as itself
# only when its width is certain:
#   - narrow: assigned, not a mark or format character (combining, spacing and enclosing marks,
#     variation selectors and joiners are drawn in a cell or in none, depending on the terminal),
#     East Asian Width N, Na, H or A (ambiguous is narrow outside CJK-legacy setups; it covers
#     accented Latin, Greek and Cyrillic), and not in _KUHN_WIDE;
#   - wide: East Asian Width W or F *and* in _KUHN_WIDE, the ranges that every wcwidth since Markus
#     Kuhn's of 2007 calls wide (CJK, Hangul syllables, kana, fullwidth forms).
# Everything else is escaped: emoji (W since Unicode 9 or later, narrow in older tables; modifiers,
# regional indicators, ZWJ sequences), code points this Python's Unicode does not know (tomorrow's
# emoji), conjoining Hangul vowels and finals, and the few whose width changed between Unicode 9 and
# 17 (_WIDTH_CHANGED, for Pythons whose Unicode is newer than 14 too). tests/unit/test_screen_width.py
# checks this against every width table of Unicode 9 to 17 (Pythons 3.9 to 3.13 pass it).
_KUHN_WIDE = ((0x1100, 0x115F), (0x2329, 0x232A), (0x2E80, 0x303E), (0x3040, 0xA4CF),
              (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE10, 0xFE19), (0xFE30, 0xFE6F),
              (0xFF00, 0xFF60), (0xFFE0, 0xFFE6), (0x20000, 0x2FFFD), (0x30000, 0x3FFFD))
_UNCERTAIN = (
    (0x1160, 0x11FF), (0xD7B0, 0xD7FF),  # Hangul vowels and finals: joined to the syllable before
    (0x1F000, 0x1FAFF),                  # the emoji blocks: text or emoji presentation, 1 or 2 cells
)
_WIDTH_CHANGED = ((0x1CF2, 0x1CF3), (0x2630, 0x2637), (0x268A, 0x268F), (0x2FFC, 0x2FFF),
                  (0x312E, 0x312F), (0x31BB, 0x31BF), (0x31E4, 0x31E5), (0x31EF, 0x31EF),
                  (0x32FF, 0x32FF), (0x4DC0, 0x4DFF), (0x1D300, 0x1D356), (0x1D360, 0x1D376))
_NO_CELL = frozenset(("Mn", "Mc", "Me", "Cf", "Cc", "Cs", "Zl", "Zp", "Cn"))
_CACHE_MAX = 65_536


def _within(cp: int, ranges) -> bool:
    return any(a <= cp <= b for a, b in ranges)


def screen_width(ch: str) -> int:
    """The cells a character takes on every terminal: 1 or 2, or 0 when terminals disagree (such a
    character is escaped on screen)."""
    cp = ord(ch)
    if cp in _TABLE or unicodedata.category(ch) in _NO_CELL:  # escaped by visible() already
        return 0
    if _within(cp, _UNCERTAIN) or _within(cp, _WIDTH_CHANGED):
        return 0
    wide = unicodedata.east_asian_width(ch) in ("W", "F")
    if wide != _within(cp, _KUHN_WIDE):
        return 0
    return 2 if wide else 1


class _ScreenTable(dict):
    """str.translate's table, filled in as characters are first seen (a few hundred in practice)."""

    def __missing__(self, cp: int):
        value = cp if screen_width(chr(cp)) else _escape(cp)
        if len(self) < _CACHE_MAX:
            self[cp] = value
        return value


_SCREEN = _ScreenTable()
# A letter followed by combining accents that Unicode composes into one character (e + U+0301 is é):
# shown composed, so decomposed text (macOS file names) reads normally. Whatever does not compose
# keeps its marks, escaped.
_COMPOSABLE = re.compile(".[\u0300-\u036f\u1160-\u11ff\u3099\u309a]+", re.DOTALL)


def _compose(m: re.Match) -> str:
    text = m.group(0)
    composed = unicodedata.normalize("NFC", text)
    return composed if all(screen_width(c) for c in composed) else text


def for_screen(text: str) -> str:
    """visible(), and every character whose width terminals disagree on escaped too: what the
    console draws, so that no row is ever longer or shorter than the screen planned."""
    if text is None:
        return ""
    if text.isascii():
        return visible(text)
    if not unicodedata.is_normalized("NFC", text):
        text = _COMPOSABLE.sub(_compose, text)
    return visible(text).translate(_SCREEN)
