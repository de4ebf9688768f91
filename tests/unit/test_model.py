"""The event model on its own (console/model/events.py), through its public names: what it numbers, holds
and drops, what is acknowledged and raised, and the filtered view, also while a filter change runs in
slices. The console tests check the same through the screen; partial lines and the byte budget have
their own files (test_partial_lines.py, test_history_bytes.py)."""

from __future__ import annotations

from collections import Counter

import pytest
from types import SimpleNamespace
from hypothesis import given, settings
from hypothesis import strategies as st

from console.decode.decoder import Decoder
from console.model.events import EventModel, Filter, View

TS = "2026-11-24 10:00:00.000 smtpsrvr[1] "


def line(letter: str, event: str, message: str = "x") -> str:
    return f"{TS}{letter}-MTA_SMTP-{event}: {message}"


def connection(address: str) -> str:
    return line("I", "Connection", f"connection from {address} (smtp-external)")


# one of each severity, an unknown event, an unparsed line
MIXED = [line("C", "Critical", "licence expired"), line("F", "Fatal", "disk full"), line("E", "Error", "boom"),
         line("W", "SPFnone", "a@example.com from 192.0.2.1"), line("N", "Notice", "reloaded"),
         connection("192.0.2.1"), line("P", "ReadPDU", "/var/isode/pdu/1"), line("E", "BrandNew", "new"),
         "no event token at all"]


def seqs(events) -> list[int]:
    return [ev.seq for ev in events]


def shown(model: EventModel) -> list:
    return [model.view[i] for i in range(len(model.view))]


def passing(model: EventModel) -> list:
    """What the view must hold: the held events the filter passes, in order."""
    return [ev for ev in model.held if model.filter.matches(ev)]


@pytest.fixture
def model(catalog):
    return EventModel(catalog)


# -- arriving -----------------------------------------------------------------------------------

def test_events_are_numbered_held_counted_and_shown_in_order(model, decode):
    first = model.add(decode(MIXED))
    second = model.add(decode(MIXED[:3], first=10))
    assert seqs(model.held) == list(range(1, 13)) and model.total == 12
    assert shown(model) == list(model.held)
    assert (first.visible, first.dropped, first.dropped_visible) == (9, 0, 0)
    assert (second.visible, second.dropped) == (3, 0)
    assert model.counts == Counter(ev.sev.name for ev in model.held)
    assert model.counts["unknown"] == 1 and model.counts["error"] == 3


def test_critical_and_fatal_raise_a_notification_and_alerting_ones_count_until_acknowledged(model, decode):
    result = model.add(decode(MIXED))
    assert [ev.sev.name for ev in result.notify] == ["critical", "fatal"]
    assert model.unacked == 4  # critical, fatal and both errors (the unknown event's letter is E)


def test_a_filtered_out_event_still_notifies_and_counts(model, decode):
    model.show_up_to_rank(6)  # pdu and unknown hidden
    model.toggle_severity("critical")
    result = model.add(decode(MIXED))
    assert "critical" in [ev.sev.name for ev in result.notify] and model.counts["critical"] == 1
    assert all(ev.sev.name not in ("critical", "pdu", "unknown") for ev in shown(model))
    assert result.visible == len(MIXED) - 3


# -- dropping -----------------------------------------------------------------------------------

def test_the_history_cap_drops_the_oldest_first(catalog, decode):
    model = EventModel(catalog, history=5)
    model.add(decode(MIXED[:4]))
    result = model.add(decode(MIXED[4:], first=5))
    assert [ev.raw for ev in model.held] == MIXED[-5:]
    assert seqs(model.held) == [5, 6, 7, 8, 9] and model.total == 9
    assert (result.dropped, result.dropped_visible) == (4, 4) and model.dropped == 4
    assert shown(model) == list(model.held)
    assert +model.counts == Counter(ev.sev.name for ev in model.held)  # the dropped ones no longer counted


def test_a_batch_longer_than_the_history_keeps_its_newest(catalog, decode):
    model = EventModel(catalog, history=3)
    result = model.add(decode(MIXED))
    assert [ev.raw for ev in model.held] == MIXED[-3:] and shown(model) == list(model.held)
    assert (result.visible, result.dropped, result.dropped_visible) == (9, 6, 6)


def test_only_dropped_rows_of_the_view_shift_it(catalog, decode):
    model = EventModel(catalog, history=4)
    model.show_up_to_rank(3)  # critical, fatal, error
    model.add(decode([line("E", "Error"), line("W", "SPFnone"), line("E", "Error", "2"), line("W", "SPFnone", "2")]))
    result = model.add(decode([line("N", "Notice"), line("N", "Notice", "2")], first=5))
    assert (result.dropped, result.dropped_visible) == (2, 1)  # the first error was shown, the warning not
    assert shown(model) == passing(model) and len(model.view) == 1


def test_dropping_settles_alerts_once(catalog, decode):
    model = EventModel(catalog, history=2)
    error, other_error = decode([line("E", "Error"), line("E", "Error", "again")])
    model.add([error, other_error])
    assert model.unacked == 2
    assert model.ack(error) == 1 and model.unacked == 1
    model.add(decode([line("I", "Notice")], first=3))  # the acknowledged error goes
    assert model.unacked == 1
    model.add(decode([line("I", "Notice")], first=4))  # the other one goes unacknowledged
    assert model.unacked == 0
    assert model.ack(other_error) == 0 and model.unacked == 0  # gone: nothing to acknowledge


# -- acknowledging ------------------------------------------------------------------------------

def test_ack_marks_one_event_once(model, decode):
    events = decode(MIXED)
    model.add(events)
    error, warning = events[2], events[3]
    assert model.ack(error) == 1 and model.is_acked(error) and model.unacked == 3
    assert model.ack(error) == 0 and model.unacked == 3
    assert model.ack(warning) == 1 and model.is_acked(warning) and model.unacked == 3  # never alerted
    assert not any(model.is_acked(ev) for ev in events if ev not in (error, warning))


def test_ack_similar_marks_every_held_event_of_that_name(model, decode):
    events = decode([line("E", "Error", str(i)) for i in range(4)] + [line("E", "SPFfail"), "odd line",
                                                                      "another odd line"])
    model.add(events)
    assert model.ack(events[1]) == 1
    assert model.ack_similar(events[0]) == 3  # the three not acknowledged yet
    assert all(model.is_acked(ev) for ev in events[:4]) and not model.is_acked(events[4])
    assert model.unacked == 1
    assert model.ack_similar(events[5]) == 2  # unparsed lines: those of the same severity
    assert model.ack_similar(events[0]) == 0


# -- filtering ----------------------------------------------------------------------------------

def test_every_severity_is_shown_at_first_and_nothing_is_narrowed(model, catalog):
    assert model.filter.severities == {s.name for s in catalog.severities}
    assert not model.filter.narrowed and model.filtering is None


def test_severity_keys_ranks_and_all(model, decode):
    model.add(decode(MIXED))
    model.toggle_severity("info")
    assert "info" not in model.filter.severities and shown(model) == passing(model)
    assert all(ev.sev.name != "info" for ev in shown(model))
    model.toggle_severity("info")
    assert len(model.view) == len(MIXED)
    model.show_up_to_rank(2)
    assert [ev.sev.name for ev in shown(model)] == ["critical", "fatal"]
    model.show_all_severities()
    assert len(model.view) == len(MIXED) and not model.filter.narrowed


def test_text_filter_smart_case_regex_and_plain_text(model, decode):
    model.add(decode(MIXED + [line("W", "SPFnone", "SPF says none")]))
    assert model.set_text("spf").note == ""
    assert [ev.event for ev in shown(model)] == ["SPFnone", "SPFnone"]  # lower case: any case
    model.set_text("SPF says")
    assert [ev.message for ev in shown(model)] == ["SPF says none"]
    model.set_text("Fatal|Critical")
    assert [ev.event for ev in shown(model)] == ["Critical", "Fatal"]
    note = model.set_text("[b").note
    assert "not a valid regex" in note and shown(model) == []  # matched as the text it is
    assert model.filter.narrowed
    model.set_text("")
    assert len(model.view) == len(MIXED) + 1 and not model.filter.narrowed


def test_only_one_event_name_then_all_again(model, decode):
    events = decode(MIXED + [line("E", "Error", "twice")])
    model.add(events)
    model.only_event(events[2])
    assert model.filter.event == ("MTA_SMTP", "Error") and seqs(shown(model)) == [3, 10]
    model.only_event(events[-2])  # an unparsed line has no name: every name again
    assert model.filter.event is None and len(model.view) == len(events)


def test_only_one_caller_by_address_parameter_or_host(model, decode):
    events = decode([connection("192.0.2.1"), connection("192.0.2.2"), line("W", "SPFnone", "192.0.2.1 x"),
                     "2026-11-24T10:00:00Z 192.0.2.1 smtpsrvr[1]: N-MTA_SMTP-Notice: from the host"])
    model.add(events)
    model.only_value("192.0.2.1")
    assert shown(model) == [events[0], events[3]]  # a parameter, a host; not text that merely contains it
    model.only_value(None)
    assert len(model.view) == 4


def test_clearing_the_narrowing_keeps_the_severities(model, decode):
    events = decode(MIXED)
    model.add(events)
    model.toggle_severity("pdu")
    model.set_text("x")
    model.only_event(events[0])
    model.only_value("192.0.2.1")
    assert model.filter.narrowed
    model.clear_narrowing()
    assert not model.filter.narrowed and "pdu" not in model.filter.severities
    assert shown(model) == passing(model) and len(model.view) == len(MIXED) - 1


def test_new_events_join_the_view_only_when_they_pass(model, decode):
    model.set_text("connection")
    result = model.add(decode([connection("192.0.2.9"), line("E", "Error")]))
    assert result.visible == 1 and [ev.event for ev in shown(model)] == ["Connection"]


def test_set_filter_takes_any_filter(model, decode, catalog):
    model.add(decode(MIXED))
    model.set_filter(Filter(frozenset({"error", "unknown"})))
    assert [ev.sev.name for ev in shown(model)] == ["error", "error", "unknown"]


# -- filtering in slices ------------------------------------------------------------------------

def test_a_filter_change_with_a_budget_runs_in_slices(model, decode):
    model.add(decode(MIXED * 20))
    model.filter_budget = 0.0  # the least: one event per slice
    model.set_text("connection")
    assert model.filtering is not None  # begun, not done
    progress = [model.filtering]
    while not model.continue_filter(0.0):
        progress.append(model.filtering)
    assert model.filtering is None and len(progress) > 10
    assert progress == sorted(progress) and all(0 <= p < 1 for p in progress)
    assert shown(model) == passing(model) and len(model.view) == 20


def test_without_a_budget_a_filter_change_is_whole_at_once(model, decode):
    model.add(decode(MIXED * 20))
    model.set_text("connection")
    assert model.filtering is None
    assert model.continue_filter() is True
    assert len(model.view) == 20


def test_events_arriving_and_dropped_while_it_runs(catalog, decode):
    model = EventModel(catalog, history=150)
    model.add(decode(MIXED * 10))
    model.filter_budget = 0.0
    model.set_text("connection")
    assert model.filtering is not None  # begun, not done
    model.continue_filter(0.0)
    model.add(decode([connection("192.0.2.7"), line("E", "Error")] * 30, first=100))  # 60 more: 0 dropped
    model.add(decode([connection("192.0.2.8")] * 40, first=200))  # 40 more: the 40 oldest dropped
    assert model.dropped == 40 and model.filtering is not None
    assert model.continue_filter(None) is True
    assert shown(model) == passing(model)
    assert [ev.message.split()[2] for ev in shown(model)][-3:] == ["192.0.2.8"] * 3


def test_a_new_filter_change_replaces_a_running_one(model, decode):
    model.add(decode(MIXED * 20))
    model.filter_budget = 0.0
    model.set_text("connection")
    model.continue_filter(0.0)
    model.filter_budget = None
    model.set_text("fatal")
    assert model.filtering is None
    assert [ev.event for ev in shown(model)] == ["Fatal"] * 20


# -- the view -----------------------------------------------------------------------------------

def test_the_view_finds_an_event_or_the_nearest_one_after_it(model, decode):
    model.add(decode(MIXED))
    model.show_up_to_rank(3)  # seqs 1, 2, 3 and 8 (the unknown event's letter is E)
    view = model.view
    assert view[-1].seq == 8 and view[0].seq == 1
    assert view.index_of_seq(3) == 2 and view.index_of_seq(5) is None
    assert view.nearest_index(5) == 3 and view.nearest_index(100) == 3 and view.nearest_index(0) == 0
    with pytest.raises(IndexError):
        view[4]


def test_a_view_drops_from_its_front_and_replaces_in_place(decode):
    events = decode(MIXED)
    for seq, ev in enumerate(events, 1):
        ev.seq = seq
    rows = {ev.seq: ev for ev in events}
    view = View(SimpleNamespace(event=rows.__getitem__))  # a store: rows by seq
    view.extend(ev.seq for ev in events)
    assert view.drop_through(3) == 3 and len(view) == 6 and view[0] is events[3]
    newer = decode([line("E", "Error", "completed")])[0]
    rows[events[5].seq] = newer  # the store's row changed in place
    assert view.replace(events[5].seq, passes=True) == 0 and view[2] is newer
    assert view.replace(events[5].seq, passes=False) == -1 and view.index_of_seq(events[5].seq) is None
    assert view.replace(events[5].seq, passes=True) == 1 and view[2] is newer
    assert list(view.seqs()) == [4, 5, 6, 7, 8, 9]


# -- any sequence -------------------------------------------------------------------------------

STEP = st.one_of(
    st.tuples(st.just("add"), st.lists(st.sampled_from(range(len(MIXED))), min_size=1, max_size=6)),
    st.tuples(st.just("ack"), st.integers(0, 50)),
    st.tuples(st.just("similar"), st.integers(0, 50)),
    st.tuples(st.just("toggle"), st.sampled_from(["critical", "error", "info", "unknown"])),
    st.tuples(st.just("text"), st.sampled_from(["", "connection", "e", "[b", "Fatal|Error"])),
    st.tuples(st.just("slice"), st.just(0)),
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(STEP, max_size=30), st.integers(2, 15), st.booleans())
def test_any_sequence_agrees_with_a_plain_list(catalog, steps, history, sliced):
    """Adds, acknowledgements and filter changes, in slices or whole: the model says what a plain
    list of everything added says."""
    decoder = Decoder(catalog)
    model = EventModel(catalog, history=history)
    model.filter_budget = 0.0 if sliced else None
    added: list = []
    acked: set[int] = set()
    for kind, arg in steps:
        if kind == "add":
            events = [decoder.decode(MIXED[i].encode(), "a.log", len(added) + n) for n, i in enumerate(arg, 1)]
            model.add(events)
            added += events
        elif kind in ("ack", "similar") and model.held:
            ev = model.held[arg % len(model.held)]
            if kind == "ack":
                model.ack(ev)
                acked.add(ev.seq)
            else:
                model.ack_similar(ev)
                acked.update(o.seq for o in model.held if (o.facility, o.event) == (ev.facility, ev.event)
                             and (ev.parsed or o.sev is ev.sev))
        elif kind == "toggle":
            model.toggle_severity(arg)
        elif kind == "text":
            model.set_text(arg)
        elif kind == "slice":
            model.continue_filter(0.0)
        held = added[-history:]
        assert list(model.held) == held and model.total == len(added)
        assert model.dropped == len(added) - len(held)
        assert +model.counts == Counter(ev.sev.name for ev in held)
        alerting = {s.name for s in catalog.severities if s.alert}
        assert model.unacked == sum(ev.sev.name in alerting and ev.seq not in acked for ev in held)
        assert all(model.is_acked(ev) == (ev.seq in acked) for ev in held)
        if model.filtering is None:
            assert shown(model) == [ev for ev in held if model.filter.matches(ev)]
    model.continue_filter(None)
    assert shown(model) == passing(model)
