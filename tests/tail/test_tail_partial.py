"""Lines written in pieces, and lines too long to keep."""

from __future__ import annotations

import tracemalloc

from tail_helpers import append

MB = 1024 * 1024


async def test_partial_writes_split_mid_line_and_mid_utf8(tmp_path, follow):
    log, marker = tmp_path / "a.log", tmp_path / "marker.log"
    log.write_bytes(b"")
    marker.write_bytes(b"")
    c = await follow([log, marker])
    append(log, b"caf\xc3")  # "café" cut inside the two bytes of "é"
    append(marker, b"m1\n")
    await c.wait_lines(1, source=str(marker))
    append(log, b"\xa9 au lait")
    append(marker, b"m2\n")
    await c.wait_lines(2, source=str(marker))
    assert c.data(str(log)) == []  # held until its newline comes
    append(log, b"\r\nbad \xff\xfe utf-8 and a \x00 NUL\n")
    await c.wait_lines(2, source=str(log))
    assert c.data(str(log)) == [b"caf\xc3\xa9 au lait\r", b"bad \xff\xfe utf-8 and a \x00 NUL"]
    assert [ln.lineno for ln in c.lines if ln.source == str(log)] == [1, 2]


async def test_a_10mb_line_is_cut_marked_and_not_held_in_memory(tmp_path, follow):
    log = tmp_path / "long.log"
    log.write_bytes(b"")
    c = await follow([log])
    block = b"a" * MB
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        append(log, b"before\n")
        for _ in range(10):  # written live, in pieces, like a runaway writer would
            append(log, block)
        append(log, b"\nafter\n")
        await c.wait_lines(3)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(ln.lineno, len(ln.data), ln.cut) for ln in c.lines] == [(1, 6, False), (2, 65536, True), (3, 5, False)]
    assert c.lines[1].data == b"a" * 65536
    assert c.data()[2] == b"after"
    # Reads are 512 KiB blocks and at most max_line bytes are held; a held 10 MB line would show here.
    print(f"\n10 MB line: peak traced memory {peak / MB:.2f} MB")
    assert peak < 4 * MB, f"peak {peak / MB:.1f} MB"


async def test_max_line_is_configurable(tmp_path, follow):
    log = tmp_path / "a.log"
    log.write_bytes(b"")
    c = await follow([log], max_line=8)
    append(log, b"12345678\n123456789\nok\n")
    await c.wait_lines(3)
    assert [(ln.data, ln.cut) for ln in c.lines] == [(b"12345678", False), (b"12345678", True), (b"ok", False)]
