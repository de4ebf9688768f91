"""Fixtures for following logs over SSH: real OpenSSH servers on 127.0.0.1 (tests/remote/sshd.py),
a real ssh-agent, and a collector of what a MixedSource delivers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Callable, List

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sshd import Agent, Sshd, why_no_sshd, write_client_config  # noqa: E402

from console.compat import aclosing  # noqa: E402
from console.tail.contract import Batch, RawLine, SourceState  # noqa: E402
from console.tail.remote.mixed import MixedSource  # noqa: E402
from console.tail.remote.ssh import SSH_CONFIG_ENV  # noqa: E402


@pytest.fixture
def servers(tmp_path, monkeypatch):
    """servers(n, **kw) -> [Sshd] started, and an ssh config with a Host alias hostN for each (set
    for the code under test); every server is killed at teardown."""
    reason = why_no_sshd()
    if reason:
        pytest.skip(reason)
    made: List[Sshd] = []
    config = tmp_path / "ssh_config"
    monkeypatch.setenv(SSH_CONFIG_ENV, str(config))

    def start(n: int = 1, **kwargs) -> List[Sshd]:
        out = [Sshd(tmp_path / f"sshd{len(made) + i}", **kwargs).start() for i in range(n)]
        made.extend(out)
        write_client_config(config, [s.host_entry(f"host{i}") for i, s in enumerate(made)])
        return out

    start.config = config
    yield start
    for s in made:
        s.kill()


@pytest.fixture
def agent(monkeypatch):
    """A running ssh-agent with no key yet, its socket in SSH_AUTH_SOCK for the code under test."""
    if why_no_sshd():
        pytest.skip(why_no_sshd())
    try:
        made = Agent()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    monkeypatch.setenv("SSH_AUTH_SOCK", made.sock)
    yield made
    made.kill()


class Collected:
    """Runs a MixedSource in a task and keeps what it delivered."""

    def __init__(self, source: MixedSource) -> None:
        self.source = source
        self.lines: List[RawLine] = []
        self.states: List[SourceState] = []
        self.live = False
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        async with aclosing(self.source.batches()) as batches:
            async for batch in batches:
                self.take(batch)

    def take(self, batch: Batch) -> None:
        self.lines.extend(batch.lines)
        self.states.extend(batch.states)
        self.live = self.live or not batch.backfill

    def data(self, name_part: str = "") -> List[bytes]:
        return [ln.data for ln in self.lines if name_part in ln.source and not ln.partial]

    async def until(self, condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.task.done():
                self.task.result()
                raise AssertionError(f"the source ended before {what}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}; states now: "
                                     f"{self.source.states()}")
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


@pytest.fixture
async def collect():
    made: List[Collected] = []

    def start(paths, **kwargs) -> Collected:
        kwargs.setdefault("backoff", (0.2, 1.0))
        kwargs.setdefault("rotate_grace", 0.5)
        c = Collected(MixedSource([os.fspath(p) for p in paths], **kwargs))
        made.append(c)
        return c

    yield start
    for c in made:
        await c.stop()
