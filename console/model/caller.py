"""Which value ties one connection's events together: the caller's address, else the host.

A message with text after its template (a newer M-Switch adding a word) has no parameters; its
caller is still found when the template's start fits it and the value there is an address as a
whole: the address regex is the safety, nothing is guessed from free text."""

from __future__ import annotations

import re
from typing import Iterable, Iterator, Optional

from console.catalog.template import Template
from console.decode.event import Event

# an IPv4 address or an IPv6 one (bracketed or not), with or without a port
ADDRESS = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+\]?)(?::\d+)?$")


def _address(values: Iterable[str]) -> Optional[str]:
    return next((v for v in values if ADDRESS.match(v.strip())), None)


def prefix_values(template: Template, message: str) -> Optional[list]:
    """The values of a template whose start fits `message`, text after it allowed: each placeholder
    up to the next literal text; a last placeholder with nothing after it, up to the first space.
    None when the template's literal text is not found in order (or repeats a placeholder)."""
    if len(set(template.numbers)) != len(template.numbers) or not template.numbers:
        return None
    lits = template.literals
    if not message.startswith(lits[0]):
        return None
    pos, values = len(lits[0]), []
    for lit in lits[1:]:
        end = message.find(lit, pos) if lit else len(message)
        if end < 0:
            return None
        value = message[pos:end]
        values.append(value if lit else value.split(" ", 1)[0])
        pos = end + len(lit)
    return values


def _prefix_values(ev: Event) -> Iterator[str]:
    message = ev.message
    for template in ev.entry.templates:
        yield from prefix_values(template, message) or ()


def caller_of(ev: Event) -> Optional[str]:
    """The first parameter that looks like an address (as it stands in the line); else, for a message
    with text after its template, the address where the template's start puts one; else the
    event's host; None when there is none of these."""
    found = _address(ev.params.values())
    if found is None and ev.params_split is not None:  # text after the template, or in its last value
        found = _address(_prefix_values(ev))
    return found or ev.host or None


def why_no_caller(ev: Event) -> str:
    """Said to the operator when caller_of(ev) is None: why this line gives nothing to filter on."""
    if not ev.parsed:
        return "No caller: this line has no event name, so its parameters are unknown."
    name = ev.full_name
    if ev.entry is None:
        return f"No caller: {name} is not in the catalogue, and the line names no host."
    if ev.params_split is None:
        return f"No caller: the catalogue lists no parameters for {name}, and the line names no host."
    if ev.params_split is False:
        return (f"No caller: the message does not fit {name}'s template, and no address stands"
                " where it puts one; the line names no host.")
    return f"No caller: {name} names no address, and the line names no host."
