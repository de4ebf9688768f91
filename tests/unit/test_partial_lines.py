"""A file's last line shown before its newline came (partial), then completed in place: the model
holds one event for it, at its place, counted once, with filters, counts, alerts and the byte total
right. Lines are hand-made RawLines, decoded the way the console decodes them."""

from __future__ import annotations

import pytest

from console.decode.decoder import Decoder
from console.model.events import EVENT_OVERHEAD, EventModel, event_bytes
from console.tail.contract import RawLine

A, B = "/var/isode/log/mta-event.log", "/var/log/central/mail1.log"
TS = "2026-11-24 10:00:00.000 smtpsrvr[1] "
INFO = TS + "I-MTA_SMTP-Connection: connection from 192.0.2.1 (ctx)"
FATAL = TS + "F-MTA_SMTP-Fatal: disk full"


@pytest.fixture
def model(catalog):
    return EventModel(catalog)


@pytest.fixture
def feed(catalog, model):
    decoder = Decoder(catalog)

    def run(*lines: RawLine, to: EventModel | None = None):
        events = [decoder.decode(r.data, r.source, r.lineno, cut=r.cut) for r in lines]
        for ev, r in zip(events, lines):
            ev.partial, ev.completes = r.partial, r.completes
        return (to or model).add(events)
    return run


def raw(text: str, lineno: int, source: str = A, **flags) -> RawLine:
    return RawLine(source, lineno, text.encode(), **flags)


def rows(model: EventModel) -> list[tuple[str, int, str, bool]]:
    return [(ev.source, ev.line, ev.raw, ev.partial) for ev in (model.view[i] for i in range(len(model.view)))]


def test_a_partial_line_is_one_event_marked_then_completed_in_place(model, feed):
    feed(raw(INFO, 1), raw(FATAL[:30], 2, partial=True))
    partial = model.view[1]
    assert partial.partial and model.total == 2 and model.counts["unknown"] == 1
    result = feed(raw(FATAL, 2, completes=True))
    assert rows(model) == [(A, 1, INFO, False), (A, 2, FATAL, False)]
    assert len(model.held) == 2 and model.total == 2
    assert model.view[1].seq == partial.seq and result.replaced == [model.view[1]]
    assert result.visible == 0 and not result.reshaped
    assert model.counts["unknown"] == 0 and model.counts["fatal"] == 1 and sum(model.counts.values()) == 2
    assert model.store.text_bytes + EVENT_OVERHEAD * len(model.held) == sum(event_bytes(ev) for ev in model.held)


def test_a_partial_line_may_grow_several_times_before_its_newline(model, feed):
    feed(raw(INFO[:10], 7, partial=True))
    feed(raw(INFO[:40], 7, partial=True, completes=True))
    assert rows(model) == [(A, 7, INFO[:40], True)]
    feed(raw(INFO, 7, completes=True))
    assert rows(model) == [(A, 7, INFO, False)]
    assert model.total == 1 and sum(model.counts.values()) == 1 and model.counts["info"] == 1


def test_partial_and_completion_in_one_batch(model, feed):
    result = feed(raw(INFO, 1), raw(FATAL[:20], 2, partial=True), raw(FATAL, 2, completes=True), raw(INFO, 3))
    assert rows(model) == [(A, 1, INFO, False), (A, 2, FATAL, False), (A, 3, INFO, False)]
    assert result.visible == 3 and model.total == 3 and model.counts["fatal"] == 1
    assert [ev.raw for ev in result.notify] == [FATAL]  # one notification, with the whole line


def test_the_completed_event_keeps_its_place_among_other_logs(model, feed):
    feed(raw(INFO, 1), raw(FATAL[:30], 2, partial=True))
    feed(raw(INFO, 1, source=B), raw(INFO, 2, source=B))
    feed(raw(FATAL, 2, completes=True))
    assert [(s, n) for s, n, _, _ in rows(model)] == [(A, 1), (A, 2), (B, 1), (B, 2)]
    assert model.view[1].raw == FATAL


def test_completion_into_and_out_of_the_filtered_view(model, feed):
    model.show_up_to_rank(next(s.rank for s in model.catalog.severities if s.name == "fatal"))
    feed(raw(FATAL, 1), raw(TS + "F-MTA_SMTP-Fatal: disk f", 2, partial=True), raw(FATAL, 1, source=B))
    assert [n for _, n, _, _ in rows(model)] == [1, 2, 1]
    out = feed(raw(TS + "I-MTA_SMTP-Connection: connection from a (b)", 2, completes=True))
    assert out.reshaped and [n for _, n, _, _ in rows(model)] == [1, 1]   # it became info: hidden
    feed(raw(INFO[:25], 4, partial=True))                                 # no token yet: unknown, hidden
    assert len(model.view) == 2
    back = feed(raw(FATAL, 4, completes=True))
    assert back.reshaped and [(s, n) for s, n, _, _ in rows(model)] == [(A, 1), (B, 1), (A, 4)]
    assert model.counts["fatal"] == 3 and model.counts["info"] == 1 and model.counts["unknown"] == 0


def test_completion_while_a_filter_change_runs_in_slices(model, feed):
    feed(*[raw(INFO, n) for n in range(1, 200)], raw(FATAL[:25], 200, partial=True))
    model.filter_budget = 0.0  # one event per slice: the change is still running below
    model.show_up_to_rank(next(s.rank for s in model.catalog.severities if s.name == "fatal"))
    assert model.filtering is not None
    feed(raw(FATAL, 200, completes=True))
    assert model.continue_filter(None)
    assert rows(model) == [(A, 200, FATAL, False)]


def test_a_completion_whose_partial_was_dropped_is_a_new_event(catalog, feed):
    small = EventModel(catalog, history=2)
    feed(raw(FATAL[:25], 1, partial=True), to=small)
    feed(raw(INFO, 1, source=B), raw(INFO, 2, source=B), to=small)
    assert [ev.source for ev in small.held] == [B, B]
    feed(raw(FATAL, 1, completes=True), to=small)  # never lost
    assert [(ev.source, ev.line, ev.raw) for ev in small.held] == [(B, 2, INFO), (A, 1, FATAL)]
    assert sum(small.counts.values()) == 2


def test_only_the_same_source_and_line_is_replaced(model, feed):
    feed(raw(INFO[:20], 5, partial=True))
    feed(raw(INFO, 5, source=B, completes=True), raw(INFO, 6, completes=True))
    assert [(s, n, p) for s, n, _, p in rows(model)] == [(A, 5, True), (B, 5, False), (A, 6, False)]


def test_alerts_are_counted_and_raised_once(model, feed):
    first = feed(raw(FATAL[:-4], 1, partial=True))
    assert [ev.raw for ev in first.notify] == [FATAL[:-4]] and model.unacked == 1
    again = feed(raw(FATAL, 1, completes=True))
    assert again.notify == [] and model.unacked == 1
    model.ack(model.view[0])
    assert model.unacked == 0
    feed(raw(INFO[:30], 2, partial=True))
    became = feed(raw(FATAL, 2, completes=True))
    assert len(became.notify) == 1 and model.unacked == 1


def test_an_acknowledged_partial_event_stays_acknowledged(model, feed):
    feed(raw(FATAL[:-4], 1, partial=True))
    model.ack(model.view[0])
    feed(raw(FATAL, 1, completes=True))
    assert model.is_acked(model.view[0]) and model.unacked == 0


# -- any sequence: the model agrees with a plain list ------------------------------------------------

from collections import Counter  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TEXTS = [INFO, FATAL, TS + "W-MTA_SMTP-DNSBLfailed: x", "no token at all", TS + "E-MTA_SMTP-SPFfail: y"]
STEP = st.one_of(
    st.tuples(st.just("line"), st.sampled_from([A, B]), st.sampled_from(range(len(TEXTS))), st.booleans()),
    st.tuples(st.just("rest"), st.sampled_from([A, B]), st.sampled_from(range(len(TEXTS))), st.booleans()),
    st.tuples(st.just("rank"), st.integers(1, 8), st.just(0), st.just(False)),
    st.tuples(st.just("ack"), st.integers(0, 30), st.just(0), st.just(False)),
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(st.lists(STEP, min_size=1, max_size=4), max_size=25), st.integers(3, 12))
def test_any_sequence_agrees_with_a_plain_list(catalog, batches, history):
    decoder = Decoder(catalog)
    model = EventModel(catalog, history=history)
    expected: list[list] = []          # [source, line, text, partial] of every event, oldest first
    next_line = {A: 1, B: 1}
    for batch in batches:
        lines = []
        for kind, source, text, partial in batch:
            if kind == "rank":
                model.show_up_to_rank(source)
            elif kind == "ack" and len(model.view):
                model.ack(model.view[source % len(model.view)])
            elif kind == "line":
                if any(e[0] == source and e[3] for e in expected):
                    continue  # a file's partial line is its last: the next line completes it first
                lines.append(raw(TEXTS[text][:20 if partial else None], next_line[source], source, partial=partial))
                expected.append([source, next_line[source], lines[-1].data.decode(), partial])
                next_line[source] += 0 if partial else 1
            elif kind == "rest":
                pending = [e for e in expected if e[0] == source and e[3]]
                if not pending:
                    continue
                e = pending[0]
                lines.append(raw(TEXTS[text][:25 if partial else None], e[1], source, partial=partial, completes=True))
                e[2], e[3] = lines[-1].data.decode(), partial
                next_line[source] += 0 if partial else 1
        if lines:
            events = [decoder.decode(r.data, r.source, r.lineno) for r in lines]
            for ev, r in zip(events, lines):
                ev.partial, ev.completes = r.partial, r.completes
            model.add(events)
        del expected[:-history]
        held = [[ev.source, ev.line, ev.raw, ev.partial] for ev in model.held]
        assert held == expected
        assert [ev.seq for ev in model.held] == list(range(model.held[0].seq, model.held[0].seq + len(held))) \
            if held else True
        assert Counter(ev.sev.name for ev in model.held) == +model.counts
        assert [model.view[i] for i in range(len(model.view))] == [ev for ev in model.held if model.filter.matches(ev)]
        alerting = {s.name for s in catalog.severities if s.alert}
        assert model.unacked == sum(1 for ev in model.held if ev.sev.name in alerting and not model.is_acked(ev))
        assert model.store.text_bytes + EVENT_OVERHEAD * len(model.held) == sum(event_bytes(ev) for ev in model.held)
