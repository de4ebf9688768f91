"""Events per second by severity, over what the filters show, kept up to date as events arrive and
the oldest drop: what the timeline draws its buckets from (console.live.buckets).

A filter change means counting again; that and the first count run in slices of bounded time
(step(budget)), so 100,000 held events never freeze the screen. Afterwards only new events are
read. A partial line completed in place keeps the severity it was counted with until the next
recount (rare: only a file's unfinished last line). No textual here."""

from __future__ import annotations

import time
from array import array
from typing import Dict, Iterable, List, Optional, Sequence

from console.live.facts import Fact, view_facts, view_index_after, view_length, view_token, wall_seconds
from console.model.events import EventModel

NO_TIME = -(1 << 62)  # an event whose line has no time it can be placed at
_CHECK_EVERY = 256    # facts read between looks at the clock


class Tally:
    """Per-second counts by severity of a run of events in list order, the oldest droppable."""

    def __init__(self, severities: Sequence[str]) -> None:
        self.names = list(severities)
        self._index = {name: i for i, name in enumerate(self.names)}
        self._seq = array("q")
        self._sec = array("q")
        self._sev = array("H")
        self._start = 0
        self.per_second: Dict[int, List[int]] = {}
        self.untimed = [0] * len(self.names)
        self.version = 0  # changes whenever the counts do

    def __len__(self) -> int:
        return len(self._seq) - self._start

    @property
    def last_seq(self) -> int:
        return self._seq[-1] if len(self) else 0

    def add(self, facts: Iterable[Fact]) -> None:
        per, index, other = self.per_second, self._index, len(self.names) - 1
        for fact in facts:
            sev = index.get(fact.severity, other)
            sec = int(wall_seconds(fact.time)) if fact.time is not None else NO_TIME
            self._seq.append(fact.seq)
            self._sec.append(sec)
            self._sev.append(sev)
            if sec == NO_TIME:
                self.untimed[sev] += 1
                continue
            row = per.get(sec)
            if row is None:
                row = per[sec] = [0] * len(self.names)
            row[sev] += 1
        self.version += 1

    def drop_before(self, seq: int) -> int:
        """Forget the events with a seq below `seq` (the model dropped them); how many went."""
        start, n = self._start, len(self._seq)
        seqs, secs, sevs, per = self._seq, self._sec, self._sev, self.per_second
        while start < n and seqs[start] < seq:
            sec, sev = secs[start], sevs[start]
            if sec == NO_TIME:
                self.untimed[sev] -= 1
            else:
                row = per[sec]
                row[sev] -= 1
                if not any(row):
                    del per[sec]
            start += 1
        gone = start - self._start
        self._start = start
        if start > 4096 and start * 2 > n:  # compact now and then: the arrays do not grow forever
            for column in (seqs, secs, sevs):
                del column[:start]
            self._start = 0
        if gone:
            self.version += 1
        return gone

    def span(self) -> Optional[tuple]:
        """(first second, last second) of the timed events, or None."""
        if not self.per_second:
            return None
        return min(self.per_second), max(self.per_second)

    @property
    def timed(self) -> int:
        return len(self) - sum(self.untimed)


class TallyFeeder:
    """Keeps a Tally in step with the model's filtered view: counted again from the start after a
    filter change, then only new events are read and dropped ones forgotten."""

    def __init__(self, model: EventModel, severities: Sequence[str]) -> None:
        self.model = model
        self.severities = list(severities)
        self.tally = Tally(self.severities)
        self._filter = None
        self._view = None
        self.recounting = True  # counting from the start (the first time, or after a filter change)
        self._read = 0          # view positions read since the recount began

    @property
    def progress(self) -> float:
        """How far a recount has got (0..1); 1.0 when the tally is up to date."""
        if not self.recounting:
            return 1.0
        n = view_length(self.model)
        return min(1.0, self._read / n) if n else 1.0

    def step(self, budget: Optional[float] = None) -> bool:
        """Reads what is new for up to `budget` seconds (all of it with None); True when up to date.
        While the model is itself still applying a filter change, nothing can be counted yet."""
        model = self.model
        if model.filtering is not None:
            return False
        if model.filter is not self._filter or view_token(model) is not self._view:
            self._filter, self._view = model.filter, view_token(model)
            self.tally = Tally(self.severities)
            self.recounting, self._read = True, 0
        tally = self.tally
        if len(tally):
            first = next(view_facts(model, 0, 1), None)
            tally.drop_before(first.seq if first is not None else tally.last_seq + 1)
        start = view_index_after(model, tally.last_seq) if len(tally) else 0
        done = self._read_from(start, budget)
        if done:
            self.recounting = False
        return done

    def _read_from(self, start: int, budget: Optional[float]) -> bool:
        deadline = None if budget is None else time.perf_counter() + budget
        batch: List[Fact] = []
        done = True
        for fact in view_facts(self.model, start):
            batch.append(fact)
            if len(batch) >= _CHECK_EVERY:
                self.tally.add(batch)
                self._read += len(batch)
                batch = []
                if deadline is not None and time.perf_counter() > deadline:
                    done = view_index_after(self.model, self.tally.last_seq) >= view_length(self.model)
                    break
        if batch:
            self.tally.add(batch)
            self._read += len(batch)
        return done
