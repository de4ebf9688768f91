"""A log writer run as a real separate process, imitating M-Switch and logrotate, and the two ways the
tests drive it (Writer, run_writer). Shared by tests/tail and tests/hostile.

    python log_writer.py serve PATH
        holds PATH open like M-Switch and does what the test says on standard input, one command a
        line, answering "ok" when the bytes are written (see serve())
    python log_writer.py rotations DIR LINES_PER_STREAM DATED_ROLLOVERS RENAMES RATE
    python log_writer.py copytruncate DIR LINES EVERY RATE
        write and rotate on their own, then exit

In rotations and copytruncate every line carries its stream letter and a sequence number, so a test
can prove each line came exactly once and in order. RATE is lines per second in total (0: as fast
as possible).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time

HERE = os.path.abspath(__file__)
FILLER = "x" * 60


# -- serve: one command at a time -------------------------------------------------------------------

def serve(path: str) -> int:
    """Commands (TEXT is unescaped with unicode_escape when the command ends in ":esc", so hostile
    bytes pass):

    line TEXT      append TEXT and a newline          partial TEXT  append TEXT, no newline (disk full mid-line)
    burst N        append N numbered lines in one write
    big N          append one line of N bytes, in 1 MiB writes, then a newline
    reopen         close and reopen the path (after a rotation or deletion)
    truncate       truncate the file to 0 (copytruncate) and keep writing at the new end
    exit
    """
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    out = sys.stdout
    for raw in sys.stdin.buffer:
        cmd, _, arg = raw.rstrip(b"\n").partition(b" ")
        if cmd.endswith(b":esc"):
            cmd, arg = cmd[:-4], arg.decode("ascii").encode("latin-1").decode("unicode_escape").encode("latin-1")
        if cmd == b"line":
            os.write(fd, arg + b"\n")
        elif cmd == b"partial":
            os.write(fd, arg)
        elif cmd == b"burst":
            n = int(arg)
            os.write(fd, b"".join(b"2026-11-24 10:00:00.000 smtpsrvr[7] I-MTA_SMTP-Connection: "
                                  b"connection from 192.0.2.%d (burst %07d)\n" % (i % 250, i) for i in range(n)))
        elif cmd == b"big":
            left = int(arg)
            os.write(fd, b"2026-11-24 10:00:00.000 smtpsrvr[7] W-MTA_SMTP-DNSBLfailed: ")
            block = b"A" * (1 << 20)
            while left > 0:
                left -= os.write(fd, block[:left])
            os.write(fd, b"\n")
        elif cmd == b"reopen":
            os.close(fd)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        elif cmd == b"truncate":
            os.ftruncate(fd, 0)
        elif cmd == b"exit":
            break
        out.write("ok\n")
        out.flush()
    os.close(fd)
    return 0


# -- rotations and copytruncate: scripted, at a rate ---------------------------------------------------

def line(stream: str, seq: int) -> bytes:
    return f"{stream} {seq:07d} 2026-11-24T10:00:00Z msgid=<{seq}@example.net> {FILLER}\n".encode()


class Pacer:
    """Sleeps so that the writer keeps to its rate on average: a steady stream, like a busy MTA."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.start = time.monotonic()

    def wait(self, done: int) -> None:
        if self.rate > 0:
            delay = self.start + done / self.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)


def dated_name(d: str, k: int) -> str:
    return os.path.join(d, f"mta-event.2026-11-24-{k // 60:02d}-{k % 60:02d}.log")


def rotations(d: str, n: int, rollovers: int, renames: int, rate: float) -> None:
    """Stream A: Isode dated files (a new file every n/(rollovers+1) lines).
    Stream B: mta-event.log, renamed to mta-event.log.K and recreated `renames` times."""
    per_dated = -(-n // (rollovers + 1))
    per_gen = -(-n // (renames + 1))
    a_index = 0
    a = open(dated_name(d, a_index), "ab", buffering=0)
    b_path = os.path.join(d, "mta-event.log")
    b = open(b_path, "ab", buffering=0)
    b_gen = 0
    pacer = Pacer(rate)
    chunk = 50
    for base in range(0, n, chunk):
        top = min(n, base + chunk)
        abuf, bbuf = [], []
        for seq in range(base, top):
            if seq and seq % per_dated == 0:
                a.write(b"".join(abuf))
                abuf = []
                a.close()
                a_index += 1
                a = open(dated_name(d, a_index), "ab", buffering=0)
            if seq and seq % per_gen == 0:
                b.write(b"".join(bbuf))
                bbuf = []
                b.close()
                b_gen += 1
                os.rename(b_path, f"{b_path}.{b_gen}")
                b = open(b_path, "ab", buffering=0)
            abuf.append(line("A", seq))
            bbuf.append(line("B", seq))
        a.write(b"".join(abuf))
        b.write(b"".join(bbuf))
        pacer.wait(2 * top)
    a.close()
    b.close()


def copytruncate(d: str, n: int, every: int, rate: float) -> None:
    path = os.path.join(d, "app.log")
    f = open(path, "ab", buffering=0)  # O_APPEND, as copytruncate requires of a writer
    pacer = Pacer(rate)
    rounds = 0
    for base in range(0, n, 20):
        top = min(n, base + 20)
        f.write(b"".join(line("C", seq) for seq in range(base, top)))
        if top % every == 0 and top < n:
            rounds += 1
            shutil.copyfile(path, f"{path}.{rounds}")
            os.truncate(path, 0)
        pacer.wait(top)
    f.close()


def main(argv: list[str]) -> int:
    mode, target, *rest = argv
    if mode == "serve":
        return serve(target)
    if mode == "rotations":
        rotations(target, int(rest[0]), int(rest[1]), int(rest[2]), float(rest[3]))
    elif mode == "copytruncate":
        copytruncate(target, int(rest[0]), int(rest[1]), float(rest[2]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    return 0


# -- the test side -------------------------------------------------------------------------------

async def run_writer(*args: object, timeout: float = 60.0) -> None:
    """`python log_writer.py ARGS` (rotations or copytruncate) to its end; fails on a non-zero exit."""
    proc = await asyncio.create_subprocess_exec(sys.executable, HERE, *map(str, args))
    try:
        rc = await asyncio.wait_for(proc.wait(), timeout)
    except BaseException:
        proc.kill()
        await proc.wait()
        raise
    assert rc == 0, f"writer failed with {rc}"


class Writer:
    """`python log_writer.py serve PATH` in its own process, holding `path` open; each command waits
    for "ok". An async context manager: the process exits with it."""

    def __init__(self, path: os.PathLike | str) -> None:
        self.path = os.fspath(path)
        self.proc: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> "Writer":
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, HERE, "serve", self.path, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE)
        return self

    async def __aexit__(self, *exc) -> None:
        proc = self.proc
        if proc is not None and proc.returncode is None:
            try:
                proc.stdin.write(b"exit\n")
                await proc.stdin.drain()
                await asyncio.wait_for(proc.wait(), 10)
            except (OSError, TimeoutError):
                proc.kill()
                await proc.wait()

    async def send(self, cmd: str, arg: bytes | str = b"", timeout: float = 30.0) -> None:
        if isinstance(arg, str):
            arg = arg.encode("utf-8")
        if b"\n" in arg or any(b >= 0x80 or b < 0x20 for b in arg):
            cmd, arg = cmd + ":esc", arg.decode("latin-1").encode("unicode_escape")
        assert self.proc is not None
        self.proc.stdin.write(cmd.encode() + b" " + arg + b"\n")
        await self.proc.stdin.drain()
        answer = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        assert answer == b"ok\n", f"writer said {answer!r} to {cmd}"

    async def line(self, text: bytes | str) -> None:
        await self.send("line", text)

    async def partial(self, text: bytes | str) -> None:
        await self.send("partial", text)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
