"""Rows moved on the terminal (a scroll region) instead of drawn again must leave exactly the screen a
full redraw draws. tmux is the terminal: lines are appended in bursts while the console follows; then
the pane is captured, the console is made to redraw everything (a resize), and captured again. Its
output stream (tmux pipe-pane) shows that rows were moved, not only drawn."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from .helpers import wait_sync
from .test_tmux_console import Tmux, console_command

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ROW = re.compile(r"^(?:\d{4}-\d\d-\d\d |[A-Z][a-z]{2} \d\d )?(\d\d:\d\d:\d\d\.\d{3}) ?[A-Z?] ", re.M)
SEVERITIES = "EWNIP"  # no critical or fatal: their notification covers the list (a full redraw)


def _line(i: int) -> bytes:
    sev = SEVERITIES[(i * 7) % len(SEVERITIES)] if i % 5 == 0 else "I"
    t = f"2026-11-24 10:{(i // 600) % 60:02d}:{(i // 10) % 60:02d}.{(i % 10) * 100:03d}"
    text = f"L{i} connection from 192.0.2.{i % 250}" if sev == "I" else f"L{i} probe " + "x" * (i % 40)
    name = "Connection" if sev == "I" else "Error"
    return f"{t} smtpsrvr[{1000 + i % 7}] {sev}-MTA_SMTP-{name}: {text}\n".encode()


def _rows(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if ROW.match(line)]


@pytest.mark.parametrize("cols,rows", [(80, 24), (160, 45)])
def test_moved_rows_equal_a_full_redraw(tmp_path, cols, rows):
    log = tmp_path / "mta-event.log"
    log.write_bytes(b"".join(_line(i) for i in range(50)))
    raw = tmp_path / "out.raw"
    tm = Tmux(tmp_path, console_command(str(log)))
    try:
        tm.run("resize-window", "-x", str(cols), "-y", str(rows))
        tm.wait_screen(" L49 ")
        tm.run("pipe-pane", "-o", f"cat >> {raw}")
        n = 50
        with open(log, "ab", buffering=0) as f:
            for burst in (1, 2, 3, 1, 5, 8, 2, 1, 13, 1, 1, 2, 30, 3, 1):  # small moves, and bigger than the list
                f.write(b"".join(_line(i) for i in range(n, n + burst)))
                n += burst
                time.sleep(0.3)  # a frame apart: each burst is its own move
        last = f" L{n - 1} "
        # the last line is on screen and the list has stopped moving
        moved = wait_sync(lambda: (s := tm.screen()) and last in s and time.sleep(0.6) is None
                          and s == tm.screen() and s, 30, "the last line on a still screen")
        tm.run("pipe-pane")  # stop recording
        tm.run("resize-window", "-x", str(cols + 1))
        tm.run("resize-window", "-x", str(cols))
        wait_sync(lambda: last in tm.screen(), 10, "the redraw")
        redrawn = wait_sync(lambda: (s := tm.screen()) and time.sleep(0.6) is None and s == tm.screen() and s,
                            10, "a still screen after the redraw")
        assert _rows(moved) == _rows(redrawn)
        assert len(_rows(moved)) >= rows - 8
        # the rows are the log's newest lines, newest last
        shown = [ROW.match(r).group(1) for r in _rows(moved)]
        expected = [_line(i).decode()[11:23] for i in range(n - len(shown), n)]
        assert shown == expected
        assert re.search(rb"\x1b\[\d+;\d+r", raw.read_bytes()), "no row was moved on the terminal"
    finally:
        tm.close()


def test_switched_off_the_rows_are_drawn(tmp_path):
    """SMTP_CONSOLE_SCROLL_REGION=0: the same screen, and no scroll region in the stream."""
    log = tmp_path / "mta-event.log"
    log.write_bytes(b"".join(_line(i) for i in range(50)))
    raw = tmp_path / "out.raw"
    tm = Tmux(tmp_path, "SMTP_CONSOLE_SCROLL_REGION=0 " + console_command(str(log)))
    try:
        tm.run("resize-window", "-x", "80", "-y", "24")
        tm.wait_screen(" L49 ")
        tm.run("pipe-pane", "-o", f"cat >> {raw}")
        with open(log, "ab", buffering=0) as f:
            for i in range(50, 60):
                f.write(_line(i))
                time.sleep(0.1)
        tm.wait_screen(" L59 ")
        tm.run("pipe-pane")
        assert not re.search(rb"\x1b\[\d+;\d+r", raw.read_bytes())
    finally:
        tm.close()
