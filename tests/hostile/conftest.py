"""Fixtures for the hostile suite: a site layout that lets strangers' text into every field, the app
built as launch() builds it, and a source the test feeds by hand."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from screen_helpers import (list_rows, panel_text, screen_lines, screen_segments,  # noqa: F401
                                  settle, wait_until as until)

# One permissive site layout: every field is "anything but |", so hostile text reaches the time, host,
# program, pid, letter, facility and event columns, not only the message.
PIPE_LAYOUT = r"""
layouts:
  - name: hostile-pipes
    time: iso
    regex: '^(?P<timestamp>[^|]*)\|(?P<host>[^|]*)\|(?P<program>[^|]*)\|(?P<pid>[^|]*)\|(?P<letter>[^|])\|(?P<facility>[^|]*)\|(?P<event>[^|]*)\|(?P<message>.*)$'
"""
FIXED_START = datetime(2026, 11, 24, 9, 0, 0)


def pipe_line(*, ts: str = "2026-11-24 10:00:00.000", host: str = "mail1", program: str = "smtpsrvr",
              pid: str = "42", letter: str = "W", facility: str = "MTA_SMTP", event: str = "DNSBLfailed",
              message: str = "x") -> str:
    return "|".join([ts, host, program, pid, letter, facility, event, message])


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("site-catalog")
    (d / "layouts.yaml").write_text(PIPE_LAYOUT, encoding="utf-8")
    return d


@pytest.fixture(scope="session")
def site_catalogue(site_dir):
    from console.catalogue_loader import load_catalogue
    return load_catalogue([site_dir])


@pytest.fixture(scope="session")
def themes(catalogue):
    from console.themes_data import load_themes
    return load_themes(catalogue=catalogue)


class FrozenClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FakeSource:
    """Stands in for the tailer: the test decides what each batch holds and when it arrives."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue = asyncio.Queue()

    async def batches(self):
        while True:
            batch = await self.queue.get()
            if batch is None:
                return
            yield batch

    def send(self, lines, *, path: str = "/var/isode/log/mta-event.log", state: str = "following",
             detail: str = "", backfill: bool = False, first: int = 1) -> None:
        from console.tail.model import Batch, RawLine, SourceState
        raw = [RawLine(path, first + i, line if isinstance(line, bytes) else line.encode("utf-8"))
               for i, line in enumerate(lines)]
        self.queue.put_nowait(Batch(raw, [SourceState(path, state, detail)], backfill=backfill))


@pytest.fixture
def make_app(catalogue, themes):
    """ConsoleApp built the way launch() builds it (for any catalogue), with a frozen clock."""
    from console.ui.app import ConsoleApp

    def make(*, cat=None, theme: str = "smtp-dark", history: int = 100_000, source=None):
        cat = cat or catalogue
        return ConsoleApp.for_catalogue(cat)(catalogue=cat, themes=themes, theme=theme, history=history,
                                             source=source, clock=FrozenClock())
    return make


async def until(pilot, cond, *, timeout: float = 10.0, what: str = "condition") -> None:
    """Polls while letting the app run; fails after the deadline."""
    import time
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await pilot.pause(0.02)
