"""Follows many logs at once and hands their new lines over in batches, one batch per wake-up."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import AsyncGenerator, Callable, Dict, List, Optional, Tuple

from console.tail.backfill import Backfill
from console.tail.checkpoint import Checkpointer, open_files, resume_from
from console.tail.recover import recover_gone
from console.tail.identity import Registry
from console.tail.inotify import Inotify
from console.tail.contract import Batch, RawLine, SourceState, StateBoard
from console.tail.disk import FileReader
from console.tail.renumber import Renumbering
from console.tail.sources import Sources, parse_specs
from console.tail.stdin import StdinSource
from console.tail.watching import Watcher

DEFAULT_POLL = 0.1
DEFAULT_GRACE = 300.0


class Follower:
    """Tails paths, globs (expanded here, again and again) and standard input ("-").

    Never raises because of a file problem: missing, unreadable, replaced or odd files turn into
    SourceState reports, and following resumes when they recover.

    Knobs beyond the contract: rescan_interval (the safety re-scan, kept even with inotify, for NFS
    and queue overflows), rotate_grace (how long a superseded file stays open after it last grew,
    for a writer that has not reopened yet), partial_after (how long an unfinished last line waits
    for its newline before it is delivered marked partial), max_batch (lines per Batch),
    min_interval (under load, batches come at least this far apart, so a UI redraws at a sane
    rate; an idle follower still wakes at once), use_inotify (False: poll), stdin (the fd read
    for "-"), reader (the FileReader seam, e.g. to count bytes read), resume (a checkpoint of an
    earlier follower, console.tail.checkpoint: no history; every file is taken up where it stopped).
    """

    def __init__(
        self,
        paths: List,
        *,
        lines: int = 1000,
        from_start: bool = False,
        max_line: int = 65536,
        sort_key: Optional[Callable[[bytes], object]] = None,
        poll_interval: float = DEFAULT_POLL,
        rescan_interval: float = 1.0,
        rotate_grace: float = DEFAULT_GRACE,
        partial_after: float = 1.0,
        max_batch: int = 2_000,
        min_interval: float = 0.02,
        use_inotify: bool = True,
        stdin: int = 0,
        reader: Optional[FileReader] = None,
        resume: Optional[dict] = None,
    ) -> None:
        if not paths:
            raise ValueError("nothing to follow")
        if lines < 0:
            raise ValueError("lines must be >= 0")
        if max_line < 1 or max_batch < 1:
            raise ValueError("max_line and max_batch must be >= 1")
        if rotate_grace < 0 or partial_after < 0:
            raise ValueError("rotate_grace and partial_after must be >= 0")
        self._max_line, self._sort_key, self._max_batch = max_line, sort_key, max_batch
        self._poll, self._rescan_every, self._min_interval = poll_interval, rescan_interval, min_interval
        self._use_inotify = use_inotify
        self._stdin_fd = stdin
        self._reader = reader or FileReader()
        self._owns_reader = reader is None
        self._board = StateBoard()
        self._reg = Registry(self._reader, max_line, rotate_grace, partial_after, self._board.report)
        self._reg.forget_state = self._board.forget
        self._sources = Sources(parse_specs(paths), self._reg)
        self._resumed = resume_from(resume, self._reg, self._sources)
        self._gone = open_files(resume)  # checked once following starts (console.tail.recover)
        self.checkpoints = Checkpointer(self._reg)  # where reading stopped, after each batch
        self._renumber = Renumbering(self._wakeup, lambda: list(self._reg.open_files.values()))  # renumber.py
        self._backfill = Backfill(self._reader, max_line, lines, from_start, self._board.report, self._renumber)
        self._watcher = Watcher(None)
        self._carry: List[RawLine] = []
        self._stdin: Optional[StdinSource] = None
        self._wake: Optional[asyncio.Event] = None
        self._gen: Optional[AsyncGenerator[Batch, None]] = None
        self._stop = False
        self._finished: Optional[asyncio.Event] = None  # made in the loop that runs us (3.9 binds one)
        self._closed = False
        self.sleeps = 0  # how often following went to sleep until a change (or a deadline) woke it

    # -- public ----------------------------------------------------------------------------------

    def states(self) -> Dict[str, SourceState]:
        """Current state of each source, keyed by a stable name: the path given, the glob with no
        match yet, or for a glob stream its directory + name with the date taken out.
        SourceState.path is the file being read now."""
        return self._board.snapshot()

    @property
    def watching(self) -> str:
        """How changes are noticed: "inotify" (the kernel tells us), "polling" (no inotify, or a
        directory it cannot watch), or "closed" once following has stopped."""
        if self._closed:
            return "closed"
        return "polling" if self._watcher.polling else "inotify"

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

    def _wakeup(self) -> None:
        if self._wake is not None:
            self._wake.set()

    # -- waiting ---------------------------------------------------------------------------------

    async def _wait(self, last_batch: float) -> None:
        loop = asyncio.get_running_loop()
        wake = self._wake
        assert wake is not None
        gap = self._min_interval - (loop.time() - last_batch)
        if gap > 0:  # under load: let writes pile up a little so batches are worth their redraw
            await asyncio.sleep(gap)
        timeout = self._poll if self._watcher.polling else self._rescan_every
        deadlines = [d for d in (s.next_deadline() for s in self._sources.streams.values()) if d is not None]
        if deadlines:
            timeout = min(timeout, max(0.0, min(deadlines) - time.monotonic()) + 0.01)
        self.sleeps += 1
        await self._watcher.sleep(wake, timeout, self._wakeup)

    # -- reading -------------------------------------------------------------------------------

    async def _read_pass(self, budget: int) -> Tuple[List[RawLine], bool]:
        """Standard input first, then every stream round-robin. Returns (lines, more): more means a
        budget stopped us with data still waiting."""
        out: List[RawLine] = []
        stdin = self._stdin
        if stdin is not None and stdin.pending:
            out.extend(stdin.take(budget))
        more = await self._sources.read(out, budget)
        return out, more or bool(stdin and stdin.pending)

    def _look(self, now: float, globs: bool) -> None:
        """Watches first, then the files: a file made just after the watch is set is still found."""
        watcher, sources = self._watcher, self._sources
        if globs:
            watcher.update(sources)
        sources.scan(now, globs=globs)
        if globs:
            watcher.update(sources)

    async def _start(self) -> None:
        self._wake = asyncio.Event()
        if self._use_inotify:
            self._watcher = Watcher(Inotify.create())
            self._reg.watch_file = self._watcher.watch_file
            self._reg.unwatch_file = self._watcher.unwatch_file
        specs = self._sources.specs
        if any(s.kind == "stdin" for s in specs):
            self._stdin = StdinSource(self._stdin_fd, self._max_line, self._wakeup, self._board.report)
            await self._stdin.start()
        self._look(time.monotonic(), True)
        self._watcher.dirs_changed()

    async def _history(self) -> AsyncGenerator[Batch, None]:
        if self._resumed:  # taken up where an earlier follower stopped: no history
            yield Batch([], self._board.take(), backfill=True)
            return
        sent = False
        chunks = self._backfill.batches(self._sources, self._sort_key, self._max_batch)
        try:
            async for lines in chunks:
                if self._stop:
                    return
                sent = True
                yield Batch(lines, self._board.take(), backfill=True, renumbered=self._renumber.settle(lines))
        finally:
            await chunks.aclose()
        if not sent:
            yield Batch([], self._board.take(), backfill=True, renumbered=self._renumber.settle([]))

    async def _run(self) -> AsyncGenerator[Batch, None]:
        self._finished = asyncio.Event()
        try:
            await self._start()
            async for batch in self._history():
                yield batch
            self._sources.go_live()
            loop = asyncio.get_running_loop()
            stdin_only = all(s.kind == "stdin" for s in self._sources.specs)
            next_rescan = time.monotonic() + self._rescan_every
            first = True
            last_batch = 0.0
            more = False
            wake = self._wake
            assert wake is not None
            watcher = self._watcher
            while not self._stop:
                wake.clear()
                now = time.monotonic()
                globs = watcher.need_rescan or now >= next_rescan or (watcher.polling and watcher.dirs_changed())
                if globs:
                    watcher.need_rescan = False
                    next_rescan = now + self._rescan_every
                self._look(now, globs)
                if self._gone:  # taken up from a checkpoint: a file read then may be gone
                    self._carry[:0] = await recover_gone(self._gone, self._reg, self._sources.streams, self._max_line)
                    self._gone = {}
                budget = self._max_batch - len(self._carry)
                lines, more = await self._read_pass(budget) if budget > 0 else ([], True)
                if self._stop:
                    return
                lines, more = self._cap(lines, more)
                states = self._board.take()
                renumbered = self._renumber.settle(lines)
                if lines or states or first or renumbered:
                    first = False
                    last_batch = loop.time()
                    yield Batch(lines, states, backfill=False, renumbered=renumbered)
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

    def _cap(self, lines: list, more: bool) -> tuple:
        lines, more, self._carry = capped(self._carry, lines, more, self._max_batch)
        return lines, more

    async def _cleanup(self) -> None:
        if self._closed:
            return
        self._closed = True
        ino, self._watcher.inotify = self._watcher.inotify, None
        if ino is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(ino.fileno())
            ino.close()
        await self._renumber.aclose()
        self._sources.close()
        self._backfill.close()
        if self._stdin is not None:
            await self._stdin.close()
        try:
            await self._reader.settle()
        finally:
            if self._owns_reader:
                self._reader.shutdown()


def capped(carry: list, lines: list, more: bool, max_batch: int) -> tuple:
    """Lines carried from the last pass first; past max_batch they wait for the next batch:
    (lines, more, carry)."""
    if carry:
        lines = carry + lines
        carry = []
    if len(lines) > max_batch:
        carry = lines[max_batch:]
        del lines[max_batch:]
        more = True
    return lines, more, carry
