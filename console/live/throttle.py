"""Redraw soon, but not too often: when a throttled job (the console's header) should run next."""

from __future__ import annotations

import time
from typing import Callable, Optional

MIN_DELAY = 0.01  # never 0: a timer that divides by its interval (Textual's, when it runs late)


class Throttle:
    """A job asked for again and again runs once per `every` seconds at most, and soon after it was
    asked for. The caller owns the timer: request() says when to set one, ran() that the job ran."""

    def __init__(self, every: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self._clock = clock
        self._ran_at = 0.0
        self.pending = False  # a run is asked for and not done yet

    def request(self) -> Optional[float]:
        """Seconds until the job should run, or None when a run is already pending."""
        if self.pending:
            return None
        self.pending = True
        return max(MIN_DELAY, self._ran_at + self.every - self._clock())

    def ran(self) -> None:
        """The job ran (on its timer or earlier): nothing is pending, and the clock starts again."""
        self.pending = False
        self._ran_at = self._clock()
