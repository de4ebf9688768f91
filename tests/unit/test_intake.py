"""A batch's way from the source into the model, without a screen: the one decoding pipeline
(console.decode.pipeline) the console and `decode --follow` share, the source protocol, and the console's
intake (console.live.intake): states, the end of the history, the rate, the paused count, notifications."""

from __future__ import annotations

import inspect

import pytest

from console.decode.decoder import Decoder
from console.decode.pipeline import BatchDecoder
from console.live.intake import Intake
from console.model.events import EventModel
from console.tail.source import LineSource
from console.tail.contract import Batch, RawLine, SourceState

A = "/var/isode/log/mta-event.log"
TS = "2026-11-24 10:00:00.000 smtpsrvr[1] "
INFO = TS + "I-MTA_SMTP-Connection: connection from 192.0.2.1 (ctx)"
FATAL = TS + "F-MTA_SMTP-Fatal: disk full"


def raw(text: str, lineno: int, **flags) -> RawLine:
    return RawLine(A, lineno, text.encode(), **flags)


class Clock:
    now = 50.0

    def __call__(self) -> float:
        return self.now


class Source:
    """The smallest LineSource: states() is whatever the test sets; it counts the reads."""

    def __init__(self) -> None:
        self.picture: dict[str, SourceState] = {}
        self.reads = 0

    async def batches(self):
        yield Batch()

    def states(self):
        self.reads += 1
        return dict(self.picture)


# -- decoding -----------------------------------------------------------------------------------

def test_a_batch_decodes_in_file_order_with_its_partial_flags(catalog):
    decoding = BatchDecoder(Decoder(catalog))
    batch = Batch([raw(INFO, 1), raw(FATAL[:20], 2, partial=True), raw(FATAL, 2, completes=True)],
                  [SourceState(A, "following")], backfill=True)
    out = decoding.batch(batch)
    assert [(ev.line, ev.raw, ev.partial, ev.completes) for ev in out.events] == [
        (1, INFO, False, False), (2, FATAL[:20], True, False), (2, FATAL, False, True)]
    assert out.backfill and out.states_changed
    assert not decoding.batch(Batch([raw(INFO, 3)])).states_changed


def test_whole_lines_only_leaves_out_lines_shown_before_their_newline(catalog):
    decoding = BatchDecoder(Decoder(catalog), whole_lines_only=True)
    events = decoding.events([raw(INFO, 1), raw(FATAL[:20], 2, partial=True),
                              raw(FATAL[:25], 2, partial=True, completes=True), raw(FATAL, 2, completes=True)])
    assert [(ev.line, ev.raw) for ev in events] == [(1, INFO), (2, FATAL)]


def test_a_cut_line_stays_marked(catalog):
    [ev] = BatchDecoder(Decoder(catalog)).events([raw(INFO[:40], 1, cut=True)])
    assert ev.cut


# -- the source protocol ------------------------------------------------------------------------

def test_the_follower_and_the_test_source_are_line_sources():
    from screen_helpers import FakeSource

    from console.tail import Follower
    assert isinstance(FakeSource(), LineSource)
    assert isinstance(Source(), LineSource)
    for cls in (Follower, FakeSource):
        for name in ("batches", "states"):
            params = list(inspect.signature(getattr(cls, name)).parameters)
            assert params == ["self"], (cls, name)  # called with nothing: no probing, no options
    assert not isinstance(object(), LineSource)


# -- the intake ---------------------------------------------------------------------------------

@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def intake(catalog, clock):
    return Intake(EventModel(catalog), BatchDecoder(Decoder(catalog)), Source(), clock)


def test_states_are_read_from_the_source_when_a_batch_says_they_changed(intake):
    source = intake.source
    source.picture = {"mta-event.log": SourceState(A, "following")}
    intake.decode(Batch([raw(INFO, 1)], backfill=True))
    assert source.reads == 0 and intake.sources == {}
    intake.decode(Batch([], [SourceState(A, "following")], backfill=True))
    assert source.reads == 1 and intake.sources == {A: ("following", "")}
    source.picture = {"mta-event.log": SourceState(A + ".2", "unreadable", "permission denied")}
    intake.tick()  # and now and then
    assert intake.sources == {A + ".2": ("unreadable", "permission denied")}


def test_without_a_source_nothing_is_backfilling_and_no_states(catalog):
    intake = Intake(EventModel(catalog), BatchDecoder(Decoder(catalog)))
    assert not intake.backfilling
    intake.tick()
    assert intake.sources == {}


def test_the_first_live_batch_ends_the_history(intake, monkeypatch):
    import console.live.intake as module
    frozen = []
    monkeypatch.setattr(module.gc, "freeze", lambda: frozen.append(True))
    assert intake.backfilling
    intake.decode(Batch([raw(INFO, 1)], backfill=True))
    assert intake.backfilling and not frozen
    intake.decode(Batch([]))
    assert not intake.backfilling and frozen == [True]
    intake.decode(Batch([]))
    assert frozen == [True]  # once


def test_rate_and_paused_count(intake):
    events = intake.decoding.events([raw(INFO, i) for i in range(1, 11)])
    intake.add(events[:5], following=True)
    assert intake.new_while_paused == 0
    intake.add(events[5:], following=False)
    assert intake.new_while_paused == 5
    assert intake.rate.rate() == 10 / 5.0
    intake.following_again()
    assert intake.new_while_paused == 0


def test_a_completion_is_not_a_new_event_for_the_rate(intake):
    intake.add(intake.decoding.events([raw(INFO[:20], 1, partial=True)]), following=True)
    intake.add(intake.decoding.events([raw(INFO, 1, completes=True)]), following=True)
    assert intake.rate.rate() == 1 / 5.0


def test_notifications_for_live_severe_events_only_and_bursts_summed_up(intake, clock):
    history = intake.decoding.events([raw(FATAL, 1)])
    _, notices = intake.add(history, following=True, live=False)
    assert notices.texts() == []
    burst = intake.decoding.events([raw(FATAL, i) for i in range(2, 8)])
    _, notices = intake.add(burst, following=True)
    assert notices.texts() == [("FATAL", "MTA_SMTP-Fatal: disk full")] * 3
    assert intake.tick().texts() == []  # the same second
    clock.now += 2
    assert intake.tick().texts() == [("", "and 3 more critical/fatal events")]


def test_the_history_alerts_reach_the_alert_line_but_raise_no_note(intake):
    """An operator opens the console because something is wrong: the alerts already in the log
    are on the alert line (and `!` finds them), without a note each."""
    history = intake.decoding.events([raw(INFO, 1), raw(FATAL, 2), raw(FATAL, 3)])
    _, notices = intake.add(history, following=True, live=False)
    assert notices.texts() == []
    assert intake.alerts.showing and intake.alerts.newest.line == 3 and intake.alerts.repeats == 2


def test_notification_text_is_inert_and_short(intake):
    hostile = TS + "F-MTA_SMTP-Fatal: \x1b[2J [b]x[/b] " + "y" * 400
    _, notices = intake.add(intake.decoding.events([raw(hostile, 1)]), following=True)
    [(title, text)] = notices.texts()
    assert "\x1b" not in text and len(text) == 300
    unparsed = intake.decoding.events([RawLine(A, 2, b"a line with no event token at all")])
    assert intake.add(unparsed, following=True)[1].texts() == []  # never severe


def test_history_read_at_start_is_no_rate(intake):
    """40,000 history lines read in a second are not 40,000 ev/s: only live events count."""
    history = intake.decoding.events([raw(INFO, i) for i in range(1, 40_001)])
    intake.add(history, following=True, live=False)
    assert intake.rate.rate() == 0.0
    intake.add(intake.decoding.events([raw(INFO, 40_001)]), following=True)
    assert intake.rate.rate() == 1 / 5.0


# -- line numbers made absolute ------------------------------------------------------------------

def test_a_history_numbered_from_where_it_began_is_renumbered_when_counted(intake):
    from console.tail.contract import Renumbered
    history = [raw(INFO, i, numbering=7) for i in (1, 2)] + [raw(FATAL[:20], 3, numbering=7, partial=True)]
    decoded = intake.decode(Batch(history, backfill=True))
    intake.add(decoded.events, following=True, live=False)
    assert [(ev.line_text, ev.line_exact) for ev in decoded.events] == [("≈1", False), ("≈2", False), ("≈3", False)]
    intake.decode(Batch([], renumbered=[Renumbered(7, A, 242_080)]))
    assert [(ev.line, ev.line_text) for ev in intake.model.held] == [
        (242_081, "242081"), (242_082, "242082"), (242_083, "242083")]
    # the partial line, renumbered, is still the one its completion (numbered absolute) replaces
    done = intake.decode(Batch([raw(FATAL, 242_083, completes=True)])).events
    result, _ = intake.add(done, following=True)
    assert result.replaced == done and len(intake.model.held) == 3


def test_a_count_that_failed_leaves_the_numbers_marked(intake):
    from console.tail.contract import Renumbered
    decoded = intake.decode(Batch([raw(INFO, 1, numbering=3)], backfill=True))
    intake.add(decoded.events, following=True, live=False)
    intake.decode(Batch([], renumbered=[Renumbered(3, A, None)]))
    assert intake.model.held[0].line_text == "≈1"
    assert intake.coverage.text() == "history: newest 1 lines (the lines before could not be counted)"


# -- how much the history holds ------------------------------------------------------------------

def test_coverage_says_the_history_holds_the_newest_lines_of_a_bigger_log(intake):
    from console.tail.contract import Renumbered
    decoded = intake.decode(Batch([raw(INFO, i, numbering=1) for i in (1, 2, 3)], backfill=True))
    intake.add(decoded.events, following=True, live=False)
    assert intake.coverage.lines is None
    assert intake.coverage.text() == "history: newest 3 lines (counting the log…)"
    intake.decode(Batch([], renumbered=[Renumbered(1, A, 241_997)]))
    cover = intake.coverage
    assert (cover.held, cover.lines, cover.complete) == (3, 242_000, False)
    assert cover.text() == "history: newest 3 of 242,000 lines (-n N for more)"


def test_coverage_names_history_when_the_cap_dropped_events(catalog, clock):
    intake = Intake(EventModel(catalog, history=100), BatchDecoder(Decoder(catalog)), Source(), clock)
    intake.add(intake.decoding.events([raw(INFO, i) for i in range(1, 201)]), following=True, live=False)
    assert intake.coverage.text() == "history: newest 100 of 200 lines (--history N for more)"


def test_coverage_is_silent_when_the_history_holds_the_whole_log(intake):
    intake.add(intake.decoding.events([raw(INFO, i) for i in range(1, 11)]), following=True, live=False)
    assert intake.coverage.complete and intake.coverage.text() == ""


def test_rotated_and_truncated_are_news_for_ten_seconds_then_following(intake, clock):
    """Trial finding 7: the header does not say "rotated" for ever; the detail keeps it."""
    source = intake.source
    source.picture = {"mta-event.log": SourceState(A, "rotated", "reopened after rename")}
    intake.tick()
    assert intake.sources == {A: ("rotated", "reopened after rename")}
    clock.now += 9.5
    intake.tick()
    assert intake.sources[A][0] == "rotated"
    clock.now += 1.0
    intake.tick()
    state, detail = intake.sources[A]
    assert state == "following" and detail.startswith("rotated at ") and "reopened after rename" in detail
    source.picture = {"mta-event.log": SourceState(A, "truncated")}  # new news: shown again
    intake.tick()
    assert intake.sources == {A: ("truncated", "")}
    clock.now += 11
    intake.tick()
    assert intake.sources[A][0] == "following" and intake.sources[A][1].startswith("truncated at ")
    source.picture = {"mta-event.log": SourceState(A, "deleted", "gone")}  # trouble is never aged
    intake.tick()
    clock.now += 100
    intake.tick()
    assert intake.sources == {A: ("deleted", "gone")}
