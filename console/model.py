"""The events the console holds, and the filtered view of them the list shows.

Held events are capped (oldest dropped first). The view is kept up to date
incrementally as batches arrive; a filter change rebuilds it in one pass.
No textual here: the UI reads `view` and the counters.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import Counter, deque
from operator import attrgetter
from dataclasses import dataclass, field, replace

from console.catalogue import Catalogue
from console.event import Event
from console.textfilter import TextFilter, compile_filter

DEFAULT_HISTORY = 100_000
_SEQ = attrgetter("seq")


@dataclass(frozen=True)
class Filter:
    severities: frozenset[str]
    text: TextFilter = field(default_factory=lambda: compile_filter(""))
    event: tuple[str, str] | None = None     # (facility, name): only this event
    value: str | None = None                 # only events whose host or a parameter is this

    def matches(self, ev: Event) -> bool:
        if ev.sev.name not in self.severities:
            return False
        if self.event is not None and (ev.facility, ev.event) != self.event:
            return False
        if self.value is not None and ev.host != self.value and self.value not in ev.params.values():
            return False
        return self.text.matches(ev.raw)

    @property
    def narrowed(self) -> bool:
        return bool(self.text.text) or self.event is not None or self.value is not None


class View:
    """The filtered events in order: a list with a moving start, so dropping the oldest is cheap."""

    def __init__(self) -> None:
        self._items: list[Event] = []
        self._start = 0

    def __len__(self) -> int:
        return len(self._items) - self._start

    def __getitem__(self, i: int) -> Event:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._items[self._start + i]

    def extend(self, events: list[Event]) -> None:
        self._items.extend(events)

    def drop_through(self, seq: int) -> int:
        """Forget events with seq <= `seq` at the front; returns how many went."""
        items, start = self._items, self._start
        n = len(items)
        while start < n and items[start].seq <= seq:
            start += 1
        gone = start - self._start
        self._start = start
        if start > 4096 and start * 2 > n:
            del items[:start]
            self._start = 0
        return gone

    def _first_at(self, seq: int) -> int:
        """Position in _items of the first event with seq >= seq: the view is in seq order."""
        return bisect_left(self._items, seq, lo=self._start, key=_SEQ)

    def index_of_seq(self, seq: int) -> int | None:
        pos = self._first_at(seq)
        if pos < len(self._items) and self._items[pos].seq == seq:
            return pos - self._start
        return None

    def nearest_index(self, seq: int) -> int:
        """Index of the first event at or after seq (clamped), for keeping the cursor on a filter change."""
        return max(0, min(self._first_at(seq) - self._start, len(self) - 1))


class _FilterJob:
    """A filter change over a snapshot of the held events, in slices of bounded time."""

    def __init__(self, events: list[Event], new: Filter) -> None:
        self.events = events
        self.match = new.matches
        self.pos = 0
        self.passing: list[Event] = []
        self.arrived: list[Event] = []  # events added while the job runs (already matched)

    @property
    def progress(self) -> float:
        return self.pos / len(self.events) if self.events else 1.0

    def step(self, budget: float | None) -> bool:
        events, match, out = self.events, self.match, self.passing
        i, n = self.pos, len(events)
        if budget is None:
            out.extend(ev for ev in events[i:] if match(ev))
            self.pos = n
            return True
        deadline = time.perf_counter() + budget
        clock = time.perf_counter
        while i < n:
            ev = events[i]
            i += 1
            if match(ev):
                out.append(ev)
            if clock() > deadline:  # per line: one pathological line may cost milliseconds
                break
        self.pos = i
        return i >= n


@dataclass
class AddResult:
    visible: int          # how many of the batch passed the filter
    dropped: int          # held events dropped by the cap
    dropped_visible: int  # of which were in the view (the list shifts up by this much)
    notify: list[Event]   # new events whose severity raises a notification


class EventModel:
    def __init__(self, catalogue: Catalogue, history: int = DEFAULT_HISTORY) -> None:
        self.catalogue = catalogue
        self.history = max(1, history)
        self.held: deque[Event] = deque()
        self.view = View()
        self.filter = Filter(frozenset(s.name for s in catalogue.severities))
        self.dropped = 0
        self.counts: Counter[str] = Counter()      # held events by severity
        self.total = 0                             # events ever added
        self._seq = 0
        self._job: _FilterJob | None = None
        self.filter_budget: float | None = None  # seconds a filter change may take at once
        self._acked: set[int] = set()
        self.unacked = 0                           # held, alerting, not acknowledged
        self._alerting = frozenset(s.name for s in catalogue.severities if s.alert)
        self._notifying = frozenset(s.name for s in catalogue.severities if s.notify)

    # -- arriving events --------------------------------------------------------------
    def add(self, events: list[Event]) -> AddResult:
        match = self.filter.matches
        passing = []
        notify = []
        counts = self.counts
        for ev in events:
            self._seq += 1
            ev.seq = self._seq
            name = ev.sev.name
            counts[name] += 1
            if name in self._alerting:
                self.unacked += 1
                if name in self._notifying:
                    notify.append(ev)
            if match(ev):
                passing.append(ev)
        self.held.extend(events)
        self.total += len(events)
        if self._job is not None:
            self._job.arrived.extend(passing)  # joins the view the running filter change builds
        else:
            self.view.extend(passing)
        dropped = dropped_visible = 0
        over = len(self.held) - self.history
        if over > 0:
            last = None
            for _ in range(over):
                old = self.held.popleft()
                last = old.seq
                counts[old.sev.name] -= 1
                if old.sev.name in self._alerting:
                    if old.seq in self._acked:
                        self._acked.discard(old.seq)
                    else:
                        self.unacked -= 1
            dropped = over
            self.dropped += over
            dropped_visible = self.view.drop_through(last)
        return AddResult(len(passing), dropped, dropped_visible, notify)

    # -- filtering ----------------------------------------------------------------------
    def set_filter(self, new: Filter) -> bool:
        """Applies at once, or, with `filter_budget` set, for that many seconds and then leaves the
        rest to continue_filter(): a costly regex over 100,000 held lines must not freeze the screen.
        True when the view is complete."""
        self.filter = new
        self._job = _FilterJob(list(self.held), new)
        return self.continue_filter(self.filter_budget)

    def continue_filter(self, budget: float | None = None) -> bool:
        job = self._job
        if job is None:
            return True
        if not job.step(budget):
            return False
        view = View()
        view.extend(job.passing)
        view.extend(job.arrived)
        if self.held:
            view.drop_through(self.held[0].seq - 1)  # what the cap dropped meanwhile
        self.view = view
        self._job = None
        return True

    @property
    def filtering(self) -> float | None:
        """How far a filter change has got (0..1), or None when the view is complete."""
        return None if self._job is None else self._job.progress

    def toggle_severity(self, name: str) -> None:
        sev = set(self.filter.severities)
        sev.symmetric_difference_update({name})
        self.set_filter(replace(self.filter, severities=frozenset(sev)))

    def show_up_to_rank(self, rank: int) -> None:
        names = {s.name for s in self.catalogue.severities if s.rank <= rank}
        self.set_filter(replace(self.filter, severities=frozenset(names)))

    def show_all_severities(self) -> None:
        self.set_filter(replace(self.filter, severities=frozenset(s.name for s in self.catalogue.severities)))

    def set_text(self, text: str) -> TextFilter:
        tf = compile_filter(text)
        self.set_filter(replace(self.filter, text=tf))
        return tf

    def only_event(self, ev: Event | None) -> None:
        key = (ev.facility, ev.event) if ev is not None and ev.parsed else None
        self.set_filter(replace(self.filter, event=key))

    def only_value(self, value: str | None) -> None:
        self.set_filter(replace(self.filter, value=value))

    def clear_narrowing(self) -> None:
        self.set_filter(replace(self.filter, text=compile_filter(""), event=None, value=None))

    # -- acknowledging --------------------------------------------------------------------
    def is_acked(self, ev: Event) -> bool:
        return ev.seq in self._acked

    def ack(self, ev: Event) -> int:
        if ev.seq in self._acked or ev.seq <= self._seq - len(self.held):
            return 0
        self._acked.add(ev.seq)
        if ev.sev.name in self._alerting:
            self.unacked -= 1
        return 1

    def ack_similar(self, ev: Event) -> int:
        """Every held event with the same facility and name (or, unparsed, the same severity)."""
        n = 0
        key = (ev.facility, ev.event)
        for other in self.held:
            if (other.facility, other.event) == key and (ev.parsed or other.sev is ev.sev):
                if other.seq not in self._acked:
                    self._acked.add(other.seq)
                    n += 1
                    if other.sev.name in self._alerting:
                        self.unacked -= 1
        return n
