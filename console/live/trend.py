"""The header's trend: alerts per minute over the last hour, as a sparkline, so "is it getting
worse?" needs no key. Alerts are the severities the catalogue marks `alert: true`.

Counted as batches arrive (a few dictionary updates per alert, nothing per other event), over
every event taken in whatever the filters show. The hour ends at the newest event's time, the
log's own clock: a day read from the start shows its last hour, and a quiet log does not scroll
its trend away. No textual here."""

from __future__ import annotations

from datetime import datetime
from typing import Dict, Iterable, List, Optional, Sequence

from console.live.facts import Fact, batch_alerts, wall_seconds

MINUTES = 60
BARS = "▁▂▃▄▅▆▇█"  # the lowest is "none": any alert at all shows at least the second


class AlertTrend:
    def __init__(self, alert_severities: Iterable[str], minutes: int = MINUTES) -> None:
        self.alerts = frozenset(alert_severities)
        self.minutes = minutes
        self._per_minute: Dict[int, int] = {}
        self.newest: Optional[float] = None  # wall seconds of the newest timed event taken in
        self.version = 0

    def add_batch(self, events: Sequence) -> None:
        """A batch of decoded events as it arrives (console.live.intake)."""
        found, newest = batch_alerts(events, self.alerts)
        self.add(found, newest)

    def add(self, alerts: Iterable[Fact], newest: Optional[datetime] = None) -> None:
        """Alert facts, and the time of the newest event of any severity that came with them."""
        if newest is not None:
            sec = wall_seconds(newest)
            if self.newest is None or sec > self.newest:
                self.newest = sec
        per = self._per_minute
        for fact in alerts:
            if fact.time is None:
                continue
            sec = wall_seconds(fact.time)
            minute = int(sec // 60)
            per[minute] = per.get(minute, 0) + 1
            if self.newest is None or sec > self.newest:
                self.newest = sec
        self._forget()
        self.version += 1

    def _forget(self) -> None:
        """Minutes older than the window are of no use; kept a little while, then let go."""
        if self.newest is None or len(self._per_minute) <= 4 * self.minutes:
            return
        oldest = int(self.newest // 60) - self.minutes
        for minute in [m for m in self._per_minute if m <= oldest]:
            del self._per_minute[minute]

    def counts(self) -> List[int]:
        """Alerts in each of the last `minutes` minutes, the oldest first, the newest event's
        minute last; all zero before any event had a time."""
        if self.newest is None:
            return [0] * self.minutes
        last = int(self.newest // 60)
        get = self._per_minute.get
        return [get(m, 0) for m in range(last - self.minutes + 1, last + 1)]


def sparkline(counts: Sequence[int]) -> str:
    """One cell per count, scaled to the largest; zero is the lowest bar, any alert is higher."""
    most = max(counts, default=0)
    if most <= 0:
        return BARS[0] * len(counts)
    top = len(BARS) - 1
    return "".join(BARS[0] if not c else BARS[max(1, -(-c * top // most))] for c in counts)
