"""The few facts about an event that the timeline, the summary, the alert trend and `:` count with.

Everything those views know about the events comes through here, so the way the model stores its
events can change without them: view_facts() is the one place that reads the model's filtered view.
No textual here."""

from __future__ import annotations

from datetime import datetime
from typing import Iterator, NamedTuple, Optional, Tuple

from console.decode.event import Event
from console.model.caller import caller_of
from console.model.events import EventModel
from console.model.wall import NO_SECOND, from_wall_seconds, wall_seconds

_RUN = 4096

__all__ = ["Fact", "fact_of", "view_facts", "view_length", "view_index_after", "view_token",
           "batch_alerts", "wall_seconds", "from_wall_seconds"]  # the wall clock's two: console.model.wall


class Fact(NamedTuple):
    seq: int
    time: Optional[datetime]
    severity: str                          # the severity's name
    name: Optional[str]                    # FACILITY-Event; None for a line with no event token
    host: Optional[str]
    caller: Optional[str]                  # console.model.caller; None unless asked for (it costs)
    event_key: Optional[Tuple[str, str]]   # (facility, event), as the model's event filter takes it


def fact_of(ev: Event, *, caller: bool = False) -> Fact:
    return Fact(ev.seq, ev.time, ev.sev.name, ev.full_name, ev.host,
                caller_of(ev) if caller else None,
                (ev.facility, ev.event) if ev.event is not None else None)


def view_facts(model: EventModel, start: int = 0, stop: Optional[int] = None, *,
               caller: bool = False) -> Iterator[Fact]:
    """The facts of the events the filters show, view positions start..stop, in the list's order.
    caller: work out each event's caller and host too (that builds each event from its line: only
    the summary needs it). Without it the facts come from the store's columns (console.model.store),
    host None, the time to the second: ~1 us an event instead of ~8."""
    view = model.view
    n = len(view)
    stop = n if stop is None else min(stop, n)
    start = max(0, start)
    if caller:
        for i in range(start, stop):
            yield fact_of(view[i], caller=True)
        return
    store = model.store
    names = [s.name for s in store.severities]
    name_of = store.name_of_row
    for lo in range(start, stop, _RUN):  # a run at a time: a caller reading a few must not copy
        for seq, sec, sev, name in store.facts(view.seqs(lo, min(stop, lo + _RUN))):  # 10M seqs
            key = name_of(seq, name)
            yield Fact(seq, None if sec == NO_SECOND else from_wall_seconds(sec), names[sev],
                       f"{key[0]}-{key[1]}" if key is not None else None, None, None, key)


def view_length(model: EventModel) -> int:
    return len(model.view)


def view_token(model: EventModel) -> object:
    """Something that changes when the view is built again (a filter change, an acknowledgement
    under "only unacknowledged"): what was counted over the old one must be counted again."""
    return model.view


def view_index_after(model: EventModel, seq: int) -> int:
    """The view position of the first event with a seq above `seq` (len(view) when there is none)."""
    view = model.view
    n = len(view)
    if not n or view[n - 1].seq <= seq:
        return n
    i = view.nearest_index(seq)
    return i + 1 if view[i].seq <= seq else i


def batch_alerts(events, alerts: frozenset) -> Tuple[list, Optional[datetime]]:
    """Of a batch as it arrives: the facts of its events of an alert severity (a partial line waits
    for its completion, so it counts once), and the time of its newest timed event."""
    found = [fact_of(ev) for ev in events if ev.sev.name in alerts and not ev.partial]
    newest = None
    for ev in reversed(events[-64:]):
        newest = ev.time
        if newest is not None:
            break
    return found, newest
