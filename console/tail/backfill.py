"""The history shown at start: the last N lines of each log (reading backwards), or whole files,
older members and compressed rotations included, merged by time when the caller gives a key."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from dataclasses import dataclass
from typing import AsyncIterator, Callable, List, Optional

from console.tail.whole_files import iter_lines
from console.tail.backscan import count_lines_before, find_tail_start
from console.tail.compressed import CompressedFileError, open_decompressed
from console.tail.cursor import FileCursor
from console.tail.identity import looks_compressed
from console.tail.merge import concat, merge_by_key
from console.tail.contract import UNREADABLE, RawLine, SourceState
from console.tail.disk import FileReader, NotAFile, describe_error
from console.tail.renumber import Renumbering
from console.tail.sources import Sources
from console.tail.stream import Stream

_CHUNK = 10_000


@dataclass(eq=False)
class Part:
    """A stretch of one file that the backfill reads."""

    cursor: Optional[FileCursor]
    path: str
    start: int = 0
    end: Optional[int] = None  # None: to the end seen when reading begins
    skip: bool = False
    finished: bool = False  # an older file: close it after, handing over its unterminated last line
    last: Optional[int] = None  # a compressed file: its last N lines (None: all)


class Backfill:
    """Reads the history of every stream once, before following starts."""

    def __init__(
        self, reader: FileReader, max_line: int, lines: int, from_start: bool,
        report: Callable[[str, SourceState], None] = lambda key, state: None,
        renumber: Optional[Renumbering] = None,
    ) -> None:
        self.reader = reader
        self.renumber = renumber or Renumbering(lambda: None)
        self.report = report
        self.max_line = max_line
        self.lines = lines
        self.from_start = from_start
        self.strays: List[FileCursor] = []  # older files opened only for backfill

    async def plan(self, stream: Optional[Stream], history: List[str]) -> List[Part]:
        reader, max_line = self.reader, self.max_line
        live = stream.live if stream is not None else None
        if self.from_start:
            parts = [Part(None, p, finished=True) for p in history]
            if live is not None:
                parts.append(Part(live, live.source, end=live.file.fstat().st_size))
            return parts
        parts: List[Part] = []
        need = self.lines
        if live is not None:
            size = live.file.fstat().st_size
            ts = await find_tail_start(reader, live.file, size, need, final=False, max_line=max_line)
            parts.append(Part(live, live.source, ts.start, size, ts.inside_long_line))
            need -= ts.lines
            if ts.start > 0:
                return parts
        for path in reversed(history):
            if need <= 0:
                break
            if looks_compressed(path):
                parts.insert(0, Part(None, path, finished=True, last=need))
                break  # how many lines it holds is known only once it is read
            try:
                f = reader.open(path)
            except (OSError, NotAFile):
                continue
            older = FileCursor(reader, f, max_line)
            self.strays.append(older)
            osize = f.fstat().st_size
            t = await find_tail_start(reader, f, osize, need, final=True, max_line=max_line)
            parts.insert(0, Part(older, path, t.start, osize, t.inside_long_line, finished=True))
            need -= t.lines
            if t.start > 0:
                break
        return parts

    async def _read_compressed(self, part: Part) -> AsyncIterator[List[RawLine]]:
        loop = asyncio.get_running_loop()
        try:
            f = await loop.run_in_executor(self.reader.executor, open_decompressed, part.path)
        except (OSError, CompressedFileError) as exc:
            self.report(part.path, SourceState(part.path, UNREADABLE, _problem(exc)))
            return
        try:
            it = iter_lines(f, self.max_line)
            if part.last is not None:
                tail = await loop.run_in_executor(self.reader.executor, _last, it, part.last)
                chunks = [tail]
            else:
                chunks = None
            while True:
                if chunks is not None:
                    if not chunks:
                        return
                    got = chunks.pop(0)
                else:
                    got = await loop.run_in_executor(self.reader.executor, _take, it, _CHUNK)
                if not got:
                    return
                out = []
                for lineno, data, cut in got:
                    line = RawLine(part.path, lineno, data)
                    line.cut = cut
                    out.append(line)
                yield out
        finally:
            if f.damage is not None:  # history read up to the damage; say the rest is missing
                self.report(part.path, SourceState(part.path, UNREADABLE, f.damage.problem))
            f.close()

    async def read(self, stream: Optional[Stream], parts: List[Part]) -> AsyncIterator[List[RawLine]]:
        reader, max_line = self.reader, self.max_line
        for part in parts:
            if looks_compressed(part.path) and part.cursor is None:
                async for lines in self._read_compressed(part):
                    yield lines
                continue
            c = part.cursor
            try:
                if c is None:
                    try:
                        c = FileCursor(reader, reader.open(part.path), max_line)
                    except (OSError, NotAFile):
                        continue
                    self.strays.append(c)
                lineno = await count_lines_before(reader, c.file, part.start)
                c.seek(part.start, lineno or 0)
                if lineno is None:  # too much to count before showing it: counted meanwhile
                    self.renumber.begin(c, part.start)
                if part.skip:
                    c.splitter.skip_current_line()
                c.stop_at = part.end if part.end is not None else c.file.fstat().st_size
                while True:
                    lines, eof, rewritten = await c.read_block(time.monotonic())
                    if lines:
                        yield lines
                    if eof or rewritten:
                        break
                c.stop_at = None
                if part.finished:
                    tail = c.finish()
                    if tail:
                        yield tail
            except OSError:
                if c is not None and part.finished:
                    c.close()
                continue

    async def batches(
        self, sources: Sources, sort_key: Optional[Callable[[bytes], object]], cap: int
    ) -> AsyncIterator[List[RawLine]]:
        readers = []
        # archives first: a log matched only as compressed files is older than the ones still written
        plans = [(None, a) for a in sources.archives] + [(s, s.history) for s in list(sources.streams.values())]
        for stream, history in plans:
            try:
                parts = await self.plan(stream, history)
            except OSError:  # an unreadable tail only costs that stream its backfill
                parts = []
            if parts:
                readers.append(self.read(stream, parts))
            if stream is not None:
                stream.history = []
        sources.archives = []
        if sort_key is not None and len(readers) > 1:
            chunks = merge_by_key(readers, sort_key, cap)
        else:
            chunks = concat(readers, cap)
        try:
            async for lines in chunks:
                yield lines
        finally:
            await chunks.aclose()
            for r in readers:
                await r.aclose()
            self.close()

    def close(self) -> None:
        for c in self.strays:
            c.close()
        self.strays.clear()


def _problem(exc: Exception) -> str:
    if isinstance(exc, CompressedFileError):
        return exc.problem
    return describe_error(exc) if isinstance(exc, OSError) else str(exc)


def _take(it, n: int) -> list:
    return list(itertools.islice(it, n))


def _last(it, n: int) -> list:
    return list(deque(it, maxlen=n))
