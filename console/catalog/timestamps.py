"""Turns the timestamp text a layout captured into a datetime, only when someone asks."""

from __future__ import annotations

from datetime import datetime

from console.compat import fromisoformat

_MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}

TIME_KINDS = ("iso", "syslog")


def parse_time(text: str | None, kind: str | None, *, now: datetime | None = None) -> datetime | None:
    """Out-of-range or malformed times give None: a bad timestamp never loses the line."""
    if not text:
        return None
    try:
        if kind == "iso":
            return fromisoformat(text.replace(",", "."))
        if kind == "syslog":
            return _syslog(text, now)
    except (ValueError, OverflowError):
        return None
    return None


def _syslog(text: str, now: datetime | None) -> datetime | None:
    """RFC 3164 stamps have no year: take this year, or last year if that would be in the future."""
    month = _MONTHS.get(text[:3])
    if month is None:
        return None
    day = int(text[4:6])
    hh, mm, ss = (int(x) for x in text[7:15].split(":"))
    now = now or datetime.now()
    stamp = datetime(now.year, month, day, hh, mm, ss)
    if (stamp - now).days > 1:
        stamp = stamp.replace(year=now.year - 1)
    return stamp


def sort_text(text: str | None, kind: str | None) -> str | None:
    """A cheap key that orders timestamps of one kind without building a datetime."""
    if not text:
        return None
    if kind == "iso":
        return text[:10] + " " + text[11:]
    parsed = parse_time(text, kind)
    return parsed.isoformat(sep=" ") if parsed else None
