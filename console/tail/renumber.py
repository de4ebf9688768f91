"""Absolute line numbers for a history read from the end of a big file.

Reading the last lines of a 1 GB log takes a few reads backwards; counting the lines before them
takes the whole gigabyte. So the history is delivered at once, numbered from where reading began
and marked (RawLine.numbering), while a thread of its own counts the lines before it. The count
then moves the file's cursor on (lines read later are absolute), corrects lines still on their way,
and is handed to consumers in the next batch (Batch.renumbered) for the lines they hold.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from console.tail.contract import RawLine, Renumbered
from console.tail.cursor import FileCursor
from console.tail.disk import count_newlines


class Renumbering:
    """The counts under way and done. wake: called (on the event loop) when a count is done, so an
    idle follower hands the correction over at once. cursors: every cursor open now, for copies
    that took a counted cursor's numbering on."""

    def __init__(self, wake: Callable[[], None], cursors: Callable[[], Iterable[FileCursor]] = tuple) -> None:
        self._wake = wake
        self._open_cursors = cursors
        self._tokens = itertools.count(1)
        self._counting: Dict[int, Tuple[FileCursor, asyncio.Future]] = {}
        self._offsets: Dict[int, Optional[int]] = {}  # counted: for lines still on their way
        self._ready: List[Renumbered] = []
        self._stop = threading.Event()
        self._executor: Optional[ThreadPoolExecutor] = None
        self.bytes_counted = 0

    @property
    def pending(self) -> bool:
        """A count is under way: some lines delivered may still be renumbered."""
        return bool(self._counting)

    def begin(self, cursor: FileCursor, end: int) -> int:
        """cursor is about to read from byte `end` on, numbering from 0 until the newlines before
        `end` are counted. Returns the token its lines carry meanwhile."""
        token = next(self._tokens)
        fd = os.dup(cursor.file.fd)  # ours: the cursor may close its file while we count
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="line-count")
        fut = asyncio.get_running_loop().run_in_executor(self._executor, _count, fd, end, self._stop)
        cursor.numbering = token
        self._counting[token] = (cursor, fut)
        fut.add_done_callback(lambda f, t=token, n=end: self._counted(t, f, n))
        return token

    def _counted(self, token: int, fut: asyncio.Future, end: int) -> None:
        cursor, _ = self._counting.pop(token)
        offset = None if fut.cancelled() or fut.exception() is not None else fut.result()
        if offset is not None:
            self.bytes_counted += end
            for c in {cursor, *self._open_cursors()}:
                if c.numbering == token:
                    c.lineno += offset
                    c.numbering = 0
        self._offsets[token] = offset
        self._ready.append(Renumbered(token, cursor.source, offset))
        self._wake()

    def settle(self, lines: List[RawLine]) -> List[Renumbered]:
        """Corrects `lines` (about to be handed over) whose count is done; returns the corrections
        not handed over yet, for the lines delivered before."""
        offsets = self._offsets
        if offsets:
            for line in lines:
                if line.numbering:
                    offset = offsets.get(line.numbering)
                    if offset is not None:
                        line.lineno += offset
                        line.numbering = 0
        ready, self._ready = self._ready, []
        return ready

    async def aclose(self, timeout: float = 1.0) -> None:
        """Stops the counts: each ends within one block read and closes its fd. Waited for briefly
        (a read hung on a dead NFS server must not hang shutdown)."""
        self._stop.set()
        futures = [fut for _, fut in self._counting.values()]
        if futures:
            await asyncio.wait(futures, timeout=timeout)
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None


def _count(fd: int, end: int, stop: threading.Event) -> Optional[int]:
    try:
        return count_newlines(fd, end, stop)
    except OSError:
        return None
    finally:
        os.close(fd)
