"""The operator's filter choices over the held events: severities, text, one name, one caller or
host, pending alerts, and going back to an earlier filter. Mixed into
console.model.events.EventModel, which has `catalog`, `filter`, `acks` and `set_filter`."""

from __future__ import annotations

from dataclasses import replace

from console.decode.event import Event
from console.model.caller import caller_of
from console.model.filters import Filter
from console.model.textfilter import TextFilter, compile_filter

UNDO_DEPTH = 50  # filters remembered for going back (Backspace)


class FilterChoices:
    _undo: list

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

