"""Issue 9, cases 9 and 10: a literal path with glob characters, and compressed rotations as history."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os

from tail_helpers import append, wait_for

from console.tail import FOLLOWING, UNREADABLE


async def test_a_literal_path_with_glob_characters_is_followed_as_a_path(tmp_path, follow):
    log = tmp_path / "mta-event[1].log"
    log.write_bytes(b"old\n")
    (tmp_path / "mta-event1.log").write_bytes(b"not this one\n")  # what the glob would match
    c = await follow([log], lines=5)
    assert c.data() == [b"old"]
    append(log, b"new\n")
    await c.wait_lines(2)
    assert c.data() == [b"old", b"new"]
    assert c.state_of(str(log)).state == FOLLOWING


def _dated(tmp_path, day: int) -> str:
    return str(tmp_path / f"mta-event.2026-11-{day:02d}-00-00.log")


async def test_compressed_rotations_are_history_read_decompressed(tmp_path, follow):
    """gzip, bzip2 and xz members of a dated log are read decompressed for the backfill, in order,
    and never followed; a .1 that is gzip inside is told by its bytes, not its name."""
    packers = {21: gzip.compress, 22: bz2.compress, 23: lzma.compress}
    suffix = {21: ".gz", 22: ".bz2", 23: ".xz"}
    for day, pack in packers.items():
        with open(_dated(tmp_path, day) + suffix[day], "wb") as f:
            f.write(pack(b"".join(b"day%d line%d\n" % (day, i) for i in range(3))))
    with open(_dated(tmp_path, 24), "wb") as f:
        f.write(b"day24 line0\n")
    c = await follow([tmp_path / "mta-event*"], from_start=True)
    want = [b"day%d line%d" % (d, i) for d in (21, 22, 23) for i in range(3)] + [b"day24 line0"]
    assert c.data() == want
    # A new compressed rotation appears while live: its bytes are not lines, nothing is delivered.
    with open(_dated(tmp_path, 20) + ".gz", "wb") as f:
        f.write(gzip.compress(b"late archive\n"))
    append(_dated(tmp_path, 24), b"day24 line1\n")
    await c.wait_lines(len(want) + 1)
    assert c.data() == want + [b"day24 line1"]


async def test_last_lines_reach_into_a_compressed_member(tmp_path, follow):
    with open(_dated(tmp_path, 23) + ".gz", "wb") as f:
        f.write(gzip.compress(b"".join(b"old%d\n" % i for i in range(100))))
    with open(_dated(tmp_path, 24), "wb") as f:
        f.write(b"new0\nnew1\n")
    c = await follow([tmp_path / "mta-event*"], lines=5)
    assert c.data() == [b"old97", b"old98", b"old99", b"new0", b"new1"]


async def test_a_log_matched_only_as_archives_is_history_and_holds_no_descriptor(tmp_path, follow):
    with open(str(tmp_path / "mta-event.log.1.gz"), "wb") as f:
        f.write(gzip.compress(b"a\nb\n"))
    c = await follow([tmp_path / "mta-event*"], lines=10)
    assert c.data() == [b"a", b"b"]
    await wait_for(lambda: not [p for p in os.listdir("/proc/self/fd")
                                if os.path.realpath(f"/proc/self/fd/{p}").startswith(str(tmp_path))],
                   5, "the archive closed")


async def test_a_damaged_archive_gives_what_it_holds_and_says_so(tmp_path, follow):
    whole = gzip.compress(b"".join(b"kept%d\n" % i for i in range(2000)))
    archive = tmp_path / "mta-event.log.1.gz"
    archive.write_bytes(whole[: len(whole) * 2 // 3])  # cut short: no end marker
    (tmp_path / "mta-event.log").write_bytes(b"live\n")
    c = await follow([tmp_path / "mta-event.log*"], from_start=True)
    got = c.data()
    assert got[-1] == b"live" and got[0] == b"kept0" and 0 < len(got) - 1 < 2000
    n = len(got) - 1  # the archive's lines; its last may be cut where the data stops
    assert got[: n - 1] == [b"kept%d" % i for i in range(n - 1)]
    assert (b"kept%d" % (n - 1)).startswith(got[n - 1])
    state = c.state_of(str(archive))
    assert state is not None and state.state == UNREADABLE and "truncated" in state.detail
