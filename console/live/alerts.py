"""The alert line: instead of a pop-up per critical or fatal event, one line that says the newest
one, how many identical ones came in a row (merged), and how many alerts since the line was last
dismissed. Nothing here draws; console.ui.alert_line does."""

from __future__ import annotations

from typing import Optional

from console.decode.event import Event


def _same(a: Event, b: Event) -> bool:
    """Identical for the operator: same severity, name and message (time and pid aside)."""
    return (a.sev.name, a.facility, a.event, a.message) == (b.sev.name, b.facility, b.event, b.message)


class AlertState:
    def __init__(self) -> None:
        self.newest: Optional[Event] = None
        self.repeats = 0      # identical events in a row ending with the newest (1: just it)
        self.since = 0        # alerts since the line was last dismissed
        self.first: Optional[Event] = None  # the oldest of those
        self.enabled = True   # --no-notify: no line at all

    @property
    def showing(self) -> bool:
        return self.enabled and self.newest is not None

    def add(self, events: list[Event]) -> bool:
        """Alerts that arrived (in order); True when the line changed."""
        if not self.enabled or not events:
            return False
        for ev in events:
            if self.newest is not None and _same(self.newest, ev):
                self.repeats += 1
            else:
                self.repeats = 1
            if self.first is None:
                self.first = ev
            self.newest = ev
            self.since += 1
        return True

    def dismiss(self) -> bool:
        """The operator has seen it: the line goes until the next alert. False when none showed."""
        had = self.newest is not None
        self.newest, self.first, self.repeats, self.since = None, None, 0, 0
        return had

    def text(self) -> str:
        """The line's words (log text not yet made safe: the caller does)."""
        ev = self.newest
        if ev is None:
            return ""
        name = ev.event or "unparsed"
        when = ev.time.strftime("%H:%M:%S") if ev.time else ""
        words = f"{ev.sev.name.upper()} {when} {name}"
        if self.repeats > 1:
            words += f" ×{self.repeats}"
        words += f": {ev.message}"
        return words

    def tail(self) -> str:
        """How many since, for the end of the line."""
        if self.since <= self.repeats or self.first is None:
            return ""
        when = self.first.time.strftime("%H:%M:%S") if self.first.time else "dismissed"
        return f"{self.since} alerts since {when}"
