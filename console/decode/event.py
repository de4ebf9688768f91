"""A decoded event line. Cheap to build; time and parameters are worked out only when read."""

from __future__ import annotations

import sys
from datetime import datetime

from console.catalog.catalog import EventDef, Severity
from console.catalog.timestamps import parse_time

_UNSET = object()


class Event:
    """One line of a log, decoded as far as it goes. Every line becomes one, never an exception."""

    __slots__ = ("raw", "source", "line", "cut", "timestamp", "time_kind", "host", "program", "pid",
                 "letter", "facility", "event", "_message", "sev", "entry", "layout",
                 "_time", "_params", "seq", "partial", "completes", "numbering")

    def __init__(self, raw: str, source: str, line: int, *, cut: bool = False,
                 timestamp: str | None = None, time_kind: str | None = None,
                 host: str | None = None, program: str | None = None, pid: int | None = None,
                 letter: str | None = None, facility: str | None = None, event: str | None = None,
                 message: str | int = "", sev: Severity, entry: EventDef | None = None,
                 layout: str | None = None, partial: bool = False, completes: bool = False) -> None:
        self.raw = raw
        self.source = source
        self.line = line
        self.cut = cut
        self.timestamp = timestamp
        self.time_kind = time_kind
        self.host = host
        self.program = program
        self.pid = pid
        self.letter = letter
        self.facility = facility
        self.event = event
        self._message = message  # an int is where the message starts in raw: no second copy held
        self.sev = sev
        self.entry = entry
        self.layout = layout
        self._time = _UNSET
        self._params = _UNSET
        self.seq = 0
        # partial: the file's last line, shown before its newline came; completes: this event takes
        # the place of the partial one of the same source and line (see console/tail/contract.py RawLine)
        self.partial = partial
        self.completes = completes
        # numbering: 0 when `line` counts from the file's first line; else `line` counts from where
        # the history of a big file began to be read, until the count of the lines before it
        # corrects it (console.tail.contract.Renumbered; console.model.events applies it)
        self.numbering = 0

    # -- what the line says -------------------------------------------------------------
    @property
    def message(self) -> str:
        m = self._message
        return self.raw[m:] if type(m) is int else m

    @property
    def line_exact(self) -> bool:
        """False while `line` is provisional (the lines before the history are being counted)."""
        return not self.numbering

    @property
    def line_text(self) -> str:
        """The line number to show: "≈" before it while it is provisional."""
        return str(self.line) if not self.numbering else f"≈{self.line}"

    def renumber(self, offset: int) -> None:
        """The count came: `line` becomes the absolute line number."""
        self.line += offset
        self.numbering = 0

    @property
    def severity(self) -> str:
        return self.sev.name

    @property
    def parsed(self) -> bool:
        """False for a line with no event token at all."""
        return self.event is not None

    @property
    def full_name(self) -> str | None:
        """FACILITY-Event (MTA_SMTP-Connection), as the catalogue names it; None for an unparsed line."""
        return f"{self.facility}-{self.event}" if self.event is not None else None

    @property
    def known(self) -> bool:
        return self.entry is not None

    @property
    def time(self) -> datetime | None:
        if self._time is _UNSET:
            self._time = parse_time(self.timestamp, self.time_kind)
        return self._time

    def text_bytes(self) -> int:
        """Bytes of text held apart from `raw` beyond the few short fields every event has (a long
        host, program, timestamp or a message that is not the tail of the line): constant time."""
        n = 0
        for text in (self._message, self.timestamp, self.host, self.program):
            if type(text) is str and len(text) > 64:
                n += sys.getsizeof(text)
        return n

    # -- what the catalogue adds ----------------------------------------------------------
    @property
    def id(self) -> int | None:
        return self.entry.id if self.entry else None

    @property
    def description(self) -> str | None:
        return self.entry.description if self.entry else None

    @property
    def action(self) -> str | None:
        return self.entry.action if self.entry else None

    @property
    def params(self) -> dict[str, str]:
        """Parameters by catalogue name; empty when the message does not fit any template."""
        split = self._split()
        return split if split is not None else {}

    @property
    def params_split(self) -> bool | None:
        """True: split by a template; False: a template exists but the text does not fit;
        None: the catalogue documents no parameters to split."""
        if self.entry is None or not self.entry.templates:
            return None
        return self._split() is not None

    def _split(self) -> dict[str, str] | None:
        if self._params is _UNSET:
            self._params = self.entry.split(self.message) if self.entry and self.entry.templates else None
        return self._params

    def to_dict(self) -> dict:
        """The `decode --json` record: exactly these keys, in this order."""
        time = self.time
        return {
            "time": time.isoformat() if time else None,
            "host": self.host,
            "program": self.program,
            "pid": self.pid,
            "severity": self.severity,
            "letter": self.letter,
            "facility": self.facility,
            "event": self.event,
            "id": self.id,
            "description": self.description,
            "action": self.action,
            "params": self.params,
            "message": self.message,
            "source": self.source,
            "line": self.line,
            "raw": self.raw,
            "cut": self.cut,
        }

    def __repr__(self) -> str:
        return f"<Event {self.source}:{self.line} {self.letter}-{self.facility}-{self.event}>"
