"""Where in the list a time is: the first event the filters show at or after it, for `:` and for a
timeline bucket. The held events are in time order (one log is written in order; several are
merged by time, console.tail.merge), so a binary search over the view finds it in a few reads
whatever the history's size. No textual here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from console.live.facts import from_wall_seconds, view_facts, view_length, wall_seconds
from console.model.events import EventModel

LOOK = 64  # events to either side of a line with no time, to find one that has


@dataclass
class Place:
    index: Optional[int]         # the view position, None when the time is outside what is held
    seq: Optional[int]           # the event there
    before: bool = False         # the time is before the first event shown
    after: bool = False          # the time is after the newest event shown
    first: Optional[datetime] = None  # the times the filtered view spans (local wall clock)
    last: Optional[datetime] = None


def _time_at(model: EventModel, i: int, step: int, n: int) -> Optional[tuple]:
    """(position, wall seconds) of the nearest timed event from i going `step` (+1 or -1)."""
    for j in range(i, max(-1, min(n, i + step * LOOK)), step):
        fact = next(view_facts(model, j, j + 1), None)
        if fact is not None and fact.time is not None:
            return j, wall_seconds(fact.time)
    return None


def newest_time(model: EventModel) -> Optional[datetime]:
    """The local wall-clock time of the newest timed event shown (what `-15m` counts back from)."""
    n = view_length(model)
    found = _time_at(model, n - 1, -1, n) if n else None
    return from_wall_seconds(found[1]) if found else None


def find_time(model: EventModel, when: datetime) -> Place:
    """The first event shown at or after `when` (naive: local time; aware: converted)."""
    target = wall_seconds(when)
    n = view_length(model)
    first = _time_at(model, 0, 1, n) if n else None
    last = _time_at(model, n - 1, -1, n) if n else None
    if first is None or last is None:
        return Place(None, None)
    span = dict(first=from_wall_seconds(first[1]), last=from_wall_seconds(last[1]))
    if target < first[1]:
        return Place(None, None, before=True, **span)
    if target > last[1]:
        return Place(None, None, after=True, **span)
    lo, hi = first[0], last[0]  # the answer is in lo..hi: last's time is at or after the target
    while lo < hi:
        mid = (lo + hi) // 2
        probe = _time_at(model, mid, 1, hi + 1)
        if probe is None or probe[1] >= target:
            hi = mid
        else:
            lo = probe[0] + 1
    timed = _time_at(model, lo, 1, n)  # lines with no time just before it: to the event itself
    lo = timed[0] if timed is not None else lo
    seq = next(view_facts(model, lo, lo + 1)).seq
    return Place(lo, seq, **span)
