#!/usr/bin/env python3
"""Benchmark: `smtp-console stats` on a big native-layout log, against plain line
iteration and against lnav counting levels with a format for the same layout.

    python bench/decode.py                 # 1,000,000 lines, best of 3
    python bench/decode.py --big           # also 10,000,000 lines
    python bench/decode.py --lines 200000 --repeat 5 --no-lnav

The log is generated once and cached (see --cache-dir): ~20k realistic lines are
rendered by console.demo.simulator, then written over and over with the timestamps
shifted forward, so every timestamp still increases. The expected counts come from
decoding those ~20k lines one by one with console.decode.decoder (the reference), and every
timed run of `stats` and of lnav is checked against them: a run that counts wrong
fails the benchmark instead of being timed.

Every tool runs as a subprocess, start-up included, so the seconds are what a user
waits; CPU seconds include the processes it forks (stats' workers). Peak RSS is that of
the biggest single process (the parent or one worker), not the sum. See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

GEN_VERSION = 1          # bump when the generator's output changes
TEMPLATE_LINES = 20_000  # lines rendered by the Simulator, then repeated
SEED = 1
START = datetime(2026, 11, 24, 0, 0, 0)
BIG = 10_000_000

# lnav 0.11 knows: trace, debug5..debug2, debug, info, stats, notice, warning, error,
# critical, fatal. P (pdu: protocol data) has no equivalent; trace is the nearest.
LNAV_LEVELS = {"C": "critical", "F": "fatal", "E": "error", "W": "warning", "N": "notice",
               "I": "info", "P": "trace"}


# -- the log ------------------------------------------------------------------------------

def _source_key() -> str:
    """The cache key covers everything that shapes the generated lines and their counts."""
    h = hashlib.sha256(str(GEN_VERSION).encode())
    files = sorted((REPO / "catalog").glob("*.y*ml")) + [
        REPO / "console" / "demo" / "traffic.yaml", REPO / "console" / "demo" / "simulator.py"]
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def _template(catalog):
    """(ms offset from START, the line after its timestamp's seconds) for TEMPLATE_LINES lines."""
    from console.demo.simulator import Simulator
    sim = Simulator(catalog, seed=SEED, layout="native", start=START)
    it = sim.lines()
    rows = []
    for _ in range(TEMPLATE_LINES):
        line = next(it)
        # "2026-11-24 00:00:00.037 smtpsrvr[5402] ..." -> seconds text, ".037 smtpsrvr[5402] ..."
        ts = datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S")
        ms = int(line[20:23])
        offset = int((ts - START).total_seconds()) * 1000 + ms
        rows.append((offset, line[19:]))
    return rows


def _expected(catalog, lines: list[bytes]) -> dict:
    """Counts of the template lines by the per-line decoder, the reference `stats` must match."""
    from console.decode.decoder import Decoder
    dec = Decoder(catalog)
    sev, letters, ev = Counter(), Counter(), Counter()
    for raw in lines:
        e = dec.decode(raw)
        sev[e.sev.name] += 1
        letters[e.letter or ""] += 1          # "" = no event token: unparsed
        if e.event:
            ev[e.full_name] += 1
    return {"severity": sev, "letter": letters, "event": ev}


def make_log(n: int, cache_dir: Path) -> tuple[Path, dict]:
    """The path of an n-line native log (generated once, then cached) and its expected counts:
    {"lines", "by_severity", "by_event", "by_letter"}."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    stem = f"native-{n}-{_source_key()}"
    path, meta_path = cache_dir / f"{stem}.log", cache_dir / f"{stem}.json"
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())

    from console.catalog.loader import load_catalog
    t0 = time.perf_counter()
    for old in cache_dir.glob(f"native-{n}-*"):   # same size, older catalogue or generator
        old.unlink(missing_ok=True)
    catalog = load_catalog()
    rows = _template(catalog)
    # Each repetition starts on the whole second after the previous one ends, so the
    # millisecond part of every line is the same in every repetition and the lines can
    # be written in runs that share one "YYYY-MM-DD HH:MM:SS" prefix.
    span_s = rows[-1][0] // 1000 + 1
    groups: list[tuple[int, list[bytes]]] = []   # (second offset, [".ms rest", ...])
    for offset, rest in rows:
        sec = offset // 1000
        if not groups or groups[-1][0] != sec:
            groups.append((sec, []))
        groups[-1][1].append(rest.encode("utf-8"))

    full, part = divmod(n, len(rows))
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with open(tmp, "wb", buffering=1 << 20) as f:
        for rep in range(full + (1 if part else 0)):
            budget = len(rows) if rep < full else part
            base = START + timedelta(seconds=rep * span_s)
            out = []
            for sec, rests in groups:
                if budget <= 0:
                    break
                if len(rests) > budget:
                    rests = rests[:budget]
                budget -= len(rests)
                prefix = (base + timedelta(seconds=sec)).strftime("%Y-%m-%d %H:%M:%S").encode()
                out.append(prefix + (b"\n" + prefix).join(rests) + b"\n")
            f.write(b"".join(out))

    # expected counts: the template lines decoded one by one, times the repetitions
    first = [(START + timedelta(milliseconds=o)).strftime("%Y-%m-%d %H:%M:%S").encode()
             + r.encode() for o, r in rows]
    whole = _expected(catalog, first)
    partial = _expected(catalog, first[:part])

    def total(key: str) -> dict:
        return dict(Counter({k: v * full for k, v in whole[key].items()}) + partial[key])

    meta = {"lines": n, "by_severity": total("severity"), "by_letter": total("letter"),
            "by_event": total("event"), "bytes": tmp.stat().st_size}
    os.replace(tmp, path)
    meta_path.write_text(json.dumps(meta, indent=1, sort_keys=True))
    print(f"# generated {path} ({n:,} lines, {meta['bytes'] / 1e6:.0f} MB) in "
          f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return path, meta


# -- running and measuring ----------------------------------------------------------------

class Failed(Exception):
    pass


TIME = shutil.which("time", path="/usr/bin:/bin")


def run(argv: list[str], *, env: dict | None = None, cwd: Path | None = None) -> tuple[float, float, int, bytes]:
    """(wall seconds, CPU seconds, peak RSS in KiB, stdout) of one subprocess.

    CPU time (user + system, from wait4) includes the processes it reaped, e.g. stats' workers.
    Peak RSS is the largest resident set of the command or any process it reaped (not a sum).
    It comes from /usr/bin/time when installed: Linux carries a process's RSS high-water mark
    across exec, so wait4 on a child forked straight from this (bigger) process would report
    at least this process's size.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss_file:
        cmd = [TIME, "-f", "%M", "-o", rss_file.name, *argv] if TIME else argv
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
        rss = usage.ru_maxrss
        if TIME:
            try:
                rss = int(rss_file.read().split()[-1])
            except (ValueError, IndexError):
                pass
    if proc.returncode != 0:
        raise Failed(f"{' '.join(argv)} exited {proc.returncode}: "
                     f"{stderr.decode(errors='replace').strip()[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, rss, stdout


RAW_SNIPPET = "import sys\nn = 0\nfor line in open(sys.argv[1], 'rb'):\n    n += 1\nprint(n)\n"


def time_raw(path: Path, meta: dict) -> tuple[float, float, int]:
    seconds, cpu, rss, out = run([sys.executable, "-c", RAW_SNIPPET, str(path)])
    if int(out) != meta["lines"]:
        raise Failed(f"raw iteration counted {int(out)} lines, expected {meta['lines']}")
    return seconds, cpu, rss


def time_stats(path: Path, meta: dict, tree: Path = REPO) -> tuple[float, float, int]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    seconds, cpu, rss, out = run([sys.executable, "-m", "console", "stats", "--json", str(path)],
                                 env=env, cwd=tree)
    got = json.loads(out)
    problems = []
    if got.get("lines") != meta["lines"]:
        problems.append(f"lines {got.get('lines')} != {meta['lines']}")
    if got.get("by_severity") != meta["by_severity"]:
        problems.append(f"by_severity {got.get('by_severity')} != {meta['by_severity']}")
    if got.get("by_event") != meta["by_event"]:
        diff = set(got.get("by_event", {}).items()) ^ set(meta["by_event"].items())
        problems.append(f"by_event differs: {sorted(diff)[:6]}")
    if got.get("unparsed") != meta["by_letter"].get("", 0):
        problems.append(f"unparsed {got.get('unparsed')} != {meta['by_letter'].get('', 0)}")
    if problems:
        raise Failed("smtp-console stats counted wrong: " + "; ".join(problems))
    return seconds, cpu, rss


# lnav: a format for the native layout, in a throw-away HOME so no user config interferes.

def lnav_format(layout_regex: str) -> dict:
    return {
        "$schema": "https://lnav.org/schemas/format-v1.schema.json",
        "isode_native_log": {
            "title": "Isode M-Switch native event log",
            "description": "Isode M-Switch SMTP event log, native layout",
            "url": "https://www.isode.com/",
            "regex": {"std": {"pattern": layout_regex}},
            "timestamp-format": ["%Y-%m-%d %H:%M:%S.%L", "%Y-%m-%d %H:%M:%S"],
            "level-field": "letter",
            "level": {name: f"^{letter}$" for letter, name in LNAV_LEVELS.items()},
            "opid-field": "pid",
            "value": {
                "program": {"kind": "string", "identifier": True},
                "pid": {"kind": "string", "identifier": True},
                "letter": {"kind": "string"},
                "facility": {"kind": "string", "identifier": True},
                "event": {"kind": "string", "identifier": True},
            },
            "sample": [{"line": "2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: "
                                "connection from 192.0.2.10 (smtp-external)"}],
        }
    }


def lnav_home(base: Path) -> Path:
    """A HOME with ~/.lnav/formats/installed/isode_native.json. The native layout's regex from
    catalog/layouts.yaml, with `message` renamed `body` (lnav's name for the message text)."""
    from console.catalog.loader import load_catalog
    native = next(l for l in load_catalog().layouts if l.name == "native")
    pattern = native.regex.pattern.replace("(?P<message>", "(?P<body>")
    home = base / "lnav-home"
    fmt_dir = home / ".lnav" / "formats" / "installed"
    fmt_dir.mkdir(parents=True, exist_ok=True)
    (fmt_dir / "isode_native.json").write_text(json.dumps(lnav_format(pattern), indent=2))
    return home


LNAV_SQL = ";SELECT log_level, count(*) AS n FROM isode_native_log GROUP BY log_level"


def time_lnav(lnav: str, home: Path, path: Path, meta: dict) -> tuple[float, float, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), TERM="dumb")
    seconds, cpu, rss, out = run([lnav, "-N", "-n", "-c", LNAV_SQL, str(path)], env=env)
    got = {}
    for line in out.decode(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            got[parts[0]] = int(parts[1])
    want = Counter()
    for letter, n in meta["by_letter"].items():
        want[LNAV_LEVELS.get(letter, "?")] += n   # lines with no token are continuations to lnav
    if got != dict(want):
        raise Failed(f"lnav counted {got or out[:300]!r}, expected {dict(want)}: is the format "
                     f"recognised? (HOME={home})")
    return seconds, cpu, rss


def warm_cache(path: Path) -> None:
    """Read the file once so every tool starts with it in the page cache."""
    with open(path, "rb") as f:
        while f.read(16 << 20):
            pass


def bench_size(n: int, args, lnav: str | None, home: Path | None) -> list[dict]:
    path, meta = make_log(n, args.cache_dir)
    warm_cache(path)
    tools = [("raw `for line in open(f,'rb')`", lambda: time_raw(path, meta)),
             ("smtp-console stats --json", lambda: time_stats(path, meta))]
    if args.baseline:
        tools.append((f"stats, baseline {args.baseline}",
                      lambda: time_stats(path, meta, args.baseline.resolve())))
    if lnav:
        tools.append(("lnav -n, SQL count by level", lambda: time_lnav(lnav, home, path, meta)))
    load_before = os.getloadavg()[0]
    runs: list[list[tuple[float, float, int]]] = [[] for _ in tools]
    for _ in range(args.repeat):          # interleaved, so that noise from others is shared
        for i, (_, fn) in enumerate(tools):
            runs[i].append(fn())
    rows = [{"tool": name, "s": min(r[0] for r in rs), "cpu": min(r[1] for r in rs),
             "rss": max(r[2] for r in rs)} for (name, _), rs in zip(tools, runs)]

    print(f"\n{n:,} lines, {meta['bytes'] / 1e6:.0f} MB, counts verified; best of {args.repeat}; "
          f"{os.cpu_count()} CPUs, load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")
    if load_before > 0.5:
        print("(other processes were busy: wall-clock figures are pessimistic; CPU seconds "
              "are steadier)")
    raw = rows[0]["s"]
    ln = rows[-1]["s"] if lnav else None
    print("| tool | seconds | lines/s | vs raw | vs lnav | CPU s | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        vs_lnav = f"{r['s'] / ln:.2f}x" if ln else "-"
        print(f"| {r['tool']} | {r['s']:.2f} | {n / r['s']:,.0f} | {r['s'] / raw:.2f}x | "
              f"{vs_lnav} | {r['cpu']:.2f} | {r['rss'] / 1024:.0f} MB |")
    return rows


def check_fast_path() -> None:
    """Warn when a shipped layout's regex no longer has its bytes twin in console/commands/stats.py."""
    from console.commands import stats
    from console.catalog.loader import load_catalog
    catalog = load_catalog()
    spec = stats.line_spec(catalog, stats.FAST_MIN_LINE)
    slow = [l.name for l in catalog.layouts[len(spec.fast):]]
    if slow:
        print(f"# warning: no fast path in console/commands/stats.py (_FAST) for layout(s) {', '.join(slow)}:"
              " their lines are counted the slow way", file=sys.stderr)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lines", type=int, default=1_000_000, help="lines in the log (default 1,000,000)")
    p.add_argument("--big", action="store_true", help=f"also run {BIG:,} lines")
    p.add_argument("--repeat", type=int, default=3, help="runs per tool; the best counts (default 3)")
    p.add_argument("--cache-dir", type=Path,
                   default=Path(os.environ.get("SMTP_CONSOLE_BENCH_CACHE")
                                or Path(tempfile.gettempdir()) / "smtp-console-bench"),
                   help="where generated logs are kept (default $SMTP_CONSOLE_BENCH_CACHE "
                        "or $TMPDIR/smtp-console-bench)")
    p.add_argument("--no-lnav", action="store_true", help="skip lnav even if installed")
    p.add_argument("--baseline", type=Path, metavar="DIR",
                   help="also time `python -m console stats` from another checkout (e.g. a copy "
                        "with the previous console/commands/stats.py), checked the same way")
    p.add_argument("--generate-only", action="store_true", help="write the cached log(s) and stop")
    args = p.parse_args()
    if args.lines < 1 or args.repeat < 1:
        p.error("--lines and --repeat must be positive")

    sizes = [args.lines] + ([BIG] if args.big and args.lines != BIG else [])
    check_fast_path()
    if args.generate_only:
        for n in sizes:
            print(make_log(n, args.cache_dir)[0])
        return 0
    lnav = None if args.no_lnav else shutil.which("lnav")
    with tempfile.TemporaryDirectory(prefix="smtp-console-bench-") as tmp:
        home = lnav_home(Path(tmp)) if lnav else None
        if not lnav:
            print("# lnav not found (or --no-lnav): no lnav column", file=sys.stderr)
        try:
            for n in sizes:
                bench_size(n, args, lnav, home)
        except Failed as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
