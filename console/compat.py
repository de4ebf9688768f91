"""The few things Python 3.9 and 3.10 lack that the code uses, in one place: the newer way where
the running Python has it, an equivalent otherwise (smtp-console runs on CPython 3.9 to 3.13)."""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

# dataclass(slots=True) is 3.10+: `@dataclass(frozen=True, **SLOTS)`. On 3.9 the class keeps a
# __dict__ (a little more memory per object, the same behaviour).
SLOTS: dict = {"slots": True} if sys.version_info >= (3, 10) else {}


def _possessive() -> bool:
    try:
        re.compile(r"a{1,2}+")
    except re.error:
        return False
    return True


# Possessive quantifiers and atomic groups are 3.11+.
POSSESSIVE = _possessive()

if sys.version_info >= (3, 10):
    from contextlib import aclosing
else:
    @asynccontextmanager
    async def aclosing(thing):
        """contextlib.aclosing (3.10+): awaits thing.aclose() on leaving the block."""
        try:
            yield thing
        finally:
            await thing.aclose()


def bisect_left_by(items: list, x, lo: int, key) -> int:
    """bisect_left(items, x, lo=lo, key=key): the key argument is 3.10+."""
    if sys.version_info >= (3, 10):
        return bisect_left(items, x, lo=lo, key=key)
    hi = len(items)
    while lo < hi:
        mid = (lo + hi) // 2
        if key(items[mid]) < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


# The ISO 8601 forms 3.11's datetime.fromisoformat reads that 3.9's does not: "Z", any number of
# fraction digits ("." or ","), offsets without a colon or without minutes, the basic format.
_ISO = re.compile(r"(\d{4})-?(\d\d)-?(\d\d)(?:.(\d\d)(?::?(\d\d)(?::?(\d\d)(?:[.,](\d+))?)?)?"
                  r"(Z|[+-]\d\d(?::?\d\d(?::?\d\d(?:\.\d{1,6})?)?)?)?)?\Z", re.ASCII)


def fromisoformat_39(text: str) -> datetime:
    """datetime.fromisoformat as 3.11 reads the forms a log writes, on any Python; ValueError else."""
    m = _ISO.match(text)
    if m is None:
        raise ValueError(f"Invalid isoformat string: {text!r}")
    year, month, day, hour, minute, second, frac, tz = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                    int(second or 0), micro, _offset(tz))


def _offset(tz: str | None) -> timezone | None:
    if not tz:
        return None
    if tz == "Z":
        return timezone.utc
    whole, _, frac = tz[1:].replace(":", "").partition(".")
    delta = timedelta(hours=int(whole[:2]), minutes=int(whole[2:4] or 0), seconds=int(whole[4:6] or 0),
                      microseconds=int(frac.ljust(6, "0")) if frac else 0)
    return timezone(-delta if tz[0] == "-" else delta)


fromisoformat = datetime.fromisoformat if sys.version_info >= (3, 11) else fromisoformat_39

__all__ = ["SLOTS", "POSSESSIVE", "aclosing", "bisect_left_by", "fromisoformat", "fromisoformat_39"]
