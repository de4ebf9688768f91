"""An SSH disconnect never leaves a process behind, and q, SIGHUP and SIGTERM end the console within a
second whatever it is doing. The real command runs on a real pty (its controlling terminal, as under
sshd or tmux); the pty is taken away (its master closed, as when SSH drops) during start-up, backfill
and while following a log written at 2,000 lines a second. Before the fix, in 5 of 8 tries the console
hung for ever in Textual's shutdown: its writer thread had died on EIO and the main thread blocked
putting output in the writer's full queue. A stalled terminal (nobody reading) and a decoder held in a
runaway regex (no Python code runs until `re` returns) must not hold it either."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import sys
import termios
import threading
import time

import pytest

from .helpers import REPO_ROOT, cli_env, wait_sync

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ptys and /proc: Linux")

GONE_WITHIN = 2.0  # seconds: the console promises one; the rest is slack for a loaded CI machine
# the child makes the pty its controlling terminal (as a login does), so closing the master hangs it up
CTTY = ("import fcntl, os, sys, termios\n"
        "fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
        "os.execv(sys.argv[1], sys.argv[1:])\n")
# the console with the layout check switched off: the only way left to get a runaway regex in
UNCHECKED = ("import sys\nimport console.regex.guard as guard\n"
             "guard.check = lambda uses: [''] * len(uses)\n"
             "from console.cli import main\nsys.exit(main(sys.argv[1:]))\n")
LINE = b"2026-11-24 10:00:00.000 smtpsrvr[7] W-MTA_SMTP-DNSBLfailed: 192.0.2.%d listed: bl.example n=%08d\n"


def _stat(pid: int):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] != "Z"


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        st = _stat(int(entry)) if entry.isdigit() else None
        if st is not None:
            parents.setdefault(int(st[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += parents.get(p, [])
    return found


class RateWriter:
    """Appends to the log at `rate` lines a second from its own thread, like a busy M-Switch."""

    def __init__(self, path, rate: int = 2000) -> None:
        self.path, self.rate = path, rate
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "RateWriter":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        written, start = 0, time.monotonic()
        with open(self.path, "ab", buffering=0) as f:
            while not self._stop.wait(0.005):
                due = int((time.monotonic() - start) * self.rate)
                f.write(b"".join(LINE % (i % 250, i) for i in range(written, due)))
                written = due


class PtyConsole:
    """`python -m console ARGS` on a pty of its own; the test plays the terminal (reads its output)."""

    def __init__(self, tmp_path, *args: str, boot: str | None = None) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x18\x00\x50\x00\x00\x00\x00\x00")  # 24 x 80
        env = cli_env(tmp_path, TERM="xterm-256color")
        env.pop("NO_COLOR", None)
        cmd = [sys.executable, "-c", boot, *args] if boot else [sys.executable, "-m", "console", *args]
        self.proc = subprocess.Popen([sys.executable, "-c", CTTY, *cmd], stdin=slave, stdout=slave,
                                     stderr=slave, cwd=REPO_ROOT, env=env, start_new_session=True)
        os.close(slave)
        self.output = b""
        self.reading = True
        self._closed = False
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            if not self.reading:
                self._stop.wait(0.01)
                continue
            try:
                if select.select([self.master], [], [], 0.05)[0]:
                    self.output = (self.output + os.read(self.master, 65536))[-100_000:]
            except (OSError, ValueError):
                return

    def wait_output(self, text: bytes, timeout: float = 30) -> None:
        wait_sync(lambda: text in self.output, timeout, f"{text!r} on the terminal")

    def processes(self) -> list[int]:
        """The console and everything it started (its watchdog), as they are now."""
        return [p for p in _descendants(self.proc.pid) if _alive(p)]

    def take_terminal_away(self) -> None:
        self._stop.set()
        self._reader.join()
        os.close(self.master)
        self._closed = True

    def assert_gone(self, pids: list[int], what: str) -> float:
        start = time.monotonic()
        try:
            wait_sync(lambda: not any(_alive(p) for p in pids), GONE_WITHIN, what, step=0.01)
        finally:
            self.close()
        return time.monotonic() - start

    def close(self) -> None:
        for p in _descendants(self.proc.pid)[::-1]:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        self.proc.wait(10)
        self._stop.set()
        self._reader.join()
        if not self._closed:
            os.close(self.master)
            self._closed = True


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "mta-event.log"
    path.write_bytes(b"".join(LINE % (i % 250, i) for i in range(500)))
    return path


def _busy(tmp_path, log) -> PtyConsole:
    console = PtyConsole(tmp_path, str(log))
    console.wait_output(b"FOLLOWING")
    mark = len(console.output)
    wait_sync(lambda: len(console.output) > mark + 20_000, 10, "the screen following the writer")
    return console


@pytest.mark.parametrize("when", ["at once", "first output", "0.4 s"])
def test_terminal_taken_away_during_start_up(tmp_path, log, when):
    console = PtyConsole(tmp_path, str(log))
    if when == "first output":
        wait_sync(lambda: console.output, 30, "any output")
    elif when == "0.4 s":
        wait_sync(lambda: console.proc.poll() is not None or _cpu_seconds(console.proc.pid) > 0.4, 30,
                  "0.4 s of start-up work")
    pids = console.processes()
    console.take_terminal_away()
    console.assert_gone(pids, "the console to end after its terminal went away during start-up")


def test_terminal_taken_away_during_backfill(tmp_path):
    log = tmp_path / "mta-event.log"
    log.write_bytes(b"".join(LINE % (i % 250, i) for i in range(300_000)))
    console = PtyConsole(tmp_path, "--from-start", str(log))
    console.wait_output(b"held")  # the header is up; 300,000 lines take seconds to read and decode
    pids = console.processes()
    console.take_terminal_away()
    console.assert_gone(pids, "the console to end after its terminal went away during backfill")


def test_terminal_taken_away_while_following_2000_lines_a_second(tmp_path, log):
    with RateWriter(log):
        for attempt in range(4):
            console = _busy(tmp_path, log)
            pids = console.processes()
            console.take_terminal_away()
            console.assert_gone(pids, f"the console to end after its terminal went away (try {attempt + 1})")


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_signal_while_following_ends_it_and_restores_the_terminal(tmp_path, log, sig):
    with RateWriter(log):
        console = _busy(tmp_path, log)
        pids = console.processes()
        os.kill(console.proc.pid, sig)
        wait_sync(lambda: console.proc.poll() is not None, GONE_WITHIN, f"the console to end on {sig.name}")
        assert console.proc.returncode == 0
        wait_sync(lambda: b"\x1b[?1049l" in console.output[-2000:], 5, "the alternate screen left")
        console.assert_gone(pids, f"everything the console started to end on {sig.name}")


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM, "q"])
def test_a_terminal_that_stopped_reading_does_not_hold_it(tmp_path, log, sig):
    """The terminal is there but reads nothing (a stalled SSH link): output fills the pty, the writer
    thread blocks, then its queue: the graceful exit stalls and is cut short."""
    with RateWriter(log):
        console = _busy(tmp_path, log)
        console.reading = False
        wait_sync(_pty_full(console.master), 15, "the terminal's buffer to fill up", step=0.2)
        pids = console.processes()
        if sig == "q":
            _type(console, b"q")  # the input side still works
        else:
            os.kill(console.proc.pid, sig)
        console.assert_gone(pids, f"the console to end on {sig!r} with nobody reading its terminal")


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "terminal gone"])
def test_a_decoder_held_in_a_runaway_regex_does_not_hold_it(tmp_path, how):
    """No Python code runs while `re` works on one line (signal handlers included): the watchdog process
    hears of the signal from faulthandler's C handler, and ends the console."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "slow.yaml").write_text("layouts:\n  - name: slow\n    regex: '^(?P<letter>[A-Z])-(?P<facility>\\w+)"
                                    "-(?P<event>\\w+) (?P<message>(x+)+)$'\n")
    log = tmp_path / "slow.log"
    log.write_bytes(b"I-MTA_SMTP-Connection hello\n")
    console = PtyConsole(tmp_path, "--catalog", str(site), str(log), boot=UNCHECKED)
    console.wait_output(b"FOLLOWING")
    with open(log, "ab") as f:
        f.write(b"I-MTA_SMTP-Connection " + b"x" * 40 + b"!\n")  # 2**40 ways to fail
    busy_from = _cpu_seconds(console.proc.pid)
    wait_sync(lambda: _cpu_seconds(console.proc.pid) > busy_from + 0.5, 30, "the decoder to be held")
    pids = console.processes()
    if how == "terminal gone":
        console.take_terminal_away()
    else:
        os.kill(console.proc.pid, getattr(signal, how))
    console.assert_gone(pids, f"the console to end on {how} while held in a regex")


def _cpu_seconds(pid: int) -> float:
    st = _stat(pid)
    return 0.0 if st is None else (int(st[11]) + int(st[12])) / os.sysconf("SC_CLK_TCK")


def _pty_full(master: int):
    """A condition: nobody has read the pty and its buffer has stopped growing (three looks alike)."""
    seen: list[int] = []

    def full() -> bool:
        seen.append(int.from_bytes(fcntl.ioctl(master, termios.FIONREAD, b"\0\0\0\0"), sys.byteorder))
        return seen[-1] > 0 and seen[-3:] == [seen[-1]] * 3
    return full


def _type(console: PtyConsole, keys: bytes) -> None:
    os.write(console.master, keys)
