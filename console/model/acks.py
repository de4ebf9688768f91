"""What the operator has seen to: acknowledged events, and event names muted ("Don't alert").

An alerting event (its severity's `alert:`) counts as unacknowledged until acknowledged, unless its
name is muted; a muted name raises no notification either. Kept apart from the held events'
bookkeeping (console.model.events), which tells it what arrives, changes and goes."""

from __future__ import annotations

from typing import Iterable, Optional, Set, Tuple

from console.decode.event import Event
from console.model.store import OVERFLOW

Name = Tuple[Optional[str], Optional[str]]  # (facility, event)


def name_of(ev: Event) -> Optional[Name]:
    """The name a mute applies to; None for a line with no event token."""
    return (ev.facility, ev.event) if ev.parsed else None


class Acks:
    def __init__(self, alerting: Iterable[str], notifying: Iterable[str]) -> None:
        self._alerting = frozenset(alerting)
        self._notifying = frozenset(notifying)
        self._acked: Set[int] = set()  # seq of acknowledged held events
        self.muted: Set[Name] = set()
        self.unacked = 0  # held events that count: alerting, not acknowledged, not muted

    # -- what the counts follow -------------------------------------------------------------
    def counts(self, ev: Event) -> bool:
        """True when `ev` is an alert still waiting for the operator."""
        return self.counts_key(ev.sev.name, ev.seq, name_of(ev))

    def counts_key(self, severity: str, seq: int, name: Optional[Name]) -> bool:
        """counts() for a held row read without building its Event."""
        return severity in self._alerting and seq not in self._acked and name not in self.muted

    def alerting(self, severity: str) -> bool:
        return severity in self._alerting

    def notifies(self, ev: Event) -> bool:
        return ev.sev.name in self._notifying and name_of(ev) not in self.muted

    def arrived(self, ev: Event) -> None:
        if ev.sev.name in self._alerting:  # most lines are not alerts: no more work for them
            self.unacked += self.counts(ev)

    def replaced(self, old: Event, new: Event) -> None:
        """`new` took the place (and seq) of `old`."""
        self.unacked += self.counts(new) - self.counts(old)

    def dropped(self, severity: str, seq: int, name: Optional[Name]) -> None:
        """The held row `seq` went (the history's cap)."""
        self.unacked -= self.counts_key(severity, seq, name)
        self._acked.discard(seq)

    # -- the operator -----------------------------------------------------------------------
    def is_acked(self, ev: Event) -> bool:
        return ev.seq in self._acked

    def ack(self, ev: Event) -> int:
        """1 when `ev` became acknowledged, 0 when it was already."""
        return self.ack_key(ev.sev.name, ev.seq, name_of(ev))

    def ack_key(self, severity: str, seq: int, name: Optional[Name]) -> int:
        if seq in self._acked:
            return 0
        self.unacked -= self.counts_key(severity, seq, name)
        self._acked.add(seq)
        return 1

    def unack(self, ev: Event) -> int:
        """1 when `ev` is no longer acknowledged, 0 when it was not."""
        return self.unack_key(ev.sev.name, ev.seq, name_of(ev))

    def unack_key(self, severity: str, seq: int, name: Optional[Name]) -> int:
        if seq not in self._acked:
            return 0
        self._acked.discard(seq)
        self.unacked += self.counts_key(severity, seq, name)
        return 1

    def toggle_mute(self, ev: Event, held: Iterable[Tuple[str, int, Optional[Name]]]) -> Optional[bool]:
        """Mutes `ev`'s name, or unmutes it when it is muted; True when muted now, None for a line
        with no name. The count of unacknowledged alerts is taken again over `held`'s
        (severity, seq, name) keys."""
        name = name_of(ev)
        if name is None:
            return None
        if name in self.muted:
            self.muted.discard(name)
        else:
            self.muted.add(name)
        self.recount(held)
        return name in self.muted

    def recount(self, held: Iterable[Tuple[str, int, Optional[Name]]]) -> None:
        counts = self.counts_key
        self.unacked = sum(1 for key in held if counts(*key))

    def pending_filter(self) -> "Acks":
        """For a view of the alerts still waiting (console.model.filters.Filter.pending)."""
        return self


class AckChoices:
    """The operator's acknowledgements and mutes over the held events, mixed into
    console.model.events.EventModel (which has `acks`, `store`, `held_keys`, and `_held_now`)."""

    def toggle_ack(self, ev: Event) -> bool:
        """Acknowledges `ev`, or takes its acknowledgement back; True when acknowledged now."""
        if self._held_now(ev) and not self.acks.unack(ev):
            self.acks.ack(ev)
        return self.acks.is_acked(ev)

    def similar_keys(self, ev: Event) -> list:
        """(severity, seq, name) of the held events with the same facility and name (or, unparsed,
        the same severity), read from the store's columns: no event built (1M held: milliseconds)."""
        store = self.store
        sevs, name_of = store.severities, store.name_of_row
        rows = store.rows(store.first, store.last + 1)
        if ev.parsed:
            key = (ev.facility, ev.event)
            ids = store.name_ids([key])
            return [(sevs[s].name, seq, key) for seq, s, n in rows
                    if n in ids and (n != OVERFLOW or name_of(seq, n) == key)]
        sev = store.severity_ids([ev.sev.name])
        return [(sevs[s].name, seq, None) for seq, s, n in rows if n == 0 and s in sev]

    def similar(self, ev: Event) -> list[Event]:
        """Held events with the same facility and name (or, unparsed, the same severity)."""
        return [self.store.event(seq) for _sev, seq, _name in self.similar_keys(ev)]

    def ack_similar(self, ev: Event) -> int:
        """Acknowledges every similar held event; how many were not acknowledged before."""
        return sum(self.acks.ack_key(*key) for key in self.similar_keys(ev))

    def toggle_ack_similar(self, ev: Event) -> int:
        """Like ack_similar; when all were acknowledged already, takes that back: minus how many."""
        keys = self.similar_keys(ev)
        n = sum(self.acks.ack_key(*key) for key in keys)
        return n if n else -sum(self.acks.unack_key(*key) for key in keys)

    def toggle_mute(self, ev: Event) -> bool | None:
        """Mutes (or unmutes) `ev`'s name: see console.model.acks. None for an unparsed line."""
        return self.acks.toggle_mute(ev, self.held_keys())

    def is_muted(self, ev: Event) -> bool:
        return name_of(ev) in self.acks.muted
