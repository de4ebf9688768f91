"""The start of a console over several hosts: each host's history (and the local one) arrives on
its own time; held until all are in, they are merged by time, as the local follower merges the
histories of several local logs, so the first screen reads in order across hosts."""

from __future__ import annotations

from typing import AsyncIterator, Callable, Dict, List, Optional

from console.tail.contract import Batch, RawLine, Renumbered
from console.tail.merge import merge_by_key


class HistoryMerge:
    """sort_key None (or a whole-file read, which may not fit in memory): batches pass at once."""

    def __init__(self, sort_key: Optional[Callable[[bytes], object]], cap: int) -> None:
        self._key = sort_key
        self._cap = cap
        self._lines: Dict[object, List[RawLine]] = {}
        self._fixes: List[Renumbered] = []

    def add(self, who: object, batch: Batch) -> Optional[Batch]:
        """A backfill batch from `who`: what to hand on now (its states, at once), or None."""
        if self._key is None:
            return batch
        if batch.lines:
            self._lines.setdefault(who, []).extend(batch.lines)
        self._fixes.extend(batch.renumbered)  # after the lines they correct
        return Batch([], batch.states, backfill=True) if batch.states else None

    async def drain(self) -> AsyncIterator[Batch]:
        if self._key is None:
            return
        streams = [_once(lines) for lines in self._lines.values()]
        self._lines = {}
        async for chunk in merge_by_key(streams, self._key, self._cap):
            yield Batch(chunk, [], backfill=True)
        if self._fixes:
            yield Batch([], [], backfill=True, renumbered=self._fixes)
            self._fixes = []


async def _once(lines: List[RawLine]) -> AsyncIterator[List[RawLine]]:
    yield lines
