"""Looking back over a full history: how long the timeline's count, the summary and `:` take over
100,000 held events, and the longest slice each gives the screen (console.live.tally, summary, goto).

    python bench/looking_back.py [--events 100000] [--slice 0.03]

The counts run in slices of --slice seconds (what the screens use); the longest slice is what an
operator's key may wait for while they run."""

from __future__ import annotations

import argparse
import time
from datetime import datetime

from console.catalog.loader import load_catalog
from console.decode.decoder import Decoder
from console.demo.simulator import Simulator
from console.live.buckets import bucket_size, buckets
from console.live.goto import find_time
from console.live.summary import SummaryJob
from console.live.tally import TallyFeeder
from console.model.events import EventModel

START = datetime(2026, 11, 24)


def held(n: int) -> EventModel:
    catalog = load_catalog()
    it = Simulator(catalog, seed=1, start=START).lines()
    decoder = Decoder(catalog)
    model = EventModel(catalog, history=n)
    model.add([decoder.decode(next(it).encode(), "bench.log", i) for i in range(1, n + 1)])
    return model


def sliced(step, budget: float) -> tuple:
    """(seconds in all, slices, longest slice)."""
    began, slices, longest = time.perf_counter(), 0, 0.0
    while True:
        t = time.perf_counter()
        done = step(budget)
        longest = max(longest, time.perf_counter() - t)
        slices += 1
        if done:
            return time.perf_counter() - began, slices, longest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--slice", type=float, default=0.03)
    args = ap.parse_args()
    model = held(args.events)
    print(f"{len(model.view):,} events held and shown")
    feeder = TallyFeeder(model, [s.name for s in model.catalog.severities])
    total, n, longest = sliced(feeder.step, args.slice)
    print(f"timeline count   {total:6.2f} s  {n:4d} slices  longest {longest * 1000:5.0f} ms")
    t = time.perf_counter()
    rows = buckets(feeder.tally.per_second, bucket_size(feeder.tally.span(), 40), len(feeder.severities))
    print(f"buckets (40 rows){(time.perf_counter() - t) * 1000:6.1f} ms  {len(rows)} rows")
    t = time.perf_counter()
    feeder.step(args.slice)
    print(f"up to date again {(time.perf_counter() - t) * 1000:6.2f} ms")
    total, n, longest = sliced(SummaryJob(model).step, args.slice)
    print(f"summary          {total:6.2f} s  {n:4d} slices  longest {longest * 1000:5.0f} ms")
    t = time.perf_counter()
    find_time(model, datetime(2026, 11, 24, 0, 20))
    print(f"go to a time     {(time.perf_counter() - t) * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
