"""Which events a filter keeps, for the shell (decode, stats) by the console's own filter rules.

The rules are those of console.model.events.Filter: a set of severity names, event names as
(facility, name), a value that is the host, one of the parameters or the caller (the console's
"only this caller/host"), and the `/` text filter on the raw line (console.model.textfilter, with its regex
cost check). Time bounds come from console.model.timespec: [since, until), compared as instants
(naive event times are local); an event with no time is outside any time bound.

Bad values raise QueryError naming the option (`option`) and what is wrong, on one line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Optional

from console.catalog.catalog import Catalog
from console.decode.event import Event
from console.model.caller import caller_of
from console.model.textfilter import TextFilter, compile_filter
from console.model.timespec import TimeSpecError, instant, parse_time_spec
from console.tail.remote.spec import host_of


class QueryError(ValueError):
    """A filter value that cannot be used; `option` is the filter's name (severity, event...)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class Query:
    severities: Optional[frozenset] = None   # severity names; None: every severity
    events: Optional[frozenset] = None       # (facility, name) pairs; None: every event
    value: Optional[str] = None              # the host or a parameter is this (console: only_value)
    since: Optional[float] = None            # instant(): at or after
    until: Optional[float] = None            # instant(): before
    text: Optional[TextFilter] = None        # the `/` filter on the raw line

    @property
    def empty(self) -> bool:
        """Keeps every event: the commands keep their fast paths."""
        return self == Query()

    @property
    def needs_line(self) -> bool:
        """True when the answer depends on the whole line (its time or its text), not only on what
        the event says (severity, name, host, parameters)."""
        return self.since is not None or self.until is not None or self.text is not None

    def matches(self, ev: Event) -> bool:
        if self.severities is not None and ev.sev.name not in self.severities:
            return False
        if self.events is not None and (ev.facility, ev.event) not in self.events:
            return False
        value = self.value
        if value is not None and (value not in ev.raw and host_of(ev.source) != value  # a remote log's host
                                  or ev.host != value and value not in ev.params.values()
                                  and caller_of(ev) != value):
            return False
        if self.since is not None or self.until is not None:
            when = ev.time
            if when is None:
                return False
            at = instant(when)
            if self.since is not None and at < self.since:
                return False
            if self.until is not None and at >= self.until:
                return False
        return self.text is None or self.text.matches(ev.raw)


def build_query(catalog: Catalog, *, severity: Iterable[str] = (), event: Iterable[str] = (),
                host: Optional[str] = None, since: Optional[str] = None, until: Optional[str] = None,
                grep: Optional[str] = None, now: Optional[datetime] = None) -> Query:
    """The Query for the shell's filter options (each None or empty when not given)."""
    now = now or datetime.now()
    severities = _union(severity_names(catalog, s) for s in severity)
    events = _union(event_keys(catalog, e) for e in event)
    if host is not None and not host.strip():
        raise QueryError("host", "empty name")
    start = _instant("since", since, now)
    end = _instant("until", until, now)
    if start is not None and end is not None and end <= start:
        raise QueryError("until", f"{until!r} is not after --since {since!r}: nothing could match")
    text = None
    if grep is not None:
        if not grep:
            raise QueryError("grep", "empty pattern")
        text = compile_filter(grep)
    return Query(severities, events, host, start, end, text)


def severity_names(catalog: Catalog, text: str) -> frozenset:
    """LEVEL: that severity; LEVEL+: it and every more severe one. A name or a letter, any case."""
    spec = text.strip()
    more = spec.endswith("+")
    key = spec[:-1].strip().lower() if more else spec.lower()
    found = next((s for s in catalog.severities
                  if s.name.lower() == key or (s.letter.lower() == key and not s.unknown)), None)
    if found is None:
        names = ", ".join(s.name for s in catalog.severities)
        raise QueryError("severity", f"no severity {spec!r} (the catalogue has {names};"
                                     " LEVEL+ for it and more severe)")
    if not more:
        return frozenset([found.name])
    return frozenset(s.name for s in catalog.severities if s.rank <= found.rank)


def event_keys(catalog: Catalog, text: str) -> frozenset:
    """Name, FACILITY-Name or L-FACILITY-Name (catalog.find), any case: every (facility, name) it
    stands for. An unknown name is an error that lists the near ones."""
    spec = text.strip()
    found = catalog.find(spec) if spec else []
    if found and not spec.isdigit():
        return frozenset((e.facility, e.name) for e in found)
    names = sorted({e.name for e in catalog.events.values()})
    near = difflib.get_close_matches(spec.split("-")[-1], names, n=4, cutoff=0.6)
    if not near:
        lowered = {n.lower(): n for n in names}
        near = [lowered[n] for n in difflib.get_close_matches(spec.split("-")[-1].lower(), lowered, n=4)]
    hint = f"did you mean {', '.join(near)}?" if near else "`smtp-console catalog` lists them"
    raise QueryError("event", f"no event named {spec!r} in the catalogue ({hint})")


def _instant(option: str, text: Optional[str], now: datetime) -> Optional[float]:
    if text is None:
        return None
    try:
        return instant(parse_time_spec(text, now))
    except TimeSpecError as exc:
        raise QueryError(option, str(exc)) from None


def _union(sets) -> Optional[frozenset]:
    out = None
    for s in sets:
        out = s if out is None else out | s
    return out
