"""Shared, generic fixtures for the whole suite. Keep this small: feature-specific
fixtures belong next to the tests that use them."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # the checkout need not be installed to be tested
    sys.path.insert(0, str(REPO_ROOT))
TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:  # shared helper modules (screen_helpers) import by their own unique names
    sys.path.insert(0, TESTS)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def catalog():
    """The shipped catalogue, loaded once. Treat it as read-only."""
    from console.catalog.loader import load_catalog
    return load_catalog()


@pytest.fixture
def decoder(catalog):
    """A fresh Decoder per test (a Decoder reorders its layouts as it goes)."""
    from console.decode.decoder import Decoder
    return Decoder(catalog)


@pytest.fixture
def decode(catalog):
    """decode(lines, source="demo.log", first=1): text lines to fresh Events, numbered from `first`
    (a model numbers the events it holds, so never share Events between models or apps)."""
    from console.decode.decoder import Decoder
    decoder = Decoder(catalog)

    def run(lines: list[str], source: str = "demo.log", first: int = 1):
        return [decoder.decode(line.encode(), source, i) for i, line in enumerate(lines, first)]
    return run


@pytest.fixture(scope="session")
def themes(catalog):
    """The shipped themes, loaded once."""
    from console.themes_data import load_themes
    return load_themes(catalog=catalog)


@pytest.fixture
def make_app(catalog, themes):
    """ConsoleApp built the way launch() builds it (for the shipped catalogue, or `cat`), with a clock
    that moves only when the test says (screen_helpers.FrozenClock). For tests/ui and tests/hostile."""
    from screen_helpers import FrozenClock

    from console.ui.app import ConsoleApp

    def make(*, cat=None, theme: str = "smtp-dark", history: int = 100_000, clock=None, source=None,
             notify: bool = True):
        _loop_for_39(loops)
        return ConsoleApp(catalog=cat or catalog, themes=themes, theme=theme, history=history, source=source,
                          clock=clock or FrozenClock(), notify=notify)
    loops: list = []
    yield make
    for loop in loops:
        loop.close()
        asyncio.set_event_loop(None)


def _loop_for_39(loops: list) -> None:
    """On 3.9 an asyncio lock binds the current loop when it is made (Textual's widgets make some in
    __init__) and App.run runs that loop: an app built outside a running loop (snap_compare) gets a
    fresh one, as `smtp-console` on 3.9 does (launch builds the app, then runs it)."""
    if sys.version_info >= (3, 10):
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        loops.append(asyncio.new_event_loop())
        asyncio.set_event_loop(loops[-1])
