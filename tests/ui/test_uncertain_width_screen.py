"""Text whose width terminals disagree on never moves a column: with skin tones, ZWJ families, flags,
Devanagari vowel signs and an emoji newer than most terminals in a line (message, host, program, the
source's name), every row is exactly as wide as the screen under every terminal's idea of widths, and
the panel's border stays straight."""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len

from console.tail.contract import SourceState
from screen_helpers import FakeSource, list_rows, panel_text, screen_lines, settle, wait_until, width_tables

UNCERTAIN = ("\U0001F44D\U0001F3FD \U0001F468\u200d\U0001F469\u200d\U0001F467 \U0001F1EB\U0001F1F7 "
             "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e \U0001FAE8 \u2764\ufe0f")
CERTAIN = "caf\u00e9 \u90ae\u4ef6 \u041f\u0440\u0438\u0432\u0435\u0442"
LINE = (f"2026-11-24T10:00:00Z mail\U0001F44D\U0001F3FD smtpsrvr\u0947[1]: W-MTA_SMTP-DNSBLfailed: "
        f"{UNCERTAIN} {CERTAIN} end")
WIDTH_TABLES = width_tables(since=(9, 0))
SOURCE = "/var/isode/log/mta-event\U0001F468\u200d\U0001F469\u200d\U0001F467.log"


def widths(text: str) -> set[int]:
    """The width of a row as terminals of different ages draw it: rich's tables from Unicode 9 to
    the newest, and the simplest wcwidth (two cells for East Asian Wide and Fullwidth, else one)."""
    simple = sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)
    return {simple} | {cell_len(text, v) for v in WIDTH_TABLES}


def border_columns(rows: list[str], border: str) -> set[tuple[int, ...]]:
    """Where the last `border` character of each row starts, in cells, under every terminal's widths."""
    out = set()
    for row in rows:
        if border in row:
            before = row[: row.rindex(border)]
            out.add(tuple(sorted(widths(before))))
    return out


async def test_the_panel_border_stays_straight_and_rows_keep_their_width(make_app):
    source = FakeSource()
    app = make_app(source=source)
    async with app.run_test(size=(160, 30)) as pilot:
        source.send(["2026-11-24T10:00:00Z mail1 smtpsrvr[1]: I-MTA_SMTP-Connection: connection from a (b)",
                     LINE], path=SOURCE)
        await wait_until(pilot, lambda: len(app.model.held) == 2, what="both events")
        await settle(pilot)
        for row in screen_lines(app):
            assert widths(row) == {160}, f"a row drawn {sorted(widths(row))} cells wide: {row!r}"
        list_text = "\n".join(list_rows(app))
        assert "mail\\U0001f44d\\U0001f3fd" in list_text and "smtpsrvr\\u0947[1]" in list_text
        assert "\\U0001f44d\\U0001f3fd \\U0001f468\\u200d" in list_text and "\U0001F44D" not in list_text
        await pilot.press("enter")
        await settle(pilot)
        assert app.panel.is_open and app.event_list.current.raw == LINE
        rows = screen_lines(app)
        assert len(rows) == 30
        for row in rows:
            assert widths(row) == {160}, f"a row drawn {sorted(widths(row))} cells wide: {row!r}"
        # the panel's right border: one column on every row from its top corner to its bottom corner
        top = next(i for i, row in enumerate(rows) if "\u256e" in row)
        bottom = next(i for i, row in enumerate(rows) if "\u256f" in row)
        assert bottom - top > 10
        columns = border_columns(rows[top + 1:bottom], "\u2502") | border_columns([rows[top]], "\u256e")
        assert len(columns) == 1 and len(next(iter(columns))) == 1, columns
        # the text is all there, escaped where its width is uncertain, itself where it is not
        shown = panel_text(app)
        for literal in ("\\U0001f44d\\U0001f3fd", "\\U0001f468\\u200d\\U0001f469\\u200d\\U0001f467",
                        "\u0928\u092e\u0938\\u094d\u0924\\u0947", "\\U0001fae8", "\u2764\\ufe0f", CERTAIN):
            assert literal in shown, literal
        header = "\n".join(rows[:3])
        assert "mta-event\\U0001f468\\u200d\\U0001f469\\u200d\\U0001f467.log" in header


async def test_uncertain_text_in_the_header_keeps_it_on_its_lines(make_app):
    """A source's name and state detail in the header: escaped, the header keeps its width."""
    source = FakeSource()
    app = make_app(source=source)
    async with app.run_test(size=(80, 24)) as pilot:
        source.send([LINE], path="/logs/\u0915\u093f\U0001F3FD.log", state="unreadable",
                    detail="permission denied \U0001F44D\U0001F3FD")
        await wait_until(pilot, lambda: len(app.model.held) == 1, what="the event")
        await settle(pilot)
        rows = screen_lines(app)
        assert all(widths(row) == {80} for row in rows), [r for r in rows if widths(r) != {80}]
        assert any("\u0915\\u093f\\U0001f3fd.log" in row for row in rows[:6]), rows[:6]
        assert isinstance(source.states()["/logs/\u0915\u093f\U0001F3FD.log"], SourceState)
