"""Standard input as a source: read by the event loop as bytes arrive, so a pipe is followed without polling."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import stat
from collections.abc import Callable

from aiofiles.threadpool import wrap as aio_wrap

from console.tail.splitter import LineSplitter
from console.tail.contract import ENDED, FOLLOWING, RawLine, SourceState
from console.tail.disk import describe_error

STDIN = "-"
CHUNK = 256 * 1024
# Stop reading (and let the pipe push back on the writer) while this many lines wait for the consumer.
HIGH_WATER = 50_000


class StdinSource:
    def __init__(
        self,
        fd: int,
        max_line: int,
        wake: Callable[[], None],
        report: Callable[[str, SourceState], None],
    ) -> None:
        self._src_fd = fd
        self._splitter = LineSplitter(max_line)
        self._wake = wake
        self._report = report
        self._lines: list[RawLine] = []
        self._lineno = 0
        self._room = asyncio.Event()
        self._room.set()
        self._fd = -1
        self._was_blocking = True
        self._transport: asyncio.ReadTransport | None = None
        self._task: asyncio.Task | None = None
        self.ended = False

    @property
    def pending(self) -> int:
        return len(self._lines)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        # A private duplicate: closing our side must not close the process's fd 0.
        self._fd = os.dup(self._src_fd)
        self._was_blocking = os.get_blocking(self._fd)
        self._report(STDIN, SourceState(STDIN, FOLLOWING, ""))
        if not stat.S_ISREG(os.fstat(self._fd).st_mode):
            reader = asyncio.StreamReader(limit=CHUNK)
            pipe = open(self._fd, "rb", buffering=0, closefd=False)
            try:
                self._transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), pipe)
            except (OSError, ValueError):
                pipe.close()  # /dev/null and friends cannot be polled: read them on a thread instead
            else:
                self._task = asyncio.create_task(self._pump(reader.read), name="tail-stdin")
                return
        raw = io.FileIO(self._fd, "rb", closefd=False)
        aio = aio_wrap(raw, loop=None, executor=None)
        self._task = asyncio.create_task(self._pump(aio.read), name="tail-stdin")

    async def _pump(self, read) -> None:
        detail = "end of input"
        try:
            while True:
                data = await read(CHUNK)
                if not data:
                    break
                self._accept(data)
                while len(self._lines) >= HIGH_WATER:
                    self._room.clear()
                    await self._room.wait()
        except OSError as exc:
            detail = f"read error: {describe_error(exc)}"
        last = self._splitter.flush()
        if last is not None:
            self._lineno += 1
            self._lines.append(RawLine(STDIN, self._lineno, last))
        self.ended = True
        self._report(STDIN, SourceState(STDIN, ENDED, detail))
        self._wake()

    def _accept(self, data: bytes) -> None:
        datas, cuts = self._splitter.feed(data)
        if not datas:
            return
        n = self._lineno
        new = [RawLine(STDIN, n + i, d) for i, d in enumerate(datas, 1)]
        for i in cuts:
            new[i].cut = True
        self._lineno = n + len(datas)
        self._lines.extend(new)
        self._wake()

    def take(self, limit: int) -> list[RawLine]:
        out = self._lines[:limit]
        del self._lines[:limit]
        if len(self._lines) < HIGH_WATER:
            self._room.set()
        return out

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.set_blocking(self._fd, self._was_blocking)  # the flag is shared with the real fd 0
            os.close(self._fd)
            self._fd = -1
