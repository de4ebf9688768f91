"""Follows many logs at once and hands their new lines over in batches, one batch per wake-up."""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import os
import re
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field

from console.tail.backscan import count_lines_before, find_tail_start
from console.tail.cursor import FileCursor
from console.tail.grouping import expand, is_glob, watch_dirs
from console.tail.inotify import IN_Q_OVERFLOW, STRUCTURAL, Inotify
from console.tail.merge import concat, merge_by_key
from console.tail.model import FOLLOWING, WAITING, Batch, RawLine, SourceState
from console.tail.reading import FileReader, NotAFile
from console.tail.stdin import STDIN, StdinSource
from console.tail.stream import Shared, Stream

DEFAULT_POLL = 0.1


@dataclass(eq=False)
class _Spec:
    """One path argument as given: "-", a plain path, or a glob the engine expands again and again."""

    text: str
    kind: str  # "stdin" | "path" | "glob"
    keys: list[str] = field(default_factory=list)  # streams it produced


@dataclass(eq=False)
class _Part:
    """A stretch of one file that the backfill reads."""

    cursor: FileCursor | None
    path: str
    start: int = 0
    end: int | None = None  # None: to the end seen when reading begins
    skip: bool = False
    finished: bool = False  # an older file: close it after, handing over its unterminated last line


class Follower:
    """Tails paths, globs (expanded here, again and again) and standard input ("-").

    Never raises because of a file problem: missing, unreadable, replaced or odd files turn into
    SourceState reports, and following resumes when they recover.

    Knobs beyond the contract: rescan_interval (the safety re-scan, kept even with inotify, for NFS
    and queue overflows), rotate_grace (how long a superseded file that stopped growing stays open
    for a writer that has not reopened yet), max_batch (lines per Batch), min_interval (under load,
    batches come at least this far apart, so a UI redraws at a sane rate; an idle follower still
    wakes at once), use_inotify (False: poll), stdin (the fd read for "-"), reader (the FileReader
    seam, e.g. to count bytes read).
    """

    def __init__(
        self,
        paths: list[str | os.PathLike[str]],
        *,
        lines: int = 1000,
        from_start: bool = False,
        max_line: int = 65536,
        sort_key: Callable[[bytes], object] | None = None,
        poll_interval: float = DEFAULT_POLL,
        rescan_interval: float = 1.0,
        rotate_grace: float = 2.0,
        max_batch: int = 10_000,
        min_interval: float = 0.02,
        use_inotify: bool = True,
        stdin: int = 0,
        reader: FileReader | None = None,
    ) -> None:
        if not paths:
            raise ValueError("nothing to follow")
        if lines < 0:
            raise ValueError("lines must be >= 0")
        if max_line < 1 or max_batch < 1:
            raise ValueError("max_line and max_batch must be >= 1")
        self._lines = lines
        self._from_start = from_start
        self._max_line = max_line
        self._sort_key = sort_key
        self._poll = poll_interval
        self._rescan_every = rescan_interval
        self._max_batch = max_batch
        self._min_interval = min_interval
        self._use_inotify = use_inotify
        self._stdin_fd = stdin
        self._reader = reader or FileReader()
        self._owns_reader = reader is None
        self._shared = Shared(self._reader, max_line, rotate_grace, self._report)

        self._specs: list[_Spec] = []
        seen: set[str] = set()
        for raw in paths:
            text = raw if raw == STDIN else os.path.expanduser(os.fspath(raw))
            if text in seen:
                continue
            seen.add(text)
            kind = "stdin" if text == STDIN else "glob" if is_glob(text) else "path"
            self._specs.append(_Spec(text, kind))
        self._plain = {os.path.abspath(s.text) for s in self._specs if s.kind == "path"}
        self._streams: dict[str, Stream] = {}
        self._claimed: set[str] = set()  # abspath of each stream key, so overlapping globs follow a file once
        self._states: dict[str, SourceState] = {}
        self._changes: dict[str, SourceState] = {}
        self._carry: list[RawLine] = []
        self._strays: list[FileCursor] = []  # older files opened only for backfill
        self._stdin: StdinSource | None = None
        self._inotify: Inotify | None = None
        self._matchers: dict[str, tuple[set[str], re.Pattern | None]] = {}
        self._unwatched = True  # some directory could not be watched: poll
        self._dir_mtimes: dict[str, int] = {}
        self._wake: asyncio.Event | None = None
        self._need_rescan = False
        self._gen: AsyncGenerator[Batch, None] | None = None
        self._stop = False
        self._finished = asyncio.Event()
        self._closed = False

    # -- public ----------------------------------------------------------------------------------

    def states(self) -> dict[str, SourceState]:
        """Current state of each source, keyed by a stable name: the path given, the glob with no
        match yet, or for a glob stream its directory + name without digits. SourceState.path is
        the file being read now."""
        return dict(self._states)

    @property
    def reader(self) -> FileReader:
        return self._reader

    def batches(self) -> AsyncGenerator[Batch, None]:
        """The batches: backfill first (backfill=True; at least one, maybe empty), then live ones.

        The first live batch comes at once, possibly empty, and marks the end of the backfill.
        Runs until cancelled or aclose()d; ends by itself only when every source is stdin and it ended.
        """
        if self._gen is not None:
            raise RuntimeError("batches() can be iterated only once per Follower")
        self._gen = self._run()
        return self._gen

    async def aclose(self) -> None:
        """Stops following and closes every file; safe from another task while batches() is iterated."""
        self._stop = True
        self._wakeup()
        gen = self._gen
        if gen is not None:
            if gen.ag_running:
                await self._finished.wait()  # it notices _stop at its next step and returns
            else:
                await gen.aclose()
        await self._cleanup()

    # -- bookkeeping ---------------------------------------------------------------------------

    def _report(self, key: str, state: SourceState) -> None:
        if self._states.get(key) == state:
            return
        self._states[key] = state
        self._changes[key] = state

    def _forget(self, key: str) -> None:
        self._states.pop(key, None)
        self._changes.pop(key, None)

    def _take_changes(self) -> list[SourceState]:
        out = list(self._changes.values())
        self._changes.clear()
        return out

    def _wakeup(self) -> None:
        if self._wake is not None:
            self._wake.set()

    # -- discovering files -----------------------------------------------------------------------

    def _add_stream(self, key: str, path: str, spec: _Spec) -> Stream | None:
        ident = os.path.abspath(key)
        if ident in self._claimed:
            return None
        self._claimed.add(ident)
        stream = Stream(key, path, self._shared)
        self._streams[key] = stream
        spec.keys.append(key)
        return stream

    def _scan(self, now: float, *, initial: bool = False, globs: bool = True) -> None:
        for spec in self._specs:
            if spec.kind == "path":
                stream = self._streams.get(spec.text) or self._add_stream(spec.text, spec.text, spec)
                if stream is not None:
                    stream.refresh(now)
            elif spec.kind == "glob":
                if globs:
                    self._expand(spec, now, initial)
                else:
                    for key in spec.keys:
                        self._streams[key].refresh(now)

    def _expand(self, spec: _Spec, now: float, initial: bool) -> None:
        try:
            groups = expand(spec.text)
        except OSError:
            groups = {}
        touched = set()
        for key, members in groups.items():
            members = [m for m in members if os.path.abspath(m[1]) not in self._plain]
            if not members:
                continue
            stream = self._streams.get(key)
            if stream is None:
                stream = self._add_stream(key, members[-1][1], spec)
                if stream is None:
                    continue
                if initial:
                    stream.path, stream.order = members[-1][1], members[-1][0]
                    stream.history = [p for _, p in members[:-1]]
                    stream.refresh(now)
                else:
                    stream.advance(members, now)  # a stream born while live: all its files from their start
            elif key in spec.keys:
                current = stream.path
                newer = [m for m in members if m[1] != current and m[0] > stream.order]
                if newer:
                    stream.advance(newer, now)
                else:
                    stream.refresh(now)
            touched.add(key)
        for key in spec.keys:
            if key not in touched:
                self._streams[key].refresh(now)
        if spec.keys:
            self._forget(spec.text)
        else:
            self._report(spec.text, SourceState(spec.text, WAITING, "no file matches yet"))

    # -- change detection --------------------------------------------------------------------------

    def _wanted_dirs(self) -> dict[str, tuple[set[str], list[str]]]:
        """Directory -> (exact names, glob name patterns) whose events matter."""
        wanted: dict[str, tuple[set[str], list[str]]] = {}

        def add(directory: str, name: str | None = None, pattern: str | None = None) -> None:
            names, patterns = wanted.setdefault(os.path.abspath(directory), (set(), []))
            if name:
                names.add(name)
            if pattern:
                patterns.append(pattern)

        for spec in self._specs:
            if spec.kind == "path":
                add(os.path.dirname(spec.text) or ".", name=os.path.basename(spec.text))
            elif spec.kind == "glob":
                for d in watch_dirs(spec.text):
                    add(d, pattern=os.path.basename(spec.text))
        for stream in self._streams.values():
            for c in stream.cursors:
                real = os.path.realpath(c.source)  # a symlinked log is written in its target's directory
                add(os.path.dirname(real), name=os.path.basename(real))
        return wanted

    def _update_watches(self) -> None:
        wanted = self._wanted_dirs()
        self._matchers = {
            d: (names, re.compile("|".join(fnmatch.translate(p) for p in pats)) if pats else None)
            for d, (names, pats) in wanted.items()
        }
        ino = self._inotify
        if ino is None:
            self._unwatched = True
            return
        for d in ino.watched - set(wanted):
            ino.remove(d)
        self._unwatched = not all([ino.add(d) for d in wanted])

    def _on_inotify(self) -> None:
        ino = self._inotify
        if ino is None:
            return
        relevant = False
        for directory, name, mask in ino.read_events():
            if directory is None or mask & IN_Q_OVERFLOW:
                self._need_rescan = relevant = True
                continue
            if name:
                names, pattern = self._matchers.get(directory, (set(), None))
                if name not in names and (pattern is None or not pattern.match(name)):
                    continue
            relevant = True
            if mask & STRUCTURAL:
                self._need_rescan = True
        if relevant:
            self._wakeup()

    def _dirs_changed(self) -> bool:
        """Polling mode: a glob is re-expanded only when one of its directories changed."""
        changed = False
        for d in self._matchers:
            try:
                m = os.stat(d).st_mtime_ns
            except OSError:
                m = -1
            if self._dir_mtimes.get(d) != m:
                self._dir_mtimes[d] = m
                changed = True
        return changed

    async def _wait(self, last_batch: float) -> None:
        loop = asyncio.get_running_loop()
        wake = self._wake
        assert wake is not None
        gap = self._min_interval - (loop.time() - last_batch)
        if gap > 0:  # under load: let writes pile up a little so batches are worth their redraw
            await asyncio.sleep(gap)
        ino = self._inotify
        timeout = self._poll if (ino is None or self._unwatched) else self._rescan_every
        deadlines = [d for s in self._streams.values() if (d := s.next_deadline()) is not None]
        if deadlines:
            timeout = min(timeout, max(0.0, min(deadlines) - time.monotonic()) + 0.01)
        if ino is not None:
            loop.add_reader(ino.fileno(), self._on_inotify)
        try:
            if not wake.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await wake.wait()
        finally:
            if ino is not None and not self._closed:
                loop.remove_reader(ino.fileno())

    # -- reading -------------------------------------------------------------------------------

    async def _read_pass(self, budget: int, byte_budget: int = 32 * 1024 * 1024) -> tuple[list[RawLine], bool]:
        """Reads every stream round-robin, a block at a time, until all are drained or the budget is used.

        Returns (lines, more): more means a budget stopped us with data still waiting."""
        out: list[RawLine] = []
        start_bytes = self._reader.bytes_read
        if self._stdin is not None and self._stdin.pending:
            out.extend(self._stdin.take(budget))
        active = list(self._streams.values())
        while active:
            now = time.monotonic()
            still = []
            for stream in active:
                got, progressed = await stream.step(now)
                out.extend(got)
                if progressed:
                    still.append(stream)
            active = still
            if len(out) >= budget or self._reader.bytes_read - start_bytes >= byte_budget:
                return out, bool(active) or bool(self._stdin and self._stdin.pending)
        return out, bool(self._stdin and self._stdin.pending)

    # -- backfill ------------------------------------------------------------------------------

    async def _plan(self, stream: Stream) -> list[_Part]:
        reader, max_line = self._reader, self._max_line
        live = stream.live
        if self._from_start:
            parts = [_Part(None, p, finished=True) for p in stream.history]
            if live is not None:
                parts.append(_Part(live, live.source, end=live.file.fstat().st_size))
            return parts
        if live is None:
            return []
        size = live.file.fstat().st_size
        ts = await find_tail_start(reader, live.file, size, self._lines, final=False, max_line=max_line)
        parts = [_Part(live, live.source, ts.start, size, ts.inside_long_line)]
        need = self._lines - ts.lines
        if need > 0 and ts.start == 0:
            for path in reversed(stream.history):
                try:
                    f = reader.open(path)
                except (OSError, NotAFile):
                    continue
                older = FileCursor(reader, f, max_line)
                self._strays.append(older)
                osize = f.fstat().st_size
                t = await find_tail_start(reader, f, osize, need, final=True, max_line=max_line)
                parts.insert(0, _Part(older, path, t.start, osize, t.inside_long_line, finished=True))
                need -= t.lines
                if need <= 0 or t.start > 0:
                    break
        return parts

    async def _read_parts(self, stream: Stream, parts: list[_Part]) -> AsyncGenerator[list[RawLine], None]:
        reader, max_line = self._reader, self._max_line
        for part in parts:
            c = part.cursor
            try:
                if c is None:
                    try:
                        c = FileCursor(reader, reader.open(part.path), max_line)
                    except (OSError, NotAFile):
                        continue
                    self._strays.append(c)
                lineno = await count_lines_before(reader, c.file, part.start)
                if lineno is None and part.cursor is stream.live:
                    stream.set(FOLLOWING, f"line numbers relative: started {part.start:,} bytes into the file")
                c.seek(part.start, lineno or 0)
                if part.skip:
                    c.splitter.skip_current_line()
                c.stop_at = part.end if part.end is not None else c.file.fstat().st_size
                while True:
                    lines, eof, truncated = await c.read_block(time.monotonic())
                    if lines:
                        yield lines
                    if eof or truncated:
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

    async def _backfill(self) -> AsyncGenerator[Batch, None]:
        sources = []
        for stream in list(self._streams.values()):
            try:
                parts = await self._plan(stream)
            except OSError:  # an unreadable tail only costs that stream its backfill
                parts = []
            if parts:
                sources.append(self._read_parts(stream, parts))
            stream.history = []
        cap = self._max_batch
        if self._sort_key is not None and len(sources) > 1:
            chunks = merge_by_key(sources, self._sort_key, cap)
        else:
            chunks = concat(sources, cap)
        sent = False
        try:
            async for lines in chunks:
                if self._stop:
                    return
                sent = True
                yield Batch(lines, self._take_changes(), backfill=True)
        finally:
            await chunks.aclose()
            for source in sources:
                await source.aclose()
            for c in self._strays:
                c.close()
            self._strays.clear()
        if not sent:
            yield Batch([], self._take_changes(), backfill=True)

    # -- the loop ------------------------------------------------------------------------------

    async def _start(self) -> None:
        self._wake = asyncio.Event()
        if self._use_inotify:
            self._inotify = Inotify.create()
        if any(s.kind == "stdin" for s in self._specs):
            self._stdin = StdinSource(self._stdin_fd, self._max_line, self._wakeup, self._report)
            await self._stdin.start()
        self._scan(time.monotonic(), initial=True)
        self._update_watches()
        self._dirs_changed()

    async def _run(self) -> AsyncGenerator[Batch, None]:
        try:
            await self._start()
            async for batch in self._backfill():
                yield batch
            loop = asyncio.get_running_loop()
            stdin_only = all(s.kind == "stdin" for s in self._specs)
            next_rescan = time.monotonic() + self._rescan_every
            first = True
            last_batch = 0.0
            more = False
            wake = self._wake
            assert wake is not None
            while not self._stop:
                wake.clear()
                now = time.monotonic()
                polling = self._inotify is None or self._unwatched
                globs = self._need_rescan or now >= next_rescan or (polling and self._dirs_changed())
                if globs:
                    self._need_rescan = False
                    next_rescan = now + self._rescan_every
                self._scan(now, globs=globs)
                if globs:
                    self._update_watches()
                budget = self._max_batch - len(self._carry)
                lines, more = await self._read_pass(budget) if budget > 0 else ([], True)
                if self._stop:
                    return
                if self._carry:
                    lines = self._carry + lines
                    self._carry = []
                if len(lines) > self._max_batch:
                    self._carry = lines[self._max_batch :]
                    del lines[self._max_batch :]
                    more = True
                states = self._take_changes()
                if lines or states or first:
                    first = False
                    last_batch = loop.time()
                    yield Batch(lines, states, backfill=False)
                stdin = self._stdin
                if stdin_only and stdin is not None and stdin.ended and not (more or stdin.pending or self._carry):
                    return
                if more:
                    await asyncio.sleep(0)
                    continue
                await self._wait(last_batch)
        finally:
            await self._cleanup()
            self._finished.set()

    async def _cleanup(self) -> None:
        if self._closed:
            return
        self._closed = True
        ino, self._inotify = self._inotify, None
        if ino is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(ino.fileno())
            ino.close()
        for stream in self._streams.values():
            stream.close()
        for c in self._strays:
            c.close()
        if self._stdin is not None:
            await self._stdin.close()
        try:
            await self._reader.settle()
        finally:
            if self._owns_reader:
                self._reader.shutdown()
