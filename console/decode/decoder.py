"""Turns one log line (bytes) into an Event: layouts first, then the generic token rule."""

from __future__ import annotations

import sys

from console.catalog.catalog import Catalog, EventDef
from console.decode.event import Event
from console.catalog.timestamps import sort_text
from console.tail.remote.spec import host_of


def _intern(text: str) -> str:
    """Names repeat on every line: one shared copy keeps 100,000 held events small."""
    return sys.intern(text) if len(text) <= 64 else text


def _pid(text: str | None) -> int | None:
    """Site layouts may capture anything as a pid: only a plain number becomes one."""
    if text and len(text) < 19 and text.isascii() and text.isdigit():
        return int(text)
    return None


class Decoder:
    """Holds per-catalogue look-up caches; one per catalogue, reused for every line."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._layouts = list(catalog.layouts)
        self._token = catalog.generic.token
        self._stamps = catalog.generic.timestamps
        self._entries: dict[tuple[str, str], EventDef | None] = {}
        self._letters = {s.letter: s for s in catalog.severities if not s.unknown}
        self._unknown = catalog.unknown
        self._hosts: dict[str, str | None] = {}  # source -> the host a remote log is on

    @property
    def cached_names(self) -> int:
        """How many event names the catalogue look-up remembers: at most 10,000, whatever a log invents."""
        return len(self._entries)

    def decode(self, data: bytes, source: str = "", line: int = 0, *, cut: bool = False) -> Event:
        if data.endswith(b"\n"):
            data = data[:-1]
        if data.endswith(b"\r"):
            data = data[:-1]
        text = data.decode("utf-8", "replace")
        return self.decode_text(text, source, line, cut=cut)

    def decode_text(self, text: str, source: str = "", line: int = 0, *, cut: bool = False) -> Event:
        for layout in self._layouts:  # in catalogue order: the first that matches wins
            m = layout.regex.match(text)
            if m is None:
                continue
            groups = m.groupdict()
            letter, facility, name = groups["letter"], _intern(groups["facility"]), _intern(groups["event"])
            pid = groups.get("pid")
            start, end = m.span("message")
            message = start if end == len(text) and start >= 0 else (groups["message"] or "")
            program, host = groups.get("program"), groups.get("host")
            return Event(text, source, line, cut=cut, timestamp=groups.get("timestamp"),
                         time_kind=layout.time, host=_intern(host) if host else self._host(source),
                         program=program and _intern(program), pid=_pid(pid),
                         letter=letter, facility=facility, event=name,
                         message=message, sev=self._letters.get(letter, self._unknown),
                         entry=self._entry(facility, name), layout=layout.name)
        return self._generic(text, source, line, cut)

    def _host(self, source: str) -> str | None:
        """A line that names no host is from the host its log is on: a remote log's (host:PATH)."""
        try:
            return self._hosts[source]
        except KeyError:
            host = host_of(source)
            if len(self._hosts) < 10_000:
                self._hosts[source] = host and _intern(host)
            return host

    def _entry(self, facility: str, name: str) -> EventDef | None:
        key = (facility, name)
        try:
            return self._entries[key]
        except KeyError:
            entry = self.catalog.lookup(facility, name)
            if len(self._entries) < 10_000:  # hostile logs may invent endless names
                self._entries[key] = entry
            return entry

    def _generic(self, text: str, source: str, line: int, cut: bool) -> Event:
        """Any line with the token anywhere; no token at all is kept as an unparsed event."""
        timestamp = kind = None
        for rule in self._stamps:
            m = rule.regex.search(text)
            if m:
                timestamp, kind = m.group(0), rule.time
                break
        m = self._token.search(text)
        if m is None:
            return Event(text, source, line, cut=cut, timestamp=timestamp, time_kind=kind,
                         message=0, sev=self._unknown, host=self._host(source))
        letter, facility, name = m.group("letter", "facility", "event")
        facility, name = _intern(facility), _intern(name)
        rest = m.end()
        if text.startswith(":", rest):
            rest += 1
        if text.startswith(" ", rest):
            rest += 1
        return Event(text, source, line, cut=cut, timestamp=timestamp, time_kind=kind, host=self._host(source),
                     letter=letter, facility=facility, event=name, message=rest,
                     sev=self._letters.get(letter, self._unknown),
                     entry=self._entry(facility, name), layout="generic")

    def sort_key(self, data: bytes) -> str | None:
        """Orders backfill lines from several files by time: the stamp decode() would find, without
        building the event (a day of logs is millions of lines, each keyed as they merge)."""
        if data.endswith(b"\n"):
            data = data[:-1]
        if data.endswith(b"\r"):
            data = data[:-1]
        text = data.decode("utf-8", "replace")
        for layout in self._layouts:
            m = layout.regex.match(text)
            if m is not None:
                stamp = m.group("timestamp") if "timestamp" in layout.regex.groupindex else None
                return sort_text(stamp, layout.time)
        for rule in self._stamps:
            m = rule.regex.search(text)
            if m:
                return sort_text(m.group(0), rule.time)
        return None
