"""Running a command on a pseudo-terminal and keeping every byte it writes there (what a real
terminal would be sent), as bench/terminal.py does: for tests of the actual output."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time


def _read(fd: int, out: bytearray, until, deadline: float) -> None:
    while time.monotonic() < deadline and not (until is not None and until in out):
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return
            if not data:
                return
            out += data


def run_on_pty(argv, env, *, cols: int = 80, rows: int = 24, until: bytes = b"", keys: bytes = b"",
               then: bytes = b"", timeout: float = 20.0) -> bytes:
    """Starts argv, waits for `until` in its output, types `keys`, waits for `then`, types `q` and
    reads to the end (SIGKILL after `timeout`). Returns all it wrote."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command on the pty
        try:
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    out = bytearray()
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.kill(pid, signal.SIGWINCH)
        _read(fd, out, until, time.monotonic() + timeout)
        if keys:
            os.write(fd, keys)
            seen = len(out)
            _read(fd, out, then, time.monotonic() + timeout)  # what the keys drew
            assert then in out[seen:], "the keys drew nothing expected"
        os.write(fd, b"q")
        _read(fd, out, None, time.monotonic() + timeout)  # to the end (EOF)
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
    return bytes(out)
