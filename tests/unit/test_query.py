"""console.model.query: the shell's filters, by the console's rules (console.model.events.Filter)."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.decode.decoder import Decoder
from console.model.events import Filter
from console.model.query import Query, QueryError, build_query, event_keys, severity_names
from console.model.textfilter import compile_filter
from console.model.timespec import instant

NOW = datetime(2026, 11, 24, 12, 0)
LINES = [
    "2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.10 (smtp-external)",
    "Nov 24 10:15:04 mail1 smtpsrvr[2817]: W-MTA_SMTP-SPFnone: bob@example.com from 192.0.2.11",
    "2026-11-24T10:15:05.123456+00:00 mail2 smtpsrvr[2817]: C-MTA_SMTP-Critical: disk: full",
    "2026-11-24T11:15:06Z mail1 smtpsrvr[9]: E-MTA_SMTP-SPFfail: eve@example.org from 192.0.2.10",
    "2026-11-24 11:59:03.123 smtpsrvr[1] X-MTA_SMTP-Connection: an unknown letter",
    "nothing to see here",
]


def test_severity_forms(catalog):
    assert severity_names(catalog, "error") == {"error"}
    assert severity_names(catalog, "E") == {"error"}
    assert severity_names(catalog, " Warning+ ") == {"critical", "fatal", "error", "warning"}
    assert severity_names(catalog, "c+") == {"critical"}
    assert severity_names(catalog, "unknown") == {"unknown"}
    ranks = [s.name for s in catalog.severities]
    assert severity_names(catalog, ranks[-1] + "+") == set(ranks)   # from the catalogue, not a list here


@pytest.mark.parametrize("text", ["", "+", "errors", "?", "E++", "warning-"])
def test_a_bad_severity_names_the_catalogues(catalog, text):
    with pytest.raises(QueryError) as info:
        severity_names(catalog, text)
    assert info.value.option == "severity"
    assert all(s.name in str(info.value) for s in catalog.severities)


def test_event_forms(catalog):
    key = {("MTA_SMTP", "Connection")}
    assert event_keys(catalog, "Connection") == key
    assert event_keys(catalog, "MTA_SMTP-Connection") == key
    assert event_keys(catalog, "I-MTA_SMTP-Connection") == key
    assert event_keys(catalog, "connection") == key


@pytest.mark.parametrize("text, near", [("Conection", "Connection"), ("SPFfial", "SPFfail"),
                                        ("MTA_SMTP-Timeuot", "Timeout")])
def test_an_unknown_event_lists_near_names(catalog, text, near):
    with pytest.raises(QueryError) as info:
        event_keys(catalog, text)
    assert info.value.option == "event" and near in str(info.value)


def test_an_id_is_not_an_event_name(catalog):
    with pytest.raises(QueryError):
        event_keys(catalog, "14")


def test_the_filters_together(catalog, decode):
    events = decode(LINES)
    q = build_query(catalog, severity=["warning+"], since="10:15:04", now=NOW)
    assert [ev.line for ev in events if q.matches(ev)] == [2, 3, 4]
    q = build_query(catalog, event=["Connection", "SPFfail"], host="192.0.2.10", now=NOW)
    assert [ev.line for ev in events if q.matches(ev)] == [1, 4]
    q = build_query(catalog, until="11:00", grep="SMTP", now=NOW)
    assert [ev.line for ev in events if q.matches(ev)] == [1, 2, 3]   # a line with no time: never
    assert Query().empty and not Query().needs_line
    assert not build_query(catalog, severity=["error"]).needs_line
    assert build_query(catalog, grep="x").needs_line


def test_until_must_come_after_since(catalog):
    with pytest.raises(QueryError) as info:
        build_query(catalog, since="-1h", until="-2h", now=NOW)
    assert info.value.option == "until"
    assert build_query(catalog, since="10:00", now=NOW).since == instant(datetime(2026, 11, 24, 10, 0))


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(["critical", "fatal", "error", "warning", "notice", "info", "pdu", "unknown"]),
               min_size=1),
       st.sampled_from([None, "Connection", "SPFfail", "Critical"]),
       st.sampled_from([None, "mail1", "192.0.2.10", "example"]),
       st.sampled_from(["", "from", "Disk", "192\\.0", "(a+)+b", "[unclosed"]))
def test_a_query_keeps_what_the_consoles_filter_keeps(catalog, severities, event, value, text):
    decoder = Decoder(catalog)
    events = [decoder.decode(line.encode(), "demo.log", i) for i, line in enumerate(LINES, 1)]
    key = next(iter(event_keys(catalog, event))) if event else None
    console = Filter(frozenset(severities), compile_filter(text), key, value)
    query = Query(frozenset(severities), frozenset([key]) if key else None, value, None, None,
                  compile_filter(text) if text else None)
    assert [ev.line for ev in events if query.matches(ev)] == [ev.line for ev in events if console.matches(ev)]
