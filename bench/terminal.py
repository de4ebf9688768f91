#!/usr/bin/env python3
"""Benchmark: what following a log costs the operator's link and the mail host, against lnav and tail -F.

    python bench/terminal.py                       # 160x45 and 80x24; 20, 200 and 2,000 lines/s; 10 s each
    python bench/terminal.py --rates 200 --sizes 80x24 --seconds 5 --no-lnav
    python bench/terminal.py --console "/tmp/benchvenv/bin/smtp-console"

Each program runs on a pseudo-terminal of its own (Python's pty) at the given size, following one
log (all severities shown). After its first screen has settled, a writer appends realistic lines
(bench/decode.py's generated log, timestamps made current) at a steady rate. Measured over the
appending window plus one second to catch up:

* bytes the program wrote to the terminal, per appended line and per second (what crosses SSH);
* CPU (utime + stime from /proc of the program and its children), as % of one core.

Every program is started the same way, in the same run, interleaved by rate, because these
machines are noisy: compare the ratios, not the absolute figures with another run.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))
sys.dont_write_bytecode = True

import decode as shared  # noqa: E402  make_log, lnav_home

CLK_TCK = os.sysconf("SC_CLK_TCK")
POOL_LINES = 20_000
START_LINES = 200  # in the log before the program starts: a first screen full of events
SETTLE_QUIET = 1.0  # s without output: the first screen is drawn
SETTLE_MAX = 15.0
GOALS = {20: 400, 200: 150, 2000: 25}  # bytes per appended line (issue 13)
CPU_GOALS = {20: 5.0, 200: 10.0, 2000: 25.0}  # % of one core


# -- a program on a pseudo-terminal -----------------------------------------------------------------

class PtyProgram:
    """Runs argv on a pty of cols x rows and counts every byte it writes there (read at once, so
    the program never blocks on a full terminal)."""

    def __init__(self, argv: list[str], cols: int, rows: int, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        self.bytes = 0
        self.last_output = time.monotonic()
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while not self._stop.is_set():
            r, _, _ = select.select([self.master], [], [], 0.1)
            if not r:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.received(data)

    def received(self, data: bytes) -> None:
        """What the program wrote to its terminal, as it came (a subclass may look into it)."""
        self.bytes += len(data)
        self.last_output = time.monotonic()

    def settle(self) -> float:
        """Waits until the first screen is drawn (no output for a while); returns how long it took."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < SETTLE_MAX:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.proc.args[-2:]} ended with {self.proc.returncode} at start")
            if self.bytes and time.monotonic() - self.last_output >= SETTLE_QUIET:
                break
            time.sleep(0.05)
        return time.monotonic() - t0

    def cpu(self) -> float:
        """CPU seconds of the program and its children still running (utime + stime)."""
        total = 0.0
        for pid in [self.proc.pid, *_children(self.proc.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
        return total

    def rss_kb(self) -> int:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def stop(self) -> None:
        with _quiet():
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(3)
        except subprocess.TimeoutExpired:
            with _quiet():
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._stop.set()
        self._reader.join(1)
        with _quiet():
            os.close(self.master)


def _children(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = [int(k) for k in kids]
    for k in list(out):
        out += _children(k)
    return out


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        return exc[0] is not None and issubclass(exc[0], (OSError, ProcessLookupError))


# -- the log and its writer -------------------------------------------------------------------------

def line_pool(cache_dir: Path) -> list[bytes]:
    """Realistic lines of every severity without their time stamps (23 bytes): the writer's supply."""
    path, _ = shared.make_log(POOL_LINES, cache_dir)
    with open(path, "rb") as f:
        return [line[23:] for line in f if len(line) > 24]


def stamp() -> bytes:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")[:23].encode()


def append_at(path: Path, pool: list[bytes], rate: int, seconds: float, start: int = 0) -> int:
    """Appends `rate` lines a second for `seconds`, in ticks of 10 ms (or one line a tick when
    slower), each write whole lines. Returns how many were written."""
    tick = max(0.01, 1.0 / rate) if rate < 100 else 0.01
    per_tick = rate * tick
    written, due, i = 0, 0.0, start
    t0 = time.monotonic()
    with open(path, "ab", buffering=0) as f:
        while True:
            now = time.monotonic() - t0
            if now >= seconds:
                break
            due = min(rate * seconds, rate * now + per_tick)
            n = int(due) - written
            if n > 0:
                ts = stamp()
                f.write(b"".join(ts + pool[(i + k) % len(pool)] for k in range(n)))
                written += n
                i += n
            time.sleep(tick - (time.monotonic() - t0) % tick)
    return written


# -- one measurement --------------------------------------------------------------------------------

@dataclass
class Result:
    tool: str
    size: str
    rate: int
    lines: int = 0
    bytes: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    rss_kb: int = 0
    error: str = ""

    @property
    def per_line(self) -> float:
        return self.bytes / self.lines if self.lines else 0.0

    @property
    def kb_s(self) -> float:
        return self.bytes / self.seconds / 1024 if self.seconds else 0.0

    @property
    def cpu_pct(self) -> float:
        return 100 * self.cpu / self.seconds if self.seconds else 0.0


def measure(tool: str, argv: list[str], env: dict[str, str], size: tuple[int, int], rate: int,
            seconds: float, pool: list[bytes], work: Path) -> Result:
    cols, rows = size
    res = Result(tool, f"{cols}x{rows}", rate)
    log = work / f"mta-event-{tool.split()[0]}-{cols}-{rate}.log"
    with open(log, "wb") as f:
        f.write(b"".join(stamp() + pool[k] for k in range(START_LINES)))
    prog = PtyProgram([*argv, str(log)], cols, rows, env)
    try:
        prog.settle()
        b0, c0, t0 = prog.bytes, prog.cpu(), time.monotonic()
        res.lines = append_at(log, pool, rate, seconds, START_LINES)
        time.sleep(1.0)  # catch up: what the program still draws for these lines counts
        if prog.proc.poll() is not None:
            raise RuntimeError(f"ended with {prog.proc.returncode} while following")
        res.bytes, res.cpu, res.seconds = prog.bytes - b0, prog.cpu() - c0, time.monotonic() - t0
        res.rss_kb = prog.rss_kb()
    except Exception as exc:  # a tool that fails is a row that says so, not a lost run
        res.error = str(exc)
    finally:
        prog.stop()
        log.unlink(missing_ok=True)
    return res


# -- the tools --------------------------------------------------------------------------------------

def tools(args, work: Path) -> list[tuple[str, list[str], dict[str, str]]]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TMUX", "COLUMNS", "LINES"))}
    base.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    xdg = work / "xdg"
    xdg.mkdir(exist_ok=True)
    out = [("smtp-console", [*args.console.split()], {**base, "XDG_CONFIG_HOME": str(xdg)})]
    lnav = shutil.which("lnav")
    if lnav and not args.no_lnav:
        out.append(("lnav", [lnav], {**base, "HOME": str(shared.lnav_home(work))}))
    tail = shutil.which("tail")
    if tail:
        out.append(("tail -F", [tail, "-F", "-n", "40"], base))
    return out


def table(results: list[Result]) -> list[str]:
    rows = ["| size | lines/s | tool | bytes/line | KB/s to the terminal | CPU % of a core | RSS MB |",
            "|---|---:|---|---:|---:|---:|---:|"]
    for r in results:
        if r.error:
            rows.append(f"| {r.size} | {r.rate:,} | {r.tool} | failed: {r.error} | | | |")
            continue
        rows.append(f"| {r.size} | {r.rate:,} | {r.tool} | {r.per_line:,.0f} | {r.kb_s:,.1f} | "
                    f"{r.cpu_pct:.1f} | {r.rss_kb / 1024:.0f} |")
    return rows


def ratios(results: list[Result]) -> list[str]:
    """smtp-console against lnav for each size and rate, and against the issue's goals."""
    out = []
    by = {(r.size, r.rate, r.tool): r for r in results if not r.error}
    for (size, rate, tool), r in by.items():
        if tool != "smtp-console":
            continue
        ln = by.get((size, rate, "lnav"))
        vs = f"{r.per_line / ln.per_line:.1f}x lnav's bytes, {r.cpu_pct / max(ln.cpu_pct, 0.1):.1f}x its CPU" \
            if ln and ln.per_line else "no lnav figure"
        goal = GOALS.get(rate)
        cpu_goal = CPU_GOALS.get(rate)
        verdict = ""
        if goal is not None:
            verdict = (f"; goal ≤ {goal} B/line {'met' if r.per_line <= goal else 'NOT met'}, "
                       f"≤ {cpu_goal:g}% CPU {'met' if r.cpu_pct <= cpu_goal else 'NOT met'}")
        out.append(f"- {size}, {rate:,} lines/s: {r.per_line:,.0f} B/line, {r.cpu_pct:.1f}% CPU ({vs}){verdict}")
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--console", default=shutil.which("smtp-console") or f"{sys.executable} -m console",
                   help="the command that starts the console (default: smtp-console on PATH)")
    p.add_argument("--sizes", default="160x45,80x24")
    p.add_argument("--rates", default="20,200,2000")
    p.add_argument("--seconds", type=float, default=10.0, help="appending window per run")
    p.add_argument("--no-lnav", action="store_true")
    p.add_argument("--cache-dir", type=Path, default=Path(os.environ.get(
        "SMTP_CONSOLE_BENCH_CACHE", Path(tempfile.gettempdir()) / "smtp-console-bench")))
    args = p.parse_args()
    sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
    rates = [int(r) for r in args.rates.split(",")]
    pool = line_pool(args.cache_dir)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="smtp-console-terminal-") as tmp:
        work = Path(tmp)
        progs = tools(args, work)
        print(f"# {', '.join(t for t, _, _ in progs)}; {args.seconds:g} s a run; "
              f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}", file=sys.stderr)
        for size in sizes:
            for rate in rates:
                for tool, argv, env in progs:  # interleaved: the same moment's noise for each
                    r = measure(tool, argv, env, size, rate, args.seconds, pool, work)
                    print(f"# {tool} {size[0]}x{size[1]} {rate}/s: {r.per_line:,.0f} B/line, "
                          f"{r.cpu_pct:.1f}% CPU {r.error}", file=sys.stderr)
                    results.append(r)
    print("\n".join(table(results)))
    print()
    print("\n".join(ratios(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
