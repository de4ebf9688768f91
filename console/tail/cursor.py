"""Our place in one open log file, and the check that the bytes we already read are still there."""

from __future__ import annotations

from console.tail.lines import LineSplitter
from console.tail.model import RawLine
from console.tail.reading import FileReader, LogFile

READ_BLOCK = 512 * 1024
# Each read re-reads this many bytes before our position: if they changed, the file was truncated
# and rewritten past our offset (copytruncate under load), which a size check alone cannot see.
OVERLAP = 32


class FileCursor:
    """Reads one file forward in big blocks; restarts from 0 when the file was truncated, never repeating lines."""

    __slots__ = (
        "_overlap",
        "exhausted",
        "file",
        "last_growth",
        "lineno",
        "pos",
        "reader",
        "retired_at",
        "source",
        "splitter",
        "stop_at",
    )

    def __init__(self, reader: FileReader, file: LogFile, max_line: int, *, pos: int = 0, lineno: int = 0) -> None:
        self.reader = reader
        self.file = file
        self.source = file.path
        self.pos = pos
        self.lineno = lineno
        self.splitter = LineSplitter(max_line)
        self._overlap = b""
        self.retired_at: float | None = None  # set once a newer file took over; then drained and closed
        self.last_growth = 0.0
        self.stop_at: int | None = None  # backfill reads stop at the size seen when it started
        self.exhausted = False  # a retired file that shrank: nothing more worth reading in it

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def seek(self, pos: int, lineno: int) -> None:
        self.pos = pos
        self.lineno = lineno
        self._overlap = b""
        self.splitter.reset()

    def _make(self, datas: list[bytes], cuts: list[int]) -> list[RawLine]:
        n = self.lineno
        src = self.source
        out = [RawLine(src, n + i, d) for i, d in enumerate(datas, 1)]
        for i in cuts:
            out[i].cut = True
        self.lineno = n + len(datas)
        return out

    def _flush_partial(self) -> list[RawLine]:
        data = self.splitter.flush()
        return self._make([data], []) if data is not None else []

    def _restart(self) -> tuple[list[RawLine], bool, bool]:
        lines = self._flush_partial()
        if self.retired_at is not None:
            # A finished file rewritten in place (compressed, recycled): re-reading it would only repeat lines.
            self.exhausted = True
            return lines, True, False
        self.seek(0, 0)
        return lines, False, True

    def resume(self, pos: int, lineno: int, overlap: bytes) -> None:
        """Continue where an earlier cursor on this same file stopped; the overlap check catches a recycled inode."""
        self.pos = pos
        self.lineno = lineno
        self._overlap = overlap

    def position(self) -> tuple[int, int, bytes]:
        return self.pos, self.lineno, self._overlap

    async def read_block(self, now: float, block: int = READ_BLOCK) -> tuple[list[RawLine], bool, bool]:
        """Reads one block. Returns (lines, at_eof, truncated)."""
        size = self.file.fstat().st_size
        if size < self.pos:
            return self._restart()
        limit = size if self.stop_at is None else min(size, self.stop_at)
        if self.pos >= limit:
            return [], True, False
        k = len(self._overlap)
        want = min(block, limit - self.pos)
        data = await self.reader.read_at(self.file, self.pos - k, want + k)
        if k and data[:k] != self._overlap:
            return self._restart()
        body = data[k:] if k else data
        if not body:
            return [], True, False
        self.pos += len(body)
        self.last_growth = now
        self._overlap = data[-OVERLAP:]
        datas, cuts = self.splitter.feed(body)
        return self._make(datas, cuts), self.pos >= limit, False

    def finish(self) -> list[RawLine]:
        """The file is done: hand over its unterminated last line, if any, and close it."""
        lines = self._flush_partial()
        self.file.close()
        return lines

    def close(self) -> None:
        self.file.close()
