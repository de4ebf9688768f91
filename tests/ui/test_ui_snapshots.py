"""SVG snapshots of the console (pytest-textual-snapshot). Content is fixed: seeded simulator, fixed
start time, frozen clock for ev/s, history ingested with live=False so that no toast appears.

Update after an intended change with: pytest tests/ui --snapshot-update (then look at the diffs)."""

from __future__ import annotations

import pytest

from console.decode.decoder import Decoder
from console.demo.simulator import Simulator

from screen_helpers import settle

from .conftest import FIXED_START, HOSTILE, SIZE, THEMES


def snapshot_lines(catalog) -> list[str]:
    sim = Simulator(catalog, seed=3, start=FIXED_START)
    lines = sim.startup() + sim.every_event()
    for _ in range(3):
        lines += sim.session()
    return lines + [HOSTILE, "garbage line with no event token", sim.line("DNSBLfailed")]


def feed(catalog):
    async def run_before(pilot) -> None:
        decoder = Decoder(catalog)
        events = [decoder.decode(line.encode(), "/var/isode/log/mta-event.log", i)
                  for i, line in enumerate(snapshot_lines(catalog), 1)]
        pilot.app.ingest(events, live=False)
        await settle(pilot)
    return run_before


@pytest.mark.parametrize("theme", THEMES)
def test_main_screen(snap_compare, make_app, catalog, theme):
    assert snap_compare(make_app(theme=theme), terminal_size=SIZE, run_before=feed(catalog))


@pytest.mark.parametrize("theme", THEMES)
def test_panel_open(snap_compare, make_app, catalog, theme):
    """The panel on a catalogued event with parameters (the newest line)."""
    assert snap_compare(make_app(theme=theme), press=["enter"], terminal_size=SIZE,
                        run_before=feed(catalog))


def test_panel_on_hostile_line(snap_compare, make_app, catalog):
    """Markup, escapes and a bidi override shown escaped, in the row and in the panel."""
    assert snap_compare(make_app(), press=["up", "up", "enter"], terminal_size=SIZE,
                        run_before=feed(catalog))


def test_paused_filtered_acknowledged(snap_compare, make_app, catalog):
    """Rank 3, paused two rows up, one acknowledged (dimmed): header says so."""
    assert snap_compare(make_app(), press=["3", "up", "a", "up"], terminal_size=SIZE,
                        run_before=feed(catalog))


def test_help_screen(snap_compare, make_app, catalog):
    assert snap_compare(make_app(), press=["question_mark"], terminal_size=SIZE,
                        run_before=feed(catalog))


def test_no_color(snap_compare, make_app, catalog, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), press=["up", "enter"], terminal_size=SIZE, run_before=feed(catalog))


SMALL = (80, 24)


def test_main_screen_80x24(snap_compare, make_app, catalog):
    """The operator's SSH terminal: two header rows, the message gets the room."""
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=feed(catalog))


def test_panel_80x24(snap_compare, make_app, catalog):
    """The panel is a bottom pane at 80 columns, its values wrapped."""
    assert snap_compare(make_app(), press=["enter"], terminal_size=SMALL, run_before=feed(catalog))


def test_alert_burst_80x24(snap_compare, make_app, catalog):
    """Twenty fatal events: one alert line (merged, counted), one note, the list uncovered."""
    async def run_before(pilot) -> None:
        await feed(catalog)(pilot)
        decoder = Decoder(catalog)
        burst = [f"2026-11-24 10:01:{i:02d}.000 smtpsrvr[7] F-MTA_SMTP-ListenError: listener on 0.0.0.0:25"
                 f" failed: Address already in use" for i in range(20)]
        pilot.app.ingest([decoder.decode(b.encode(), "/var/isode/log/mta-event.log", 900 + i)
                          for i, b in enumerate(burst)])
        await settle(pilot)
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=run_before)
