"""Which columns a row of the event list has at a given width: every column earns its width.

The time, the severity letter and the event name always show; the message gets the rest. The
facility prefix shows only when the events have more than one facility; the date only when the
events span more than one day, when there is room, or on the operator's key (`wide`); the host
when there is room, on that key, or (narrowed) whenever the events come from several hosts; the
program[pid] only when there is room or on that key. Plain numbers in, plain numbers out: the list
(console.ui.event_list) draws."""

from __future__ import annotations

from dataclasses import dataclass

TIME = 12           # HH:MM:SS.mmm
FIXED = TIME + 3    # the time, a space, the letter, a space
ISO_DATE = 11       # "2026-12-02 "
SHORT_DATE = 7      # "Dec 02 "
ROOM_FOR_DATE = 140
ROOM_FOR_PROGRAM = 120
ROOM_FOR_HOST = 100
MIN_NAME = 10
MAX_HOST = 24
NARROW_HOST = 8     # several hosts in a narrow terminal: which one still shows ("mail1", "mx-lond…")


@dataclass(frozen=True)
class Columns:
    date: str = ""         # "", "short" (Dec 02) or "iso" (2026-12-02)
    prefix: bool = False   # the facility before the event name
    name: int = MIN_NAME   # cells for the name
    host: int = 0          # 0: not shown
    program: int = 0       # 0: not shown

    def message_at(self) -> int:
        """The cell where the message starts."""
        date = {"": 0, "short": SHORT_DATE, "iso": ISO_DATE}[self.date]
        return (date + FIXED + self.name + 1 + (self.host + 1 if self.host else 0)
                + (self.program + 1 if self.program else 0))


def choose(width: int, *, facilities: int, days: int, name: int, full_name: int, host: int,
           program: int, wide: bool = False, hosts: int = 0) -> Columns:
    """name/full_name/host/program: the widest seen (cells); facilities/days/hosts: how many seen."""
    prefix = facilities > 1
    want = max(MIN_NAME, full_name if prefix else name)
    if width < ROOM_FOR_PROGRAM and not wide:
        want = min(want, max(MIN_NAME, width // 5))
    if wide or width >= ROOM_FOR_DATE:
        date = "iso"
    elif days > 1:
        date = "short"
    else:
        date = ""
    show_host = host and (wide or width >= ROOM_FOR_HOST)
    host_cells = min(host, MAX_HOST) if show_host else (min(host, NARROW_HOST) if hosts > 1 else 0)
    show_program = program and (wide or width >= ROOM_FOR_PROGRAM)
    return Columns(date, prefix, want, host_cells, program if show_program else 0)
