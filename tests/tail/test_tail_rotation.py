"""Live following across Isode dated roll-overs, logrotate renames and copytruncate, with a real writer process."""

from __future__ import annotations

import os
import time
from collections import defaultdict

import pytest
from tail_helpers import append, open_fds_under, run_writer, wait_for

from console.tail import FOLLOWING, ROTATED, TRUNCATED


def seqs(lines, stream: bytes) -> list[int]:
    return [int(ln.data.split(b" ", 2)[1]) for ln in lines if ln.data.startswith(stream + b" ")]


def lineno_runs(lines) -> dict[str, list[int]]:
    """For each source, the lengths of its runs of line numbers 1, 2, 3...; fails on any gap or repeat."""
    runs: dict[str, list[int]] = defaultdict(list)
    last: dict[str, int] = {}
    for ln in lines:
        prev = last.get(ln.source, 0)
        if ln.lineno == 1 and prev:
            runs[ln.source].append(prev)
        else:
            assert ln.lineno == prev + 1, f"{ln.source}: line {ln.lineno} after {prev}"
        last[ln.source] = ln.lineno
    for src, n in last.items():
        runs[src].append(n)
    return runs


@pytest.mark.parametrize("inotify", [True, False], ids=["inotify", "polling"])
async def test_200k_lines_across_dated_rollovers_and_renames_exactly_once_in_order(tmp_path, follow, inotify):
    n = 100_000  # per stream: 200,000 lines in all
    c = await follow([tmp_path / "mta-event*.log"], rotate_grace=1.0, use_inotify=inotify)
    started, cpu0 = time.monotonic(), time.process_time()
    await run_writer("rotations", tmp_path, n, 20, 5, 40_000)
    written = time.monotonic()
    await wait_for(lambda: len(c.lines) >= 2 * n, 20, "all 200,000 lines")
    lag = time.monotonic() - written
    cpu = (time.process_time() - cpu0) / (time.monotonic() - started)
    print(
        f"\n200k lines at 40k lines/s: writer {written - started:.2f}s, follower lag after writer exit "
        f"{lag * 1000:.0f} ms, follower CPU {cpu:.0%} of one core, {len(c.batches)} batches"
    )

    assert seqs(c.lines, b"A") == list(range(n))
    assert seqs(c.lines, b"B") == list(range(n))
    assert len(c.lines) == 2 * n

    runs = lineno_runs(c.lines)
    dated = sorted(s for s in runs if "2026" in s)
    assert len(dated) == 21 and all(len(runs[s]) == 1 for s in dated)  # 20 roll-overs, each file from line 1
    assert len(runs[str(tmp_path / "mta-event.log")]) == 6  # 5 renames: 6 generations, each from line 1
    assert c.saw_state(ROTATED, "rolled over from mta-event.2026-11-24-00-19.log",
                       path=str(tmp_path / "mta-event.2026-11-24-00-20.log"))
    assert c.saw_state(ROTATED, "reopened after rename")
    assert not any(b.backfill and b.lines for b in c.batches)
    assert all(len(b.lines) <= 10_000 for b in c.batches)
    assert lag < 5, "follower fell behind the writer"
    # Finished files are dropped once their grace is over: only the two live files stay open.
    await wait_for(lambda: len(open_fds_under(tmp_path)) == 2, 5, "old files closed")


async def test_copytruncate_while_writing_never_repeats_a_line(tmp_path, follow):
    c = await follow([tmp_path / "app.log"], lines=0)
    await run_writer("copytruncate", tmp_path, 30_000, 3_000, 30_000)
    await wait_for(lambda: seqs(c.lines, b"C")[-1:] == [29_999], 10, "the last line")
    got = seqs(c.lines, b"C")
    assert got == sorted(set(got)), "a line was delivered twice or out of order"
    # Lines still unread when a truncate hits are lost (they live on in the copy): that's copytruncate.
    # Everything written after the last truncate must be there, read again from offset 0.
    assert set(range(27_000, 30_000)) <= set(got)
    assert c.saw_state(TRUNCATED)


async def test_truncated_and_regrown_past_our_offset_before_we_look(tmp_path, follow):
    log = tmp_path / "app.log"
    log.write_bytes(b"")
    c = await follow([log])
    append(log, b"old 1\nold 2\n")
    await c.wait_lines(2)
    # No await between truncate and rewrite: the follower only ever sees a file that is *bigger*
    # than where it stopped, with other bytes before that offset.
    os.truncate(log, 0)
    append(log, b"new 1 is longer than before\nnew 2\n")
    await c.wait_lines(4)
    assert c.data() == [b"old 1", b"old 2", b"new 1 is longer than before", b"new 2"]
    assert [ln.lineno for ln in c.lines] == [1, 2, 1, 2]
    await c.wait_state(str(log), TRUNCATED)


async def test_rename_rotation_keeps_reading_the_old_file_until_the_writer_reopens(tmp_path, follow):
    """logrotate without copytruncate: rename, create, and the daemon writes to the old fd until HUP."""
    log = tmp_path / "mta-event.log"
    w = open(log, "ab", buffering=0)
    c = await follow([log], rotate_grace=1.0)
    w.write(b"gen1 a\n")
    await c.wait_lines(1)
    os.rename(log, tmp_path / "mta-event.log.1")
    log.write_bytes(b"")  # logrotate's "create"
    await c.wait_state(str(log), ROTATED, detail="reopened after rename")
    w.write(b"gen1 b (late, to the renamed file)\n")  # not yet reopened
    w.close()
    append(log, b"gen2 a\n")
    await c.wait_lines(3)
    assert c.data() == [b"gen1 a", b"gen1 b (late, to the renamed file)", b"gen2 a"]
    await wait_for(lambda: len(open_fds_under(tmp_path)) == 1, 5, "renamed file closed after its grace")


async def test_dated_rollover_finishes_old_file_first_and_skipped_files_are_read_whole(tmp_path, follow):
    d = tmp_path
    f9 = d / "mta-event.2026-11-24-09-00.log"
    f9.write_bytes(b"9 a\n")
    c = await follow([d / "mta-event*.log"], lines=10)
    assert c.data() == [b"9 a"]
    # Two newer files appear at once, and the old one gets a last line: 9 is finished, 10 is read
    # whole, 11 becomes live.
    append(f9, b"9 b\n")
    (d / "mta-event.2026-11-24-10-00.log").write_bytes(b"10 a\n10 b\n")
    (d / "mta-event.2026-11-24-11-00.log").write_bytes(b"11 a\n")
    await c.wait_lines(5)
    assert c.data() == [b"9 a", b"9 b", b"10 a", b"10 b", b"11 a"]
    key = str(d / "mta-event.<date>.log")
    await c.wait_state(key, ROTATED, detail="rolled over from mta-event.2026-11-24-10-00.log")
    assert c.state_of(key).path == str(d / "mta-event.2026-11-24-11-00.log")
    await wait_for(lambda: len(open_fds_under(d)) == 1, 5, "older members closed")


async def test_glob_matching_rotated_copies_does_not_read_them_twice(tmp_path, follow):
    log = tmp_path / "mta-event.log"
    log.write_bytes(b"one\n")
    c = await follow([tmp_path / "mta-event*"], lines=10)
    os.rename(log, tmp_path / "mta-event.log.1")  # also matches the glob
    log.write_bytes(b"two\n")
    await c.wait_lines(2)
    append(log, b"three\n")
    await c.wait_lines(3)
    # The copy is the file we were reading: once its grace is over it is taken up again where we
    # stopped, at its end, never from its start.
    await c.wait_state(str(tmp_path / "mta-event.log.1"), FOLLOWING)
    append(log, b"four\n")
    await c.wait_lines(4)
    assert c.data() == [b"one", b"two", b"three", b"four"]


async def test_a_glob_over_numbered_logs_follows_every_one_of_them(tmp_path, follow):
    """mail1.log … mail12.log on a central log host are twelve logs, not one rolling over: a line
    written to any of them, the lowest-numbered too, is delivered."""
    logs = [tmp_path / f"mail{i}.log" for i in range(1, 13)]
    for p in logs:
        p.write_bytes(b"old\n")
    c = await follow([tmp_path / "mail*.log"], lines=0)
    for p in logs:
        append(p, f"new in {p.name}\n".encode())
    await c.wait_lines(len(logs))
    assert sorted(c.data()) == sorted(f"new in {p.name}".encode() for p in logs)
    assert all(c.state_of(str(p)).state == FOLLOWING for p in logs)
