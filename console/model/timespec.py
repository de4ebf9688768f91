"""The times an operator types: the console's `:` prompt and the shell's --since/--until share them.

Forms, read against a given `now` (so tests and the console agree on "now"):
  HH:MM[:SS]                        the latest such wall-clock time at or before `now`
  YYYY-MM-DD HH:MM[:SS]             that wall-clock time (a "T" may stand for the space)
  -30s  -15m  -2h  -1d              that long before `now`

The result has `now`'s tzinfo: naive when `now` is naive, aware in `now`'s zone otherwise.

The comparison rule (event times are naive or aware depending on the layout, see
console/catalog/timestamps.py): a naive time is local time, the zone of the machine reading the log
(TZ). `instant()` turns either kind into seconds since the epoch, so a spec and an event time compare
whatever their kinds; never compare the datetimes themselves (Python refuses naive against aware).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

FORMS = "HH:MM[:SS], YYYY-MM-DD HH:MM[:SS] or -30s/-15m/-2h/-1d"

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\Z", re.ASCII)
_DATED = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:T| +)(\d{1,2}):(\d{2})(?::(\d{2}))?\Z", re.ASCII)
_RELATIVE = re.compile(r"-\s*(\d{1,9})\s*([smhd])\Z", re.ASCII | re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class TimeSpecError(ValueError):
    """The text is not one of the forms; the message says what is wrong and which forms there are."""


def parse_time_spec(text: str, now: datetime) -> datetime:
    """The time `text` names, seen from `now`; TimeSpecError (a ValueError) for anything else."""
    spec = (text or "").strip()
    if not spec:
        raise TimeSpecError(f"no time given: expected {FORMS}")
    m = _RELATIVE.match(spec)
    if m:
        return _relative(spec, int(m.group(1)), m.group(2).lower(), now)
    m = _CLOCK.match(spec)
    if m:
        return _clock(spec, _hms(spec, m.group(1), m.group(2), m.group(3)), now)
    m = _DATED.match(spec)
    if m:
        clock = _hms(spec, m.group(4), m.group(5), m.group(6))
        try:
            day = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise TimeSpecError(f"{spec!r}: no such date") from None
        return datetime.combine(day.date(), clock, tzinfo=now.tzinfo)
    raise TimeSpecError(f"{_shown(spec)}: not a time; expected {FORMS}{_hint(spec)}")


def instant(when: datetime) -> float:
    """Seconds since the epoch; a naive time is taken as local time (the rule above)."""
    try:
        return when.timestamp()
    except (OverflowError, ValueError, OSError):  # a stamp at the calendar's ends: log text says anything
        return float("-inf") if when.year < 1970 else float("inf")


def _relative(spec: str, count: int, unit: str, now: datetime) -> datetime:
    try:
        return now - timedelta(**{_UNITS[unit]: count})
    except (OverflowError, ValueError):
        raise TimeSpecError(f"{spec!r}: too far back") from None


def _clock(spec: str, clock: time, now: datetime) -> datetime:
    """Today's HH:MM if it is not after `now`, else yesterday's."""
    today = datetime.combine(now.date(), clock, tzinfo=now.tzinfo)
    if today <= now:  # both have now.tzinfo: they compare
        return today
    try:
        return datetime.combine(now.date() - timedelta(days=1), clock, tzinfo=now.tzinfo)
    except OverflowError:
        raise TimeSpecError(f"{spec!r}: before the first day there is") from None


def _hms(spec: str, hh: str, mm: str, ss: str | None) -> time:
    h, m, s = int(hh), int(mm), int(ss or 0)
    if h > 23:
        raise TimeSpecError(f"{spec!r}: the hour must be 00 to 23")
    if m > 59:
        raise TimeSpecError(f"{spec!r}: the minutes must be 00 to 59")
    if s > 59:
        raise TimeSpecError(f"{spec!r}: the seconds must be 00 to 59")
    return time(h, m, s)


def _hint(spec: str) -> str:
    if re.match(r"\d+\s*[smhd]\Z", spec, re.ASCII | re.IGNORECASE):
        return f" (a time before now has a minus: -{spec})"
    return ""


def _shown(spec: str) -> str:
    """The text quoted and cut short: it goes into a one-line message."""
    return repr(spec if len(spec) <= 40 else spec[:40] + "…")
