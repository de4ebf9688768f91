"""A follower taken up from a checkpoint (an SSH session after a drop) whose file was rotated and
compressed meanwhile reads the unread rest from the compressed copy, and says so; with no copy,
it says what was not read."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import os
import shutil

import pytest

from console.tail.checkpoint import empty, merge
from console.tail.contract import ROTATED
from follow_helpers import Collector


def append(path, *lines: str, end: str = "\n") -> None:
    with open(path, "ab") as f:
        f.write((end.join(lines) + end).encode())


async def stopped_after(paths, n: int) -> dict:
    """A follower's checkpoint once it delivered n lines, and the follower gone (as a session's)."""
    c = Collector([os.fspath(p) for p in paths], rotate_grace=0.3)
    await c.start()
    await c.wait_lines(n)
    total = empty()
    merge(total, c.follower.checkpoints.take())
    await c.stop()
    return total


@contextlib.asynccontextmanager
async def taken_up(log, cp: dict, n: int):
    """A follower started from the checkpoint, once it delivered n lines; stopped after."""
    c = Collector([os.fspath(log)], rotate_grace=0.3, resume=cp)
    try:
        await c.start()
        await c.wait_lines(n)
        yield c
    finally:
        await c.stop()


def compress(path, opener, suffix: str) -> None:
    """logrotate's rename then `compress` (no delaycompress): the plain copy is gone."""
    os.rename(path, f"{path}.1")
    with open(f"{path}.1", "rb") as src, opener(f"{path}.1{suffix}", "wb") as dst:
        shutil.copyfileobj(src, dst)
    os.unlink(f"{path}.1")


@pytest.mark.parametrize("opener,suffix", [(gzip.open, ".gz"), (bz2.open, ".bz2")])
async def test_the_rest_of_a_file_compressed_while_away_is_read_from_the_copy(tmp_path, opener, suffix):
    log = tmp_path / "mta-event.log"
    append(log, *[f"2026-12-02 10:00:0{i}.000 a{i}" for i in range(3)])
    cp = await stopped_after([log], 3)
    append(log, "2026-12-02 10:00:05.000 a3", "2026-12-02 10:00:06.000 a4")  # never read: the session was down
    compress(log, opener, suffix)
    append(log, "2026-12-02 10:01:00.000 b1")
    async with taken_up(log, cp, 3) as c:
        assert [d[-2:] for d in c.data()] == [b"a3", b"a4", b"b1"]
        assert [ln.lineno for ln in c.lines[:2]] == [4, 5]
        assert c.saw_state(ROTATED, "read from mta-event.log.1" + suffix)


async def test_an_unfinished_line_shown_before_is_completed_from_the_copy(tmp_path):
    log = tmp_path / "mta-event.log"
    append(log, "2026-12-02 10:00:00.000 a0")
    with open(log, "ab") as f:
        f.write(b"2026-12-02 10:00:01.000 a")
    c = Collector([os.fspath(log)], rotate_grace=0.3, partial_after=0.05)
    await c.start()
    await c.wait_lines(2)
    assert c.lines[-1].partial
    cp = empty()
    merge(cp, c.follower.checkpoints.take())
    await c.stop()
    append(log, "1")
    compress(log, gzip.open, ".gz")
    append(log, "2026-12-02 10:01:00.000 b1")
    async with taken_up(log, cp, 2) as c:
        first = c.lines[0]
        assert (first.data, first.lineno, first.completes) == (b"2026-12-02 10:00:01.000 a1", 2, True)


async def test_a_file_gone_without_a_copy_is_said(tmp_path):
    log = tmp_path / "mta-event.log"
    append(log, "2026-12-02 10:00:00.000 a0")
    cp = await stopped_after([log], 1)
    append(log, "2026-12-02 10:00:05.000 a1")
    os.unlink(log)
    append(log, "2026-12-02 10:01:00.000 b1")
    async with taken_up(log, cp, 1) as c:
        assert c.data() == [b"2026-12-02 10:01:00.000 b1"]
        assert c.saw_state(ROTATED, "no copy found")


async def test_a_copy_of_another_content_is_not_taken(tmp_path):
    log = tmp_path / "mta-event.log"
    append(log, "2026-12-02 10:00:00.000 a0")
    cp = await stopped_after([log], 1)
    os.unlink(log)
    with gzip.open(f"{log}.1.gz", "wb") as f:
        f.write(b"2026-12-01 09:00:00.000 other\n2026-12-01 09:00:01.000 other2\n")
    append(log, "2026-12-02 10:01:00.000 b1")
    async with taken_up(log, cp, 1) as c:
        assert c.data() == [b"2026-12-02 10:01:00.000 b1"]
