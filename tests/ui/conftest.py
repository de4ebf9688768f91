"""Fixtures for the console UI tests: a deterministic app, deterministic lines, and ways to wait
for the app and to read what it shows."""

from __future__ import annotations

from datetime import datetime

import pytest

from screen_helpers import (FakeSource, FrozenClock, list_rows, panel_text,  # noqa: F401
                            record_notifications, screen_lines, screen_text, settle, wait_until)

from console.demo.simulator import Simulator

FIXED_START = datetime(2026, 11, 24, 9, 0, 0)
SIZE = (160, 45)
THEMES = ("smtp-dark", "smtp-light", "smtp-high-contrast", "smtp-colour-blind")

HOSTILE = ("2026-11-24 10:00:00.000 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: "
           "[b]x[/b] [@click=app.quit]q[/] \x1b[2J \x1b]52;c;SGVsbG8=\x07 \u202e \x00 end")


@pytest.fixture(autouse=True)
def _colour_terminal(monkeypatch):
    """A NO_COLOR in the developer's shell must not change the colour tests; the NO_COLOR tests set it."""
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def sim(catalog):
    return Simulator(catalog, seed=7, start=FIXED_START)


def traffic(sim: Simulator, n: int) -> list[str]:
    it = sim.lines()
    return [next(it) for _ in range(n)]
