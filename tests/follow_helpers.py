"""Following logs in tests: a Collector that keeps every batch a Follower delivers, and a
deadline-bounded wait. Shared by tests/tail and tests/hostile."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from console.tail import Batch, Follower, RawLine, SourceState
from console.compat import aclosing


async def wait_for(cond: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> None:
    """Polls cond until it is true; fails the test after `timeout` seconds, saying what never happened."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.005)


class Collector:
    """Iterates a Follower's batches in a task and keeps everything it got, for assertions."""

    def __init__(self, paths: list[str], **kwargs) -> None:
        self.follower = Follower(paths, **kwargs)
        self.batches: list[Batch] = []
        self.lines: list[RawLine] = []
        self.states: list[SourceState] = []
        self.live = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.finished = False

    async def start(self, *, wait_live: bool = True, timeout: float = 10.0) -> Collector:
        self.task = asyncio.create_task(self._run())
        if wait_live:
            await asyncio.wait_for(self.live.wait(), timeout)
        return self

    async def _run(self) -> None:
        async with aclosing(self.follower.batches()) as batches:
            async for batch in batches:
                self.batches.append(batch)
                self.lines.extend(batch.lines)
                self.states.extend(batch.states)
                if not batch.backfill:
                    self.live.set()
        self.finished = True

    async def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        elif self.task is not None:
            self.task.result()  # re-raise anything that escaped batches()
        await self.follower.aclose()

    # -- views ---------------------------------------------------------------------------------

    def data(self, source: str | None = None) -> list[bytes]:
        return [ln.data for ln in self.lines if source is None or ln.source == source]

    def backfill_lines(self) -> list[RawLine]:
        return [ln for b in self.batches if b.backfill for ln in b.lines]

    def state_of(self, key: str) -> SourceState | None:
        return self.follower.states().get(key)

    def saw_state(self, state: str, detail: str | None = None, path: str | None = None) -> bool:
        return any(
            s.state == state and (detail is None or detail in s.detail) and (path is None or s.path == path)
            for s in self.states
        )

    async def wait_lines(self, n: int, timeout: float = 10.0, source: str | None = None) -> list[bytes]:
        await wait_for(lambda: len(self.data(source)) >= n, timeout, f"{n} lines (have {len(self.data(source))})")
        return self.data(source)

    async def wait_state(self, key: str, state: str, timeout: float = 10.0, detail: str | None = None) -> None:
        def ok() -> bool:
            s = self.state_of(key)
            return s is not None and s.state == state and (detail is None or detail in s.detail)

        await wait_for(ok, timeout, f"{key} to be {state} (is {self.state_of(key)})")
