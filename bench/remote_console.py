#!/usr/bin/env python3
"""What following many hosts over SSH costs in the console itself, as the operator pays it.

    python bench/remote_console.py                          # 20 hosts x 200 lines/s, 20 s, 160x45 and 80x24
    python bench/remote_console.py --repeat 3 --sizes 160x45 --seconds 10
    python bench/remote_console.py --console "/tmp/other/bin/smtp-console"
    python bench/remote_console.py --repeat 3 --baseline /tmp/main-tree   # also main's console, over SSH

The installed console runs on a pseudo-terminal of its own (bench/terminal.py's PtyProgram) at each
size, following N "hosts": Host aliases of one local sshd (tests/remote/sshd.py), each its own ssh
session and remote follower, given through SMTP_CONSOLE_SSH_CONFIG. In the same run, one console
follows the same N logs read locally (and with --baseline, another tree's console the hosts). Once the
header says every log is followed and the first screen has settled, a writer process appends
realistic lines (bench/decode.py's generated log without its critical and fatal lines, time stamps
made current) to every log at R lines/s each. Over the window plus 2 s to catch up:

* the console's CPU (its own process and its exit watchdog), as % of a core and per line (µs);
* the local `ssh` clients' CPU (all of them: part of what the operator pays);
* the remote side's CPU: each host's follower (python3) and sshd session process;
* bytes/s written to the terminal, the console's RSS;
* an alert's latency: every ALERT_EVERY s one critical line with a unique mark goes to one log (in
  turn), and the time until that mark is on the terminal (the alert line names the newest) is kept;
* lines lost or repeated, net: the header's `held N` (the history is large enough to hold every
  line; the terminal is made wide for it after the window) against the lines in the logs when the
  console starts plus those written; and how many were still on their way when the window closed.

Compare the ratios (ssh / local) of one run, not absolute figures across runs: the machine is shared.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import termios
import fcntl
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(BENCH), str(REPO), str(REPO / "tests" / "remote")]
sys.dont_write_bytecode = True

import terminal as term  # noqa: E402  PtyProgram, line_pool, stamp
from sshd import Sshd, why_no_sshd, write_client_config  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
START_LINES = 50        # in each log before the console starts: a first screen
ALERT_EVERY = 0.5       # s between marked critical lines
ALERT = b" smtpsrvr[4242] C-MTA_SMTP-Critical: BENCHALERT%05d disk full\n"  # a critical event
WIDE = (200, 50)         # a terminal wide enough for the header's `held N`
HELD = re.compile(rb"held ([\d,]+)")
FOLLOWER_MARK = b"b=sys.stdin.buffer"  # the remote follower's bootstrap (console.tail.remote.bundle)


# -- processes ---------------------------------------------------------------------------------------

def _stat(pid: int) -> tuple[str, int, float] | None:
    """(comm, ppid, CPU seconds) of a live process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1:raw.rindex(")")]
    f = raw.rsplit(")", 1)[1].split()
    return comm, int(f[1]), (int(f[11]) + int(f[12])) / CLK_TCK


def _table() -> dict[int, tuple[str, int, float, bytes]]:
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        st = _stat(int(entry))
        if st is None:
            continue
        try:
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            cmd = b""
        out[int(entry)] = (*st, cmd)
    return out


def _below(table: dict, root: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for pid, (_, ppid, _, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = set(), [root]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.add(k)
            todo.append(k)
    return out


def groups(console_pid: int, sshd_pid: int | None) -> dict[str, dict[int, float]]:
    """CPU seconds by pid of: the console (and its children but ssh), the ssh clients, the remote
    followers, the remote sshd session processes."""
    t = _table()
    mine = _below(t, console_pid) | {console_pid}
    out: dict[str, dict[int, float]] = {"console": {}, "ssh": {}, "follower": {}, "sshd": {}}
    for pid in mine:
        if pid in t:
            out["ssh" if t[pid][0] == "ssh" else "console"][pid] = t[pid][2]
    if sshd_pid is not None:
        for pid in _below(t, sshd_pid):
            comm, _, cpu, cmd = t[pid]
            if FOLLOWER_MARK in cmd and comm.startswith("python"):  # not the shell that starts it
                out["follower"][pid] = cpu
            elif comm.startswith("sshd"):
                out["sshd"][pid] = cpu
    return out


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two snapshots (a process that came meanwhile counts from 0; one that
    ended meanwhile is lost: none should)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


# -- the console on a pty, watched --------------------------------------------------------------------

class Watched(term.PtyProgram):
    """PtyProgram that also keeps the newest output (for the header's count) and when each alert
    mark first reached the terminal."""

    def __init__(self, *args, **kwargs) -> None:
        self.tail = b""
        self.marks: dict[int, float] = {}
        super().__init__(*args, **kwargs)

    def received(self, data: bytes) -> None:
        super().received(data)
        now = self.last_output
        self.tail = (self.tail + data)[-65536:]
        if b"BENCHALERT" in self.tail[-len(data) - 20:]:
            for m in re.finditer(rb"BENCHALERT(\d{5})", self.tail[-len(data) - 20:]):
                self.marks.setdefault(int(m.group(1)), now)

    def held(self) -> int | None:
        found = HELD.findall(self.tail)
        return int(found[-1].replace(b",", b"")) if found else None

    def resize(self, cols: int, rows: int) -> None:
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.killpg(self.proc.pid, signal.SIGWINCH)


def catch_up(prog: Watched, expected: int, limit: float = 30.0) -> tuple[int | None, float | None]:
    """After the window: the terminal made wide enough for the header's `held N` (a narrow one
    leaves it out), then (lines not taken in yet when the window closed, seconds until all were;
    None: not within `limit`). The header is drawn every 2 s at most while lines flow, so both are
    that coarse."""
    prog.resize(*WIDE)
    t0 = time.monotonic()
    time.sleep(0.5)
    first = prog.held()
    behind = None if first is None else expected - first
    while time.monotonic() - t0 < limit:
        if prog.held() == expected:
            return behind, (0.0 if behind == 0 else time.monotonic() - t0)
        time.sleep(0.25)
    return behind, None


# -- the writer ---------------------------------------------------------------------------------------

def writer(paths: list[str], pool: list[bytes], rate: float, seconds: float, alerts, out) -> None:
    """Appends `rate` lines a second to each log, in 10 ms ticks, and a marked critical line every
    ALERT_EVERY s to one log in turn (its write time, monotonic, put on `alerts`). Puts the count."""
    files = [open(p, "ab", buffering=0) for p in paths]
    tick, written, i, mark = 0.01, 0, 0, 0
    t0 = time.monotonic()
    next_alert = t0 + ALERT_EVERY
    while True:
        now = time.monotonic()
        if now - t0 >= seconds:
            break
        n = int(min(rate * seconds, rate * (now - t0) + rate * tick)) - written
        if n > 0:
            ts = term.stamp()
            for f in files:
                f.write(b"".join(ts + pool[(i + k) % len(pool)] for k in range(n)))
                i += n
            written += n
        if now >= next_alert:
            files[mark % len(files)].write(term.stamp() + ALERT % mark)
            alerts.put((mark, time.monotonic()))
            mark += 1
            next_alert += ALERT_EVERY
        time.sleep(tick - (time.monotonic() - t0) % tick)
    for f in files:
        f.close()
    out.put(written * len(paths) + mark)
    alerts.put(None)


# -- one run ------------------------------------------------------------------------------------------

@dataclass
class Result:
    path: str
    size: str
    rep: int = 1
    lines: int = 0
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)   # group -> CPU seconds
    count: dict[str, int] = field(default_factory=dict)   # group -> processes
    bytes: int = 0
    rss_kb: int = 0
    lat: list[float] = field(default_factory=list)
    alerts: int = 0
    held: int | None = None
    behind: int | None = None
    caught_up: float | None = None
    expected: int = 0
    error: str = ""

    def pct(self, group: str) -> float:
        return 100 * self.cpu.get(group, 0.0) / self.seconds if self.seconds else 0.0

    def us_line(self, group: str) -> float:
        return 1e6 * self.cpu.get(group, 0.0) / self.lines if self.lines else 0.0

    def p95(self) -> float | None:
        lat = sorted(self.lat)
        return lat[min(len(lat) - 1, int(len(lat) * 0.95))] if lat else None


def measure(path: str, argv: list[str], env: dict, size: tuple[int, int], logs: list[str], pool: list[bytes],
            rate: float, seconds: float, sshd_pid: int | None) -> Result:
    cols, rows = size
    res = Result(path, f"{cols}x{rows}")
    for p in logs:  # fresh logs each run: the header's count is then exact
        with open(p, "wb") as f:
            f.write(b"".join(term.stamp() + pool[k] for k in range(START_LINES)))
    res.expected = START_LINES * len(logs)
    remote = path == "ssh"
    prog = Watched(argv, cols, rows, env)
    try:
        # every log following (the header says so: a host still connecting is named apart), then
        # the first screen settled: a host that started late would begin with its last -n lines
        ready = f"{len(logs)} logs following".encode()
        deadline = time.monotonic() + 90
        while ready not in prog.tail:
            if prog.proc.poll() is not None:
                raise RuntimeError(f"the console ended with {prog.proc.returncode} at start: {prog.tail[-200:]!r}")
            if time.monotonic() > deadline:
                raise RuntimeError("not every log was followed within 90 s")
            time.sleep(0.2)
        prog.settle()
        g0, b0, t0 = groups(prog.proc.pid, sshd_pid), prog.bytes, time.monotonic()
        alerts, out = multiprocessing.Queue(), multiprocessing.Queue()
        w = multiprocessing.Process(target=writer, args=(logs, pool, rate, seconds, alerts, out))
        w.start()
        sent = {}
        while True:
            item = alerts.get()
            if item is None:
                break
            sent[item[0]] = item[1]
        res.lines = out.get()
        w.join()
        time.sleep(2.0)  # the last lines on their way
        if prog.proc.poll() is not None:
            raise RuntimeError(f"the console ended with {prog.proc.returncode} while following")
        g1, res.seconds = groups(prog.proc.pid, sshd_pid), time.monotonic() - t0
        res.bytes, res.rss_kb = prog.bytes - b0, prog.rss_kb()
        for k in g1:
            res.cpu[k] = spent(g0[k], g1[k])
            res.count[k] = len(g1[k])
        res.alerts = len(sent)
        res.lat = [prog.marks[k] - t for k, t in sent.items() if k in prog.marks]
        res.expected += res.lines
        res.behind, res.caught_up = catch_up(prog, res.expected)
        res.held = prog.held()
    except Exception as exc:  # a failed run is a row that says so
        res.error = str(exc)
    finally:
        prog.stop()
    return res


# -- the report -----------------------------------------------------------------------------------------

def row(r: Result) -> str:
    if r.error:
        return f"| {r.path} | {r.size} | failed: {r.error} | | | | | | | | |"
    p95 = r.p95()
    lost = "?" if r.held is None else f"{r.expected - r.held:+,}" if r.held != r.expected else "0"
    behind = "?" if r.behind is None else "0" if not r.behind else \
        f"{r.behind:,}, all in {r.caught_up:.1f} s" if r.caught_up is not None else f"{r.behind:,}, not in 30 s"
    fol = r.count.get("follower", 0)
    return (f"| {r.path} | {r.size} | {r.pct('console'):.1f}% | {r.us_line('console'):.0f} µs | "
            f"{r.pct('ssh'):.1f}% ({r.count.get('ssh', 0)}) | "
            f"{(r.pct('follower') / fol if fol else 0):.2f}% / {(r.pct('sshd') / fol if fol else 0):.2f}% | "
            f"{r.bytes / r.seconds / 1024:.1f} KB/s | {r.rss_kb / 1024:.0f} MB | "
            f"{'-' if p95 is None else f'{p95 * 1000:.0f} ms'} ({len(r.lat)}/{r.alerts}) | "
            f"{behind} | {lost} ({r.held if r.held is not None else '?'} of {r.expected}) |")


HEAD = ["| path | size | console CPU | per line | ssh clients CPU (n) | per host: follower / sshd |"
        " to the terminal | RSS | alert p95 (seen) | behind at the end | lost, net (held of written) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]


def ratios(results: list[Result]) -> list[str]:
    """Each SSH run against the local run of the same size and round."""
    out = []
    local = {(r.rep, r.size): r for r in results if r.path == "local" and not r.error and r.cpu.get("console")}
    for r in results:
        loc = local.get((r.rep, r.size))
        if not r.path.startswith("ssh") or r.error or loc is None:
            continue
        both = r.cpu["console"] + r.cpu.get("ssh", 0.0)
        out.append(f"- round {r.rep}, {r.size}, {r.path}: console CPU / local "
                   f"{r.cpu['console'] / loc.cpu['console']:.2f}x;"
                   f" console + ssh clients / local {both / loc.cpu['console']:.2f}x;"
                   f" bytes {r.bytes / max(1, loc.bytes):.2f}x; RSS {r.rss_kb / max(1, loc.rss_kb):.2f}x")
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--console", default=shutil.which("smtp-console") or f"{sys.executable} -m console")
    p.add_argument("--hosts", type=int, default=20)
    p.add_argument("--rate", type=float, default=200, help="lines/s on each host")
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--sizes", default="160x45,80x24")
    p.add_argument("--paths", default="ssh,local")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--baseline", type=Path, help="a tree (console/, catalog/, themes/) whose console also "
                   "follows the hosts, as `ssh-baseline`: e.g. `git archive main console catalog themes`")
    p.add_argument("--cache-dir", type=Path, default=Path(os.environ.get(
        "SMTP_CONSOLE_BENCH_CACHE", Path(tempfile.gettempdir()) / "smtp-console-bench")))
    a = p.parse_args()
    if why_no_sshd():
        print(why_no_sshd(), file=sys.stderr)
        return 1
    sizes = [tuple(int(x) for x in s.split("x")) for s in a.sizes.split(",")]
    paths = a.paths.split(",") + (["ssh-baseline"] if a.baseline else [])
    # without the mix's critical and fatal lines: 20 hosts replaying it at 200 lines/s would raise
    # ~7 alerts a second, and the marked alerts (the latency probes) must be the newest when drawn
    pool = [ln for ln in term.line_pool(a.cache_dir) if not re.match(rb" \S+ [CF]-", ln)]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="smtp-console-remote-console-") as tmp:
        root = Path(tmp)
        logs = [str(root / f"h{i}" / "mta-event.log") for i in range(a.hosts)]
        for lp in logs:
            os.makedirs(os.path.dirname(lp))
        server = Sshd(root / "sshd").start()
        try:
            config = write_client_config(root / "ssh_config", [server.host_entry(f"host{i}") for i in range(a.hosts)])
            xdg = root / "xdg"
            xdg.mkdir()
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TMUX", "COLUMNS", "LINES"))}
            env.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8", XDG_CONFIG_HOME=str(xdg),
                       SMTP_CONSOLE_SSH_CONFIG=str(config))
            print(f"# {a.hosts} logs x {a.rate:g} lines/s, {a.seconds:g} s a run; {os.cpu_count()} CPUs, "
                  f"load {os.getloadavg()[0]:.1f}", file=sys.stderr)
            for rep in range(a.repeat):
                for size in sizes:
                    for path in paths:
                        remote = path.startswith("ssh")
                        targets = [f"host{i}:{lp}" for i, lp in enumerate(logs)] if remote else logs
                        console, run_env = a.console.split(), env
                        if path == "ssh-baseline":  # that tree's console (and far end): -P, not the cwd's
                            console = [sys.executable, "-P", "-m", "console"]
                            run_env = {**env, "PYTHONPATH": str(a.baseline.resolve())}
                        r = measure(path, [*console, "-n", "100", *targets], run_env, size, logs, pool, a.rate,
                                    a.seconds, server.proc.pid if remote else None)
                        r.rep = rep + 1
                        print(f"# run {rep + 1}: {row(r)}  load {os.getloadavg()[0]:.1f}", file=sys.stderr)
                        results.append(r)
        finally:
            server.kill()
    print("\n".join(HEAD + [row(r) for r in results]))
    print()
    print("\n".join(ratios(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
