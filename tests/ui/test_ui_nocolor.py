"""NO_COLOR: no colour anywhere, and every severity still tells itself apart by letter and weight."""

from __future__ import annotations

import itertools

from console.demo.simulator import Simulator
from console.ui.severity_styles import SeverityStyles

from .conftest import FIXED_START, SIZE, settle

SEVERE = ("critical", "fatal", "error", "warning")


def test_no_color_styles_differ_by_weight_not_colour(catalog, themes):
    for theme in themes.values():
        styles = SeverityStyles(catalog, theme, no_color=True)
        for sev in catalog.severities:
            assert styles.badge[sev.name].color is None and styles.line[sev.name].color is None
            assert styles.badge[sev.name].bgcolor is None
        # the levels an operator must not miss each look different from each other and from the rest
        for a, b in itertools.combinations([s.name for s in catalog.severities], 2):
            if a in SEVERE or b in SEVERE:
                assert styles.badge[a] != styles.badge[b], (a, b)
        # letter and weight together tell every level apart
        looks = {(sev.letter, styles.badge[sev.name]) for sev in catalog.severities}
        assert len(looks) == len(catalog.severities)
        assert len({sev.letter for sev in catalog.severities}) == len(catalog.severities)
        # reverse stays on the letter, so that the row's text reads normally
        assert styles.badge["critical"].reverse and not styles.line["critical"].reverse


def test_with_colour_every_severity_has_its_own_look(catalog, themes):
    """Colour and weight together (colour-blind shares one orange between fatal and error)."""
    for theme in themes.values():
        styles = SeverityStyles(catalog, theme, no_color=False)
        looks = [styles.badge[s.name] for s in catalog.severities]
        assert len(set(looks)) == len(looks), theme.name


def _style_at(strip, x: int):
    """The style of the cell at x (segments of one style may be joined)."""
    for seg in strip:
        if x < len(seg.text):
            return seg.style
        x -= len(seg.text)
    raise AssertionError("no such cell")


async def test_app_runs_with_no_color(make_app, decode, catalog, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color
    sim = Simulator(catalog, seed=5, start=FIXED_START)
    events = decode(sim.every_event())
    async with app.run_test(size=SIZE) as pilot:
        app.ingest(events, live=False)
        await settle(pilot)
        el = app.event_list
        seen = {}
        for y in range(el.size.height):
            index = el.scroll_offset.y + y
            if index == el.cursor or index >= len(app.model.view):
                continue  # the cursor row is reversed as a whole
            ev = app.model.view[index]
            strip = el.render_line(y)
            style = _style_at(strip, strip.text.index(f" {ev.letter} ") + 1)  # the badge
            seen.setdefault(ev.sev.name, set()).add((ev.letter, style.bold, style.reverse,
                                                     style.underline, style.dim, style.italic))
        for name in SEVERE:
            assert len(seen[name]) == 1, name
        assert len({next(iter(v)) for v in seen.values()}) == len(seen)
        # the theme can still change, and the styles stay colourless
        app.theme = "smtp-light"
        await settle(pilot)
        assert all(s.color is None for s in app.styles_by_theme.badge.values())
        await pilot.press("enter", "escape", "c", "c")
        assert app.is_running


def _colours(segments) -> set:
    """The colours the terminal is sent for these segments ("default" is no colour)."""
    found = set()
    for seg in segments:
        style = seg.style
        for colour in (style.color, style.bgcolor) if style is not None else ():
            if colour is not None and not colour.is_default:
                found.add(colour.name)
    return found


async def test_no_color_sends_no_colour_at_all(make_app, decode, catalog, monkeypatch):
    """Trial finding 4: Textual's own NO_COLOR filter made greys of the theme's colours; with
    NO_COLOR only attributes (bold, dim, underline, reverse) reach the terminal."""
    from rich.segment import Segment
    from textual.color import Color

    from screen_helpers import screen_segments

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    sim = Simulator(catalog, seed=5, start=FIXED_START)
    async with app.run_test(size=(80, 24)) as pilot:
        app.ingest(decode(sim.every_event()), live=True)
        await pilot.press("f", "enter")  # a hidden severity, the panel: dim and grey parts
        await settle(pilot)
        segments = [Segment(s.text, s.style) for s in screen_segments(app)]
        for line_filter in app.get_line_filters():
            segments = line_filter.apply(segments, Color(0, 0, 0))
        assert _colours(segments) == set()
        styles = [s.style for s in segments if s.style is not None and s.text.strip()]
        assert any(s.bold for s in styles) and any(s.reverse for s in styles)


def test_no_color_on_a_real_terminal(tmp_path):
    """The bytes the installed command writes to a pseudo-terminal under NO_COLOR: no SGR colour
    (30-37, 40-47, 90-107, 38;…, 48;…) other than the defaults 39 and 49."""
    import os
    import re
    import shutil

    from pty_capture import run_on_pty

    command = shutil.which("smtp-console")
    if command is None:
        import pytest
        pytest.skip("smtp-console is not installed in this environment")
    env = dict(os.environ, NO_COLOR="1", TERM="xterm-256color", COLORTERM="truecolor", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    out = run_on_pty([command, "--demo"], env, until=b"FOLLOWING", keys=b"f/smtp\r", then=b"/smtp/")
    colours = []
    for params in re.findall(rb"\x1b\[([0-9;:]*)m", out):
        parts = [p for p in params.replace(b":", b";").split(b";")]
        i = 0
        while i < len(parts):
            p = int(parts[i] or 0)
            if p in (38, 48, 58):
                colours.append(params)
                break
            if 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 107:
                colours.append(params)
            i += 1
    assert b"FOLLOWING" in out and not colours, colours[:10]
