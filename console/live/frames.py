"""When the event list draws its next frame while lines flow: a reader reads a few frames a second,
and every frame costs bytes over SSH. An alert after a quiet spell is drawn at once."""

from __future__ import annotations

import time
from typing import Callable, Optional

FRAME_EVERY = 0.25  # s between frames while rows keep coming
FRAME_EVERY_FULL = 0.5  # when a frame moves most of the list: it is drawn nearly whole
LAZY = 1.0  # a change nobody waits for (old rows dropped off the top) waits this long for company


class FrameBudget:
    """Decides when the next frame is due; the caller owns the timer (it sets one for due())."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = FRAME_EVERY
        self._clock = clock
        self._drawn_at = float("-inf")
        self.due_at: Optional[float] = None  # a frame is asked for and not drawn yet

    def ask(self, *, new_rows: bool) -> Optional[float]:
        """A change to draw. Returns seconds until it should be drawn when that is sooner than the
        frame already due (the caller sets a timer for it), else None (the due frame takes it)."""
        now = self._clock()
        at = max(now, self._drawn_at + self.every)
        if not new_rows:
            at = max(at, now + LAZY)
        if self.due_at is not None and self.due_at <= at:
            return None
        self.due_at = at
        return at - now

    def drawn(self, moved: int, height: int) -> None:
        """A frame was drawn that moved the list by `moved` of its `height` rows."""
        self._drawn_at = self._clock()
        self.due_at = None
        self.every = FRAME_EVERY_FULL if 2 * moved >= height else FRAME_EVERY

    @property
    def pending(self) -> bool:
        return self.due_at is not None
