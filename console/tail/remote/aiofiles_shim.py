"""Stands in for aiofiles.threadpool on the remote host (nothing is installed there): the one call
console.tail uses, a file whose reads run on an executor."""

import asyncio


class _Wrapped:
    def __init__(self, raw, executor) -> None:
        self._raw = raw
        self._executor = executor

    async def read(self, size: int = -1) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._raw.read, size)


def wrap(raw, loop=None, executor=None) -> _Wrapped:
    return _Wrapped(raw, executor)
