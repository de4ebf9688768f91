"""Remote logs as a byte stream, for the batch commands that read files whole (`stats`): a thread
reads them once through the remote follower and writes their lines into a pipe."""

from __future__ import annotations

import asyncio
import os
import threading
from typing import BinaryIO, Dict, List, Tuple

from console.compat import aclosing
from console.tail.contract import SourceState
from console.tail.remote.mixed import MixedSource


def remote_stream(paths: List[str], *, max_line: int = 65536) -> Tuple[BinaryIO, Dict[str, SourceState]]:
    """(the lines of every remote log in `paths`, whole files, as one stream; the hosts' last
    states, complete once the stream ended)."""
    read_fd, write_fd = os.pipe()
    states: Dict[str, SourceState] = {}

    async def pump() -> None:
        source = MixedSource(paths, once=True, from_start=True, max_line=max_line, history_wait=None)
        async with aclosing(source.batches()) as batches:
            async for batch in batches:
                for st in batch.states:
                    states[st.path] = st
                data = b"".join(ln.data + b"\n" for ln in batch.lines if not ln.partial)
                view = memoryview(data)
                while view:
                    view = view[os.write(write_fd, view):]

    def run() -> None:
        try:
            asyncio.run(pump())
        except BrokenPipeError:
            pass
        finally:
            os.close(write_fd)

    threading.Thread(target=run, name="remote-stream", daemon=True).start()
    return os.fdopen(read_fd, "rb"), states
