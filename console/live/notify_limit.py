"""How many notifications reach the operator: a few a second, the rest summed up in one."""

from __future__ import annotations

import time
from collections import deque
from typing import Callable, Deque, List, Sequence, Tuple, TypeVar

T = TypeVar("T")

NOTIFY_PER_SECOND = 3


class NotifyLimiter:
    """At most `per_second` notifications in any second. What is held back is counted, and the count
    is handed out (once) as soon as there is room again: "and 12 more"."""

    def __init__(self, per_second: int = NOTIFY_PER_SECOND,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self._clock = clock
        self._sent: Deque[float] = deque()  # when each notification of the last second went out
        self.held_back = 0

    def admit(self, items: Sequence[T]) -> Tuple[List[T], int]:
        """The items to notify now, in order, and how many held back to summarise now (0: none).
        With no items, only the summary is due (a tick after a burst)."""
        now = self._clock()
        sent = self._sent
        while sent and now - sent[0] > 1.0:
            sent.popleft()
        shown: List[T] = []
        for item in items:
            if len(sent) >= self.per_second:
                self.held_back += 1
                continue
            sent.append(now)
            shown.append(item)
        summary = 0
        if self.held_back and len(sent) < self.per_second:
            summary, self.held_back = self.held_back, 0
        return shown, summary
