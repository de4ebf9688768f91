"""Backfill: the last N lines found by reading backwards, or whole files; merged by a key when asked."""

from __future__ import annotations

import os

from follow_helpers import wait_for
from tail_helpers import append

from console.tail import FileReader
from console.tail.backscan import EXACT_LINENO_LIMIT


def write_numbered(path, n: int, width: int = 100) -> None:
    with open(path, "wb") as f:
        f.write(b"".join(f"{i:08d} ".encode().ljust(width - 1, b".") + b"\n" for i in range(n)))


async def test_last_n_lines_of_a_big_file_reads_only_its_tail(tmp_path, follow):
    log = tmp_path / "big.log"
    n = 300_000  # 30 MB
    write_numbered(log, n)
    reader = FileReader()
    c = await follow([log], lines=100, reader=reader)
    back = c.backfill_lines()
    assert [int(ln.data[:8]) for ln in back] == list(range(n - 100, n))
    assert all(b.backfill for b in c.batches[:-1])
    # 100 lines are 10 KB: one 64 KiB block backwards, the region forwards. Nowhere near 30 MB.
    assert reader.bytes_read < 160 * 1024, reader.bytes_read
    # Past EXACT_LINENO_LIMIT the skipped prefix is counted beside the reading: the history comes
    # numbered from where reading began, marked, and a correction follows (test_tail_renumber.py).
    assert os.path.getsize(log) > EXACT_LINENO_LIMIT
    assert all(ln.numbering for ln in back)
    # once counted, a new line carries its absolute number (on a loaded host the count may finish
    # after the line is read: then it comes marked and the correction names its offset)
    await wait_for(lambda: any(b.renumbered for b in c.batches), what="the count of the skipped lines")
    append(log, b"live\n")
    await c.wait_lines(101)
    assert c.lines[-1].lineno == n + 1 and not c.lines[-1].numbering


async def test_small_file_backfill_has_exact_line_numbers_and_holds_a_partial_line(tmp_path, follow):
    log = tmp_path / "small.log"
    write_numbered(log, 1000)
    append(log, b"half a li")
    c = await follow([log], lines=3)
    assert [(ln.lineno, int(ln.data[:8])) for ln in c.backfill_lines()] == [(998, 997), (999, 998), (1000, 999)]
    append(log, b"ne\n")
    await c.wait_lines(4)
    assert (c.lines[-1].lineno, c.lines[-1].data) == (1001, b"half a line")


async def test_backfill_continues_into_the_previous_member_of_a_stream(tmp_path, follow):
    (tmp_path / "mta-event.2026-11-24-08-00.log").write_bytes(b"8 a\n")
    (tmp_path / "mta-event.2026-11-24-09-00.log").write_bytes(b"9 a\n9 b\n9 c\n9 d (no newline)")
    (tmp_path / "mta-event.2026-11-24-10-00.log").write_bytes(b"10 a\n10 b\n")
    c = await follow([tmp_path / "mta-event*.log"], lines=4)
    assert [ln.data for ln in c.backfill_lines()] == [b"9 c", b"9 d (no newline)", b"10 a", b"10 b"]


async def test_from_start_reads_every_member_in_order(tmp_path, follow):
    for h in (8, 9, 10):
        write_numbered(tmp_path / f"mta-event.2026-11-24-{h:02d}-00.log", 20_000)
    c = await follow([tmp_path / "mta-event*.log"], from_start=True, max_batch=5000)
    back = c.backfill_lines()
    assert len(back) == 60_000
    assert [ln.lineno for ln in back[:2]] == [1, 2] and back[20_000].lineno == 1
    assert max(len(b.lines) for b in c.batches) == 5000  # a huge backfill comes in several batches


async def test_backfill_of_several_streams_is_merged_by_sort_key(tmp_path, follow):
    (tmp_path / "in.log").write_bytes(b"1 in\n4 in\n  continuation of 4 in\n6 in\n")
    (tmp_path / "out.log").write_bytes(b"2 out\n3 out\n5 out\n")

    def ts(data: bytes):
        head = data.split(b" ", 1)[0]
        return int(head) if head.isdigit() else None

    c = await follow([tmp_path / "in.log", tmp_path / "out.log"], sort_key=ts)
    assert [ln.data for ln in c.backfill_lines()] == [
        b"1 in",
        b"2 out",
        b"3 out",
        b"4 in",
        b"  continuation of 4 in",
        b"5 out",
        b"6 in",
    ]


async def test_without_sort_key_backfill_is_concatenated(tmp_path, follow):
    (tmp_path / "a.log").write_bytes(b"2 a\n")
    (tmp_path / "b.log").write_bytes(b"1 b\n")
    c = await follow([tmp_path / "a.log", tmp_path / "b.log"])
    assert [ln.data for ln in c.backfill_lines()] == [b"2 a", b"1 b"]


async def test_lines_zero_delivers_only_new_lines(tmp_path, follow):
    log = tmp_path / "a.log"
    write_numbered(log, 50)
    c = await follow([log], lines=0)
    assert c.backfill_lines() == []
    append(log, b"new\n")
    await c.wait_lines(1)
    assert (c.lines[0].lineno, c.lines[0].data) == (51, b"new")


async def test_backfill_of_a_1gb_file_with_no_newline_stays_bounded(tmp_path, follow):
    log = tmp_path / "sparse.log"
    with open(log, "wb") as f:
        f.truncate(1 << 30)  # one 1 GiB line of NULs, no newline (sparse: costs no disk)
    reader = FileReader()
    c = await follow([log], lines=10, max_line=1024, reader=reader)
    assert c.backfill_lines() == []
    assert reader.bytes_read < 256 * 1024, reader.bytes_read
    append(log, b"\nhello\n")  # the endless line ends; what follows is delivered
    await c.wait_lines(1)
    assert c.data() == [b"hello"]
    assert reader.bytes_read < 512 * 1024
