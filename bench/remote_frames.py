#!/usr/bin/env python3
"""What reading the remote follower's frames costs the console, per line, without SSH or a screen.

    python bench/remote_frames.py                        # 1, 5 and 20 lines a frame
    python bench/remote_frames.py --tree /tmp/main-tree  # another tree's frames (git archive main console)

Frames are made by the far end's own encoder (console.tail.remote.agent) from the simulator's lines
(bench/decode.py's generated log), a checkpoint in each, and read back by RemoteHost's frame reader
from an asyncio stream, as a session reads ssh's output. At 200 lines/s the far end's 20 ms batches
are ~5 lines a frame; at 20 lines/s, one. Best of --repeat runs; also the bytes a line on the wire.
Run it with --tree in a separate process per tree: the module that is imported is the one measured.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tree", type=Path, default=BENCH.parent, help="the tree whose console/ is measured")
    p.add_argument("--per-frame", default="1,5,20")
    p.add_argument("--lines", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=7)
    a = p.parse_args()
    sys.path.insert(0, str(a.tree.resolve()))
    from console.tail.contract import Batch, RawLine
    from console.tail.remote.agent import encode, frame
    from console.tail.remote.host import RemoteHost
    from console.tail.remote.spec import split_sources

    cache = Path(os.environ.get("SMTP_CONSOLE_BENCH_CACHE", Path(tempfile.gettempdir()) / "smtp-console-bench"))
    logs = sorted(glob.glob(str(cache / "native-20000-*.log")))
    if not logs:
        sys.path.insert(0, str(BENCH))
        import decode as shared
        logs = [str(shared.make_log(20_000, cache)[0])]
    with open(logs[0], "rb") as f:
        pool = [ln.rstrip(b"\n")[23:] for ln in f]
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")[:23].encode()
    src = "/var/isode/log/mta-event.log"
    (spec,) = split_sources([f"host0:{src}"])[1]
    print(f"# {a.tree}: {a.lines:,} lines, best of {a.repeat}")
    for per in (int(x) for x in a.per_frame.split(",")):
        frames = [frame({"t": "hello", "py": "3.11.7", "pid": 1})]
        for i in range(0, a.lines, per):
            batch = Batch([RawLine(src, 1000 + i + k, stamp + pool[(i + k) % len(pool)]) for k in range(per)], [])
            made = encode(batch, None, {"files": {"2049:1234": [100 * i, 1000 + i]}})
            frames.append(frame(*made) if isinstance(made, tuple) else frame(made))  # (JSON, raw lines); else JSON
        data = b"".join(frames)
        got: list[int] = []

        async def put(batch, history_end=False) -> None:
            got.append(len(batch.lines))

        async def read() -> float:
            host = RemoteHost(spec.target, [src], put, {})
            host.history_done = True
            stream = asyncio.StreamReader(limit=1 << 24)
            stream.feed_data(data)
            stream.feed_eof()
            t0 = time.perf_counter()
            await host._read_frames(stream)
            return time.perf_counter() - t0

        best = float("inf")
        for _ in range(a.repeat):
            got.clear()
            best = min(best, asyncio.run(read()))
        n = sum(got)
        assert n == a.lines - a.lines % per or n == a.lines, n
        print(f"{per:>3} lines a frame: {best / n * 1e6:5.2f} us a line to read, {len(data) / n:4.0f} bytes a line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
