"""Log text is data: markup, escapes, control and bidi characters in a line are shown, never obeyed."""

from __future__ import annotations

import re

from textual.content import Content

from console.safe_text import visible

from .conftest import (HOSTILE, SIZE, list_rows, panel_text, record_notifications, screen_lines, screen_text,
                       settle, traffic)

RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
LITERALS = ["[b]x[/b]", "[@click=app.quit]q[/]", "\\e[2J", "\\e]52;c;SGVsbG8=\\x07", "\\u202e", "\\x00"]


def assert_inert(text: str) -> None:
    found = RAW_CONTROLS.findall(text)
    assert not found, f"raw control characters reached the screen: {found!r}"


async def test_hostile_line_is_shown_literally_in_the_list_and_the_panel(make_app, sim, decode):
    app = make_app()
    events = decode(traffic(sim, 10) + [HOSTILE] + traffic(sim, 2), source="hostile\x1b[31m.log")
    hostile = events[10]
    async with app.run_test(size=SIZE) as pilot:
        app.ingest(events, live=False)
        await settle(pilot)
        # the list row: every piece of the line visible and escaped
        row = next(r for r in list_rows(app) if "DNSBLfailed" in r)
        row_y, click_x = list_rows(app).index(row), row.index("[@click") + 2
        for literal in LITERALS:
            assert literal in row, literal
        assert_inert("\n".join(list_rows(app)))
        # what reaches the terminal: the composed screen and its SVG export
        for literal in LITERALS[:2]:
            assert literal in screen_text(app)
        assert_inert(screen_text(app))
        svg = app.export_screenshot()
        assert_inert(svg)
        assert "[b]x[/b]" in svg.replace("&#160;", " ")
        # no [b] turned into bold: the message is one segment in the line's own (non-bold) style
        strip = app.event_list.render_line(row_y)
        message_segments = [seg for seg in strip if "[b]x[/b]" in seg.text]
        assert len(message_segments) == 1 and not message_segments[0].style.bold
        assert not any(seg.style and seg.style.link for seg in strip)

        # the panel, opened on the hostile line
        await pilot.press("up", "up", "enter")
        assert app.event_list.current is hostile
        text = panel_text(app)
        assert_inert(text)
        for literal in LITERALS:
            assert text.count(literal) >= 2, literal  # in the message and in the raw line
        assert "hostile\\e[31m.log:11" in text
        assert_inert(screen_text(app))
        panel_rows = "\n".join(r[app.panel.region.x:] for r in screen_lines(app))
        assert "[b]x[/b]" in panel_rows and "[@click=app.quit]q[/]" in panel_rows

        # clicking the row and the panel text, and pressing keys, never runs the embedded action
        await pilot.press("escape")
        await pilot.click("#events", offset=(click_x, row_y))
        assert app.event_list.current is hostile
        await pilot.press("enter")
        await settle(pilot)
        px = app.panel.region.x
        for y, text_row in enumerate(screen_lines(app)):
            if "[@click" in text_row[px:]:  # the message and raw line rows in the panel
                await pilot.click(offset=(px + text_row[px:].index("[@click") + 2, y))
        await pilot.press("y", "a", "enter")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert app.clipboard == visible(HOSTILE)  # y copies the line with its controls escaped: a paste runs nothing


async def test_hostile_critical_notification_is_literal(make_app, decode):
    app = make_app()
    line = HOSTILE.replace(" W-MTA_SMTP-DNSBLfailed", " C-MTA_SMTP-Critical")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        notes = record_notifications(app, show=True)
        app.ingest(decode([line]))
        await settle(pilot)
        assert len(notes) == 1 and notes[0][1]["markup"] is False
        assert "[b]x[/b] [@click=app.quit]q[/]" in notes[0][0]
        assert_inert(notes[0][0])
        # the toast on screen: literal, and clicking it does not quit
        toast_row = next((i for i, r in enumerate(screen_lines(app)) if "[@click=app.quit]" in r
                          and "MTA_SMTP-Critical:" in r), None)
        assert toast_row is not None, "the toast did not show the literal markup"
        assert_inert(screen_text(app))
        await pilot.click(offset=(screen_lines(app)[toast_row].index("[@click") + 2, toast_row))
        await settle(pilot)
        assert app.is_running and app.return_code is None


async def test_hostile_filter_text_is_literal_in_the_header(make_app, sim, decode):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.ingest(decode(traffic(sim, 5) + [HOSTILE]), live=False)
        await settle(pilot)
        await pilot.press("slash", *"[b]x[/b]")
        await settle(pilot)
        assert app.model.filter.text.text == "[b]x[/b]"
        assert "filter: /[b]x[/b]/" in screen_text(app)
        await pilot.press("enter")
        await pilot.click("#status", offset=(20, 3))
        await settle(pilot)
        assert app.is_running and app.return_code is None


async def test_panel_title_is_not_markup(make_app, catalog):
    """Names come from the layout regex; a site's looser layout must not turn them into markup."""
    from console.decode.event import Event

    app = make_app()
    error = next(s for s in catalog.severities if s.name == "error")
    ev = Event("raw [b]", "src", 1, letter="E", facility="[b]FAC", event="[@click=app.quit]x", message="m",
               sev=error)
    async with app.run_test(size=SIZE) as pilot:
        app.ingest([ev], live=False)
        await pilot.press("enter")
        assert Content.from_markup(app.panel.border_title).plain == "[b]FAC-[@click=app.quit]x"
        assert "Unknown event: [b]FAC-[@click=app.quit]x is not in the catalogue" in panel_text(app)
