"""The summary tables (console.live.summary), the header's alert trend (console.live.trend) and
finding a time in the list (console.live.goto), over a real EventModel."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from console.live.facts import fact_of, wall_seconds
from console.live.goto import find_time, newest_time
from console.live.summary import SummaryJob
from console.live.trend import BARS, AlertTrend, sparkline
from console.model.events import EventModel

T0 = datetime(2026, 11, 24, 9, 0, 0)


def line(letter: str, name: str, when: datetime, message: str = "x") -> str:
    return f"{when:%Y-%m-%d %H:%M:%S}.000 smtpsrvr[1] {letter}-MTA_SMTP-{name}: {message}"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def conn(ip: str, when: datetime) -> str:
    return line("N", "Connection", when, f"connection from {ip}:25 (mx.example.org)")


def test_summary_counts_problems_first_with_worst_and_first_last_seen(catalog, decode):
    model = EventModel(catalog)
    model.add(decode([conn("192.0.2.1", at(0)), line("E", "Error", at(5), "boom"),
                      conn("192.0.2.2", at(10)), conn("192.0.2.2", at(20)), line("F", "DiskFull", at(30)),
                      "garbage line with no event token"]))
    job = SummaryJob(model)
    assert job.step(None)
    s = job.summary
    assert s.total == 6 and s.untimed == 1
    sev = s.rows("severity")
    assert [r.key for r in sev] == [n.name for n in catalog.severities if n.name in {"fatal", "error", "notice", "unknown"}]
    notice = next(r for r in sev if r.key == "notice")
    assert notice.count == 3 and notice.first == wall_seconds(at(0)) and notice.last == wall_seconds(at(20))
    events = s.rows("event")
    assert events[0].label == "MTA_SMTP-DiskFull" and events[0].worst == "fatal"
    assert events[-1].label == "(unparsed)" and events[-1].key is None
    conns = next(r for r in events if r.label == "MTA_SMTP-Connection")
    assert conns.count == 3 and conns.key == ("MTA_SMTP", "Connection")
    callers = s.rows("caller")
    top = [r for r in callers if r.key.startswith("192.0.2.")]
    assert [(r.key, r.count) for r in top] == [("192.0.2.2:25", 2), ("192.0.2.1:25", 1)]
    assert s.span() == (wall_seconds(at(0)), wall_seconds(at(30)))


def test_summary_of_a_large_view_in_slices_counts_each_once(catalog, decode):
    model = EventModel(catalog, history=3000)
    model.add(decode([conn(f"192.0.2.{i % 7}", at(i)) for i in range(3000)]))
    job = SummaryJob(model)
    steps = 0
    while not job.step(0.0):
        steps += 1
        if steps == 3:  # the model drops the oldest meanwhile and takes in newer ones
            model.add(decode([conn("198.51.100.1", at(4000))] * 100, first=3001))
    assert steps > 3
    rows = job.summary.rows("event")
    # what was held when the job started and is still held: 3000 - 100 dropped, at most
    assert 2900 <= rows[0].count <= 3000 and job.summary.total == rows[0].count
    assert all(not r.key.startswith("198.51.100.") for r in job.summary.rows("caller"))


def test_the_trend_counts_alert_severities_per_minute(catalog, decode):
    alerts = [s.name for s in catalog.severities if s.alert]
    trend = AlertTrend(alerts)
    assert sparkline(trend.counts()) == BARS[0] * 60
    trend.add_batch(decode([line("E", "Error", at(0)), line("E", "Error", at(1)), line("N", "Notice", at(2)),
                            line("C", "LicenceExpired", at(120)), line("N", "Notice", at(180))]))
    counts = trend.counts()
    assert len(counts) == 60 and counts[-1] == 0 and counts[-2] == 1 and counts[-4] == 2
    trend.add_batch(decode([line("N", "Notice", at(3600 + 90))]))
    assert trend.counts()[-1] == 0 and sum(trend.counts()) == 1  # the 09:00 errors left the hour


def test_sparkline_scales_and_shows_any_alert():
    assert sparkline([0, 1, 100]) == BARS[0] + BARS[1] + BARS[-1]
    assert sparkline([0, 5, 10]) == BARS[0] + BARS[4] + BARS[-1]


def test_find_time_goes_to_the_first_event_at_or_after(catalog, decode):
    model = EventModel(catalog)
    model.add(decode([line("N", "Notice", at(i * 10)) for i in range(100)] + ["garbage no token"]
                     + [line("N", "Notice", at(1000 + i)) for i in range(5)]))
    place = find_time(model, at(95))
    assert place.index == 10 and place.seq == 11 and place.first == at(0) and place.last == at(1004)
    assert find_time(model, at(90)).index == 9
    assert find_time(model, at(995)).index == 101  # past the untimed line, onto the event
    assert find_time(model, at(-1)).before and find_time(model, at(1005)).after
    assert newest_time(model) == at(1004)


def test_find_time_compares_aware_times_as_local(catalog, decode):
    model = EventModel(catalog)
    model.add(decode([line("N", "Notice", at(i)) for i in range(10)]))
    aware = at(5).astimezone(timezone.utc)
    assert find_time(model, aware).index == 5


def test_fact_of_an_unparsed_line(catalog, decode):
    fact = fact_of(decode(["garbage"])[0], caller=True)
    assert fact.name is None and fact.event_key is None and fact.caller is None and fact.time is None
