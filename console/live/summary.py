"""What the filters show, summed up: counts per severity and per event, the callers and hosts with
their worst severity, first and last seen. Problems first (most severe, then most frequent), as
pflogsumm puts them. Counted in slices of bounded time (SummaryJob.step) so a large history never
freezes the screen. No textual here."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from console.live.facts import Fact, view_facts, view_index_after, view_length, wall_seconds
from console.model.events import EventModel

KINDS = ("severity", "event", "caller", "host")
TOP = 10  # callers and hosts listed
_CHECK_EVERY = 128


@dataclass
class Row:
    kind: str                     # one of KINDS
    key: object                   # what the list filters on: a severity name, (facility, event), a value
    label: str                    # as shown (not yet made safe for a screen)
    count: int
    worst: str                    # the most severe severity name among its events
    first: Optional[float]        # wall seconds (console.live.facts) of the earliest timed event
    last: Optional[float]


class _Line:
    __slots__ = ("label", "count", "worst", "first", "last")

    def __init__(self, label: str) -> None:
        self.label, self.count, self.worst, self.first, self.last = label, 0, None, None, None


class Summary:
    """The tables, added to fact by fact."""

    def __init__(self, severities: Sequence[Tuple[str, int]]) -> None:
        """severities: (name, rank) in the catalogue's order; a lower rank is more severe."""
        self.order = [name for name, _ in severities]
        self.rank = dict(severities)
        self.lines: Dict[str, Dict[object, _Line]] = {kind: {} for kind in KINDS}
        self.total = 0
        self.untimed = 0

    def add(self, facts: Iterable[Fact]) -> None:
        lines, rank = self.lines, self.rank
        for fact in facts:
            self.total += 1
            sec = wall_seconds(fact.time) if fact.time is not None else None
            if sec is None:
                self.untimed += 1
            for kind, key, label in ((("severity", fact.severity, fact.severity),
                                      ("event", fact.event_key, fact.name or "(unparsed)"),
                                      ("caller", fact.caller, fact.caller),
                                      ("host", fact.host, fact.host))):
                if key is None and kind != "event":
                    continue
                table = lines[kind]
                line = table.get(key)
                if line is None:
                    line = table[key] = _Line(label)
                line.count += 1
                if line.worst is None or rank.get(fact.severity, 1 << 30) < rank.get(line.worst, 1 << 30):
                    line.worst = fact.severity
                if sec is not None:
                    if line.first is None or sec < line.first:
                        line.first = sec
                    if line.last is None or sec > line.last:
                        line.last = sec

    def rows(self, kind: str, top: Optional[int] = None) -> List[Row]:
        """Severities in the catalogue's order; the rest problems first, then the most frequent."""
        table = self.lines[kind]
        if kind == "severity":
            keys = [name for name in self.order if name in table]
        else:
            keys = sorted(table, key=lambda k: (self.rank.get(table[k].worst, 1 << 30),
                                                -table[k].count, table[k].label))
        if top is not None:
            keys = keys[:top]
        return [Row(kind, key, table[key].label, table[key].count, table[key].worst, table[key].first,
                    table[key].last) for key in keys]

    def span(self) -> Optional[Tuple[float, float]]:
        """(first, last) wall seconds over everything counted, or None when nothing had a time."""
        sev = [line for line in self.lines["severity"].values() if line.first is not None]
        if not sev:
            return None
        return min(line.first for line in sev), max(line.last for line in sev)


class SummaryJob:
    """A Summary of the model's filtered view as it is when the job starts, built in slices. It
    goes by seq, not position: the oldest events may drop between slices, and new ones arrive."""

    def __init__(self, model: EventModel) -> None:
        self.model = model
        self.summary = Summary([(s.name, s.rank) for s in model.catalog.severities])
        self.size = view_length(model)
        newest = next(view_facts(model, self.size - 1), None) if self.size else None
        self._end_seq = newest.seq if newest is not None else 0
        self._last_seq = 0
        self.done = not self.size

    @property
    def progress(self) -> float:
        return min(1.0, self.summary.total / self.size) if self.size else 1.0

    def step(self, budget: Optional[float] = None) -> bool:
        """Counts for up to `budget` seconds (all with None); True when the summary is complete."""
        if self.done:
            return True
        deadline = None if budget is None else time.perf_counter() + budget
        batch: List[Fact] = []
        self.done = True
        for fact in view_facts(self.model, view_index_after(self.model, self._last_seq), caller=True):
            if fact.seq > self._end_seq:
                break
            batch.append(fact)
            self._last_seq = fact.seq
            if len(batch) >= _CHECK_EVERY:
                self.summary.add(batch)
                batch = []
                if deadline is not None and time.perf_counter() > deadline:
                    self.done = self._last_seq >= self._end_seq
                    break
        if batch:
            self.summary.add(batch)
        return self.done
