"""How much of the logs the history holds, said plainly: "the newest 1,000 of 242,083 lines", and
which option holds more. The lines before the history of each file are known from the line number
of its first event (absolute once counted, console.tail.renumber); older rotated files never read
are not counted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, Optional, Set

from console.decode.event import Event
from console.model.events import EventModel


@dataclass(frozen=True)
class Coverage:
    held: int              # events the history holds
    lines: Optional[int]   # lines of the logs read or skipped at start; None: not known (yet)
    hold_more: str         # the option that would hold more
    counting: bool = False  # lines is None because the lines before a history are being counted

    @property
    def complete(self) -> bool:
        """The history holds every line of the logs it read (and skipped none)."""
        return self.lines is not None and self.lines <= self.held

    def text(self) -> str:
        """Short, for a status bar; empty when the history holds everything."""
        if self.complete:
            return ""
        if self.lines is None:
            why = "counting the log…" if self.counting else "the lines before could not be counted"
            return f"history: newest {self.held:,} lines ({why})"
        return f"history: newest {self.held:,} of {self.lines:,} lines ({self.hold_more} for more)"


class CoverageMeter:
    """Watches the events taken in: the first of each file tells how many lines came before it."""

    def __init__(self, model: EventModel) -> None:
        self.model = model
        self._firsts: Dict[str, Event] = {}
        self._uncounted: Set[int] = set()  # numberings whose count failed (console.tail.contract.Renumbered)

    def saw(self, events: Iterable[Event]) -> None:
        firsts = self._firsts
        for ev in events:
            if ev.source not in firsts:
                firsts[ev.source] = ev

    def renumber(self, token: int, offset: int) -> None:
        """The count came (EventModel.renumber): the first events kept here take their absolute line
        too (the model renumbers only the events it holds and has built lately)."""
        for ev in self._firsts.values():
            if ev.numbering == token:
                ev.renumber(offset)

    def uncounted(self, numbering: int) -> None:
        """The lines before the history numbered `numbering` could not be counted."""
        self._uncounted.add(numbering)

    def coverage(self) -> Coverage:
        model = self.model
        skipped: Optional[int] = 0
        counting = False
        for ev in self._firsts.values():
            if not ev.line_exact:
                skipped = None
                counting = counting or ev.numbering not in self._uncounted
                continue
            if skipped is not None:
                skipped += max(0, ev.line - 1)
        if model.dropped:
            more = "--history-bytes SIZE" if model.dropped_for_bytes else "--history N"
        else:
            more = "-n N"
        lines = None if skipped is None else skipped + model.total
        return Coverage(len(model.held), lines, more, counting)
