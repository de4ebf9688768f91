#!/usr/bin/env python3
"""Benchmark: the history of a big log, shown at once, and its line numbers made absolute.

    python bench/history_numbers.py                 # a 1 GB log (cached), -n 1000
    python bench/history_numbers.py --size 200M --lines 5000

Measures, in one process, with the real Follower on a real file:

* first: seconds from start to the first history batch (what the first screen waits for);
* counted: seconds until the count of the lines before the history arrives (Batch.renumbered),
  its rate in GB/s, and against `wc -l` on the same file;
* stall: the longest the event loop went without running a 5 ms ticker while the count ran (the
  console must not freeze: a screen redraw needs the loop);
* the first line's number against `grep -c ''` minus the history (the absolute number).

Run twice: the first run may read from disk, the second from the page cache. Exit 0 when the
first batch came within 1 s and the loop never stalled 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from console.compat import aclosing  # noqa: E402
from console.tail import Follower  # noqa: E402

LINE = ("2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: "
        "connection from 192.0.2.%d (smtp-external) n %09d\n")


def parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def make_log(size: int) -> Path:
    cache = Path(os.environ.get("SMTP_CONSOLE_BENCH_CACHE") or Path(tempfile.gettempdir()) / "smtp-console-bench")
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"history-{size}.log"
    if path.exists() and path.stat().st_size >= size:
        return path
    block = "".join(LINE % (i % 250, i) for i in range(10_000)).encode()
    with open(path, "wb") as f:
        written = 0
        while written < size:
            f.write(block)
            written += len(block)
    return path


async def measure(path: Path, lines: int) -> dict:
    loop = asyncio.get_running_loop()
    stall = 0.0
    stop = False

    async def ticker() -> None:
        nonlocal stall
        last = loop.time()
        while not stop:
            await asyncio.sleep(0.005)
            now = loop.time()
            stall = max(stall, now - last - 0.005)
            last = now

    tick = asyncio.ensure_future(ticker())
    started = time.perf_counter()
    first = counted = None
    first_line = None
    follower = Follower([str(path)], lines=lines)
    async with aclosing(follower.batches()) as batches:
        async for batch in batches:
            if first is None and batch.lines:
                first = time.perf_counter() - started
                first_line = batch.lines[0]
            if batch.renumbered:
                counted = time.perf_counter() - started
                offset = batch.renumbered[0].offset
                break
    await follower.aclose()
    stop = True
    await tick
    return {"first": first, "counted": counted, "stall": stall,
            "first_lineno": first_line.lineno + offset if first_line.numbering else first_line.lineno}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1G")
    ap.add_argument("--lines", type=int, default=1000)
    args = ap.parse_args()
    path = make_log(parse_size(args.size))
    size = path.stat().st_size
    r = asyncio.run(measure(path, args.lines))
    t = time.perf_counter()
    total = int(subprocess.run(["wc", "-l", str(path)], capture_output=True, text=True).stdout.split()[0])
    wc = time.perf_counter() - t
    print(f"log: {path} {size / 1e9:.2f} GB, {total:,} lines")
    print(f"first history batch: {r['first'] * 1000:.0f} ms")
    print(f"lines before the history counted: {r['counted']:.2f} s ({size / r['counted'] / 1e9:.2f} GB/s);"
          f" wc -l: {wc:.2f} s")
    print(f"longest event-loop stall during the count: {r['stall'] * 1000:.1f} ms")
    expected = total - args.lines + 1
    print(f"first history line: {r['first_lineno']:,} (wc -l - lines + 1 = {expected:,})")
    ok = r["first"] < 1.0 and r["stall"] < 0.1 and r["first_lineno"] == expected
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
