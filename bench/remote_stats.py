#!/usr/bin/env python3
"""What `stats --by` and the stats filters cost over SSH, against plain `stats` over SSH and the same
questions on the same file read locally.

    python bench/remote_stats.py                  # 1,000,000 lines, best of 3
    python bench/remote_stats.py --lines 200000 --repeat 5

The log is bench/decode.py's (native layout: no line names its host). One sshd on 127.0.0.1
(tests/remote/sshd.py) serves it as host0. Every run is a subprocess, start-up included; the cases
are interleaved; the best wall time of --repeat counts, and the largest peak RSS (/usr/bin/time).
Each remote answer is checked against the local one: equal, but for the lines that name no host,
which are host0's over SSH (--by host, and --by caller for an event without an address).
Needs openssh-server. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests" / "remote")]

import decode as bench  # noqa: E402  (the log and its cache)
from sshd import Sshd, why_no_sshd, write_client_config  # noqa: E402

CASES = [
    ("plain", []),
    ("--by event", ["--by", "event"]),
    ("--by host", ["--by", "host"]),
    ("--by caller", ["--by", "caller"]),
    ("--severity warning+", ["--severity", "warning+"]),
    ("--by caller --since", ["--by", "caller", "--since", "2026-11-24 01:00"]),
    ("--by caller --grep", ["--by", "caller", "--grep", "example\\.org"]),
]


def run(options: list, path: str, env: dict) -> tuple:
    """(wall seconds, peak RSS in KiB, the JSON answer)."""
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "console", "stats", "--json",
                           "--top", "0", *options, path], env=env, cwd=bench.REPO, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"stats {' '.join(options)} {path}: exit {proc.returncode}: {proc.stderr[-500:]}")
    return seconds, int(proc.stderr.strip().splitlines()[-1]), json.loads(proc.stdout)


def as_local(answer: dict) -> dict:
    """A remote answer with host0 (the host of the lines that name none) named as locally: none."""
    for row in answer.get("rows", []):
        if row["key"] == "host0":
            row["key"] = None
    return answer


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lines", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--cache-dir", type=Path,
                   default=Path(os.environ.get("SMTP_CONSOLE_BENCH_CACHE")
                                or Path(tempfile.gettempdir()) / "smtp-console-bench"))
    args = p.parse_args()
    reason = why_no_sshd()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    path, meta = bench.make_log(args.lines, args.cache_dir)
    bench.warm_cache(path)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="smtp-console-remote-stats-") as tmp:
        server = Sshd(Path(tmp) / "sshd").start()
        try:
            config = write_client_config(Path(tmp) / "ssh_config", [server.host_entry("host0")])
            env = dict(os.environ, PYTHONPATH=str(bench.REPO), SMTP_CONSOLE_SSH_CONFIG=str(config))
            runs: dict = {}
            for _ in range(args.repeat):
                for name, options in CASES:
                    for where, arg in (("local", str(path)), ("remote", f"host0:{path}")):
                        seconds, rss, answer = run(options, arg, env)
                        runs.setdefault((name, where), []).append((seconds, rss))
                        if where == "remote" and as_local(answer) != runs[(name, "answer")]:
                            raise SystemExit(f"{name}: the remote answer differs from the local one")
                        runs[(name, "answer")] = answer
        finally:
            server.kill()
    print(f"\n{args.lines:,} lines, {meta['bytes'] / 1e6:.0f} MB; best of {args.repeat}; {os.cpu_count()} CPUs,"
          f" load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print("| stats | local s | remote s | remote vs plain remote | local peak RSS | remote peak RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    plain = min(s for s, _ in runs[("plain", "remote")])
    for name, _ in CASES:
        local, remote = runs[(name, "local")], runs[(name, "remote")]
        best = min(s for s, _ in remote)
        print(f"| {name} | {min(s for s, _ in local):.2f} | {best:.2f} | {best / plain:.2f}x"
              f" | {max(r for _, r in local) / 1024:.0f} MB | {max(r for _, r in remote) / 1024:.0f} MB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
