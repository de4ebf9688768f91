"""Each file problem is reported as a state, the other sources keep flowing, and following resumes."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
from pathlib import Path

import pytest
from tail_helpers import append

from console.tail import DELETED, FOLLOWING, NOT_A_FILE, ROTATED, UNREADABLE, WAITING, FileReader


async def test_missing_file_is_waited_for_then_read_from_its_first_line(tmp_path, follow):
    log = tmp_path / "later.log"
    c = await follow([log])
    assert c.state_of(str(log)).state == WAITING
    log.write_bytes(b"first\nsecond\n")
    await c.wait_lines(2)
    assert [(ln.lineno, ln.data) for ln in c.lines] == [(1, b"first"), (2, b"second")]
    await c.wait_state(str(log), FOLLOWING)


async def test_missing_directory_is_waited_for_too(tmp_path, follow):
    log = tmp_path / "not" / "yet" / "a.log"
    c = await follow([log])
    assert c.state_of(str(log)).state == WAITING
    log.parent.mkdir(parents=True)
    log.write_bytes(b"hello\n")
    await c.wait_lines(1)


async def test_glob_without_match_waits(tmp_path, follow):
    pattern = str(tmp_path / "mta-event*.log")
    c = await follow([pattern])
    assert c.state_of(pattern).state == WAITING
    (tmp_path / "mta-event.2026-01-01-00-00.log").write_bytes(b"x\n")
    await c.wait_lines(1)
    assert pattern not in c.follower.states()


async def test_deleted_file_is_reported_and_followed_again_when_recreated(tmp_path, follow):
    log, other = tmp_path / "a.log", tmp_path / "b.log"
    log.write_bytes(b"")
    other.write_bytes(b"")
    c = await follow([log, other])
    append(log, b"before\n")
    await c.wait_lines(1)
    log.unlink()
    await c.wait_state(str(log), DELETED)
    append(other, b"others keep flowing\n")
    await c.wait_lines(1, source=str(other))
    log.write_bytes(b"after\n")
    await c.wait_state(str(log), FOLLOWING)
    await c.wait_lines(2, source=str(log))
    assert [(ln.lineno, ln.data) for ln in c.lines if ln.source == str(log)] == [(1, b"before"), (1, b"after")]


async def test_replaced_by_a_new_file(tmp_path, follow):
    log = tmp_path / "a.log"
    log.write_bytes(b"old\n")
    c = await follow([log])
    log.unlink()
    log.write_bytes(b"new\n")  # may reuse the freed inode number only once we let go of the old one
    await c.wait_lines(2)
    assert c.data() == [b"old", b"new"]
    assert c.saw_state(ROTATED, "replaced by a new file") or c.saw_state(DELETED)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod 000 files; see the capability-dropping test below")
async def test_permission_denied_then_restored(tmp_path, follow):
    log = tmp_path / "secret.log"
    log.write_bytes(b"one\n")
    log.chmod(0)
    c = await follow([log])
    assert c.state_of(str(log)).state == UNREADABLE
    log.chmod(0o644)
    await c.wait_state(str(log), FOLLOWING)
    await c.wait_lines(1)


class DenyingReader(FileReader):
    """Says "permission denied" for one path while `deny` is set, as open(2) would for a chmod 000 file."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.deny = True

    def open(self, path):
        if self.deny and path == self.path:
            raise PermissionError(13, "Permission denied", path)
        return super().open(path)


async def test_unreadable_reported_and_recovered_through_the_reader_seam(tmp_path, follow):
    log = tmp_path / "secret.log"
    log.write_bytes(b"one\ntwo\n")
    reader = DenyingReader(str(log))
    c = await follow([log], reader=reader)
    state = c.state_of(str(log))
    assert (state.state, state.detail) == (UNREADABLE, "permission denied")
    reader.deny = False
    os.chmod(log, 0o640)  # what fixing the permissions looks like: an attribute change wakes the follower
    await c.wait_state(str(log), FOLLOWING)
    await c.wait_lines(2)  # a file we could not read at start is new to us: from its first line
    assert c.data() == [b"one", b"two"]


async def test_path_replaced_by_a_directory_and_back(tmp_path, follow):
    log = tmp_path / "a.log"
    log.write_bytes(b"one\n")
    c = await follow([log])
    log.unlink()
    log.mkdir()
    await c.wait_state(str(log), NOT_A_FILE, detail="is a directory")
    log.rmdir()
    log.write_bytes(b"two\n")
    await c.wait_state(str(log), FOLLOWING)
    await c.wait_lines(2)
    assert c.data() == [b"one", b"two"]


async def test_fifo_is_not_read_and_does_not_block_others(tmp_path, follow):
    fifo, other = tmp_path / "fifo.log", tmp_path / "b.log"
    os.mkfifo(fifo)
    other.write_bytes(b"")
    c = await follow([fifo, other])
    s = c.state_of(str(fifo))
    assert (s.state, s.detail) == (NOT_A_FILE, "is a FIFO")
    append(other, b"still flowing\n")
    await c.wait_lines(1)
    fifo.unlink()
    fifo.write_bytes(b"now a file\n")
    await c.wait_state(str(fifo), FOLLOWING)
    await c.wait_lines(2)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
async def test_symlink_to_a_device_is_not_read(tmp_path, follow, device):
    link, other = tmp_path / "dev.log", tmp_path / "b.log"
    os.symlink(device, link)
    other.write_bytes(b"")
    c = await follow([link, other])
    s = c.state_of(str(link))
    assert (s.state, s.detail) == (NOT_A_FILE, "is a character device")
    assert c.follower.reader.bytes_read == 0
    append(other, b"fine\n")
    await c.wait_lines(1)
    assert c.data() == [b"fine"]


async def test_symlink_to_a_log_is_followed_with_prompt_wakeups(tmp_path, follow):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = real_dir / "mta-event.log"
    real.write_bytes(b"")
    link = tmp_path / "link.log"
    os.symlink(real, link)
    c = await follow([link], rescan_interval=30)  # no safety rescan to lean on: inotify must see the target
    append(real, b"through the link\n")
    await c.wait_lines(1, timeout=3)
    assert c.lines[0].source == str(link)


DROP_DAC_AND_FOLLOW = textwrap.dedent(
    """
    import asyncio, ctypes, os, sys

    # Root reads a chmod 000 file through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH: drop both, so this
    # process sees "permission denied" exactly as an ordinary user would.
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    libc = ctypes.CDLL(None, use_errno=True)
    header, data = Header(0x20080522, 0), (Data * 2)()
    keep = ~((1 << 1) | (1 << 2)) & 0xFFFFFFFF
    if libc.capget(ctypes.byref(header), data) == 0:
        data[0].effective &= keep
        data[0].permitted &= keep
    if libc.capset(ctypes.byref(header), data) != 0 or os.access(sys.argv[1], os.R_OK):
        print("cannot-drop", flush=True)
        sys.exit(0)

    from console.tail.headless import follow_print

    def lines(batch):
        for ln in batch:
            print(f"line {ln.lineno} {ln.data.decode()}", flush=True)

    def state(s):
        print(f"state {s.state} {s.detail}", flush=True)

    asyncio.run(follow_print([sys.argv[1]], lines=10, from_start=False, max_line=65536,
                             emit_lines=lines, emit_state=state))
    """
)


@pytest.mark.skipif(os.geteuid() != 0, reason="covered by the chmod test above")
async def test_permission_denied_then_restored_as_root_without_dac_override(tmp_path):
    log = tmp_path / "secret.log"
    log.write_bytes(b"one\n")
    log.chmod(0)
    root = Path(__file__).resolve().parents[2]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", DROP_DAC_AND_FOLLOW, str(log), stdout=asyncio.subprocess.PIPE, cwd=root
    )

    async def read_until(text: str) -> None:
        while True:
            line = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode()
            if line.startswith("cannot-drop"):
                pytest.skip("capabilities cannot be dropped here")
            assert line, f"follower exited before printing {text!r}"
            if line.startswith(text):
                return

    try:
        await read_until("state unreadable permission denied")
        log.chmod(0o644)
        await read_until("state following")
        await read_until("line 1 one")
    finally:
        proc.kill()
        await proc.wait()
