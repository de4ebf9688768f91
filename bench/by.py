#!/usr/bin/env python3
"""Benchmark: `smtp-console stats --by KEY` against lnav's SQL GROUP BY on the same log.

    python bench/by.py                     # 1,000,000 lines, best of 3
    python bench/by.py --lines 200000 --repeat 5

The log, its cache and lnav's format are bench/decode.py's (native layout, ~20k simulator lines
repeated with the time moving on). Each pair answers the same question; every run's answer is
checked against the other tool's (per key, the number of lines), so a run that counts wrong fails
the benchmark instead of being timed:

  caller   stats --by caller --top 0 --json
           lnav: SELECT CASE WHEN event IN (<events the catalogue gives no parameters>) THEN NULL
                 ELSE regexp_match('([0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+(?::[0-9]+)?)', log_body) END
                 AS caller, count(*) FROM isode_native_log GROUP BY caller
           (the first IPv4 address[:port] of the message: on these lines the caller's address,
           the catalogue parameter console.model.caller picks)
  minute   stats --by minute --top 0 --json
           lnav: SELECT strftime('%Y-%m-%d %H:%M', log_time) ... GROUP BY 1
  caller, warning+
           stats --by caller --severity warning+ ...; lnav: ... WHERE log_level >= 'warning'
  caller, --since
           stats --by caller --since '2026-11-24 01:00'; lnav: ... WHERE log_time >= '2026-11-24 01:00'
  caller, --grep (decodes the lines it matches)
           stats --by caller --grep 'example\\.org'; lnav: ... WHERE log_body LIKE '%example.org%'
           (lower case: any case, as LIKE; the text is only ever in the message)

Every tool runs as a subprocess, start-up included; runs are interleaved; the best wall time
of --repeat counts. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import decode as bench  # noqa: E402  (bench/decode.py: the log, lnav's format, run())

IP = r"([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(?::[0-9]+)?)"


def _no_parameters() -> str:
    """The events whose catalogue entry documents no parameters: they have no caller parameter."""
    from console.catalog.loader import load_catalog
    names = sorted({e.name for e in load_catalog().events.values() if not e.templates})
    return ", ".join(f"'{n}'" for n in names)


CALLER = f"CASE WHEN event IN ({_no_parameters()}) THEN NULL ELSE regexp_match('{IP}', log_body) END"
CASES = [
    ("caller", ["--by", "caller"], f"SELECT {CALLER} AS k, count(*) AS n FROM isode_native_log GROUP BY k"),
    ("minute", ["--by", "minute"],
     "SELECT strftime('%Y-%m-%d_%H:%M', log_time) AS k, count(*) AS n FROM isode_native_log GROUP BY k"),
    ("caller, warning+", ["--by", "caller", "--severity", "warning+"],
     f"SELECT {CALLER} AS k, count(*) AS n FROM isode_native_log"
     " WHERE log_level IN ('warning', 'error', 'critical', 'fatal') GROUP BY k"),
    ("caller, --since", ["--by", "caller", "--since", "2026-11-24 01:00"],
     f"SELECT {CALLER} AS k, count(*) AS n FROM isode_native_log"
     " WHERE log_time >= '2026-11-24 01:00:00.000' GROUP BY k"),
    ("caller, --grep (decodes the lines it matches)", ["--by", "caller", "--grep", "example\\.org"],
     f"SELECT {CALLER} AS k, count(*) AS n FROM isode_native_log"
     " WHERE log_body LIKE '%example.org%' GROUP BY k"),
]


def ours(path: Path, options: list[str]):
    env = dict(os.environ, PYTHONPATH=str(bench.REPO))
    seconds, cpu, rss, out = bench.run([sys.executable, "-m", "console", "stats", "--json", "--top", "0",
                                        *options, str(path)], env=env, cwd=bench.REPO)
    rows = json.loads(out)["rows"]
    return seconds, cpu, rss, {(r["key"] or "").replace(" ", "_"): r["count"] for r in rows}


def lnav_answer(lnav: str, home: Path, path: Path, sql: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), TERM="dumb")
    seconds, cpu, rss, out = bench.run([lnav, "-N", "-n", "-c", ";" + sql, str(path)], env=env)
    got = {}
    for line in out.decode(errors="replace").splitlines()[1:]:
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            got["" if parts[0] == "<NULL>" else parts[0]] = int(parts[1])
    return seconds, cpu, rss, got


def bench_case(name, options, sql, path, lnav, home, repeat) -> list[dict]:
    runs = {"ours": [], "lnav": []}
    for _ in range(repeat):
        s, c, r, mine = ours(path, options)
        runs["ours"].append((s, c, r))
        s, c, r, theirs = lnav_answer(lnav, home, path, sql)
        runs["lnav"].append((s, c, r))
        if mine != theirs:
            diff = sorted(set(mine.items()) ^ set(theirs.items()))[:6]
            raise bench.Failed(f"{name}: stats and lnav disagree ({len(mine)} and {len(theirs)} keys): {diff}")
    out = []
    for tool, label in (("ours", f"smtp-console stats {' '.join(options)}"), ("lnav", "lnav -n, SQL GROUP BY")):
        rs = runs[tool]
        out.append({"case": name, "tool": label, "s": min(r[0] for r in rs), "cpu": min(r[1] for r in rs),
                    "rss": max(r[2] for r in rs), "keys": len(mine)})
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lines", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--cache-dir", type=Path,
                   default=Path(os.environ.get("SMTP_CONSOLE_BENCH_CACHE")
                                or Path(tempfile.gettempdir()) / "smtp-console-bench"))
    args = p.parse_args()
    lnav = shutil.which("lnav")
    if not lnav:
        print("lnav not found: nothing to compare with", file=sys.stderr)
        return 1
    path, meta = bench.make_log(args.lines, args.cache_dir)
    bench.warm_cache(path)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="smtp-console-by-") as tmp:
        home = bench.lnav_home(Path(tmp))
        try:
            rows = [r for case in CASES for r in bench_case(*case, path, lnav, home, args.repeat)]
        except bench.Failed as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    print(f"\n{args.lines:,} lines, {meta['bytes'] / 1e6:.0f} MB, answers checked against each other;"
          f" best of {args.repeat}; {os.cpu_count()} CPUs, load average {load:.1f} before,"
          f" {os.getloadavg()[0]:.1f} after")
    print("| question | tool | keys | seconds | vs lnav | CPU s | peak RSS |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for mine, theirs in zip(rows[::2], rows[1::2]):
        for r in (mine, theirs):
            print(f"| {r['case']} | {r['tool']} | {r['keys']} | {r['s']:.2f} | {r['s'] / theirs['s']:.2f}x"
                  f" | {r['cpu']:.2f} | {r['rss'] / 1024:.0f} MB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
