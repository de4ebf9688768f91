#!/usr/bin/env python3
"""Benchmark: the live console as a user sees it, side by side with lnav, in the same run.

    python bench/live.py --install      # (re)install the tree into /tmp/benchvenv, then run (~2.5 min)
    python bench/live.py                # the installed console in --venv (default /tmp/benchvenv)
    python bench/live.py --quick        # fewer runs, 100 MB instead of 1 GB (~65 s)
    python bench/live.py --only ttfs,latency --no-lnav

Everything is measured from outside: the installed `smtp-console` (and lnav, and a Textual
"hello" app as the floor) run in detached tmux sessions of 160x45, and the screen is read with
`tmux capture-pane -p` through one tmux control-mode client (no process spawned per poll):

1. time to first screen: start the program on a log whose last line is a unique marker; seconds
   until the marker is on screen (1 MB and 1 GB logs; lnav indexes the whole file first);
2. append-to-screen latency: errors-only view (key `3` in the console, `:set-min-log-level error`
   in lnav); a writer process appends info lines at 2,000 and 20,000 lines/s and, every ~0.5 s, an
   error line with a unique marker; marker written -> marker on screen, p50/p95, and whether the
   latency grows during the run (a backlog);
3. peak memory (VmHWM) holding 100,000 events (`--history 100000 --from-start`);
4. idle CPU following 10 files that nobody writes (utime+stime from /proc over a window).

The logs come from bench/decode.py's `make_log` (cached; native layout, realistic mix). See
bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))
sys.dont_write_bytecode = True   # no __pycache__ left in bench/ or the tree

import decode as shared  # noqa: E402  make_log, lnav_home, warm_cache

COLS, ROWS = 160, 45
MB_LINES = 10_000            # ~1 MB of native lines
GB_LINES = shared.BIG        # 10,000,000 lines, ~1 GB
QUICK_BIG_LINES = 1_000_000  # ~100 MB: --quick's stand-in for the 1 GB file
MEM_LINES = (100_000, 1_000_000)  # events held for the peak-RSS rows (--memory-lines)
MEM_GOALS_MB = {100_000: 60, 1_000_000: 200}  # issue 13
IDLE_FILES = 10
CLK_TCK = os.sysconf("SC_CLK_TCK")

GOALS = {
    "ttfs": 1.0,          # s, and flat: 1 GB no slower than 1 MB + FLAT_SLACK
    "flat_slack": 0.15,   # s
    "p95_2k": 0.050,      # s
    "p95_20k": 0.100,     # s
    "backlog_slack": 0.050,  # s: last third's p50 may exceed the first third's by this much
    "rss_mb": 150,
    "idle_cpu": 1.0,      # % of one core
}

SCREEN_ROW = re.compile(r"^\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ([A-Z?]) ", re.M)  # a console list row


class Failed(Exception):
    pass


# -- logs -----------------------------------------------------------------------------------------

def _last_time(path: Path) -> datetime:
    with open(path, "rb") as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - 8192))
        last = f.read().rstrip(b"\n").rsplit(b"\n", 1)[-1].decode()
    return datetime.strptime(last[:23], "%Y-%m-%d %H:%M:%S.%f")


def _first_time(path: Path) -> datetime:
    with open(path, "rb") as f:
        return datetime.strptime(f.read(23).decode(), "%Y-%m-%d %H:%M:%S.%f")


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S.") + f"{t.microsecond // 1000:03d}"


def info_line(t: datetime, text: str) -> str:
    return f"{_stamp(t)} smtpsrvr[4242] I-MTA_SMTP-Connection: connection from 192.0.2.1 ({text})\n"


def error_line(t: datetime, text: str) -> str:
    return f"{_stamp(t)} smtpsrvr[4242] E-MTA_SMTP-Error: {text} benchmark probe\n"


def end_marker(n: int) -> str:
    return f"SMTPBENCH-END-{n}"


def marked_log(n: int, cache_dir: Path) -> tuple[Path, datetime]:
    """make_log(n) plus one last info line carrying end_marker(n), cached beside it.
    Returns the path and the marker line's time (later than every other line's)."""
    base, _ = shared.make_log(n, cache_dir)
    path = base.with_name(base.stem + "-marked.log")
    t = _last_time(base) + timedelta(seconds=1)
    if not path.exists() or path.stat().st_mtime < base.stat().st_mtime:
        for old in cache_dir.glob(f"native-{n}-*-marked.log"):
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        shutil.copyfile(base, tmp)
        with open(tmp, "a") as f:
            f.write(info_line(t, end_marker(n)))
        os.replace(tmp, path)
    return path, t


def info_pool(path: Path, limit: int = 5000) -> list[bytes]:
    """The info lines of a generated log, without their timestamps: what the writer appends."""
    out = []
    with open(path, "rb") as f:
        for line in f:
            if b" I-MTA_SMTP-" in line:
                out.append(line[23:].rstrip(b"\n"))
                if len(out) >= limit:
                    break
    return out


# -- processes ------------------------------------------------------------------------------------

def _proc_start(pid: int) -> int | None:
    """The process' start time in ticks (field 22 of /proc/PID/stat): tells a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_status(pid: int, key: str) -> int:
    """A kB figure (VmHWM, VmRSS) from /proc/PID/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise Failed(f"no {key} for pid {pid}")


# -- tmux -----------------------------------------------------------------------------------------

@dataclass
class Pane:
    name: str
    pid: int
    start: int | None
    t0: float


class Tmux:
    """A private tmux server (its own socket, no config) and one control-mode client for polling.

    Panes are started with `new-session -d -x 160 -y 45 -- argv...` (executed directly, so the
    pane's pid is the program's after `env` execs it). capture-pane goes through the control
    client: a poll is a line written to a pipe, not a process spawned."""

    def __init__(self) -> None:
        if not shutil.which("tmux"):
            raise Failed("tmux is not installed")
        self.sock = f"smtpbench-{os.getpid()}"
        self.base = ["tmux", "-u", "-L", self.sock, "-f", "/dev/null"]
        self.panes: dict[str, Pane] = {}
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        self.env = env
        self._run("new-session", "-d", "-s", "keep", "-x", "80", "-y", "24", "--", "sleep", "86400")
        self._run("set-option", "-g", "remain-on-exit", "on")
        self.socket = self._run("display-message", "-p", "#{socket_path}").strip()
        self.ctl = subprocess.Popen(self.base + ["-C", "attach-session", "-t", "keep"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, env=env)
        self._sync()

    def _run(self, *args: str) -> str:
        r = subprocess.run(self.base + list(args), capture_output=True, text=True, env=self.env,
                           timeout=20)
        if r.returncode != 0:
            raise Failed(f"tmux {' '.join(args[:3])}: {r.stderr.strip()}")
        return r.stdout

    def _block(self) -> tuple[bool, list[str]]:
        """Reads the next %begin..%end/%error block of a command sent here, skipping the rest."""
        stdout = self.ctl.stdout
        assert stdout is not None
        begin = None
        out: list[str] = []
        while True:
            raw = stdout.readline()
            if not raw:
                raise Failed("the tmux control client ended")
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if begin is None:
                # flags 1: a command this client sent (0: e.g. the attach itself, which can
                # complete after the first commands were read)
                if line.startswith("%begin ") and line.split()[3:4] == ["1"]:
                    begin = line.split()[1:3]
                    out = []
                continue
            if line.startswith(("%end ", "%error ")) and line.split()[1:3] == begin:
                return line.startswith("%end"), out
            out.append(line)

    def _sync(self) -> None:
        token = f"sync-{time.monotonic_ns()}"
        self._send(f"display-message -p {token}")
        while True:
            ok, out = self._block()
            if out == [token]:
                return

    def _send(self, line: str) -> None:
        stdin = self.ctl.stdin
        assert stdin is not None
        stdin.write(line.encode() + b"\n")
        stdin.flush()

    def command(self, line: str) -> list[str]:
        self._send(line)
        ok, out = self._block()
        if not ok:
            raise Failed(f"tmux {line}: {' '.join(out)}")
        return out

    def start(self, name: str, argv: list[str]) -> Pane:
        t0 = time.monotonic()
        self._run("new-session", "-d", "-s", name, "-x", str(COLS), "-y", str(ROWS), "--", *argv)
        pid = int(self.command(f"display-message -p -t {name} '#{{pane_pid}}'")[0])
        pane = Pane(name, pid, _proc_start(pid), t0)
        self.panes[name] = pane
        return pane

    def capture(self, name: str) -> str:
        return "\n".join(self.command(f"capture-pane -p -t {name}"))

    def dead(self, name: str) -> bool:
        return self.command(f"display-message -p -t {name} '#{{pane_dead}}'")[0] == "1"

    def keys(self, name: str, *keys: str) -> None:
        self.command(f"send-keys -t {name} " + " ".join(keys))

    def wait_for(self, name: str, pred, timeout: float, interval: float = 0.003) -> tuple[float, str]:
        """Polls the screen until pred(screen) is true: (monotonic time it was seen, the screen)."""
        deadline = time.monotonic() + timeout
        next_check = time.monotonic() + 0.5
        screen = ""
        while True:
            screen = self.capture(name)
            now = time.monotonic()
            if pred(screen):
                return now, screen
            if now > deadline:
                raise Failed(f"{name}: timed out after {timeout:.0f} s; screen:\n{_tail(screen)}")
            if now > next_check:
                next_check = now + 0.5
                if self.dead(name):
                    raise Failed(f"{name}: the program exited; screen:\n{_tail(screen)}")
            time.sleep(interval)

    def kill(self, name: str) -> None:
        """kill-session sends SIGHUP; whatever is still alive 3 s later gets SIGKILL (by pid)."""
        pane = self.panes.pop(name, None)
        with contextlib.suppress(Failed, subprocess.TimeoutExpired):
            self._run("kill-session", "-t", name)
        if pane is None or pane.start is None:
            return
        deadline = time.monotonic() + 3
        while _proc_start(pane.pid) == pane.start and time.monotonic() < deadline:
            time.sleep(0.02)
        if _proc_start(pane.pid) == pane.start:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pane.pid, signal.SIGKILL)

    def close(self) -> None:
        for name in list(self.panes):
            self.kill(name)
        with contextlib.suppress(Exception):
            self._run("kill-server")
        with contextlib.suppress(Exception):
            self.ctl.kill()
            self.ctl.wait(5)
        if self.socket and Path(self.socket).name == self.sock:   # kill-server leaves it behind
            with contextlib.suppress(OSError):
                os.unlink(self.socket)


def _tail(screen: str, n: int = 10) -> str:
    """The first 4 and the last n non-blank lines of a screen, for an error message."""
    lines = [l.rstrip() for l in screen.splitlines() if l.strip(" │")]
    if len(lines) > n + 5:
        lines = lines[:4] + ["..."] + lines[-n:]
    return "\n".join("    " + l for l in lines)


# -- the programs -----------------------------------------------------------------------------------

HELLO = '''\
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("SMTPBENCH-HELLO")

Hello().run()
'''


@dataclass
class Tools:
    console: list[str]      # the command that starts the console
    python: str
    lnav: str | None
    home: Path | None       # lnav's HOME, with the isode_native format installed
    xdg: Path               # an empty XDG_CONFIG_HOME for the console
    hello: Path

    def console_argv(self, *args: str) -> list[str]:
        return ["env", f"XDG_CONFIG_HOME={self.xdg}", *self.console, *args]

    def lnav_argv(self, *args: str) -> list[str]:
        return ["env", "-u", "XDG_CONFIG_HOME", f"HOME={self.home}", self.lnav or "lnav", *args]

    def hello_argv(self) -> list[str]:
        return ["env", f"XDG_CONFIG_HOME={self.xdg}", self.python, str(self.hello)]


def _lnav_failed(part: str, exc: Exception) -> None:
    print(f"# lnav, {part}: {exc}\n# (no lnav figure for it)", file=sys.stderr)


# -- 1. time to first screen --------------------------------------------------------------------

def first_screen(tm: Tmux, name: str, argv: list[str], marker: str, timeout: float) -> tuple[float, Pane]:
    pane = tm.start(name, argv)
    try:
        seen, _ = tm.wait_for(name, lambda s: marker in s, timeout)
    except Failed:
        tm.kill(name)
        raise
    return seen - pane.t0, pane


def bench_ttfs(tm: Tmux, tools: Tools, args, res: dict) -> None:
    small, _ = marked_log(MB_LINES, args.cache_dir)
    big_n = QUICK_BIG_LINES if args.quick else GB_LINES
    big, _ = marked_log(big_n, args.cache_dir)
    for p in (small, big):
        shared.warm_cache(p)
    res["big_label"] = f"{big.stat().st_size / 1e6:,.0f} MB" if args.quick else \
        f"{big.stat().st_size / 1e9:.1f} GB"
    res["small_label"] = f"{small.stat().st_size / 1e6:.1f} MB"
    runs = 1 if args.quick else 3
    print(f"# first screen: {small.name} ({res['small_label']}), {big.name} ({res['big_label']}),"
          f" {runs} run(s) each", file=sys.stderr)

    # untimed warm-up: the venv's files into the page cache, .pyc checked
    for argv, marker in ((tools.console_argv(str(small)), end_marker(MB_LINES)),
                         (tools.hello_argv(), "SMTPBENCH-HELLO")):
        _, pane = first_screen(tm, "warmup", argv, marker, 60)
        tm.kill("warmup")

    cases = [("echo", ["sh", "-c", "echo SMTPBENCH-ECHO; exec sleep 600"], "SMTPBENCH-ECHO", 10),
             ("hello", tools.hello_argv(), "SMTPBENCH-HELLO", 30),
             ("console_small", tools.console_argv(str(small)), end_marker(MB_LINES), 30),
             ("console_big", tools.console_argv(str(big)), end_marker(big_n), 60)]
    if tools.lnav:
        cases += [("lnav_small", tools.lnav_argv(str(small)), end_marker(MB_LINES), 30)]
    for key, *_ in cases:
        res.setdefault(key, [])
    for i in range(runs):                    # interleaved, so noise from others is shared
        for key, argv, marker, timeout in cases:
            if key not in res:
                continue
            try:
                secs, pane = first_screen(tm, f"ttfs-{key}-{i}", argv, marker, timeout)
            except Failed as exc:
                if not key.startswith("lnav"):
                    raise
                _lnav_failed("first screen", exc)
                del res[key]
                continue
            res[key].append(secs)
            if key == "hello":
                res.setdefault("hello_rss", []).append(proc_status(pane.pid, "VmHWM"))
            tm.kill(pane.name)
    if tools.lnav:                            # lnav indexes the whole file: one run is plenty
        try:
            secs, pane = first_screen(tm, "ttfs-lnav-big", tools.lnav_argv(str(big)),
                                      end_marker(big_n), 300)
            res["lnav_big"] = [secs]
            tm.kill(pane.name)
        except Failed as exc:
            _lnav_failed("first screen, big log", exc)
    for key in [c[0] for c in cases if c[0] in res] + (["lnav_big"] if "lnav_big" in res else []):
        print(f"#   {key:14} " + " ".join(f"{s:.3f}" for s in res[key]), file=sys.stderr)


# -- 2. append-to-screen latency --------------------------------------------------------------------

WRITER = r'''
import os, sys, time
from datetime import datetime, timedelta
path, rate, interval, count, tag, pool_path, start, out_path = sys.argv[1:9]
rate, interval, count = float(rate), float(interval), int(count)
pool = open(pool_path, "rb").read().split(b"\n")
base = datetime.strptime(start, "%Y-%m-%d %H:%M:%S.%f")
fd = os.open(path, os.O_WRONLY | os.O_APPEND)
out = open(out_path, "w")
t_start = time.monotonic()
written = k = i = 0
next_marker = t_start + interval
while k < count:
    now = time.monotonic()
    t = base + timedelta(seconds=now - t_start)
    ts = (t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000)).encode()
    due = int((now - t_start) * rate)
    chunk = []
    for _ in range(due - written):
        chunk.append(ts + pool[i])
        i = (i + 1) % len(pool)
    written = max(written, due)
    marker = now >= next_marker
    if marker:
        chunk.append(ts + b" smtpsrvr[4242] E-MTA_SMTP-Error: BENCH-%s-%04d benchmark probe" % (tag.encode(), k))
    if chunk:
        os.write(fd, b"\n".join(chunk) + b"\n")
    if marker:
        out.write("%d %.6f %d\n" % (k, time.monotonic(), written))
        out.flush()
        k += 1
        next_marker += interval
    time.sleep(0.002)
out.write("done %.6f %d\n" % (time.monotonic() - t_start, written))
'''


@dataclass
class Phase:
    rate: int
    interval: float                                  # s between markers
    lat: list[float] = field(default_factory=list)   # seconds, in marker order
    missing: int = 0
    cpu_pct: float = 0.0
    achieved_rate: float = 0.0
    poll_ms: float = 0.0

    def pct(self, q: float) -> float:
        return _quantile(self.lat, q)

    @property
    def thirds(self) -> tuple[float, float]:
        if not self.lat:
            return float("nan"), float("nan")
        n = max(1, len(self.lat) // 3)
        return statistics.median(self.lat[:n]), statistics.median(self.lat[-n:])

    @property
    def slope_ms_per_s(self) -> float:
        """Least-squares growth of latency per second of run (markers ~evenly spaced)."""
        if len(self.lat) < 3:
            return 0.0
        xs = list(range(len(self.lat)))
        return statistics.linear_regression(xs, self.lat).slope * 1000 / self.interval


def _quantile(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def run_phase(tm: Tmux, pane: Pane, log: Path, pool: Path, rate: int, count: int, interval: float,
              start: datetime, tag: str, tmp: Path, poll: float) -> Phase:
    out = tmp / f"writer-{tag}.txt"
    cmd = [sys.executable, "-c", WRITER, str(log), str(rate), str(interval), str(count), tag,
           str(pool), _stamp(start), str(out)]
    pattern = re.compile(rf"BENCH-{re.escape(tag)}-(\d{{4}})")
    seen: dict[int, float] = {}
    cpu0 = cpu_seconds(pane.pid)
    t0 = time.monotonic()
    writer = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    polls = 0
    try:
        deadline = None
        while True:
            screen = tm.capture(pane.name)
            now = time.monotonic()
            polls += 1
            for m in pattern.finditer(screen):
                seen.setdefault(int(m.group(1)), now)
            if deadline is None and writer.poll() is not None:
                if writer.returncode != 0:
                    raise Failed(f"the writer exited {writer.returncode}")
                deadline = now + 5.0      # the stragglers get 5 s
            if deadline is not None and (len(seen) >= count or now > deadline):
                break
            if now - t0 > count * interval + 60:
                raise Failed(f"{pane.name}: the {rate}/s phase overran")
            if polls % 200 == 0 and tm.dead(pane.name):
                raise Failed(f"{pane.name}: the program exited; screen:\n{_tail(screen)}")
            time.sleep(poll)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    elapsed = time.monotonic() - t0
    cpu = cpu_seconds(pane.pid) - cpu0
    written: dict[int, float] = {}
    total_lines, duration = 0, 1.0
    for line in out.read_text().splitlines():
        parts = line.split()
        if parts[0] == "done":
            duration, total_lines = float(parts[1]), int(parts[2])
        else:
            written[int(parts[0])] = float(parts[1])
    ph = Phase(rate, interval)
    for k in sorted(written):
        if k in seen:
            ph.lat.append(max(0.0, seen[k] - written[k]))
        else:
            ph.missing += 1
    ph.cpu_pct = 100 * cpu / elapsed
    ph.achieved_rate = total_lines / duration
    ph.poll_ms = 1000 * elapsed / max(1, polls)
    return ph


def bench_latency(tm: Tmux, tools: Tools, args, res: dict, tmp: Path) -> None:
    src, t_end = marked_log(MB_LINES, args.cache_dir)
    pool = tmp / "info-pool.txt"
    pool.write_bytes(b"\n".join(info_pool(src)))
    print(f"# latency: {args.markers} markers every {args.marker_interval} s at 2,000 and 20,000 info lines/s; "
          f"polling every ~{args.poll * 1000:.0f} ms", file=sys.stderr)
    for who in ["console"] + (["lnav"] if tools.lnav else []):
        try:
            res[who] = _latency_of(tm, tools, args, tmp, who, src, t_end, pool)
        except Failed as exc:
            if who == "console":
                raise
            _lnav_failed("latency", exc)


def _latency_of(tm: Tmux, tools: Tools, args, tmp: Path, who: str, src: Path, t_end: datetime,
                pool: Path) -> list[Phase]:
    """Starts `who` in the errors-only view on a copy of src, then runs the 2k/s and 20k/s phases."""
    log = tmp / f"latency-{who}.log"
    shutil.copyfile(src, log)
    with open(log, "a") as f:
        f.write(error_line(t_end + timedelta(seconds=1), "SMTPBENCH-READY"))
    name = f"lat-{who}"
    try:
        if who == "console":
            pane = tm.start(name, tools.console_argv(str(log)))
            tm.wait_for(name, lambda s: "SMTPBENCH-READY" in s, 30)
            tm.keys(name, "3")   # show only critical, fatal, error
            tm.wait_for(name, lambda s: "SMTPBENCH-READY" in s and not any(
                m.group(1) not in "CFE" for m in SCREEN_ROW.finditer(s)), 10)
        else:
            pane = tm.start(name, tools.lnav_argv("-c", ":set-min-log-level error", str(log)))
            tm.wait_for(name, lambda s: "SMTPBENCH-READY" in s and "Connection" not in s, 30)
        time.sleep(1.0)
        start = t_end + timedelta(seconds=2)
        phases = []
        for rate in (2000, 20000):
            ph = run_phase(tm, pane, log, pool, rate, args.markers, args.marker_interval, start,
                           f"{who[:3]}{rate // 1000}k", tmp, args.poll)
            start += timedelta(seconds=args.markers * args.marker_interval + 10)
            phases.append(ph)
            first, last = ph.thirds
            print(f"#   {who:8} {rate:>6,}/s (wrote {ph.achieved_rate:,.0f}/s): "
                  f"p50 {ph.pct(.5) * 1000:.0f} ms, p95 {ph.pct(.95) * 1000:.0f} ms, "
                  f"max {max(ph.lat, default=float('nan')) * 1000:.0f} ms, "
                  f"first third p50 {first * 1000:.0f} ms, last third p50 {last * 1000:.0f} ms, "
                  f"slope {ph.slope_ms_per_s:+.1f} ms/s, missing {ph.missing}, "
                  f"CPU {ph.cpu_pct:.0f}% of a core, poll every {ph.poll_ms:.1f} ms",
                  file=sys.stderr)
            time.sleep(1.0)
        return phases
    finally:
        tm.kill(name)


# -- 3. peak memory ---------------------------------------------------------------------------------

def bench_memory(tm: Tmux, tools: Tools, args, res: dict) -> None:
    for n in args.memory_lines:
        res[n] = _memory_case(tm, tools, args, n)


def _memory_case(tm: Tmux, tools: Tools, args, n: int) -> dict:
    """Peak RSS (VmHWM) once a file of n lines is all held (the console) or on screen (lnav)."""
    out: dict = {}
    log, _ = marked_log(n, args.cache_dir)
    shared.warm_cache(log)
    marker = end_marker(n)
    print(f"# memory: {log.name} ({n + 1:,} lines), --history {n} --from-start", file=sys.stderr)
    cases = [("console", tools.console_argv("--history", str(n), "--from-start", str(log)))]
    if tools.lnav:
        cases.append(("lnav", tools.lnav_argv(str(log))))
    for who, argv in cases:
        try:
            secs, pane = first_screen(tm, f"mem-{who}", argv, marker, 120)
            if who == "console":   # held n/n once the whole file is in
                tm.wait_for(pane.name, lambda s: f"held {n:,}/" in s, 120)
        except Failed as exc:
            tm.kill(f"mem-{who}")
            if who == "console":
                raise
            _lnav_failed("memory", exc)
            continue
        time.sleep(1.5)
        out[who] = proc_status(pane.pid, "VmHWM")
        out[who + "_rss"] = proc_status(pane.pid, "VmRSS")
        out[who + "_s"] = secs
        print(f"#   {who:8} VmHWM {out[who] / 1024:.0f} MB, VmRSS now {out[who + '_rss'] / 1024:.0f} MB,"
              f" whole file on screen after {secs:.2f} s", file=sys.stderr)
        tm.kill(pane.name)
    return out


# -- 4. idle CPU ------------------------------------------------------------------------------------

def bench_idle(tm: Tmux, tools: Tools, args, res: dict, tmp: Path) -> None:
    src, t_end = marked_log(MB_LINES, args.cache_dir)
    d = tmp / "idle"
    d.mkdir()
    files = []
    first = _first_time(src)
    body = src.read_bytes()
    for i in range(IDLE_FILES):
        p = d / f"mta-event-{i}.log"
        # a first line of its own: lnav hides a file whose content it has seen as a duplicate
        with open(p, "wb") as f:
            f.write(info_line(first - timedelta(seconds=IDLE_FILES - i), f"file {i}").encode())
            f.write(body)
            f.write(info_line(t_end + timedelta(seconds=10 + i), f"SMTPBENCH-IDLE-{i}").encode())
        files.append(str(p))
    last = f"SMTPBENCH-IDLE-{IDLE_FILES - 1}"
    cases = [("console", tools.console_argv(*files), last),
             ("hello", tools.hello_argv(), "SMTPBENCH-HELLO")]
    if tools.lnav:
        cases.append(("lnav", tools.lnav_argv(*files), last))
    window = args.idle_seconds
    print(f"# idle: {IDLE_FILES} files, nothing written; CPU over {window:.0f} s, all at once",
          file=sys.stderr)
    panes = {}
    for who, argv, marker in cases:   # all idle side by side, measured over the same window
        try:
            _, panes[who] = first_screen(tm, f"idle-{who}", argv, marker, 20)
        except Failed as exc:
            if who != "lnav":
                raise
            _lnav_failed("idle", exc)
    time.sleep(3.0)                   # past start-up work (timers, the first rescans)
    before = {who: cpu_seconds(p.pid) for who, p in panes.items()}
    t0 = time.monotonic()
    time.sleep(window)
    elapsed = time.monotonic() - t0
    for who, p in panes.items():
        res[who] = 100 * (cpu_seconds(p.pid) - before[who]) / elapsed
        print(f"#   {who:8} {res[who]:.2f}% of a core", file=sys.stderr)
        tm.kill(p.name)


# -- the table --------------------------------------------------------------------------------------

def _fmt_s(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f} s"


def _fmt_ms(x: float | None) -> str:
    return "-" if x is None or x != x else f"{x * 1000:.0f} ms"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "-"


def _ok(flag: bool | None) -> str:
    return "-" if flag is None else ("pass" if flag else "**FAIL**")


def table(results: dict, errors: dict) -> tuple[list[str], bool]:
    rows: list[tuple[str, str, str, str, str, str, bool | None]] = []
    med = statistics.median
    t = results.get("ttfs")
    if t:
        cs, cb = med(t["console_small"]), med(t["console_big"])
        ls = med(t["lnav_small"]) if t.get("lnav_small") else None
        lb = med(t["lnav_big"]) if t.get("lnav_big") else None
        floor = f"{med(t['hello']):.2f} s (echo {med(t['echo']) * 1000:.0f} ms)"
        rows.append((f"first screen, {t['small_label']} log", _fmt_s(cs), _fmt_s(ls), _ratio(cs, ls),
                     floor, "≤ 1 s", cs <= GOALS["ttfs"]))
        flat = cb <= cs + GOALS["flat_slack"]
        rows.append((f"first screen, {t['big_label']} log", _fmt_s(cb), _fmt_s(lb), _ratio(cb, lb),
                     floor, f"≤ 1 s, flat (≤ {t['small_label']} + {GOALS['flat_slack']:.2f} s)",
                     cb <= GOALS["ttfs"] and flat))
    elif "ttfs" in errors:
        rows.append(("first screen", "error", "-", "-", "-", "≤ 1 s, flat", False))
    lat = results.get("latency")
    if lat:
        c = lat["console"]
        ln = lat.get("lnav")
        for i, (rate, goal) in enumerate(((2000, GOALS["p95_2k"]), (20000, GOALS["p95_20k"]))):
            ph = c[i]
            lp = ln[i] if ln else None
            miss = f", {ph.missing} missed" if ph.missing else ""
            lmiss = f", {lp.missing} missed" if lp and lp.missing else ""
            rows.append((f"append → screen p50 / p95, {rate:,} lines/s",
                         f"{_fmt_ms(ph.pct(.5))} / {_fmt_ms(ph.pct(.95))}{miss}",
                         f"{_fmt_ms(lp.pct(.5))} / {_fmt_ms(lp.pct(.95))}{lmiss}" if lp else "-",
                         _ratio(ph.pct(.95), lp.pct(.95) if lp else None) + (" (p95)" if lp else ""),
                         "-",
                         f"p95 ≤ {goal * 1000:.0f} ms", ph.pct(.95) <= goal and not ph.missing))
        ph = c[1]
        lp = ln[1] if ln else None
        f1, l1 = ph.thirds
        ok = l1 <= f1 + GOALS["backlog_slack"] and not ph.missing
        lnav_txt = "-"
        if lp and lp.lat:
            lf, ll = lp.thirds
            lnav_txt = f"{lf * 1000:.0f} → {ll * 1000:.0f} ms ({lp.slope_ms_per_s:+.1f} ms/s)"
        rows.append(("backlog at 20,000 lines/s: p50 first → last third (slope)",
                     f"{f1 * 1000:.0f} → {l1 * 1000:.0f} ms ({ph.slope_ms_per_s:+.1f} ms/s)",
                     lnav_txt, "-", "-", f"last ≤ first + {GOALS['backlog_slack'] * 1000:.0f} ms", ok))
        for i, rate in enumerate((2000, 20000)):
            lp = ln[i] if ln else None
            rows.append((f"CPU while appending {rate:,} lines/s (errors-only view)",
                         f"{c[i].cpu_pct:.0f}%", f"{lp.cpu_pct:.0f}%" if lp else "-",
                         _ratio(c[i].cpu_pct, lp.cpu_pct if lp else None), "-", "(info)", None))
    elif "latency" in errors:
        rows.append(("append → screen", "error", "-", "-", "-", "p95 ≤ 50 / 100 ms", False))
    for n, m in sorted(results.get("memory", {}).items()):
        floor = results.get("ttfs", {}).get("hello_rss")
        goal = MEM_GOALS_MB.get(n, GOALS["rss_mb"])
        rows.append((f"peak RSS, {n:,} events held", f"{m['console'] / 1024:.0f} MB",
                     f"{m['lnav'] / 1024:.0f} MB" if "lnav" in m else "-",
                     _ratio(m["console"], m.get("lnav")),
                     f"{max(floor) / 1024:.0f} MB" if floor else "-",
                     f"≤ {goal} MB", m["console"] / 1024 <= goal))
    if "memory" in errors:
        rows.append(("peak RSS", "error", "-", "-", "-", "see above", False))
    idle = results.get("idle")
    if idle:
        rows.append((f"idle CPU, {IDLE_FILES} files, nothing written", f"{idle['console']:.2f}%",
                     f"{idle['lnav']:.2f}%" if "lnav" in idle else "-",
                     _ratio(idle["console"], idle.get("lnav")), f"{idle['hello']:.2f}%",
                     f"< {GOALS['idle_cpu']:.0f}% of a core", idle["console"] < GOALS["idle_cpu"]))
    elif "idle" in errors:
        rows.append(("idle CPU", "error", "-", "-", "-", "< 1%", False))
    out = ["| measure | smtp-console | lnav | console / lnav | floor: Textual hello | goal | console |",
           "|---|---:|---:|---:|---:|---|---|"]
    for r in rows:
        out.append("| " + " | ".join(list(r[:6]) + [_ok(r[6])]) + " |")
    all_ok = all(r[6] is not False for r in rows) and not errors
    return out, all_ok


# -- main -------------------------------------------------------------------------------------------

def install(venv: Path) -> None:
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--force-reinstall", "--no-deps",
                    str(REPO)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(REPO)], check=True)


def stale_files(python: str) -> list[str]:
    """Python files of the tree's console/ that differ from the installed ones."""
    r = subprocess.run([python, "-c", "import console, os; print(os.path.dirname(console.__file__))"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return ["(console not importable)"]
    installed = Path(r.stdout.strip())
    out = []
    for f in (REPO / "console").rglob("*.py"):
        rel = f.relative_to(REPO / "console")
        g = installed / rel
        if not g.exists() or g.read_bytes() != f.read_bytes():
            out.append(str(rel))
    return sorted(out)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="one run per first-screen case, 100 MB instead of 1 GB, shorter phases")
    p.add_argument("--only", default="ttfs,latency,memory,idle",
                   help="comma-separated parts: ttfs, latency, memory, idle")
    p.add_argument("--venv", type=Path, default=Path(os.environ.get("SMTP_CONSOLE_BENCH_VENV",
                                                                    "/tmp/benchvenv")),
                   help="the virtual environment with smtp-console installed (default /tmp/benchvenv)")
    p.add_argument("--install", action="store_true",
                   help="first (re)install this tree into --venv (non-editable)")
    p.add_argument("--console-cmd", metavar="CMD",
                   help="start the console with this command instead of VENV/bin/smtp-console, e.g. "
                        "'/tmp/benchvenv/bin/python patched.py' to try a change without installing it"
                        " (split like a shell would; the log paths and options are appended)")
    p.add_argument("--no-lnav", action="store_true", help="skip lnav even if installed")
    p.add_argument("--memory-lines", default=",".join(str(n) for n in MEM_LINES),
                   type=lambda v: [int(x) for x in v.split(",") if x.strip()],
                   help="events held in the peak-RSS cases (default 100000,1000000)")
    p.add_argument("--markers", type=int, default=None,
                   help="error markers per latency phase (default 40; --quick 30)")
    p.add_argument("--marker-interval", type=float, default=None,
                   help="seconds between markers (default 0.5; --quick 0.3)")
    p.add_argument("--poll", type=float, default=0.003, help="capture-pane interval, s (default 0.003)")
    p.add_argument("--idle-seconds", type=float, default=None,
                   help="idle CPU window (default 20; --quick 8)")
    p.add_argument("--cache-dir", type=Path,
                   default=Path(os.environ.get("SMTP_CONSOLE_BENCH_CACHE")
                                or Path(tempfile.gettempdir()) / "smtp-console-bench"),
                   help="where generated logs are kept (shared with bench/decode.py)")
    args = p.parse_args()
    parts = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = set(parts) - {"ttfs", "latency", "memory", "idle"}
    if unknown:
        p.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    args.markers = args.markers or (30 if args.quick else 40)
    args.marker_interval = args.marker_interval or (0.3 if args.quick else 0.5)
    args.idle_seconds = args.idle_seconds or (8.0 if args.quick else 20.0)

    if args.install:
        install(args.venv)
    console = args.venv / "bin" / "smtp-console"
    python = args.venv / "bin" / "python"
    if not console.exists():
        p.error(f"{console} not found: run with --install (or pass --venv)")
    stale = stale_files(str(python))
    if stale:
        print(f"# warning: the installed console differs from the tree in {len(stale)} file(s) "
              f"({', '.join(stale[:5])}...): run with --install to measure this tree", file=sys.stderr)
    lnav = None if args.no_lnav else shutil.which("lnav")
    if not lnav:
        print("# lnav not found (or --no-lnav): no lnav column", file=sys.stderr)

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)

    t_start = time.monotonic()
    load_before = os.getloadavg()[0]
    results: dict = {}
    errors: dict = {}
    with tempfile.TemporaryDirectory(prefix="smtp-console-live-") as tmpdir:
        tmp = Path(tmpdir)
        (tmp / "xdg").mkdir()
        hello = tmp / "hello.py"
        hello.write_text(HELLO)
        cmd = shlex.split(args.console_cmd) if args.console_cmd else [str(console)]
        tools = Tools(cmd, str(python), lnav,
                      shared.lnav_home(tmp) if lnav else None, tmp / "xdg", hello)
        try:
            tm = Tmux()
        except Failed as exc:
            print(f"{exc}: cannot measure anything", file=sys.stderr)
            return 2
        try:
            for part in parts:
                res: dict = {}
                try:
                    if part == "ttfs":
                        bench_ttfs(tm, tools, args, res)
                    elif part == "latency":
                        bench_latency(tm, tools, args, res, tmp)
                    elif part == "memory":
                        bench_memory(tm, tools, args, res)
                    else:
                        bench_idle(tm, tools, args, res, tmp)
                    results[part] = res
                except (Failed, OSError, subprocess.SubprocessError) as exc:
                    errors[part] = str(exc)
                    print(f"# {part} FAILED: {exc}", file=sys.stderr)
                    for name in [n for n in tm.panes]:
                        tm.kill(name)
        finally:
            tm.close()
    lines, ok = table(results, errors)
    print(f"\nsmtp-console live benchmark{' (--quick)' if args.quick else ''}: {COLS}x{ROWS} tmux, "
          f"{os.cpu_count()} CPUs, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} "
          f"after, {time.monotonic() - t_start:.0f} s")
    if load_before > 0.5:
        print("(other processes were busy: wall-clock figures are pessimistic)")
    print("\n".join(lines))
    for part, msg in errors.items():
        print(f"\n{part}: {msg}")
    print("\nall goals met" if ok else "\nsome goals missed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
