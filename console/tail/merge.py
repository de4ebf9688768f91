"""Interleaves the backfill of several streams by a caller's key (a timestamp), streaming, never all in memory."""

from __future__ import annotations

import heapq
from collections.abc import AsyncIterator, Callable

from console.tail.contract import RawLine


class _Key:
    """Orders keys of mixed types without raising: same-type keys compare normally, others by type name."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __lt__(self, other: _Key) -> bool:
        try:
            return bool(self.value < other.value)  # type: ignore[operator]
        except TypeError:
            return type(self.value).__name__ < type(other.value).__name__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Key):
            return NotImplemented
        try:
            return bool(self.value == other.value)
        except TypeError:
            return False


_LEADING = (0,)  # a stream's lines before its first keyed line go out at once, in their own order


async def concat(sources: list[AsyncIterator[list[RawLine]]], cap: int) -> AsyncIterator[list[RawLine]]:
    out: list[RawLine] = []
    for source in sources:
        async for chunk in source:
            out.extend(chunk)
            while len(out) >= cap:
                yield out[:cap]
                del out[:cap]
    if out:
        yield out


async def merge_by_key(
    sources: list[AsyncIterator[list[RawLine]]],
    sort_key: Callable[[bytes], object],
    cap: int,
) -> AsyncIterator[list[RawLine]]:
    """Stable k-way merge. A line whose key is None takes the key of the line before it in its stream,
    so continuation lines stay glued to the line they continue."""
    chunks: list[list[RawLine]] = [[] for _ in sources]
    pos = [0] * len(sources)
    last: list[object] = [None] * len(sources)

    async def refill(i: int) -> bool:
        async for chunk in sources[i]:
            if chunk:
                chunks[i] = chunk
                pos[i] = 0
                return True
        return False

    def key_of(i: int) -> tuple:
        try:
            k = sort_key(chunks[i][pos[i]].data)
        except Exception:  # a decoder choking on one line must not stop the backfill
            k = None
        if k is None:
            k = last[i]
        else:
            last[i] = k
        return _LEADING if k is None else (1, _Key(k))

    heap: list[tuple[tuple, int]] = []
    for i in range(len(sources)):
        if await refill(i):
            heapq.heappush(heap, (key_of(i), i))
    out: list[RawLine] = []
    while heap:
        _, i = heapq.heappop(heap)
        out.append(chunks[i][pos[i]])
        pos[i] += 1
        if len(out) >= cap:
            yield out
            out = []
        if pos[i] >= len(chunks[i]) and not await refill(i):
            continue
        heapq.heappush(heap, (key_of(i), i))
    if out:
        yield out
