"""Remote logs for the batch commands that read files whole (`stats`): a thread reads them once
through the remote follower and hands their lines over, as one byte stream through a pipe
(remote_stream) or in blocks that keep the name of the log they came from (remote_blocks)."""

from __future__ import annotations

import asyncio
import os
import queue
import threading
from typing import BinaryIO, Callable, Dict, Iterator, List, Tuple

from console.compat import aclosing
from console.tail.contract import Batch, SourceState
from console.tail.remote.mixed import MixedSource

_BLOCKS_HELD = 4   # batches between the reading thread and the consumer: memory stays bounded
_END = object()


def remote_stream(paths: List[str], *, max_line: int = 65536) -> Tuple[BinaryIO, Dict[str, SourceState]]:
    """(the lines of every remote log in `paths`, whole files, as one stream; the hosts' last
    states, complete once the stream ended)."""
    read_fd, write_fd = os.pipe()

    def write(batch: Batch) -> None:
        data = b"".join(ln.data + b"\n" for ln in batch.lines if not ln.partial)
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view):]

    def run(pump) -> None:
        try:
            asyncio.run(pump)
        except BrokenPipeError:
            pass
        finally:
            os.close(write_fd)

    states = _start(paths, max_line, write, run)
    return os.fdopen(read_fd, "rb"), states


def remote_blocks(paths: List[str], *, max_line: int = 65536) -> Tuple["_Blocks", Dict[str, SourceState]]:
    """(the lines of every remote log in `paths`, whole files, as (source, block): block is
    b"\\n" + that log's next lines, each ended by b"\\n"; the hosts' last states, complete once the
    blocks ended). Read as plain stats reads them (remote_stream), at most a few batches ahead.
    Closing the blocks early (a with block) ends the reading thread and its ssh sessions."""
    held: queue.Queue = queue.Queue(_BLOCKS_HELD)
    closed = threading.Event()

    def put(item) -> None:
        while True:
            try:
                held.put(item, timeout=0.1)
                return
            except queue.Full:
                if closed.is_set():
                    raise _Closed() from None

    def write(batch: Batch) -> None:
        groups: Dict[str, list] = {}
        for ln in batch.lines:
            if not ln.partial:
                groups.setdefault(ln.source, []).append(ln.data)
        if groups:
            put([(name, b"\n" + b"\n".join(lines) + b"\n") for name, lines in groups.items()])

    def run(pump) -> None:
        end: object = _END
        try:
            asyncio.run(pump)
        except _Closed:
            return
        except BaseException as exc:   # handed to the consumer, raised there
            end = exc
        try:
            put(end)
        except _Closed:
            pass

    states = _start(paths, max_line, write, run)
    return _Blocks(held, closed), states


class _Blocks:
    """What remote_blocks hands over: iterate it once; close it (or use it in a with) when done."""

    def __init__(self, held: queue.Queue, closed: threading.Event) -> None:
        self._held, self._closed = held, closed

    def __iter__(self) -> Iterator[Tuple[str, bytes]]:
        try:
            while not self._closed.is_set():
                item = self._held.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield from item
        finally:
            self._closed.set()

    def close(self) -> None:
        self._closed.set()

    def __enter__(self) -> "_Blocks":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Closed(Exception):
    """The consumer stopped reading: the thread ends its pump."""


def _start(paths: List[str], max_line: int, write: Callable[[Batch], None], run) -> Dict[str, SourceState]:
    """Starts the thread that reads the logs once (run(pump)), handing each batch to write()."""
    states: Dict[str, SourceState] = {}

    async def pump() -> None:
        source = MixedSource(paths, once=True, from_start=True, max_line=max_line, history_wait=None)
        async with aclosing(source.batches()) as batches:
            async for batch in batches:
                for st in batch.states:
                    states[st.path] = st
                write(batch)

    threading.Thread(target=run, args=(pump(),), name="remote-stream", daemon=True).start()
    return states
