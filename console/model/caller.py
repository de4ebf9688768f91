"""Which value ties one connection's events together: the caller's address, else the host."""

from __future__ import annotations

import re
from typing import Optional

from console.decode.event import Event

# an IPv4 address or an IPv6 one (bracketed or not), with or without a port
ADDRESS = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+\]?)(?::\d+)?$")


def caller_of(ev: Event) -> Optional[str]:
    """The first parameter that looks like an address (as it stands in the line), else the event's
    host; None when there is neither."""
    found = next((v for v in ev.params.values() if ADDRESS.match(v.strip())), None)
    return found or ev.host or None
