"""Driving a console in Pilot tests: a source the test feeds by hand, a clock that moves only when
told, what the screen, the list and the panel show, and waiting for a condition with a deadline
(never a bare sleep). Shared by tests/ui and tests/hostile."""

from __future__ import annotations

import asyncio
import io
import time

from console.tail.contract import Batch, RawLine, SourceState


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
        self._queue: asyncio.Queue | None = None
        self._states: dict[str, SourceState] = {}

    @property
    def queue(self) -> asyncio.Queue:
        """Made on first use, inside the test's loop (on 3.9 a queue binds the loop current when made)."""
        if self._queue is None:
            self._queue = asyncio.Queue()
        return self._queue

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


def _composed(app) -> list:
    """The rows of the screen as composed now, what the terminal would show. Textual has no public
    way to read them: this is the one place the tests reach inside it (textual is pinned)."""
    return app.screen._compositor.render_strips()


def screen_lines(app) -> list[str]:
    """The text of every row of the screen as composed now (what the terminal would show)."""
    return [strip.text for strip in _composed(app)]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def screen_segments(app):
    for strip in _composed(app):
        yield from strip


def record_notifications(app, *, show: bool = False) -> list[tuple[str, dict]]:
    """Every notification the app raises from now on, as (message, keyword arguments); shown as a
    toast too with `show` (an instance attribute shadows App.notify, the public way to raise one)."""
    calls: list[tuple[str, dict]] = []
    notify = app.notify

    def record(message, **kw):
        calls.append((message, kw))
        if show:
            notify(message, **kw)
    app.notify = record
    return calls


def width_tables(since: tuple[int, int] = (9, 0)) -> list[str]:
    """The Unicode versions rich has a cell-width table for, from `since` (9.0: glibc 2.26, 2017) to the
    newest, oldest first. rich.cells.load_cell_table answers a version it has no table for with the
    one before, so asking for every major.minor finds each table once."""
    from rich.cells import load_cell_table

    def key(version: str) -> tuple[int, ...]:
        return tuple(map(int, version.split(".")))
    newest = key(load_cell_table("latest").unicode_version)[0]
    found = {load_cell_table(f"{major}.{minor}.0").unicode_version
             for major in range(since[0], newest + 1) for minor in range(10)}
    return sorted((v for v in found if key(v)[:2] >= since), key=key)


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
    catch_up = getattr(pilot.app, "catch_up", None)
    if catch_up is not None:  # what is paced for the terminal's sake is drawn now
        catch_up()
    await wait_until(pilot, lambda: not getattr(pilot.app, "status_pending", False),
                     what="the status bar to catch up")
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
