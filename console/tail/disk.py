"""The one place log bytes are read from disk: safe opening, aiofiles reads, and a count tests can check."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import stat
import threading
from concurrent.futures import Executor, ThreadPoolExecutor

from aiofiles.threadpool import wrap as aio_wrap

# O_NONBLOCK so that a FIFO swapped in between stat() and open() cannot hang us; no O_WRONLY, no locks.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)


class NotAFile(Exception):
    """The path exists but is a directory, FIFO, device or socket: reading it would block or never end."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"{path} {kind}")
        self.kind = kind


def describe_mode(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory"
    if stat.S_ISFIFO(mode):
        return "is a FIFO"
    if stat.S_ISCHR(mode):
        return "is a character device"
    if stat.S_ISBLK(mode):
        return "is a block device"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    return "is not a regular file"


def describe_error(exc: OSError) -> str:
    """A lower-case one-liner for a status bar, e.g. "permission denied"."""
    text = exc.strerror or exc.__class__.__name__
    return text[:1].lower() + text[1:]


def read_start(path: str, size: int) -> bytes | None:
    """The first bytes of a regular file, or None (missing, unreadable, not a file); never blocks on a FIFO."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.pread(fd, size, 0)
    except OSError:
        return None
    finally:
        os.close(fd)


class LogFile:
    """One open log file, pinned by its fd so a rename or unlink cannot take it from under us."""

    __slots__ = ("_raw", "_reader", "aio", "dev", "fd", "ino", "path")

    def __init__(self, path: str, raw: io.FileIO, st: os.stat_result, reader: FileReader) -> None:
        self.path = path
        self._raw = raw
        self.fd = raw.fileno()
        self.dev = st.st_dev
        self.ino = st.st_ino
        self._reader = reader
        self.aio = aio_wrap(raw, loop=None, executor=reader.executor)

    @property
    def closed(self) -> bool:
        return self._raw.closed

    def fstat(self) -> os.stat_result:
        return os.fstat(self.fd)

    def linked(self) -> bool:
        """Still has a name on disk: not deleted (False too when that cannot be told)."""
        try:
            return os.fstat(self.fd).st_nlink > 0
        except OSError:
            return False

    def same_file(self, st: os.stat_result) -> bool:
        return st.st_dev == self.dev and st.st_ino == self.ino

    def close(self) -> None:
        """Closes on the read thread, behind any read still running, so the fd number is never reused mid-read."""
        if self._raw.closed:
            return
        self._reader.close_later(self._raw)


class FileReader:
    """Opens and reads logs; counts calls and bytes so a test can prove a backfill read only the tail.

    Reads run on one dedicated thread through aiofiles: file reads never block the event loop, and
    closing a file is queued behind any read still in flight on it (safe even on cancellation).
    """

    def __init__(self, executor: Executor | None = None) -> None:
        self._own_executor = executor is None
        self.executor: Executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="tail-read")
        self.reads = 0
        self.bytes_read = 0
        self.opens = 0

    def open(self, path: str) -> LogFile:
        """Raises OSError (missing, permission denied...) or NotAFile; never blocks on a FIFO."""
        fd = os.open(path, _OPEN_FLAGS)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise NotAFile(path, describe_mode(st.st_mode))
            raw = io.FileIO(fd, "rb", closefd=True)
        except BaseException:
            os.close(fd)
            raise
        self.opens += 1
        return LogFile(path, raw, st, self)

    def adopt(self, path: str, fd: int) -> LogFile:
        """A LogFile for an fd already open (a dup of a file another cursor holds)."""
        try:
            st = os.fstat(fd)
            raw = io.FileIO(fd, "rb", closefd=True)
        except BaseException:
            os.close(fd)
            raise
        return LogFile(path, raw, st, self)

    async def read_checked(self, f: LogFile, head_len: int, offset: int, size: int) -> tuple[bytes, bytes]:
        """The file's first head_len bytes and size bytes at offset, in one trip to the read thread:
        the start tells whether the file still holds the content we were reading."""
        loop = asyncio.get_running_loop()
        head, data = await loop.run_in_executor(self.executor, _pread_two, f.fd, head_len, offset, size)
        self.reads += 1
        self.bytes_read += len(head) + len(data)
        return head, data

    async def read_at(self, f: LogFile, offset: int, size: int) -> bytes:
        # lseek is a bookkeeping syscall, never I/O: only the read itself goes to the thread.
        os.lseek(f.fd, offset, os.SEEK_SET)
        data = await f.aio.read(size)
        self.reads += 1
        self.bytes_read += len(data)
        return data or b""

    def close_later(self, raw: io.FileIO) -> None:
        try:
            self.executor.submit(raw.close)
        except RuntimeError:  # executor already shut down: nothing can be reading any more
            raw.close()

    async def settle(self, timeout: float = 1.0) -> None:
        """Waits (briefly: a read hung on a dead NFS server must not hang shutdown) for queued closes."""
        try:
            fut = asyncio.get_running_loop().run_in_executor(self.executor, _nothing)
        except RuntimeError:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(fut, timeout)

    def shutdown(self) -> None:
        if self._own_executor:
            self.executor.shutdown(wait=False)


def _nothing() -> None:
    return None


def _pread_two(fd: int, head_len: int, offset: int, size: int) -> tuple[bytes, bytes]:
    head = os.pread(fd, head_len, 0) if head_len else b""
    return head, os.pread(fd, size, offset)


async def read_blocks_forward(reader: FileReader, f: LogFile, start: int, end: int, block: int):
    """Yields the bytes of [start, end) in blocks; used to count newlines in a skipped prefix."""
    pos = start
    while pos < end:
        data = await reader.read_at(f, pos, min(block, end - pos))
        if not data:
            return
        pos += len(data)
        yield data
        await asyncio.sleep(0)


def count_newlines(fd: int, end: int, stop: threading.Event, block: int = 1024 * 1024) -> int | None:
    """Newlines in the file's first `end` bytes, read in big blocks on the caller's thread (not the
    event loop's): about 2 GB/s when cached. None when it stopped early: asked to, or the file
    ended before `end` (truncated meanwhile). The GIL is held for under a millisecond at a time."""
    with contextlib.suppress(AttributeError, OSError):  # a hint: read ahead, the whole way
        os.posix_fadvise(fd, 0, end, os.POSIX_FADV_SEQUENTIAL)
    count = pos = 0
    while pos < end:
        if stop.is_set():
            return None
        data = os.pread(fd, min(block, end - pos), pos)
        if not data:
            return None
        pos += len(data)
        count += data.count(b"\n")
    return count
