"""Event times as wall-clock seconds: what the list shows and what the timeline's buckets align to.

A naive time is local already; an aware one is converted to local time first, so one log's naive
and aware stamps agree. A held event's second is worked out once, as it arrives, from a cache of the
stamps seen (many lines share a second), and kept in the store's 4-byte column."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Optional

from console.decode.event import Event

EPOCH = datetime(1970, 1, 1)
NO_SECOND = -(1 << 31)  # a line with no time it can be placed at (the int32 column's least)
_FRACTION = re.compile(r"(?<=:\d\d)[.,]\d+")  # a fraction of a second, after the seconds
_CACHE = 65536


def wall_seconds(when: datetime) -> float:
    """Seconds of the local wall clock. An aware stamp too near the calendar's ends to convert
    (0001-01-01 00:00+01:00: log text may say anything) keeps its own clock: never an error."""
    if when.tzinfo is not None:
        try:
            when = when.astimezone().replace(tzinfo=None)
        except (OverflowError, ValueError, OSError):
            when = when.replace(tzinfo=None)
    return (when - EPOCH).total_seconds()


def from_wall_seconds(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


class SecondsCache:
    """An event's wall second, parsed once per distinct stamp (without its fraction)."""

    def __init__(self) -> None:
        self._seen: dict = {}

    def of(self, ev: Event) -> int:
        stamp = ev.timestamp
        if not stamp:
            return NO_SECOND
        if len(stamp) > 20 and stamp[19] in ".," and stamp[20:].isdigit():  # ISO, a fraction, no zone
            key = (stamp[:19], ev.time_kind)
        else:
            key = (_FRACTION.sub("", stamp) if "." in stamp or "," in stamp else stamp, ev.time_kind)
        sec = self._seen.get(key)
        if sec is None:
            sec = self._seen[key] = _second(ev.time)
            if len(self._seen) > _CACHE:
                self._seen.clear()
        return sec


def _second(when: Optional[datetime]) -> int:
    if when is None:
        return NO_SECOND
    sec = int(wall_seconds(when) // 1)
    return sec if -(1 << 31) < sec < (1 << 31) else NO_SECOND
