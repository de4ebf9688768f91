#!/usr/bin/env python3
"""Benchmark: the tailing engine alone (`smtp-console decode --follow`), idle and woken, against
`tail -F` on the same files in the same run.

    python bench/follow.py                    # 10 files, 20 s idle, 40 markers
    python bench/follow.py --files 50 --idle 10 --markers 100

Both run as subprocesses on the same 10 (or --files) logs with `--lines 0` / `-n 0`:

* idle: nobody writes; CPU (utime+stime from /proc/PID/stat) over --idle seconds, % of one core;
* wake-up: a native-layout line appended to one file at a time (one os.write on an O_APPEND
  descriptor), then the time until that line's marker is on each program's standard output.

The console itself (a screen on top of this engine) is measured by bench/live.py; this isolates the
engine, so a regression in console/tail shows here first. Exit status 0 when the engine idles under
1% of a core and its p95 wake-up is under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from live import cpu_seconds  # noqa: E402  utime+stime from /proc/PID/stat

LINE = ("2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: "
        "connection from 192.0.2.10 (smtp-external) FOLLOWBENCH-{k}\n")


class Program:
    """One follower as a child process, its stdout read without blocking."""

    def __init__(self, name: str, argv: list[str]) -> None:
        self.name = name
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     cwd=REPO, bufsize=0)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.seen = b""
        self.latencies: list[float] = []

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def wait_for_marker(programs: list[Program], marker: bytes, written: float, timeout: float = 5.0,
                    quiet: bool = False) -> None:
    sel = selectors.DefaultSelector()
    waiting = {}
    for p in programs:
        if marker in p.seen:
            p.latencies.append(0.0)
        else:
            waiting[p.proc.stdout.fileno()] = p
            sel.register(p.proc.stdout, selectors.EVENT_READ)
    deadline = written + timeout
    while waiting and time.monotonic() < deadline:
        for key, _ in sel.select(max(0.0, deadline - time.monotonic())):
            p = waiting.get(key.fd)
            if p is None:
                continue
            chunk = os.read(key.fd, 1 << 20)
            now = time.monotonic()
            p.seen = (p.seen + chunk)[-65536:]
            if marker in p.seen:
                p.latencies.append(now - written)
                sel.unregister(key.fileobj)
                del waiting[key.fd]
    for p in waiting.values():
        if not quiet:
            print(f"# {p.name}: no {marker.decode().strip()} within {timeout} s", file=sys.stderr)
        p.latencies.append(float("inf"))
    sel.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--idle", type=float, default=20.0, help="seconds of idle CPU measurement")
    ap.add_argument("--markers", type=int, default=40)
    ap.add_argument("--gap", type=float, default=0.25, help="seconds between markers")
    args = ap.parse_args()

    tail = shutil.which("tail")
    with tempfile.TemporaryDirectory(prefix="followbench-") as d:
        logs = [Path(d) / f"mta-event-{i}.log" for i in range(args.files)]
        for p in logs:
            p.write_bytes(LINE.format(k="start").encode())
        programs = [Program("smtp-console decode --follow",
                            [sys.executable, "-m", "console", "decode", "--follow", "--lines", "0",
                             *map(str, logs)])]
        if tail:
            programs.append(Program("tail -F", [tail, "-F", "-n", "0", *map(str, logs)]))
        try:
            fds = [os.open(p, os.O_WRONLY | os.O_APPEND) for p in logs]
            # ready: a line written now reaches every program (one written before a program had
            # opened the files counts as history, which -n 0 / --lines 0 skip)
            deadline = time.monotonic() + 30
            for k in range(1000):
                written = time.monotonic()
                os.write(fds[0], LINE.format(k=f"warm{k}").encode())
                wait_for_marker(programs, f"FOLLOWBENCH-warm{k}\n".encode(), written, timeout=0.5, quiet=True)
                if all(p.latencies[-1] != float("inf") for p in programs) or time.monotonic() > deadline:
                    break
            for p in programs:
                if p.latencies[-1] == float("inf"):
                    raise SystemExit(f"{p.name} printed nothing in 30 s")
                p.latencies.clear()
            time.sleep(1.0)
            cpu0 = {p.name: cpu_seconds(p.proc.pid) for p in programs}
            t0 = time.monotonic()
            time.sleep(args.idle)
            wall = time.monotonic() - t0
            idle = {p.name: (cpu_seconds(p.proc.pid) - cpu0[p.name]) / wall for p in programs}
            for k in range(args.markers):
                time.sleep(args.gap)
                data = LINE.format(k=k).encode()
                written = time.monotonic()
                os.write(fds[k % len(fds)], data)
                wait_for_marker(programs, f"FOLLOWBENCH-{k}\n".encode(), written)
            for fd in fds:
                os.close(fd)
        finally:
            for p in programs:
                p.stop()

    base = programs[-1] if tail else None
    print(f"\n{args.files} files; idle over {args.idle:.0f} s; {args.markers} markers, one every {args.gap} s; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print("| program | idle CPU (% of a core) | wake-up p50 | wake-up p95 | max | p95 vs tail -F |")
    print("|---|---:|---:|---:|---:|---:|")
    for p in programs:
        p50, p95 = statistics.median(p.latencies), pct(p.latencies, 0.95)
        ratio = f"{p95 / pct(base.latencies, 0.95):.2f}x" if base else "-"
        print(f"| {p.name} | {idle[p.name]:.2%} | {p50 * 1000:.1f} ms | {p95 * 1000:.1f} ms | "
              f"{max(p.latencies) * 1000:.1f} ms | {ratio} |")
    ours = programs[0]
    ok = idle[ours.name] < 0.01 and pct(ours.latencies, 0.95) < 0.05
    print("goals (idle < 1% of a core, p95 wake-up < 50 ms):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
