"""Our place in one open log file, and the proof that the file still holds what we were reading."""

from __future__ import annotations

import os

from console.tail.identity import FP_LEN, Generation
from console.tail.splitter import LineSplitter
from console.tail.contract import RawLine
from console.tail.disk import FileReader, LogFile

READ_BLOCK = 512 * 1024
# Each read re-reads this many bytes before our position as well as the file's start (its
# fingerprint): if either changed, the file was truncated and rewritten past our offset.
OVERLAP = 32


class FileCursor:
    """Reads one file forward in big blocks; tells its stream when the file's content was replaced.

    A file met after start-up is not read until its stream has decided where it starts
    (placed=False until then): that decision needs the files before it to be drained first.
    """

    __slots__ = (
        "_overlap",
        "exhausted",
        "file",
        "final",
        "head",
        "ident",
        "last_growth",
        "lineno",
        "mtime",
        "numbering",
        "placed",
        "pos",
        "restarted",
        "reader",
        "retired_at",
        "shown",
        "source",
        "splitter",
        "stop_at",
        "watch",
    )

    def __init__(self, reader: FileReader, file: LogFile, max_line: int, *, pos: int = 0, lineno: int = 0) -> None:
        self.reader = reader
        self.file = file
        self.ident = (file.dev, file.ino)
        self.source = file.path
        self.pos = pos
        self.lineno = lineno
        self.splitter = LineSplitter(max_line)
        self._overlap = b""
        try:
            self.head = os.pread(file.fd, FP_LEN, 0)
        except OSError:
            self.head = b""
        self.retired_at: float | None = None  # set once a newer file took over; then drained and closed
        self.last_growth = 0.0
        self.stop_at: int | None = None  # backfill reads stop at the size seen when it started
        self.exhausted = False  # nothing more worth reading in it: close once drained
        self.final = False  # a copy read for what it holds: close at its end, do not wait for a writer
        self.placed = True
        self.restarted = False  # read again from 0 after a truncate
        self.shown = -1  # bytes of the unfinished last line already delivered as partial; -1: none
        self.watch: int | None = None  # inotify watch on the file itself, while it lingers
        self.mtime = -1  # modification time at our last read
        self.numbering = 0  # lineno counts from where reading began until this count is done (renumber.py)

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def seek(self, pos: int, lineno: int, overlap: bytes = b"") -> None:
        self.pos = pos
        self.lineno = lineno
        self._overlap = overlap
        self.splitter.reset()
        self.shown = -1

    def generation(self) -> Generation:
        return Generation(self.head, self.pos, self.lineno, self._overlap, source=self.source,
                          numbering=self.numbering)

    def resume_point(self) -> Generation:
        """Where to take this file up again once closed: at the start of its unfinished line, so
        a writer finishing it later gives the whole line (completing what was shown partial)."""
        pending = self.splitter.pending
        if not pending or self.splitter.skipping:
            return self.generation()
        at = self.pos - pending
        n = min(OVERLAP, at)
        try:
            overlap = os.pread(self.file.fd, n, at - n) if n else b""
        except OSError:
            return self.generation()
        return Generation(self.head, at, self.lineno, overlap, shown=self.shown, source=self.source,
                          numbering=self.numbering)

    def take_line_state(self, other: FileCursor) -> None:
        """Continue other's byte stream here (its copy): its unfinished line and line numbers."""
        self.splitter, other.splitter = other.splitter, LineSplitter(other.splitter.max_line)
        self.shown, other.shown = other.shown, -1
        self.lineno = other.lineno
        self.numbering = other.numbering
        self.source = other.source

    def _make(self, datas: list[bytes], cuts: list[int]) -> list[RawLine]:
        n = self.lineno
        src = self.source
        out = [RawLine(src, n + i, d) for i, d in enumerate(datas, 1)]
        if self.numbering:
            for line in out:
                line.numbering = self.numbering
        for i in cuts:
            out[i].cut = True
        if out and self.shown >= 0:
            out[0].completes = True
            self.shown = -1
        self.lineno = n + len(datas)
        return out

    def _flush_partial(self) -> list[RawLine]:
        data = self.splitter.flush()
        if data is None:
            self.shown = -1
            return []
        return self._make([data], [])

    def rewritten(self) -> bool:
        """The file no longer holds what we read: shrunk below our offset, or a different start."""
        try:
            if self.file.fstat().st_size < self.pos:
                return True
            n = len(self.head)
            return bool(n) and os.pread(self.file.fd, n, 0) != self.head
        except OSError:
            return False

    def restart(self) -> list[RawLine]:
        """The file was truncated: hand over the unfinished line, then read it again from 0."""
        lines = self._flush_partial()
        self.seek(0, 0)
        self.numbering = 0  # new content: counted from its first line
        self.restarted = True
        try:
            self.head = os.pread(self.file.fd, FP_LEN, 0)
        except OSError:
            self.head = b""
        return lines

    def resume(self, pos: int, lineno: int, overlap: bytes, numbering: int = 0) -> None:
        """Continue where an earlier read of this same content stopped."""
        self.pos = pos
        self.lineno = lineno
        self._overlap = overlap
        self.numbering = numbering

    async def read_block(self, now: float, block: int = READ_BLOCK) -> tuple[list[RawLine], bool, bool]:
        """Reads one block. Returns (lines, at_eof, rewritten): rewritten means the content we were
        reading is gone from this file (truncated, or truncated and written again past our offset)."""
        st = self.file.fstat()
        size = st.st_size
        if size < self.pos:
            return [], False, True
        limit = size if self.stop_at is None else min(size, self.stop_at)
        if self.pos >= limit:
            if st.st_mtime_ns != self.mtime and self.head:
                # Written to without growing: truncated and regrown to exactly our offset?
                self.mtime = st.st_mtime_ns
                if self.rewritten():
                    return [], False, True
            return [], True, False
        self.mtime = st.st_mtime_ns
        k = len(self._overlap)
        want = min(block, limit - self.pos)
        hn = len(self.head) if self.pos >= len(self.head) else 0
        head, data = await self.reader.read_checked(self.file, hn, self.pos - k, want + k)
        if (hn and head != self.head) or (k and data[:k] != self._overlap):
            return [], False, True
        body = data[k:] if k else data
        if not body:
            return [], True, False
        start = self.pos
        self.pos += len(body)
        self.last_growth = now
        self._overlap = data[-OVERLAP:]
        if start < FP_LEN and len(self.head) < FP_LEN and start <= len(self.head):
            self.head = (self.head + body[len(self.head) - start :])[:FP_LEN]
        datas, cuts = self.splitter.feed(body)
        return self._make(datas, cuts), self.pos >= limit, False

    def partial_line(self, now: float, quiet: float, *, force: bool = False) -> list[RawLine]:
        """The unfinished last line, delivered marked partial once the file has been quiet a while
        (or at once, when a newer file is about to be read): later bytes complete that same line."""
        pending = self.splitter.pending
        if not pending or self.splitter.skipping or pending == self.shown:
            return []
        if not force and now - self.last_growth < quiet:
            return []
        line = RawLine(self.source, self.lineno + 1, self.splitter.peek(), partial=True, completes=self.shown >= 0,
                       numbering=self.numbering)
        self.shown = pending
        return [line]

    def partial_deadline(self, quiet: float) -> float | None:
        pending = self.splitter.pending
        if not pending or self.splitter.skipping or pending == self.shown:
            return None
        return self.last_growth + quiet

    def finish(self) -> list[RawLine]:
        """The file is done: hand over its unterminated last line, if any, and close it."""
        lines = self._flush_partial()
        self.file.close()
        return lines

    def close(self) -> None:
        self.file.close()
