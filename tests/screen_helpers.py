"""Driving a console in Pilot tests: a source the test feeds by hand, a clock that moves only when
told, what the screen, the list and the panel show, and waiting for a condition with a deadline
(never a bare sleep). Shared by tests/ui and tests/hostile."""

from __future__ import annotations

import asyncio
import io
import time

from console.tail.model import Batch, RawLine, SourceState


class FrozenClock:
    """The app's clock for ev/s and notification limits: it moves only when a test says so."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeSource:
    """Stands in for the Follower (console/tail/__init__.py contract): the test decides what each batch
    holds and when it arrives; states() is the full picture, Batch.states only what changed."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue = asyncio.Queue()
        self._states: dict[str, SourceState] = {}

    def states(self) -> dict[str, SourceState]:
        return dict(self._states)

    async def batches(self):
        while True:
            batch = await self.queue.get()
            if batch is None:
                return
            yield batch

    def send(self, lines, *, path: str = "/var/isode/log/mta-event.log", state: str = "following",
             detail: str = "", backfill: bool = False, first: int = 1) -> None:
        raw = [RawLine(path, first + i, line if isinstance(line, bytes) else line.encode("utf-8"))
               for i, line in enumerate(lines)]
        changed = SourceState(path, state, detail)
        self._states[path] = changed
        self.queue.put_nowait(Batch(raw, [changed], backfill=backfill))


def screen_lines(app) -> list[str]:
    """The text of every row of the screen as composed now (what the terminal would show)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def screen_segments(app):
    for strip in app.screen._compositor.render_strips():
        yield from strip


def list_rows(app) -> list[str]:
    el = app.event_list
    return [el.render_line(y).text for y in range(el.size.height)]


def panel_text(app, width: int = 200) -> str:
    """What the panel says, rendered wide so that no value wraps (the screen tests cover the look)."""
    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(app.panel.body.content)
    return console.export_text()


async def wait_until(pilot, condition, *, timeout: float = 10.0, what: str = "condition") -> None:
    """Polls (letting the app run between polls) until condition() holds; fails after timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await pilot.pause(0.02)


async def settle(pilot) -> None:
    """The screen at rest: queued messages, refreshes and call_after_refresh callbacks have run,
    the footer among them (it is mounted after the first paint), and the status bar counts what the
    list shows (it is redrawn at most every STATUS_EVERY)."""
    from textual.widgets import Footer

    await wait_until(pilot, lambda: bool(pilot.app.query(Footer)), what="the footer")
    await wait_until(pilot, lambda: not getattr(pilot.app, "status_pending", False),
                     what="the status bar to catch up")
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
