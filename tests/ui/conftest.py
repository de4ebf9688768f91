"""Fixtures for the console UI tests: a deterministic app, deterministic lines, and ways to wait
for the app and to read what it shows."""

from __future__ import annotations

from datetime import datetime

import pytest

from screen_helpers import (FakeSource, FrozenClock, list_rows, panel_text,  # noqa: F401
                            screen_lines, screen_text, settle, wait_until)

from console.decoder import Decoder
from console.simulator import Simulator
from console.themes_data import load_themes

FIXED_START = datetime(2026, 11, 24, 9, 0, 0)
SIZE = (160, 45)
THEMES = ("smtp-dark", "smtp-light", "smtp-high-contrast", "smtp-colour-blind")

HOSTILE = ("2026-11-24 10:00:00.000 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: "
           "[b]x[/b] [@click=app.quit]q[/] \x1b[2J \x1b]52;c;SGVsbG8=\x07 \u202e \x00 end")


@pytest.fixture(autouse=True)
def _colour_terminal(monkeypatch):
    """A NO_COLOR in the developer's shell must not change the colour tests; the NO_COLOR tests set it."""
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(scope="session")
def themes(catalogue):
    return load_themes(catalogue=catalogue)


@pytest.fixture
def make_app(catalogue, themes):
    """ConsoleApp built the way launch() builds it, with a frozen clock."""
    from console.ui.app import ConsoleApp

    app_class = ConsoleApp.for_catalogue(catalogue)

    def make(*, theme: str = "smtp-dark", history: int = 100_000, clock=None, source=None):
        return app_class(catalogue=catalogue, themes=themes, theme=theme, history=history,
                         source=source, clock=clock or FrozenClock())
    return make


@pytest.fixture
def sim(catalogue):
    return Simulator(catalogue, seed=7, start=FIXED_START)


@pytest.fixture
def decode(catalogue):
    """Lines to fresh Events (the model numbers them, so never share Events between apps)."""
    decoder = Decoder(catalogue)

    def run(lines: list[str], source: str = "demo.log", first: int = 1):
        return [decoder.decode(line.encode(), source, i) for i, line in enumerate(lines, first)]
    return run


def traffic(sim: Simulator, n: int) -> list[str]:
    it = sim.lines()
    return [next(it) for _ in range(n)]
