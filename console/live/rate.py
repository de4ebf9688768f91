"""Events per second, over the last few seconds."""

from __future__ import annotations

import time
from collections import deque
from typing import Callable, Deque, Tuple


class RateMeter:
    """The mean rate over the last `window` seconds: counts are kept with the time they came."""

    def __init__(self, window: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._counts: Deque[Tuple[float, int]] = deque()

    def add(self, n: int) -> None:
        self._counts.append((self._clock(), n))

    def rate(self) -> float:
        now = self._clock()
        counts = self._counts
        while counts and now - counts[0][0] > self.window:
            counts.popleft()
        if not counts:
            return 0.0
        return sum(n for _, n in counts) / self.window
