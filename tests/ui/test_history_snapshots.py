"""SVG snapshots of looking back (issue 14): the timeline, the summary and the `:` prompt, at the
operator's 80×24 and at 160×45, from seeded simulator traffic over ten minutes.

Update after an intended change with: pytest tests/ui/test_history_snapshots.py --snapshot-update
(then look at the SVGs)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.decode.decoder import Decoder
from console.demo.simulator import Simulator
from console.ui.summary_screen import SummaryScreen
from console.ui.timeline_screen import TimelineScreen

from screen_helpers import settle, wait_until

from .conftest import FIXED_START, SIZE

SMALL = (80, 24)
SIZES = pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "160x45"])


def ten_minutes(catalog) -> list[str]:
    """Sessions every few seconds for ten minutes, a burst of errors in the middle."""
    sim = Simulator(catalog, seed=5, start=FIXED_START)
    lines = sim.startup()
    for i in range(120):
        lines += sim.session()
        if 55 <= i < 60:
            lines += [sim.line("SPFfail") for _ in range(8)]
        sim.clock += timedelta(seconds=5)
    return lines


def fed(catalog, *keys: str, until=None):
    async def run_before(pilot) -> None:
        decoder = Decoder(catalog)
        events = [decoder.decode(line.encode(), "/var/isode/log/mta-event.log", i)
                  for i, line in enumerate(ten_minutes(catalog), 1)]
        pilot.app.ingest(events, live=False)
        await settle(pilot)
        await pilot.press(*keys)
        if until is not None:
            await wait_until(pilot, lambda: until(pilot.app), what="the screen to be counted")
        await pilot.pause()
    return run_before


def _timeline_ready(app) -> bool:
    return isinstance(app.screen, TimelineScreen) and not app.screen.feeder.recounting and bool(app.screen.chart.rows)


def _summary_ready(app) -> bool:
    return isinstance(app.screen, SummaryScreen) and app.screen.done and bool(app.screen.rows_by_key)


@SIZES
def test_timeline(snap_compare, make_app, catalog, size):
    """Paused mid-history (the ▶ mark), the errors' burst visible in its bucket."""
    keys = ["pageup"] * 10
    assert snap_compare(make_app(), terminal_size=size,
                        run_before=fed(catalog, *keys, "T", until=_timeline_ready))


def test_timeline_no_color(snap_compare, make_app, catalog, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=fed(catalog, "T", until=_timeline_ready))


@SIZES
def test_summary(snap_compare, make_app, catalog, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=fed(catalog, "S", until=_summary_ready))


@SIZES
def test_go_to_time_prompt(snap_compare, make_app, catalog, size):
    """A time before the history: the prompt stays open and says what the list holds."""
    assert snap_compare(make_app(), terminal_size=size,
                        run_before=fed(catalog, "colon", *"08:00", "enter"))
