"""On screen, every character left as itself has one width that every terminal agrees on.

The oracle is rich's width tables for each Unicode version from 9.0 (glibc 2.26, 2017) to the newest
rich knows (the tables come from the wcwidth project): a character shown as itself must be one cell
(or two) in every one of them, and East Asian Width must say the same. What terminals disagree on
(marks, joiners, variation selectors, emoji, skin tones, flags, tomorrow's emoji) is escaped."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, get_character_cell_size, load_cell_table
from screen_helpers import width_tables

from console.safe_text import for_screen, screen_width, visible

TABLES = width_tables(since=(9, 0))
ALL = [chr(cp) for cp in range(0x110000)]


def simple_width(text: str) -> int:
    """wcwidth at its simplest: East Asian Wide or Fullwidth take two cells, everything else one."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def test_tables_cover_unicode_9_to_the_newest():
    assert TABLES[0] == "9.0.0" and len(TABLES) >= 10
    assert TABLES[-1] == load_cell_table("latest").unicode_version


def _cells_in(version: str, width: int) -> set[int]:
    """The code points that rich's table for `version` gives `width` cells (1 for any not listed)."""
    out: set[int] = set()
    for start, end, cells in load_cell_table(version).widths:
        if cells == width:
            out.update(range(start, end + 1))
    return out


def test_every_character_shown_as_itself_has_one_width_in_every_table():
    kept = {ord(c): screen_width(c) for c in ALL if screen_width(c)}
    assert len(kept) > 250_000  # most of Unicode still shows as itself
    wide = {cp for cp, w in kept.items() if w == 2}
    narrow = kept.keys() - wide
    for version in TABLES:
        two, zero = _cells_in(version, 2), _cells_in(version, 0)
        wrong = sorted((wide - two) | (narrow & (two | zero)))
        assert not wrong, (f"Unicode {version} disagrees on "
                           f"{[(hex(cp), unicodedata.name(chr(cp), '?')) for cp in wrong[:10]]}")
        assert all(get_character_cell_size(chr(cp), version) == kept[cp] for cp in list(kept)[::997])
    assert all(w == simple_width(chr(cp)) for cp, w in kept.items())


@pytest.mark.parametrize("text", [
    "café naïve Ærøskøbing Łódź", "Привет мир", "Καλημέρα", "邮件服务器", "メールサーバー", "메일 서버",
    "ｆｕｌｌｗｉｄｔｈ", "box ─│┌┐ ★ ✓ ° ± × § ¶ € £", "\ufffd replacement", "\ue000 private use",
])
def test_ordinary_text_is_shown_as_itself(text):
    assert for_screen(text) == text


@pytest.mark.parametrize("text, shown", [
    ("\U0001F44D\U0001F3FD", "\\U0001f44d\\U0001f3fd"),                      # thumbs up, skin tone
    ("\U0001F468\u200d\U0001F469\u200d\U0001F467",                            # family (ZWJ sequence)
     "\\U0001f468\\u200d\\U0001f469\\u200d\\U0001f467"),
    ("\U0001F1EB\U0001F1F7", "\\U0001f1eb\\U0001f1f7"),                      # a flag
    ("\u2764\ufe0f", "\u2764\\ufe0f"),                                        # VS16 dropped, ❤ stays
    ("\u231a", "\\u231a"),                                                    # wide since Unicode 9
    ("1\ufe0f\u20e3", "1\\ufe0f\\u20e3"),                                     # keycap
    ("\u0928\u092e\u0938\u094d\u0924\u0947", "\u0928\u092e\u0938\\u094d\u0924\\u0947"),  # नमस्ते
    ("\U0001FAE8", "\\U0001fae8"),                                            # Unicode 15: unknown here
    ("\U000E0100", "\\U000e0100"),                                            # variation selector 17
    ("\u1100\u1161\u11a8", "\uac01"),                                         # Hangul jamo: composed
    ("e\u0301 Z\u0351", "\u00e9 Z\\u0351"),                                   # composes, or escaped
])
def test_uncertain_widths_are_escaped(text, shown):
    assert for_screen(text) == shown


def test_escapes_are_the_visible_ones_and_idempotent():
    assert for_screen("\x1b[2J\u202e") == visible("\x1b[2J\u202e") == "\\e[2J\\u202e"
    text = "".join(ALL[:0x3000])
    once = for_screen(text)
    assert for_screen(once) == once


INTERESTING = st.sampled_from([
    "\U0001F44D\U0001F3FD", "\U0001F468\u200d\U0001F469\u200d\U0001F467", "\u0928\u092e\u0938\u094d\u0924\u0947",
    "\U0001F1EB\U0001F1F7", "\u2764\ufe0f", "e\u0301", "\u1100\u1161\u11a8", "\u90ae\u4ef6", "\u2630", "\u00ad",
    "\U0001FAE8", "\u0e01\u0e33", "\u3099", "\u200b", "\x1b[31m", "a",
])


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(st.text(alphabet=st.characters(codec=None), max_size=20), INTERESTING),
                max_size=12).map("".join))
def test_the_screen_width_of_any_text_is_the_simple_width(text):
    shown = for_screen(text)
    assert cell_len(shown) == simple_width(shown)  # rich lays the row out as every terminal draws it
    for version in ("9.0.0", "12.1.0", "15.1.0"):
        assert cell_len(shown, version) == simple_width(shown)
    assert all(screen_width(c) for c in shown)
    assert for_screen(shown) == shown
