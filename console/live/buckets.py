"""The timeline's buckets: a size that fits the span into the rows there are (seconds to days),
the counts per bucket by severity, a bar's cells per severity, and the time a bucket is labelled
with. No textual here."""

from __future__ import annotations

from datetime import datetime
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from console.live.facts import from_wall_seconds

DAY = 86400
# sizes a person reads at a glance; each divides a day, so buckets start on the clock's round times
SIZES = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, DAY)


class Bucket(NamedTuple):
    start: int                # wall seconds (console.live.facts.wall_seconds) of its first second
    counts: Tuple[int, ...]   # by severity, in the order the tally was given them

    @property
    def total(self) -> int:
        return sum(self.counts)


def bucket_size(span: Tuple[int, int], rows: int) -> int:
    """The smallest size from SIZES whose buckets over `span` (first, last second) fit in `rows`;
    whole days beyond that."""
    first, last = span
    rows = max(1, rows)
    for size in SIZES:
        if last // size - first // size + 1 <= rows:
            return size
    days = max(1, -(-(last // DAY - first // DAY + 1) // rows))
    while last // (days * DAY) - first // (days * DAY) + 1 > rows:  # aligned, one more may be needed
        days += 1
    return days * DAY


def finer(size: int) -> int:
    """The next smaller size (zooming in)."""
    smaller = [s for s in SIZES if s < size]
    return smaller[-1] if smaller else size


def coarser(size: int) -> int:
    """The next larger size (zooming out)."""
    larger = [s for s in SIZES if s > size]
    return larger[0] if larger else size + DAY


def buckets(per_second: Dict[int, Sequence[int]], size: int, width: int) -> List[Bucket]:
    """Every bucket from the first event's to the last's, empty ones too (a quiet spell is a gap),
    with the counts of each severity (`width` of them) added up."""
    if not per_second:
        return []
    sums: Dict[int, List[int]] = {}
    for sec, counts in per_second.items():
        start = sec - sec % size
        row = sums.get(start)
        if row is None:
            sums[start] = list(counts)
        else:
            for i, c in enumerate(counts):
                if c:
                    row[i] += c
    first, last = min(sums), max(sums)
    empty = (0,) * width
    return [Bucket(s, tuple(sums[s]) if s in sums else empty) for s in range(first, last + 1, size)]


def bucket_of(buckets_: Sequence[Bucket], size: int, seconds: float) -> Optional[int]:
    """The index of the bucket of this size that holds this time, or None."""
    if not buckets_:
        return None
    i = int((seconds - buckets_[0].start) // size)
    return i if 0 <= i < len(buckets_) else None


def stack(counts: Sequence[int], most: int, cells: int) -> List[int]:
    """How many of `cells` each severity's part of the bar takes, the longest bar (`most` events)
    filling them all. A severity with any event in the bucket gets at least one cell: one fatal
    among ten thousand notices must not vanish in the rounding."""
    total = sum(counts)
    if not total or most <= 0 or cells <= 0:
        return [0] * len(counts)
    length = max(sum(1 for c in counts if c), round(total * cells / most))
    out = [0] * len(counts)
    used = 0
    seen = 0
    for i, c in enumerate(counts):  # cumulative rounding: the parts add up to the bar exactly
        if not c:
            continue
        seen += c
        end = round(seen * length / total)
        out[i] = max(1, end - used)
        used += out[i]
    over = used - length
    while over > 0:  # the minimum cells pushed it over: take them back from the largest parts
        i = max(range(len(out)), key=lambda k: out[k])
        out[i] -= 1
        over -= 1
    return out


def label_form(size: int, span: Tuple[int, int]) -> str:
    """strftime form of a bucket's label: the date only when the span crosses days; seconds only
    when buckets are shorter than a minute."""
    days = span[0] // DAY != span[1] // DAY
    clock = "%H:%M:%S" if size < 60 else "%H:%M"
    if size >= DAY:
        return "%Y-%m-%d"
    return ("%m-%d " + clock) if days else clock


def label(start: int, form: str) -> str:
    return from_wall_seconds(start).strftime(form)


def size_text(size: int) -> str:
    """`10 s`, `5 min`, `2 h`, `1 day`."""
    if size < 60:
        return f"{size} s"
    if size < 3600:
        return f"{size // 60} min"
    if size < DAY:
        return f"{size // 3600} h"
    return f"{size // DAY} day" + ("s" if size > DAY else "")


def when_text(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")
