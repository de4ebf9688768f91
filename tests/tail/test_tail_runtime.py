"""How the engine behaves as a process: idle cost, wake-up latency, polling fallback, clean cancellation."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import warnings

from tail_helpers import Collector, append, open_fds_under, wait_for

from console.tail import ROTATED, Follower
from console.tail.headless import follow_print


async def test_idle_with_ten_files_sleeps_until_inotify_wakes_it(tmp_path):
    """Idle cost without a stopwatch (bench/follow.py measures it): with the safety rescan 30 s away,
    nothing written means no wake-up and no read, and each write is seen long before that rescan."""
    logs = [tmp_path / f"svc{i}.log" for i in range(10)]
    for p in logs:
        p.write_bytes(b"x\n")
    c = Collector([str(p) for p in logs], lines=0, rescan_interval=30)
    follower = c.follower
    await c.start()
    try:
        assert follower.watching == "inotify"
        await wait_for(lambda: follower.sleeps >= 1, 5, "the follower to go to sleep")
        sleeps, reads = follower.sleeps, follower.reader.reads
        await asyncio.sleep(1.0)  # nothing to await: the point is that nothing happens meanwhile
        assert (follower.sleeps, follower.reader.reads) == (sleeps, reads), "woke up or read while idle"
        for i in range(5):
            append(logs[i], b"ping\n")
            await c.wait_lines(i + 1, timeout=10)  # far sooner than the 30 s rescan: inotify woke it
        assert [line.source for line in c.lines] == [str(p) for p in logs[:5]]
    finally:
        await c.stop()
    assert open_fds_under(tmp_path) == []


async def test_polling_fallback_follows_growth_creation_and_rotation(tmp_path, follow):
    log = tmp_path / "mta-event.log"
    c = await follow([log, tmp_path / "dated.*.log"], use_inotify=False, poll_interval=0.05)
    assert c.follower.watching == "polling"
    log.write_bytes(b"one\n")
    await c.wait_lines(1)
    os.rename(log, tmp_path / "mta-event.log.1")
    log.write_bytes(b"two\n")
    await c.wait_lines(2)
    await c.wait_state(str(log), ROTATED)
    (tmp_path / "dated.2026-11-24-09-00.log").write_bytes(b"d9\n")
    await c.wait_lines(3)
    (tmp_path / "dated.2026-11-24-10-00.log").write_bytes(b"d10\n")
    await c.wait_lines(4)
    assert c.data() == [b"one", b"two", b"d9", b"d10"]


async def test_cancelling_a_follower_task_is_clean(tmp_path, caplog):
    log = tmp_path / "a.log"
    log.write_bytes(b"one\n" * 100)
    caplog.set_level(logging.DEBUG, logger="asyncio")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c = Collector([str(log), str(tmp_path / "b*.log")], lines=10)
        await c.start()
        append(log, b"two\n")
        await c.wait_lines(11)
        c.task.cancel()  # while it waits for the next change
        await asyncio.gather(c.task, return_exceptions=True)
        assert c.task.cancelled()
        assert open_fds_under(tmp_path) == []
        assert c.follower.watching == "closed"
        del c
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)], caught
    assert "was destroyed" not in caplog.text


async def test_follow_print_cancelled_mid_stream_closes_everything(tmp_path):
    log = tmp_path / "a.log"
    log.write_bytes(b"")
    got, states = [], []
    task = asyncio.create_task(
        follow_print(
            [str(log)], lines=0, from_start=False, max_line=65536, emit_lines=got.extend, emit_state=states.append
        )
    )
    await wait_for(lambda: bool(states), 5, "first state")
    append(log, b"x\n" * 50_000)
    await wait_for(lambda: len(got) > 0, 5, "some lines")
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert open_fds_under(tmp_path) == []


async def test_aclose_from_another_task_stops_iteration(tmp_path):
    log = tmp_path / "a.log"
    log.write_bytes(b"one\n")
    follower = Follower([str(log)])
    seen = []

    async def consume():
        async for batch in follower.batches():
            seen.append(batch)

    task = asyncio.create_task(consume())
    await wait_for(lambda: any(not b.backfill for b in seen), 5, "live")
    await follower.aclose()
    await asyncio.wait_for(task, 5)
    assert open_fds_under(tmp_path) == []
