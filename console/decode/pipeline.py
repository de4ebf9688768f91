"""Raw lines to events: how a batch from the tailing engine is decoded, for the live console and
for `decode --follow` alike.

A file's last line may come before its newline (RawLine.partial), and again, completed, later
(RawLine.completes): the console shows it early and replaces it in place (console.model.events), a printer
prints only whole lines, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, List

from console.decode.decoder import Decoder
from console.decode.event import Event
from console.tail.contract import Batch, RawLine, Renumbered


@dataclass
class EventBatch:
    """One batch, decoded: its events in file order, and whether it is history read at start."""

    events: List[Event] = field(default_factory=list)
    backfill: bool = False
    states_changed: bool = False  # some source's state changed (see LineSource.states())
    renumbered: List[Renumbered] = field(default_factory=list)  # for events of earlier batches


class BatchDecoder:
    """Decodes batches with one Decoder. whole_lines_only: leave out lines shown before their
    newline came; their completion (a whole line) is decoded when it comes."""

    def __init__(self, decoder: Decoder, *, whole_lines_only: bool = False) -> None:
        self.decoder = decoder
        self.whole_lines_only = whole_lines_only

    def events(self, lines: Iterable[RawLine]) -> List[Event]:
        decode = self.decoder.decode
        events = []
        for r in lines:
            if r.partial and self.whole_lines_only:
                continue
            ev = decode(r.data, r.source, r.lineno, cut=r.cut)
            if (r.partial or r.completes) and not self.whole_lines_only:  # a line shown early, or its rest
                ev.partial, ev.completes = r.partial, r.completes
            if r.numbering:  # numbered from where the history began until a count corrects it
                ev.numbering = r.numbering
            events.append(ev)
        return events

    def batch(self, batch: Batch) -> EventBatch:
        return EventBatch(self.events(batch.lines), batch.backfill, bool(batch.states), batch.renumbered)
