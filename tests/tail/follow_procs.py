"""Real processes for the identity tests (test_follow_identity.py): a daemon-like log writer that keeps
its O_APPEND descriptor until told to reopen, and a `decode --follow --json` follower that can be
stalled for real with SIGSTOP.

    python follow_procs.py writer PATH     # stdin: "W <n>\\n" + n bytes | "R [PATH]\\n" | "Q\\n"; "ok" for each
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

_HERE = Path(__file__).resolve()
_ROOT = _HERE.parents[2]


# -- the writer, a separate process like M-Switch ------------------------------------------------


def _writer_main(path: str) -> int:
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    fd = os.open(path, flags, 0o644)
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    out.write(b"ok\n")
    out.flush()
    while True:
        cmd = inp.readline()
        if not cmd or cmd.startswith(b"Q"):
            return 0
        if cmd.startswith(b"W "):
            n = int(cmd[2:])
            data = inp.read(n)
            os.write(fd, data)  # one write(): what the daemon's buffer held
        elif cmd.startswith(b"R"):
            arg = cmd[1:].strip()
            if arg:
                path = arg.decode()
            os.close(fd)
            fd = os.open(path, flags, 0o644)
        out.write(b"ok\n")
        out.flush()


class Daemon:
    """A writer process holding its log open (O_APPEND) until reopen(): late writes go to the old file."""

    def __init__(self, path: os.PathLike | str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(_HERE), "writer", os.fspath(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self._ack()

    def _ack(self) -> None:
        assert self.proc.stdout is not None
        got = self.proc.stdout.readline()
        assert got == b"ok\n", f"writer said {got!r}"

    def _send(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()
        self._ack()

    def write(self, data: bytes) -> None:
        self._send(b"W %d\n" % len(data) + data)

    def reopen(self, path: os.PathLike | str | None = None) -> None:
        self._send(b"R %s\n" % os.fsencode(path) if path is not None else b"R\n")

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(b"Q\n")
                self.proc.stdin.close()
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


# -- the follower, a separate process we can stop ------------------------------------------------


class DecodeFollow:
    """`smtp-console decode --follow --json --lines 0 PATH...` with its output collected by threads."""

    def __init__(self, *paths: os.PathLike | str, lines: int = 0) -> None:
        cmd = [sys.executable, "-m", "console", "decode", "--follow", "--json", "--lines", str(lines)]
        self.proc = subprocess.Popen(
            cmd + [os.fspath(p) for p in paths],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=_ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.records: list[dict] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._pump_out, daemon=True),
            threading.Thread(target=self._pump_err, daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _pump_out(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            rec = json.loads(raw)
            with self._lock:
                self.records.append(rec)

    def _pump_err(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            with self._lock:
                self.errors.append(raw.decode(errors="replace").rstrip("\n"))

    def raws(self) -> list[bytes]:
        with self._lock:
            return [r["raw"].encode() for r in self.records]

    def wait_for(self, cond, timeout: float = 15.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if self.proc.poll() is not None:
                raise AssertionError(f"decode --follow exited with {self.proc.returncode}: {self.errors[-5:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}; stderr: {self.errors[-5:]}")
            time.sleep(0.01)

    def wait_following(self, timeout: float = 15.0) -> None:
        """Its first batch was printed: every path it follows is open (with --lines 0, from its end)."""
        self.wait_for(lambda: any(": following" in e for e in self.errors), timeout, "the follower to start")

    def state(self) -> str:
        with open(f"/proc/{self.proc.pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]

    def stop(self) -> None:
        """SIGSTOP: a real stall; returns once the kernel has stopped it."""
        self.proc.send_signal(signal.SIGSTOP)
        self.wait_for(lambda: self.state() == "T", 5, "the follower to stop")

    def cont(self) -> None:
        self.proc.send_signal(signal.SIGCONT)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for t in self._threads:
            t.join(5)


if __name__ == "__main__":
    if sys.argv[1:2] == ["writer"]:
        raise SystemExit(_writer_main(sys.argv[2]))
    raise SystemExit("usage: follow_procs.py writer PATH")
