"""Test helpers: run a Follower in the background, await conditions with a deadline, list open fds."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from follow_helpers import Collector, wait_for  # noqa: F401  (re-exported for the tail tests)

WRITER = Path(__file__).with_name("writer.py")


def open_fds_under(directory: os.PathLike | str) -> list[str]:
    """Paths under `directory` this process holds open (deleted ones included)."""
    base = os.fspath(directory)
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(base):
            found.append(target)
    return found


async def run_writer(*args: object, timeout: float = 60.0) -> None:
    proc = await asyncio.create_subprocess_exec(sys.executable, str(WRITER), *map(str, args))
    try:
        rc = await asyncio.wait_for(proc.wait(), timeout)
    except BaseException:
        proc.kill()
        await proc.wait()
        raise
    assert rc == 0, f"writer failed with {rc}"


def append(path: os.PathLike | str, data: bytes) -> None:
    with open(path, "ab") as f:
        f.write(data)
