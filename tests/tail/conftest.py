"""Fixtures for the tail tests: a follower running in the background and conditions awaited with deadlines."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # plain `pytest` (not `python -m pytest`) does not put the checkout on the path
    sys.path.insert(0, str(_ROOT))

from tail_helpers import Collector, open_fds_under


@pytest.fixture
async def follow(tmp_path):
    """follow(paths, **kwargs) starts a Follower in a task; all are stopped (and fds checked) at teardown."""
    started: list[Collector] = []

    async def start(paths, **kwargs) -> Collector:
        kwargs.setdefault("rotate_grace", 0.3)
        c = Collector([os.fspath(p) for p in paths], **kwargs)
        await c.start()
        started.append(c)
        return c

    yield start
    for c in started:
        await c.stop()
    assert open_fds_under(tmp_path) == [], "files left open after the follower stopped"
