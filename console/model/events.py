"""The events the console holds, and the filtered view of them the list shows.

Held events are capped by count and by bytes (oldest dropped first). They live in a compact store
(console.model.store): an Event is built from its line only when read. The view (seqs) is kept up to
date incrementally as batches arrive; a filter change rebuilds it in slices. A file's last line shown
before its newline came (partial) is replaced in place when the rest arrives.
No textual here: the UI reads `view` and the counters.
"""

from __future__ import annotations

import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator, List

from console.catalog.catalog import Catalog
from console.decode.decoder import Decoder
from console.decode.event import Event
from console.model.acks import AckChoices, Acks
from console.model.filter_choices import UNDO_DEPTH, FilterChoices
from console.model.filters import Filter
from console.model.store import ROW_BYTES, EventStore
from console.model.view import View, swap

__all__ = ["EventModel", "Filter", "View", "AddResult", "event_bytes", "DEFAULT_HISTORY",
           "DEFAULT_HISTORY_BYTES", "EVENT_OVERHEAD", "UNDO_DEPTH"]

DEFAULT_HISTORY = 100_000
DEFAULT_HISTORY_BYTES = 256 * 1024 * 1024
EVENT_OVERHEAD = ROW_BYTES  # what a held event costs beyond its line's UTF-8 bytes (the store's columns)


def event_bytes(ev: Event) -> int:
    """The memory a held event takes in the store: its line's UTF-8 bytes and its row."""
    return len(ev.raw.encode("utf-8", "surrogatepass")) + EVENT_OVERHEAD


class Held:
    """The held events as a read-only sequence of Events, oldest first (built on demand)."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    def __getitem__(self, i: int) -> Event:
        n = len(self._store)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._store.event(self._store.first + i)

    def __iter__(self) -> Iterator[Event]:
        store = self._store
        for seq in range(store.first, store.last + 1):
            yield store.event(seq)


class _FilterJob:
    """A filter change over the rows held when it began, in slices of bounded time. Rows dropped
    meanwhile are skipped; a row replaced meanwhile is tested as it is now."""

    def __init__(self, store: EventStore, new: Filter) -> None:
        self.store = store
        self.select = new.selector(store)
        self.pos = store.first
        self.end = store.last + 1
        self.begin = store.first
        self.passing = array("q")
        self.arrived = array("q")  # rows added while the job runs (already tested)
        self.slice = 1  # grows (doubling) while slices are cheap

    def replaced(self, seq: int, passes: bool) -> None:
        """Row `seq` changed while the job runs."""
        if seq < self.pos:  # already tested
            swap(self.passing, 0, seq, passes)
        elif seq >= self.end:
            swap(self.arrived, 0, seq, passes)

    @property
    def progress(self) -> float:
        span = self.end - self.begin
        return (self.pos - self.begin) / span if span else 1.0

    def step(self, budget: float | None) -> bool:
        """Rows in slices sized so that one slice takes a fraction of the budget: a costly regex
        on long lines gets small slices, a severity toggle big ones."""
        select, out, clock = self.select, self.passing, time.perf_counter
        self.pos = max(self.pos, self.store.first)  # the cap dropped rows meanwhile
        deadline = None if budget is None else clock() + budget
        while self.pos < self.end:
            hi = min(self.end, self.pos + (self.slice if budget is not None else 65536))
            began = clock()
            out.extend(select(self.pos, hi))
            self.pos = hi
            if deadline is not None:
                took = clock() - began
                if took < budget / 8:
                    self.slice = min(65536, self.slice * 2)
                elif took > budget / 2:
                    self.slice = max(1, self.slice // 2)
                if clock() > deadline:
                    break
        return self.pos >= self.end


@dataclass
class AddResult:
    visible: int          # how many of the batch's new events passed the filter (added at the end)
    dropped: int          # held events dropped by the caps
    dropped_visible: int  # of which were in the view (the list shifts up by this much)
    notify: List[Event]   # new events whose severity raises a notification
    replaced: List[Event] = field(default_factory=list)  # events that took a partial one's place
    reshaped: bool = False  # a replacement entered or left the view: rows moved in the middle


class EventModel(FilterChoices, AckChoices):
    def __init__(self, catalog: Catalog, history: int = DEFAULT_HISTORY,
                 history_bytes: int = DEFAULT_HISTORY_BYTES) -> None:
        self.catalog = catalog
        self.history = max(1, history)
        self.history_bytes = max(1, history_bytes)
        self.dropped_for_bytes = 0                 # of `dropped`, those the byte budget dropped
        self._partial: dict[tuple[str, int], Event] = {}  # held partial events by (source, line)
        self.store = EventStore(Decoder(catalog))
        self.held = Held(self.store)
        self.view = View(self.store)
        self.filter = Filter(frozenset(s.name for s in catalog.severities))
        self.dropped = 0
        self.counts: Counter[str] = Counter()      # held events by severity
        self.total = 0                             # events ever added
        self._job: _FilterJob | None = None
        self.filter_budget: float | None = None  # seconds a filter change may take at once
        self.acks = Acks((s.name for s in catalog.severities if s.alert),
                         (s.name for s in catalog.severities if s.notify))
        self._undo: list[Filter] = []              # filters to go back to, the newest last
        self._batch_first = 1                      # seq of the first row of the batch being added

    @property
    def held_bytes(self) -> int:
        """The memory the held events take (console.model.store.EventStore.bytes): what
        --history-bytes bounds."""
        return self.store.bytes

    def held_keys(self) -> Iterator[tuple]:
        """(severity, seq, name) of every held row, for recounting without building Events."""
        store = self.store
        sevs, name_of = store.severities, store.name_of_row
        return ((sevs[s].name, seq, name_of(seq, n)) for seq, s, n in store.rows(store.first, store.last + 1))

    # -- arriving events --------------------------------------------------------------
    def add(self, events: list[Event]) -> AddResult:
        """A batch in file order. An event with `completes` set takes the place of the held partial
        event of the same source and line (same seq, same row, counted once); with none held (it
        was dropped, or came before this console started) it is a new event."""
        match = self.filter.matches
        passing = array("q")
        notify: list[Event] = []
        replaced: list[Event] = []
        reshaped = False
        counts, store, acks = self.counts, self.store, self.acks
        history, budget = self.history, self.history_bytes
        fresh = dropped = 0
        gone: set = set()
        self._batch_first = store.last + 1
        for ev in events:
            if ev.completes:
                old = self._partial.pop((ev.source, ev.line), None)
                if old is not None and store.holds(old.seq):
                    reshaped = self._replace(old, ev, passing, notify) or reshaped
                    replaced.append(ev)
                    gone.add(id(old))  # its row holds the completion now: not to be cached again
                    continue
            store.append(ev)
            fresh += 1
            counts[ev.sev.name] += 1
            acks.arrived(ev)
            if acks.notifies(ev):
                notify.append(ev)
            if match(ev):
                passing.append(ev.seq)
            if ev.partial:
                self._partial[(ev.source, ev.line)] = ev
            if store.bytes > budget:  # as it goes: a batch of long lines must not hold twice
                dropped += self._drop_oldest()  # the budget (the count waits for the batch's end)
        self.total += fresh
        store.remember([ev for ev in events if id(ev) not in gone] if gone else events)
        if len(store) > history or store.bytes > budget:  # a completion may have grown the bytes
            dropped += self._drop_oldest()
        if self._job is not None:
            self._job.arrived.extend(passing)  # joins the view the running filter change builds
        else:
            self.view.extend(passing)
        visible = len(passing)
        dropped_visible = self.view.drop_through(store.first - 1) if dropped else 0
        return AddResult(visible, dropped, dropped_visible, notify, replaced, reshaped)

    def _replace(self, old: Event, new: Event, passing, notify: list[Event]) -> bool:
        """`new` completes the partial `old`; True when the view gained or lost a row for it."""
        seq = old.seq
        self.store.replace(seq, new)
        passes = self.filter.matches(new)
        reshaped = False
        if seq >= self._batch_first:  # partial and completion in the same batch
            swap(passing, 0, seq, passes)
        elif self._job is not None:
            self._job.replaced(seq, passes)
        else:
            reshaped = self.view.replace(seq, passes) != 0
        self.counts[old.sev.name] -= 1
        self.counts[new.sev.name] += 1
        self.acks.replaced(old, new)
        # one notification per event: when it first has a severity that raises one
        told = self.acks.notifies(old)
        for i, ev in enumerate(notify):
            if ev is old:  # not told yet: raised by this very batch
                del notify[i]
                told = False
                break
        if not self.acks.is_acked(new) and not told and self.acks.notifies(new):
            notify.append(new)
        if new.partial:
            self._partial[(new.source, new.line)] = new
        return reshaped

    def renumber(self, token: int, offset: int) -> int:
        """The lines before a history were counted: held events numbered from where it began
        (Event.numbering == token) get their absolute line. Returns how many changed."""
        n, moved = self.store.renumber(token, offset)
        partial = self._partial
        for key in moved:  # a held partial event is found under its new line
            ev = partial.pop(key, None)
            if ev is not None:
                if ev.numbering == token:
                    ev.renumber(offset)
                partial[(ev.source, ev.line)] = ev
        return n

    def _drop_oldest(self) -> int:
        """Oldest first, while more are held than --history or their bytes exceed the budget (the
        newest event is always kept). Returns how many went; the view follows in add()."""
        store, counts, budget, acks = self.store, self.counts, self.history_bytes, self.acks
        dropped = for_bytes = 0
        while len(store) > self.history or (store.bytes > budget and len(store) > 1):
            if len(store) <= self.history:
                for_bytes += 1
            seq = store.first
            sev = store.severity(seq).name
            name = store.name(seq) if acks.alerting(sev) else None  # only an alert's name counts
            counts[sev] -= 1
            acks.dropped(sev, seq, name)
            if store.partial(seq):
                ev = store.event(seq)
                held = self._partial.get((ev.source, ev.line))
                if held is not None and held.seq == seq:
                    del self._partial[(ev.source, ev.line)]
            store.pop_first()
            dropped += 1
        self.dropped += dropped
        self.dropped_for_bytes += for_bytes
        return dropped

    # -- filtering ----------------------------------------------------------------------
    def set_filter(self, new: Filter) -> bool:
        """Applies at once, or, with `filter_budget` set, for that many seconds and then leaves the
        rest to continue_filter(): a costly regex over 100,000 held lines must not freeze the screen.
        True when the view is complete."""
        self.filter = new
        self._job = _FilterJob(self.store, new)
        return self.continue_filter(self.filter_budget)

    def continue_filter(self, budget: float | None = None) -> bool:
        job = self._job
        if job is None:
            return True
        if not job.step(budget):
            return False
        view = View(self.store, job.passing)
        view.extend(job.arrived)
        view.drop_through(self.store.first - 1)  # what the cap dropped meanwhile
        self.view = view
        self._job = None
        return True

    @property
    def filtering(self) -> float | None:
        """How far a filter change has got (0..1), or None when the view is complete."""
        return None if self._job is None else self._job.progress

    @property
    def bytes_binding(self) -> bool:
        """True when the byte budget, not the count, is what limits the history (or nearly)."""
        return self.dropped_for_bytes > 0 or self.held_bytes * 2 > self.history_bytes

    # -- acknowledging (console.model.acks) ------------------------------------------------
    @property
    def unacked(self) -> int:
        """Held alerts not acknowledged, muted names left out."""
        return self.acks.unacked

    def is_acked(self, ev: Event) -> bool:
        return self.acks.is_acked(ev)

    def _held_now(self, ev: Event) -> bool:
        return self.store.holds(ev.seq)

    def ack(self, ev: Event) -> int:
        return self.acks.ack(ev) if self._held_now(ev) else 0

