"""The timeline's domain (console.live.tally, console.live.buckets): per-second counts kept in step
with the model's filtered view, and buckets whose size adapts to the span."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, strategies as st

from console.live.buckets import (DAY, SIZES, Bucket, bucket_of, bucket_size, buckets, coarser, finer,
                                  label, label_form, size_text, stack)
from console.live.facts import wall_seconds
from console.live.tally import TallyFeeder
from console.model.events import EventModel

T0 = datetime(2026, 11, 24, 9, 0, 0)


def line(letter: str, name: str, when: datetime, message: str = "x") -> str:
    return f"{when:%Y-%m-%d %H:%M:%S}.000 smtpsrvr[1] {letter}-MTA_SMTP-{name}: {message}"


def names(catalog):
    return [s.name for s in catalog.severities]


def test_bucket_size_fits_the_span_into_the_rows():
    assert bucket_size((0, 0), 20) == 1
    assert bucket_size((0, 19), 20) == 1
    assert bucket_size((0, 20), 20) == 2
    assert bucket_size((0, 599), 20) == 30
    assert bucket_size((0, 3600), 20) == 300
    assert bucket_size((0, DAY - 1), 24) == 3600
    assert bucket_size((0, 10 * DAY), 5) == 3 * DAY


@given(st.integers(0, 10 ** 9), st.integers(0, 10 ** 8), st.integers(1, 200))
def test_the_chosen_size_fits_and_no_smaller_one_would(first, length, rows):
    last = first + length
    size = bucket_size((first, last), rows)
    assert last // size - first // size + 1 <= rows
    smaller = [s for s in SIZES if s < size]
    if smaller:
        assert last // smaller[-1] - first // smaller[-1] + 1 > rows


def test_zoom_steps_through_the_sizes():
    assert finer(60) == 30 and coarser(60) == 120
    assert finer(1) == 1 and coarser(DAY) == 2 * DAY


def test_buckets_align_to_the_clock_and_keep_quiet_spells():
    per = {65: [1, 0], 70: [0, 2], 200: [3, 0]}
    rows = buckets(per, 60, 2)
    assert [b.start for b in rows] == [60, 120, 180]
    assert [b.counts for b in rows] == [(1, 2), (0, 0), (3, 0)]
    assert rows[0].total == 3
    assert bucket_of(rows, 60, 130) == 1 and bucket_of(rows, 60, 59) is None and bucket_of(rows, 60, 240) is None


def test_stack_is_proportional_and_never_hides_a_severity():
    assert stack([0, 10, 10], 20, 10) == [0, 5, 5]
    assert stack([1, 0, 9999], 10000, 10) == [1, 0, 9]
    assert sum(stack([5, 5], 100, 10)) == 1 or stack([5, 5], 100, 10) == [1, 1]
    assert stack([0, 0], 10, 10) == [0, 0]


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=8), st.integers(1, 100))
def test_stack_parts_add_up(counts, cells):
    most = max(1, sum(counts))
    out = stack(counts, most, cells)
    nonzero = sum(1 for c in counts if c)
    assert all((o > 0) == (c > 0) for o, c in zip(out, counts))
    assert sum(out) == max(nonzero, round(sum(counts) * cells / most)) if sum(counts) else sum(out) == 0


def test_labels_say_the_date_only_across_days():
    start = int(wall_seconds(T0))
    assert label(start, label_form(10, (start, start + 100))) == "09:00:00"
    assert label(start, label_form(300, (start, start + 3000))) == "09:00"
    assert label(start, label_form(300, (start, start + DAY))) == "11-24 09:00"
    assert label(start, label_form(DAY, (start, start + 9 * DAY))) == "2026-11-24"
    assert [size_text(s) for s in (10, 300, 7200, DAY, 2 * DAY)] == ["10 s", "5 min", "2 h", "1 day", "2 days"]


def test_the_tally_follows_the_filtered_view(catalog, decode):
    model = EventModel(catalog, history=6)
    feeder = TallyFeeder(model, names(catalog))
    idx = {n: i for i, n in enumerate(names(catalog))}
    model.add(decode([line("N", "Notice", T0), line("E", "Error", T0), line("N", "Notice", T0 + timedelta(seconds=1))]))
    assert feeder.step(None)
    per = feeder.tally.per_second
    sec = int(wall_seconds(T0))
    assert per[sec][idx["notice"]] == 1 and per[sec][idx["error"]] == 1 and per[sec + 1][idx["notice"]] == 1
    # new events are read, the oldest the model drops are forgotten
    model.add(decode([line("W", "Warning", T0 + timedelta(seconds=2))] * 4, first=4))
    assert feeder.step(None)
    assert len(feeder.tally) == 6 and sec in feeder.tally.per_second  # T0's error still held
    model.add(decode([line("W", "Warning", T0 + timedelta(seconds=3))] * 2, first=8))
    assert feeder.step(None)
    assert sec not in feeder.tally.per_second and len(feeder.tally) == 6
    # a filter change counts again, over what the filter shows
    model.toggle_severity("warning")
    assert feeder.step(None)
    assert len(feeder.tally) == 0 and feeder.tally.span() is None


def test_a_large_view_is_counted_in_slices(catalog, decode):
    model = EventModel(catalog, history=100_000)
    model.add(decode([line("N", "Notice", T0 + timedelta(seconds=i // 50)) for i in range(20_000)]))
    feeder = TallyFeeder(model, names(catalog))
    steps = 0
    while not feeder.step(0.0):  # the smallest budget: one look at the clock per slice
        steps += 1
        assert 0 <= feeder.progress < 1
    assert steps > 10 and len(feeder.tally) == 20_000 and feeder.progress == 1.0
    assert feeder.tally.span() == (int(wall_seconds(T0)), int(wall_seconds(T0)) + 399)


def test_untimed_lines_are_counted_apart(catalog, decode):
    model = EventModel(catalog)
    model.add(decode(["garbage line with no event token", line("N", "Notice", T0)]))
    feeder = TallyFeeder(model, names(catalog))
    feeder.step(None)
    assert feeder.tally.timed == 1 and sum(feeder.tally.untimed) == 1
