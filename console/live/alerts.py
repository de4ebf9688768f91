"""The alert line: instead of a pop-up per critical or fatal event, one line that says the newest
one, how many identical ones came in a row (merged), and how many alerts since the line was last
dismissed. Nothing here draws; console.ui.alert_line does."""

from __future__ import annotations

from typing import Callable, Optional, Sequence, Tuple

from console.decode.event import Event


def _same(a: Event, b: Event) -> bool:
    """Identical for the operator: same severity, name and message (time and pid aside)."""
    return (a.sev.name, a.facility, a.event, a.message) == (b.sev.name, b.facility, b.event, b.message)


MIN_MESSAGE = 16  # cells of the message worth keeping before the count and the keys give way


def cut_at_word(text: str, cells: int, measure: Callable[[str], int] = len) -> str:
    """`text` in at most `cells` cells, cut after a whole word where one ends near the cut, with an
    ellipsis: "BURL fetch…" rather than "BURL fet"."""
    if measure(text) <= cells:
        return text
    if cells <= 1:
        return "…"[:cells]
    out = text[:cells - 1]
    while out and measure(out) > cells - 1:
        out = out[:-1]
    space = out.rstrip().rfind(" ")
    if 0 < space >= len(out) - 12:  # a word ends near the cut: no half word
        out = out[:space]
    return out.rstrip() + "…"


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

    def tails(self) -> Tuple[str, ...]:
        """The count at the end of the line, longest first: it gives way before the message does."""
        tail = self.tail()
        return (tail, f"{self.since} alerts", "") if tail else ("",)

    def fitted(self, width: int, hints: Sequence[str],
               measure: Callable[[str], int] = len) -> Tuple[str, str, str]:
        """(words, count, keys) for a line of `width` cells, joined by two spaces: what happened
        first, then the key to press (`hints`, longest first), the count and the message's end
        giving way, the message cut at a word with an ellipsis (log text not yet made safe)."""
        text = self.text()

        def room(tail: str, hint: str) -> int:
            return width - sum(measure(x) + 2 for x in (tail, hint) if x)

        tails = self.tails()
        want = min(measure(text), MIN_MESSAGE + measure(text.split(": ", 1)[0]))
        for hint in hints:
            for tail in tails:
                if room(tail, hint) >= want:
                    return cut_at_word(text, room(tail, hint), measure), tail, hint
        tail, hint = tails[-1], hints[-1]
        return cut_at_word(text, max(0, room(tail, hint)), measure), tail, hint
