"""What the list shows: severities, the `/` text, one event name, one caller or host, pending alerts.

A filter tests an Event, or held rows without building Events (`selector`): severity and name come
from the store's columns, the text from the row's line; only the caller/host test builds an Event,
and only for lines that contain the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from console.decode.event import Event
from console.model.caller import caller_of
from console.model.store import OVERFLOW
from console.model.textfilter import MATCH_WINDOW, TextFilter, compile_filter
from console.tail.remote.spec import host_of



@dataclass(frozen=True)
class Filter:
    severities: frozenset[str]
    text: TextFilter = field(default_factory=lambda: compile_filter(""))
    event: Optional[tuple[str, str]] = None  # (facility, name): only this event
    value: Optional[str] = None              # only events whose host or a parameter is this
    pending: Optional[object] = None         # only alerts not acknowledged (console.model.acks.Acks)

    def matches(self, ev: Event) -> bool:
        if ev.sev.name not in self.severities:
            return False
        if self.pending is not None and not self.pending.counts(ev):
            return False
        if self.event is not None and (ev.facility, ev.event) != self.event:
            return False
        if self.value is not None and not _has_value(ev, self.value):
            return False
        return self.text.matches(ev.raw)

    @property
    def narrowed(self) -> bool:
        return (bool(self.text.text) or self.event is not None or self.value is not None
                or self.pending is not None)

    def selector(self, store) -> Callable[[int, int], list]:
        """The same test over the store's rows (console.model.store.EventStore): a function giving
        the seqs in lo..hi-1 that pass. Columns first; the line only for what they let through."""
        sev_ok = store.severity_ids(self.severities)
        names = None if self.event is None else store.name_ids([self.event])
        regex = self.text.regex
        value, pending = self.value, self.pending
        severities, name_of, event = store.severities, store.name_of_row, store.event
        wanted = self.event
        by_host = value is not None and any(host_of(src) == value for src in store.sources())  # remote logs'

        def select(lo: int, hi: int) -> list:
            rows = store.rows(lo, hi)
            if names is None:
                seqs = [seq for seq, sev, _n in rows if sev in sev_ok]
            else:
                seqs = [seq for seq, sev, name in rows if sev in sev_ok and name in names
                        and (name != OVERFLOW or name_of(seq, name) == wanted)]
            if pending is not None:
                counts = pending.counts_key
                seqs = [seq for seq in seqs if counts(severities[store.sev_id(seq)].name, seq,
                                                      name_of(seq, store.name_id(seq)))]
            if regex is not None:
                search = regex.search
                seqs = [seq for seq, line in zip(seqs, store.lines(seqs))
                        if search(line, 0, MATCH_WINDOW) is not None]
            if value is not None:
                seqs = [seq for seq, line in zip(seqs, store.lines(seqs))
                        if (value in line or by_host) and _has_value(event(seq), value)]
            return seqs
        return select


def _has_value(ev: Event, value: str) -> bool:
    """The line names `value` as its host, a parameter or its caller (console.model.caller, which
    finds an address where the template's start puts one): cheap test first, no split for most."""
    if value not in ev.raw:  # only a remote log's host is not in its lines (console.tail.remote)
        return ev.host == value == host_of(ev.source)
    return ev.host == value or value in ev.params.values() or caller_of(ev) == value
