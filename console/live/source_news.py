"""A rotation or a truncation is news for a while, not a lasting state: the header says "rotated"
for SHOW_FOR seconds, then "following" again (as the source is), the event kept in the detail."""

from __future__ import annotations

import time
from typing import Callable, Dict, Tuple

from console.tail.contract import FOLLOWING, ROTATED, TRUNCATED

NEWS = (ROTATED, TRUNCATED)
SHOW_FOR = 10.0  # seconds

Said = Tuple[str, str]  # (state, detail)


class SourceNews:
    """Ages the states a source reports (one per file read now), by `clock` seconds."""

    def __init__(self, clock: Callable[[], float], seconds: float = SHOW_FOR) -> None:
        self._clock = clock
        self.seconds = seconds
        self._seen: Dict[str, Tuple[Said, float, str]] = {}  # path -> (state, first seen, wall time)

    def shown(self, states: Dict[str, Said]) -> Dict[str, Said]:
        """The states as the header says them: a rotation or truncation older than `seconds` is
        FOLLOWING, its detail "rotated at 11:32:05" (and what the source said, if anything)."""
        now = self._clock()
        seen: Dict[str, Tuple[Said, float, str]] = {}
        out: Dict[str, Said] = {}
        for path, said in states.items():
            state, detail = said
            if state not in NEWS:
                out[path] = said
                continue
            before = self._seen.get(path)
            seen[path] = before if before and before[0] == said else (said, now, time.strftime("%H:%M:%S"))
            first, at = seen[path][1], seen[path][2]
            if now - first < self.seconds:
                out[path] = said
            else:
                out[path] = (FOLLOWING, f"{state} at {at}" + (f": {detail}" if detail else ""))
        self._seen = seen
        return out
