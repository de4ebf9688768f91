"""What following many hosts over SSH costs: N "hosts" (Host aliases of one local sshd, each its
own ssh session and remote follower) at R lines/s each, read and decoded in this process.

    python bench/remote.py [--hosts 20] [--rate 200] [--seconds 20] [--local]

Prints this process's CPU (reading + decoding every line, as the console does before drawing),
the remote followers' CPU (the weight on each host), the latency from write to decode (p50/p95),
and lines lost or repeated. --local: the same logs read by the local follower, for comparison.
Needs openssh-server (tests/remote/sshd.py starts it)."""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "tests" / "remote")]

from sshd import Sshd, why_no_sshd, write_client_config  # noqa: E402

from console.catalog.loader import load_catalog  # noqa: E402
from console.compat import aclosing  # noqa: E402
from console.decode.decoder import Decoder  # noqa: E402
from console.decode.pipeline import BatchDecoder  # noqa: E402
from console.tail.remote.choose import open_source  # noqa: E402

LINE = "2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.10 t={:.6f} n={}\n"


def writer(paths, rate: float, seconds: float) -> None:
    tick = 0.02
    per_tick = rate * tick
    files = [open(p, "a", buffering=1) for p in paths]
    start = time.monotonic()
    n, owed = 0, 0.0
    while time.monotonic() - start < seconds:
        owed += per_tick
        k = int(owed)
        owed -= k
        for f in files:
            f.write("".join(LINE.format(time.time(), n + i) for i in range(k)))
        n += k
        time.sleep(max(0.0, start + (n / rate) - time.monotonic() + tick) if rate else 0)
    for f in files:
        f.close()


def remote_cpu() -> float:
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"b=sys.stdin.buffer" in cmd and b"python" in cmd:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            continue
    return total


async def consume(paths, expect: int, seconds: float) -> dict:
    decoding = BatchDecoder(Decoder(load_catalog()))
    source = open_source(paths, lines=0, backoff=(0.2, 1.0)) if any(":" in p for p in paths) else \
        open_source(paths, lines=0)
    seen, lat, started = {}, [], asyncio.Event()

    async def read() -> None:
        async with aclosing(source.batches()) as batches:
            async for batch in batches:
                now = time.time()
                for ev in decoding.events(batch.lines):
                    seen[ev.source, ev.raw] = seen.get((ev.source, ev.raw), 0) + 1
                    lat.append(now - float(ev.raw.rsplit("t=", 1)[-1].split()[0]))
                states = source.states()
                if not batch.backfill and len(states) == expect and all(s.state == "following" for s in states.values()):
                    started.set()

    task = asyncio.ensure_future(read())
    await asyncio.wait_for(started.wait(), 60)
    cpu0, rcpu0, t0 = resource.getrusage(resource.RUSAGE_SELF), remote_cpu(), time.monotonic()
    proc = multiprocessing.Process(target=writer, args=(LOGS, RATE, seconds))
    proc.start()
    while proc.is_alive():
        await asyncio.sleep(0.1)
    await asyncio.sleep(2)  # the last lines on their way
    cpu1, rcpu1, wall = resource.getrusage(resource.RUSAGE_SELF), remote_cpu(), time.monotonic() - t0
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    lat.sort()
    return {"cpu": (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) / wall,
            "remote_cpu": (rcpu1 - rcpu0) / wall, "lines": sum(seen.values()),
            "repeated": sum(v - 1 for v in seen.values()), "p50": lat[len(lat) // 2], "p95": lat[int(len(lat) * .95)]}


def main() -> int:
    global LOGS, RATE
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--rate", type=float, default=200)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--local", action="store_true")
    a = ap.parse_args()
    if why_no_sshd():
        print(why_no_sshd())
        return 1
    root = Path(tempfile.mkdtemp(prefix="smtp-console-bench-remote-"))
    LOGS = [str(root / f"h{i}" / "mta-event.log") for i in range(a.hosts)]
    RATE = a.rate
    for p in LOGS:
        os.makedirs(os.path.dirname(p))
        open(p, "w").close()
    server = Sshd(root / "sshd").start()
    try:
        write_client_config(root / "ssh_config", [server.host_entry(f"host{i}") for i in range(a.hosts)])
        os.environ["SMTP_CONSOLE_SSH_CONFIG"] = str(root / "ssh_config")
        paths = LOGS if a.local else [f"host{i}:{p}" for i, p in enumerate(LOGS)]
        r = asyncio.run(consume(paths, a.hosts, a.seconds))
    finally:
        server.kill()
    want = sum(open(p, "rb").read().count(b"\n") for p in LOGS)
    print(f"{'local' if a.local else 'ssh'}: {a.hosts} logs x {a.rate:g} lines/s for {a.seconds:g} s: "
          f"{r['lines']} lines of {want} written, {r['repeated']} repeated; this process {r['cpu']:.0%} of a core"
          f" ({r['cpu'] / (a.hosts * a.rate) * 1e6:.0f} us/line); remote followers {r['remote_cpu']:.0%} in all"
          f" ({r['remote_cpu'] / a.hosts:.1%} each); write -> decode p50 {r['p50'] * 1000:.0f} ms,"
          f" p95 {r['p95'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
