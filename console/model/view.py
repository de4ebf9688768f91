"""The filtered events in order, as an array of seqs: 8 bytes a row, whatever the history holds.

Rows are read through the store (console.model.store), which builds an Event only when asked.
The front moves as the oldest are dropped; the array is cut now and then, not per drop.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from typing import Iterable, Iterator

from console.decode.event import Event


class View:
    def __init__(self, store, seqs: Iterable[int] = ()) -> None:
        self._store = store
        self._seqs = array("q", seqs)
        self._start = 0

    def __len__(self) -> int:
        return len(self._seqs) - self._start

    def seq(self, i: int) -> int:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._seqs[self._start + i]

    def __getitem__(self, i: int) -> Event:
        return self._store.event(self.seq(i))

    def __iter__(self) -> Iterator[Event]:
        event = self._store.event
        for i in range(self._start, len(self._seqs)):
            yield event(self._seqs[i])

    def seqs(self, lo: int = 0, hi: int | None = None) -> array:
        """The seqs of rows lo..hi-1 (a copy), for passes over many rows without Events."""
        n = len(self)
        hi = n if hi is None else min(hi, n)
        return self._seqs[self._start + lo:self._start + hi]

    def extend(self, seqs: Iterable[int]) -> None:
        self._seqs.extend(seqs)

    def replace(self, seq: int, passes: bool) -> int:
        """Row `seq` changed (same seq): in the view or out of it, by whether it passes the filter.
        Returns how the view's length changed (-1, 0 or 1)."""
        return swap(self._seqs, self._start, seq, passes)

    def drop_through(self, seq: int) -> int:
        """Forget seqs <= `seq` at the front; returns how many went."""
        seqs, start = self._seqs, self._start
        end = bisect_left(seqs, seq + 1, start)
        gone = end - start
        self._start = end
        if end > 4096 and end * 2 > len(seqs):
            del seqs[:end]
            self._start = 0
        return gone

    def _first_at(self, seq: int) -> int:
        return bisect_left(self._seqs, seq, self._start)

    def index_of_seq(self, seq: int) -> int | None:
        pos = self._first_at(seq)
        if pos < len(self._seqs) and self._seqs[pos] == seq:
            return pos - self._start
        return None

    def nearest_index(self, seq: int) -> int:
        """Index of the first event at or after seq (clamped), for keeping the cursor on a filter change."""
        return max(0, min(self._first_at(seq) - self._start, len(self) - 1))


def swap(seqs, lo: int, seq: int, passes: bool) -> int:
    """In seqs in order from lo: keep `seq`, drop it, or insert it where it belongs."""
    pos = bisect_left(seqs, seq, lo)
    here = pos < len(seqs) and seqs[pos] == seq
    if here and not passes:
        del seqs[pos]
        return -1
    if not here and passes:
        seqs.insert(pos, seq)
        return 1
    return 0
