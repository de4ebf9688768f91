"""The loaded catalogue: severities, events and line layouts, with the look-ups the decoder needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from console.catalog.template import Template
from console.compat import SLOTS


@dataclass(frozen=True, **SLOTS)
class Severity:
    """A severity as severities.yaml declares it. `key` and `mono` are what the site chose for a
    front end, kept here as plain strings beside the rest of the severity (one entry per severity, in
    one file, for the shipped ones and a site's alike). Outside console.ui only the loader checks them
    (their form, a key used once); the UI decides what they mean (console.ui.keys binds `key`,
    console.ui.severity_styles styles with `mono`)."""

    name: str
    letter: str
    rank: int
    key: str               # the key a console offers to show or hide it ("" for none)
    meaning: str
    operator: str
    unknown: bool = False
    alert: bool = False    # counted until acknowledged
    notify: bool = False   # a new one raises a notification
    mono: str = ""         # style words without colour (NO_COLOR): bold, reverse, underline...


@dataclass(frozen=True, **SLOTS)
class EventDef:
    facility: str
    name: str
    id: int
    severity: str
    description: str
    action: str
    parameters: tuple[str, ...]
    templates: tuple[Template, ...]
    release: str
    file: str

    def split(self, message: str) -> dict[str, str] | None:
        """Parameters by catalogue name, or None when no template fits the message."""
        for template in self.templates:
            values = template.split(message)
            if values is not None:
                return {self.parameters[n - 1]: v for n, v in values.items()}
        return None


@dataclass(frozen=True, **SLOTS)
class Layout:
    name: str
    regex: re.Pattern[str]
    time: str
    description: str
    example: str
    file: str


@dataclass(frozen=True, **SLOTS)
class TimestampRule:
    time: str
    regex: re.Pattern[str]


@dataclass(frozen=True, **SLOTS)
class GenericRule:
    token: re.Pattern[str]
    timestamps: tuple[TimestampRule, ...]


@dataclass
class Catalog:
    severities: list[Severity]          # most severe first
    events: dict[tuple[str, str], EventDef]
    layouts: list[Layout]
    generic: GenericRule
    _by_name: dict[str, EventDef] = field(default_factory=dict, repr=False)
    _letters: dict[str, Severity] = field(default_factory=dict, repr=False)
    _names: dict[str, Severity] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.severities.sort(key=lambda s: s.rank)
        for ev in self.events.values():
            self._by_name.setdefault(ev.name, ev)
        self._letters = {s.letter: s for s in self.severities if not s.unknown}
        self._names = {s.name: s for s in self.severities}

    @property
    def unknown(self) -> Severity:
        for sev in self.severities:
            if sev.unknown:
                return sev
        return Severity("unknown", "?", 99, "u", "Not in the catalogue.", "Read the raw line.", True)

    def severity_for_letter(self, letter: str | None) -> Severity:
        if letter is None:
            return self.unknown
        return self._letters.get(letter) or self.unknown

    def severity(self, name: str) -> Severity:
        return self._names.get(name) or self.unknown

    def lookup(self, facility: str, name: str) -> EventDef | None:
        """By facility and name; a token whose facility differs still finds a catalogued name."""
        return self.events.get((facility, name)) or self._by_name.get(name)

    def find(self, name_or_id: str) -> list[EventDef]:
        """For `smtp-console catalog X`: an ID, a name, FACILITY-Name or L-FACILITY-Name, any case."""
        key = name_or_id.strip()
        if key.isascii() and key.isdigit():
            return [e for e in self.events.values() if e.id == int(key)]
        parts = key.split("-")
        name = parts[-1].lower()
        facility = parts[-2].lower() if len(parts) >= 2 else None
        return [e for e in self.events.values()
                if e.name.lower() == name and (facility is None or e.facility.lower() == facility)]
