"""A log writer run as a real separate process, imitating M-Switch and logrotate, for the tail tests.

    python writer.py rotations DIR LINES_PER_STREAM DATED_ROLLOVERS RENAMES RATE
    python writer.py copytruncate DIR LINES EVERY RATE

Every line carries its stream letter and a sequence number, so a test can prove each line came
exactly once and in order. RATE is lines per second in total (0: as fast as possible).
"""

from __future__ import annotations

import os
import shutil
import sys
import time

FILLER = "x" * 60


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
    mode, d, *rest = argv
    if mode == "rotations":
        rotations(d, int(rest[0]), int(rest[1]), int(rest[2]), float(rest[3]))
    elif mode == "copytruncate":
        copytruncate(d, int(rest[0]), int(rest[1]), float(rest[2]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
