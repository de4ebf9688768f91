"""Test helpers: run a Follower in the background, await conditions with a deadline, list open fds."""

from __future__ import annotations

import os

from follow_helpers import Collector, wait_for  # noqa: F401  (re-exported for the tail tests)
from log_writer import run_writer  # noqa: F401  (re-exported for the tail tests)


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


def append(path: os.PathLike | str, data: bytes) -> None:
    with open(path, "ab") as f:
        f.write(data)
