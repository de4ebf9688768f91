"""The events the console holds, and the filtered view of them the list shows.

Held events are capped by count and by bytes (oldest dropped first). The view is kept up to date
incrementally as batches arrive; a filter change rebuilds it in one pass. A file's last line shown
before its newline came (partial) is replaced in place when the rest arrives.
No textual here: the UI reads `view` and the counters.
"""

from __future__ import annotations

import sys
import time
from typing import Callable
from collections import Counter, deque
from operator import attrgetter
from dataclasses import dataclass, field, replace

from console.model.acks import AckChoices, Acks
from console.model.caller import caller_of
from console.catalog.catalog import Catalog
from console.compat import bisect_left_by
from console.decode.event import Event
from console.model.textfilter import TextFilter, compile_filter

DEFAULT_HISTORY = 100_000
DEFAULT_HISTORY_BYTES = 256 * 1024 * 1024
# What one held event costs beyond its text: the Event and its small fields (timestamp, seq, the
# deque and view slots), measured with tracemalloc over simulator traffic on CPython 3.11 (~376
# bytes); tests/unit/test_history_bytes.py measures it again and checks the estimate against it.
EVENT_OVERHEAD = 400
UNDO_DEPTH = 50  # filters remembered for going back (Backspace)
_SEQ = attrgetter("seq")


def event_bytes(ev: Event) -> int:
    """The memory an event holds, estimated in constant time (no walk over its fields)."""
    return sys.getsizeof(ev.raw) + ev.text_bytes() + EVENT_OVERHEAD


@dataclass(frozen=True)
class Filter:
    severities: frozenset[str]
    text: TextFilter = field(default_factory=lambda: compile_filter(""))
    event: tuple[str, str] | None = None     # (facility, name): only this event
    value: str | None = None                 # only events whose host or a parameter is this
    pending: Callable[[Event], bool] | None = None  # only alerts not acknowledged (Acks.counts)

    def matches(self, ev: Event) -> bool:
        if ev.sev.name not in self.severities:
            return False
        if self.pending is not None and not self.pending(ev):
            return False
        if self.event is not None and (ev.facility, ev.event) != self.event:
            return False
        if self.value is not None and (self.value not in ev.raw  # cheap, and no parameters kept
                                       or ev.host != self.value and self.value not in ev.params.values()):
            return False
        return self.text.matches(ev.raw)

    @property
    def narrowed(self) -> bool:
        return (bool(self.text.text) or self.event is not None or self.value is not None
                or self.pending is not None)


class View:
    """The filtered events in order: a list with a moving start, so dropping the oldest is cheap."""

    def __init__(self) -> None:
        self._items: list[Event | None] = []  # None: dropped, before _start
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

    def replace(self, old: Event, new: Event, passes: bool) -> int:
        """`new` takes `old`'s place (same seq): in it, out of it or into it, by whether it passes
        the filter. Returns how the view's length changed (-1, 0 or 1)."""
        return _swap(self._items, self._start, old, new, passes)

    def drop_through(self, seq: int) -> int:
        """Forget events with seq <= `seq` at the front; returns how many went."""
        items, start = self._items, self._start
        n = len(items)
        while start < n and items[start].seq <= seq:
            items[start] = None  # let it go now: a dropped 60 KiB line must not linger here
            start += 1
        gone = start - self._start
        self._start = start
        if start > 4096 and start * 2 > n:
            del items[:start]
            self._start = 0
        return gone

    def _first_at(self, seq: int) -> int:
        """Position in _items of the first event with seq >= seq: the view is in seq order."""
        return bisect_left_by(self._items, seq, self._start, _SEQ)

    def index_of_seq(self, seq: int) -> int | None:
        pos = self._first_at(seq)
        if pos < len(self._items) and self._items[pos].seq == seq:
            return pos - self._start
        return None

    def nearest_index(self, seq: int) -> int:
        """Index of the first event at or after seq (clamped), for keeping the cursor on a filter change."""
        return max(0, min(self._first_at(seq) - self._start, len(self) - 1))


def _swap(items: list[Event], lo: int, old: Event, new: Event, passes: bool) -> int:
    """In a list in seq order: replace old by new, drop old, or insert new where old would be."""
    pos = bisect_left_by(items, old.seq, lo, _SEQ)
    here = pos < len(items) and items[pos].seq == old.seq
    if here and passes:
        items[pos] = new
        return 0
    if here:
        del items[pos]
        return -1
    if passes:
        items.insert(pos, new)
        return 1
    return 0


def _renumber(held, partial: dict, token: int, offset: int) -> int:
    """Events of `token` get `offset` added to their line; a partial one is found under its new line."""
    n = 0
    for ev in held:
        if ev.numbering == token:
            keyed = ev.partial and partial.get((ev.source, ev.line)) is ev
            if keyed:
                del partial[(ev.source, ev.line)]
            ev.renumber(offset)
            if keyed:
                partial[(ev.source, ev.line)] = ev
            n += 1
    return n


class _FilterJob:
    """A filter change over a snapshot of the held events, in slices of bounded time."""

    def __init__(self, events: list[Event], new: Filter) -> None:
        self.events = events
        self.match = new.matches
        self.pos = 0
        self.passing: list[Event] = []
        self.arrived: list[Event] = []  # events added while the job runs (already matched)

    def replace(self, old: Event, new: Event) -> None:
        """A partial event completed while the job runs: the view it builds shows the new one."""
        events = self.events
        i = old.seq - events[0].seq if events else -1
        if 0 <= i < len(events) and events[i] is old:
            events[i] = new
            if i < self.pos:  # already matched
                _swap(self.passing, 0, old, new, self.match(new))
        else:  # arrived after the job started
            _swap(self.arrived, 0, old, new, self.match(new))

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
    visible: int          # how many of the batch's new events passed the filter (added at the end)
    dropped: int          # held events dropped by the caps
    dropped_visible: int  # of which were in the view (the list shifts up by this much)
    notify: list[Event]   # new events whose severity raises a notification
    replaced: list[Event] = field(default_factory=list)  # events that took a partial one's place
    reshaped: bool = False  # a replacement entered or left the view: rows moved in the middle


class EventModel(AckChoices):
    def __init__(self, catalog: Catalog, history: int = DEFAULT_HISTORY,
                 history_bytes: int = DEFAULT_HISTORY_BYTES) -> None:
        self.catalog = catalog
        self.history = max(1, history)
        self.history_bytes = max(1, history_bytes)
        self.held_bytes = 0                        # event_bytes() of the held events
        self.dropped_for_bytes = 0                 # of `dropped`, those the byte budget dropped
        self._partial: dict[tuple[str, int], Event] = {}  # held partial events by (source, line)
        self.held: deque[Event] = deque()
        self.view = View()
        self.filter = Filter(frozenset(s.name for s in catalog.severities))
        self.dropped = 0
        self.counts: Counter[str] = Counter()      # held events by severity
        self.total = 0                             # events ever added
        self._seq = 0
        self._job: _FilterJob | None = None
        self.filter_budget: float | None = None  # seconds a filter change may take at once
        self.acks = Acks((s.name for s in catalog.severities if s.alert),
                         (s.name for s in catalog.severities if s.notify))
        self._undo: list[Filter] = []              # filters to go back to, the newest last

    # -- arriving events --------------------------------------------------------------
    def add(self, events: list[Event]) -> AddResult:
        """A batch in file order. An event with `completes` set takes the place of the held partial
        event of the same source and line (same seq, same row, counted once); with none held (it
        was dropped, or came before this console started) it is a new event."""
        match = self.filter.matches
        fresh: list[Event] = []
        passing: list[Event] = []
        notify: list[Event] = []
        replaced: list[Event] = []
        reshaped = False
        counts = self.counts
        size = 0
        for ev in events:
            if ev.completes:
                old = self._partial.pop((ev.source, ev.line), None)
                if old is not None:
                    reshaped = self._replace(old, ev, fresh, passing, notify) or reshaped
                    replaced.append(ev)
                    continue
            self._seq += 1
            ev.seq = self._seq
            name = ev.sev.name
            counts[name] += 1
            self.acks.arrived(ev)
            if self.acks.notifies(ev):
                notify.append(ev)
            if match(ev):
                passing.append(ev)
            if ev.partial:
                self._partial[(ev.source, ev.line)] = ev
            size += event_bytes(ev)
            fresh.append(ev)
        self.held.extend(fresh)
        self.held_bytes += size
        self.total += len(fresh)
        if self._job is not None:
            self._job.arrived.extend(passing)  # joins the view the running filter change builds
        else:
            self.view.extend(passing)
        dropped, dropped_visible = self._drop_oldest()
        return AddResult(len(passing), dropped, dropped_visible, notify, replaced, reshaped)

    def _replace(self, old: Event, new: Event, fresh: list[Event], passing: list[Event],
                 notify: list[Event]) -> bool:
        """`new` completes the partial `old`; True when the view gained or lost a row for it."""
        new.seq = seq = old.seq
        reshaped = False
        if fresh and seq >= fresh[0].seq:  # partial and completion in the same batch
            fresh[seq - fresh[0].seq] = new
            _swap(passing, 0, old, new, self.filter.matches(new))
        else:
            self.held[seq - self.held[0].seq] = new
            if self._job is not None:
                self._job.replace(old, new)
            else:
                reshaped = self.view.replace(old, new, self.filter.matches(new)) != 0
        self.held_bytes += event_bytes(new) - event_bytes(old)
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
        return _renumber(self.held, self._partial, token, offset)

    def _drop_oldest(self) -> tuple[int, int]:
        """Oldest first, while more are held than --history or their bytes exceed the budget (the
        newest event is always kept). Returns (dropped, of which in the view)."""
        held, counts, budget = self.held, self.counts, self.history_bytes
        dropped = for_bytes = 0
        last = None
        while held and (len(held) > self.history or (self.held_bytes > budget and len(held) > 1)):
            if len(held) <= self.history:
                for_bytes += 1
            old = held.popleft()
            last = old.seq
            self.held_bytes -= event_bytes(old)
            counts[old.sev.name] -= 1
            self.acks.dropped(old)
            if old.partial and self._partial.get((old.source, old.line)) is old:
                del self._partial[(old.source, old.line)]
            dropped += 1
        if not dropped:
            return 0, 0
        self.dropped += dropped
        self.dropped_for_bytes += for_bytes
        return dropped, self.view.drop_through(last)

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
        names = {s.name for s in self.catalog.severities if s.rank <= rank}
        self.set_filter(replace(self.filter, severities=frozenset(names)))

    def show_all_severities(self) -> None:
        self.set_filter(replace(self.filter, severities=frozenset(s.name for s in self.catalog.severities)))

    def set_text(self, text: str) -> TextFilter:
        tf = compile_filter(text)
        self.set_filter(replace(self.filter, text=tf))
        return tf

    def only_event(self, ev: Event | None) -> None:
        key = (ev.facility, ev.event) if ev is not None and ev.parsed else None
        self.set_filter(replace(self.filter, event=key))

    def only_value(self, value: str | None) -> None:
        self.set_filter(replace(self.filter, value=value))

    def toggle_only_event(self, ev: Event) -> bool:
        """Only events named like `ev`; when that is the filter already, every name again. The
        filter before is remembered for back(). False, and nothing changed, for an unparsed line."""
        if not ev.parsed:
            return False
        self.remember_filter()
        self.only_event(None if self.filter.event == (ev.facility, ev.event) else ev)
        return True

    def toggle_only_caller(self, ev: Event) -> bool:
        """Only events of `ev`'s caller address or host (console.model.caller), or, when that is the filter
        already, all. The filter before is remembered for back(). False when `ev` names neither."""
        value = caller_of(ev)
        if value is None:
            return False
        self.remember_filter()
        self.only_value(None if self.filter.value == value else value)
        return True

    def show_everything(self) -> None:
        """No filter at all, at once (not in slices): for going to one event wherever it is."""
        self.set_filter(Filter(frozenset(s.name for s in self.catalog.severities)))
        self.continue_filter(None)

    def clear_narrowing(self) -> None:
        self.set_filter(replace(self.filter, text=compile_filter(""), event=None, value=None))

    # -- going back ---------------------------------------------------------------------
    def remember_filter(self) -> None:
        """Keep the filter as it is now for back() (the newest UNDO_DEPTH are kept)."""
        self._undo.append(self.filter)
        del self._undo[:-UNDO_DEPTH]

    def back(self) -> bool:
        """The filter last remembered becomes the filter again; False when none is left."""
        if not self._undo:
            return False
        self.set_filter(self._undo.pop())
        return True

    def toggle_pending_only(self) -> bool:
        """Only the alerts not acknowledged yet, or every event again; True when only them now."""
        self.remember_filter()
        pending = None if self.filter.pending is not None else self.acks.pending_filter()
        self.set_filter(replace(self.filter, pending=pending))
        return pending is not None

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
        return bool(self.held) and self.held[0].seq <= ev.seq <= self._seq

    def ack(self, ev: Event) -> int:
        return self.acks.ack(ev) if self._held_now(ev) else 0

