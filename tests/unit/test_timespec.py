"""console.model.timespec: the times typed at `:` and given to --since/--until."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.catalog.timestamps import parse_time
from console.model.timespec import TimeSpecError, instant, parse_time_spec

NOW = datetime(2026, 11, 24, 10, 15, 3, 123000)
UTC_NOW = datetime(2026, 11, 24, 10, 15, 3, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, expected", [
    ("10:00", datetime(2026, 11, 24, 10, 0)),
    ("10:15:03", datetime(2026, 11, 24, 10, 15, 3)),        # at or before now: today
    ("9:30", datetime(2026, 11, 24, 9, 30)),
    ("10:16", datetime(2026, 11, 23, 10, 16)),              # later than now today: yesterday's
    ("23:59:59", datetime(2026, 11, 23, 23, 59, 59)),
    ("00:00", datetime(2026, 11, 24, 0, 0)),
    ("2026-11-20 08:00", datetime(2026, 11, 20, 8, 0)),
    ("2026-11-20T08:00:30", datetime(2026, 11, 20, 8, 0, 30)),
    ("2026-12-25 08:00", datetime(2026, 12, 25, 8, 0)),     # a date may be after now
    ("-30s", NOW - timedelta(seconds=30)),
    ("-15m", NOW - timedelta(minutes=15)),
    ("-2h", NOW - timedelta(hours=2)),
    ("-1d", NOW - timedelta(days=1)),
    ("  -15M ", NOW - timedelta(minutes=15)),
])
def test_the_forms(text, expected):
    assert parse_time_spec(text, NOW) == expected


def test_the_result_has_nows_zone():
    assert parse_time_spec("10:00", UTC_NOW) == datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
    assert parse_time_spec("2026-11-20 08:00", UTC_NOW).tzinfo is timezone.utc
    assert parse_time_spec("-1h", UTC_NOW) == UTC_NOW - timedelta(hours=1)
    assert parse_time_spec("10:00", NOW).tzinfo is None


@pytest.mark.parametrize("text, says", [
    ("", "no time given"),
    ("   ", "no time given"),
    ("yesterday", "not a time"),
    ("15m", "-15m"),                  # the hint: a time before now has a minus
    ("-15y", "not a time"),
    ("25:00", "hour"),
    ("10:60", "minutes"),
    ("10:00:61", "seconds"),
    ("2026-02-30 10:00", "no such date"),
    ("2026-13-01 10:00", "no such date"),
    ("2026-11-20", "not a time"),
    ("-999999999d", "too far back"),
    ("10:00\x1b[2J", "not a time"),
])
def test_bad_text_says_what_is_wrong(text, says):
    with pytest.raises(TimeSpecError) as info:
        parse_time_spec(text, NOW)
    message = str(info.value)
    assert says in message
    assert "\n" not in message and "\x1b" not in message
    assert isinstance(info.value, ValueError)


def test_a_spec_compares_with_naive_and_aware_event_times():
    """Naive times are local: a UTC spec and a naive local event time compare through instant()."""
    naive_event = parse_time("2026-11-24 10:15:03.123", "iso")
    aware_event = parse_time("2026-11-24T10:15:03.123456+00:00", "iso")
    assert naive_event.tzinfo is None and aware_event.tzinfo is not None
    local_now = datetime.now().astimezone()
    spec = parse_time_spec("-1h", local_now)
    for event in (naive_event, aware_event):
        assert (instant(event) >= instant(spec)) == (event.astimezone() >= spec)
    assert instant(naive_event) == naive_event.astimezone().timestamp()


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2090, 1, 1)),
       st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
def test_a_clock_time_is_the_latest_at_or_before_now(now, h, m, s):
    got = parse_time_spec(f"{h:02d}:{m:02d}:{s:02d}", now)
    assert (got.hour, got.minute, got.second, got.microsecond) == (h, m, s, 0)
    assert got <= now
    assert got + timedelta(days=1) > now


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),
       st.integers(0, 100000), st.sampled_from("smhd"))
def test_a_relative_time_is_that_long_before_now(now, n, unit):
    got = parse_time_spec(f"-{n}{unit}", now)
    seconds = n * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    assert now - got == timedelta(seconds=seconds)


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),
       st.booleans(), st.booleans())
def test_a_dated_time_reads_back(when, with_t, with_seconds):
    when = when.replace(microsecond=0, second=when.second if with_seconds else 0)
    text = when.strftime("%Y-%m-%d" + ("T" if with_t else " ") + ("%H:%M:%S" if with_seconds else "%H:%M"))
    assert parse_time_spec(text, NOW) == when


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_any_text_gives_a_time_or_a_time_spec_error(text):
    try:
        got = parse_time_spec(text, NOW)
    except TimeSpecError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(got, datetime)
