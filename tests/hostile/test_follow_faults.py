"""The follower against a real writer process and a misbehaving host: files deleted, truncated, replaced
by a directory, a FIFO or a device, unreadable, a disk that fills mid-line, a 50 MB line, a gigabyte
without a newline, a burst of 100,000 lines. Each time: the state is reported, the other logs keep
flowing, following recovers, and no line is lost or repeated. And it never writes, locks or runs anything."""

from __future__ import annotations

import os
import tracemalloc

import pytest

from console.tail import DELETED, FOLLOWING, NOT_A_FILE, TRUNCATED, UNREADABLE, FileReader

import follow_helpers

from .helpers import WRITE_FLAGS as _WRITE_FLAGS
from .helpers import Writer, fd_flags_under, read_only_guard


class Collector(follow_helpers.Collector):
    """The tail suite's collector as an async context manager, with paths as Path objects."""

    def __init__(self, paths, **kwargs) -> None:
        kwargs.setdefault("rotate_grace", 0.3)
        kwargs.setdefault("lines", 0)
        super().__init__([os.fspath(p) for p in paths], **kwargs)

    async def __aenter__(self) -> "Collector":
        return await self.start(timeout=15)

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    def data(self, path=None) -> list[bytes]:
        return super().data(None if path is None else os.fspath(path))

    def state(self, path):
        return self.state_of(os.fspath(path))

    async def wait_lines(self, n: int, path=None, timeout: float = 15) -> list[bytes]:
        return await super().wait_lines(n, timeout, None if path is None else os.fspath(path))

    async def wait_state(self, path, state: str, detail: str | None = None, timeout: float = 15) -> None:
        await super().wait_state(os.fspath(path), state, timeout, detail)


def L(tag: str, n: int) -> bytes:
    return b"2026-11-24 10:00:00.000 smtpsrvr[7] I-MTA_SMTP-Connection: connection from 192.0.2.1 (%s %03d)" % (
        tag.encode(), n)


async def _keep_flowing(c: Collector, w: Writer, other, tag: str, start: int, n: int = 3) -> int:
    """While one log is in trouble, the other one's lines still arrive."""
    for i in range(start, start + n):
        await w.line(L(tag, i))
    await c.wait_lines(start + n, other)
    return start + n


async def test_deleted_reported_others_flow_recreated_followed_again(tmp_path):
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    async with Writer(a) as wa, Writer(b) as wb, Collector([a, b]) as c:
        await wa.line(L("a", 0))
        await c.wait_lines(1, a)
        a.unlink()
        await c.wait_state(a, DELETED)
        nb = await _keep_flowing(c, wb, b, "b", 0)
        await wa.send("reopen")  # the writer notices and creates its log again
        await c.wait_state(a, FOLLOWING)
        await wa.line(L("a", 1))
        await c.wait_lines(2, a)
        await _keep_flowing(c, wb, b, "b", nb)
    assert c.data(a) == [L("a", 0), L("a", 1)]
    assert c.data(b) == [L("b", i) for i in range(6)]


async def test_truncated_in_place_is_read_again_from_the_start_once(tmp_path):
    a = tmp_path / "a.log"
    async with Writer(a) as w, Collector([a]) as c:
        for i in range(3):
            await w.line(L("a", i))
        await c.wait_lines(3)
        await w.send("truncate")
        await w.line(L("a", 3))  # shorter than what was there: the size shrank
        await c.wait_lines(4)
        assert any(s.state == TRUNCATED for s in c.states)
        await w.line(L("a", 4))
        await c.wait_lines(5)
    assert c.data() == [L("a", i) for i in range(5)]


@pytest.mark.parametrize("kind", ["directory", "fifo", "/dev/zero", "/dev/urandom"])
async def test_replaced_by_what_is_not_a_log_and_back(tmp_path, kind):
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    async with Writer(a) as wa, Writer(b) as wb, Collector([a, b]) as c:
        await wa.line(L("a", 0))
        await c.wait_lines(1, a)
        a.unlink()
        if kind == "directory":
            a.mkdir()
        elif kind == "fifo":
            os.mkfifo(a)
        else:
            a.symlink_to(kind)
        detail = {"directory": "is a directory", "fifo": "is a FIFO"}.get(kind, "is a character device")
        await c.wait_state(a, NOT_A_FILE, detail)
        read_before = c.follower.reader.bytes_read
        nb = await _keep_flowing(c, wb, b, "b", 0)
        assert c.follower.reader.bytes_read - read_before < 4096, "it read from the device"
        a.rmdir() if kind == "directory" else a.unlink()
        await wa.send("reopen")
        await wa.line(L("a", 1))
        await c.wait_state(a, FOLLOWING)
        await c.wait_lines(2, a)
        await _keep_flowing(c, wb, b, "b", nb)
    assert c.data(a) == [L("a", 0), L("a", 1)]


class DenyingReader(FileReader):
    """open(2) says "permission denied" for one path while `deny` is set. We run as root, and root reads
    a chmod 000 file, so the permission is taken away here, at the one place logs are opened."""

    def __init__(self, path) -> None:
        super().__init__()
        self.path, self.deny = os.fspath(path), False

    def open(self, path):
        if self.deny and path == self.path:
            raise PermissionError(13, "Permission denied", path)
        return super().open(path)


async def test_permission_removed_and_restored(tmp_path):
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    reader = DenyingReader(a)
    async with Writer(a) as wa, Writer(b) as wb, Collector([a, b], reader=reader) as c:
        await wa.line(L("a", 0))
        await c.wait_lines(1, a)
        reader.deny = True
        a.rename(tmp_path / "a.log.1")  # rotated; the new file comes up without read permission
        await wa.send("reopen")
        await wa.line(L("a", 1))
        await c.wait_state(a, UNREADABLE, "permission denied")
        nb = await _keep_flowing(c, wb, b, "b", 0)
        reader.deny = False
        os.chmod(a, 0o644)  # what restoring it looks like: an attribute change wakes the follower
        await c.wait_state(a, FOLLOWING)
        await c.wait_lines(2, a)
        await _keep_flowing(c, wb, b, "b", nb)
    assert c.data(a) == [L("a", 0), L("a", 1)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod 000 files; the reader seam above stands in")
async def test_permission_removed_and_restored_with_chmod(tmp_path):
    a = tmp_path / "a.log"
    a.write_bytes(L("a", 0) + b"\n")
    a.chmod(0)
    async with Collector([a]) as c:
        await c.wait_state(a, UNREADABLE)
        a.chmod(0o644)
        await c.wait_state(a, FOLLOWING)
        await c.wait_lines(1)


async def test_disk_full_mid_line_then_the_writer_resumes(tmp_path):
    """A writer stopped mid-line (ENOSPC) leaves half a line: it is held back, never shown as two lines,
    while other logs flow; when the writer resumes, the line arrives whole."""
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    whole = L("a", 1)
    async with Writer(a) as wa, Writer(b) as wb, Collector([a, b]) as c:
        await wa.line(L("a", 0))
        await wa.partial(whole[:40])
        await c.wait_lines(1, a)
        nb = await _keep_flowing(c, wb, b, "b", 0)
        assert c.data(a) == [L("a", 0)], "half a line was delivered"
        await wa.partial(whole[40:70])
        await _keep_flowing(c, wb, b, "b", nb)
        await wa.line(whole[70:])
        await wa.line(L("a", 2))
        await c.wait_lines(3, a)
    assert c.data(a) == [L("a", 0), whole, L("a", 2)]


async def test_a_50_mb_line_written_live_is_cut_and_memory_stays_bounded(tmp_path):
    a = tmp_path / "a.log"
    a.write_bytes(b"")
    tracemalloc.start()
    try:
        async with Writer(a) as w, Collector([a], max_line=65536) as c:
            await w.send("big", str(50 << 20), timeout=60)
            await w.line(L("a", 1))
            await c.wait_lines(2, timeout=30)
            peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    first, second = c.lines
    assert first.cut and len(first.data) == 65536 and not second.cut and second.data == L("a", 1)
    assert peak < 24 << 20, f"peak {peak:,} bytes while following a 50 MB line"


async def test_a_gigabyte_without_a_newline_at_start(tmp_path):
    """Backfill reads back only a bounded stretch of an endless line, then follows what comes next."""
    a = tmp_path / "zero.log"
    with open(a, "wb") as f:
        f.truncate(1 << 30)
    async with Collector([a], lines=1000) as c:
        assert c.follower.reader.bytes_read < 100 << 20, f"read {c.follower.reader.bytes_read:,} bytes"
        assert c.data() == []
        with open(a, "ab") as f:
            f.write(b"\n" + L("a", 1) + b"\n")
        await c.wait_lines(1)
    assert c.data() == [L("a", 1)]
    assert c.follower.reader.bytes_read < 100 << 20


async def test_a_burst_of_100000_lines_arrives_once_in_order(tmp_path):
    a = tmp_path / "a.log"
    async with Writer(a) as w, Collector([a], max_batch=10_000) as c:
        await w.send("burst", "100000")
        await c.wait_lines(100_000, timeout=30)
        await w.line(L("a", 1))
        await c.wait_lines(100_001)
    data = c.data()
    assert len(data) == 100_001 and data[-1] == L("a", 1)
    assert all(b"(burst %07d)" % i in data[i] for i in range(0, 100_000, 997))
    assert [ln.lineno for ln in c.lines] == list(range(1, 100_002))
    assert max(len(b.lines) for b in c.batches) <= 10_000


async def test_invalid_utf8_nul_and_cr_bytes_pass_through_untouched(tmp_path):
    a = tmp_path / "a.log"
    odd = [b"\xff\xfe\xed\xa0\x80", b"\x00\x00nul", b"lone\rcr", b"crlf\r", b"\x1b]2;PWNED\x07"]
    async with Writer(a) as w, Collector([a]) as c:
        for line in odd:
            await w.line(line)
        await c.wait_lines(len(odd))
    assert c.data() == odd  # the tailer hands over bytes; decoding is the decoder's business


# -- it only ever reads ---------------------------------------------------------------------------

SHELLISH = b"$(touch PWNED) `touch PWNED`; rm -rf / | sh -c reboot"


async def _follow_shellish_logs(tmp_path, monkeypatch):
    logs = tmp_path / "logs"
    logs.mkdir()
    a = logs / "a.log"
    a.write_bytes(SHELLISH + b"\n")
    async with Writer(a) as w:
        with read_only_guard(logs, monkeypatch) as (opened, spawned):
            async with Collector([a, logs / "mta-event*.log"], lines=10) as c:
                await w.line(b"2026-11-24 10:00:00.000 p[1] C-MTA_SMTP-Critical: " + SHELLISH)
                await c.wait_lines(2)
                flags = fd_flags_under(logs)
    return logs, opened, spawned, flags


async def test_following_never_writes_locks_or_runs_the_log(tmp_path, monkeypatch):
    logs, opened, spawned, flags = await _follow_shellish_logs(tmp_path, monkeypatch)
    # the writer's own fd is in another process; every fd of ours on a log is read-only
    assert flags and all(f & os.O_ACCMODE == os.O_RDONLY for f in flags), [oct(f) for f in flags]
    assert opened and all(isinstance(m, int) and not m & _WRITE_FLAGS or m == "rb" for _, m in opened)
    assert not any("PWNED" in s or "reboot" in s or os.fspath(logs) in s for s in spawned), spawned
    assert not (tmp_path / "PWNED").exists() and not (logs / "PWNED").exists()


async def test_following_starts_no_program_at_all(tmp_path, monkeypatch):
    _, _, spawned, _ = await _follow_shellish_logs(tmp_path, monkeypatch)
    assert spawned == []
