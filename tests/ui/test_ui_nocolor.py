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
