"""Every key of the console, driven through Pilot, checked on the model and widget state."""

from __future__ import annotations

import faulthandler
import re
import time

import pytest

from console.safe_text import visible

from textual.widgets import Input

from console.demo.simulator import Simulator
from console.ui.help_screen import HelpScreen
from console.ui.keys import KEY_NAMES

from .conftest import (FIXED_START, SIZE, FakeSource, FrozenClock, list_rows, panel_text,
                       record_notifications, screen_text, settle, traffic, wait_until)


async def header(pilot) -> str:
    """The header once the app has caught up (it redraws it after a batch or a key, and on a 0.25 s
    tick; never per line)."""
    await settle(pilot)
    return pilot.app.status.content.plain


def line(sev_letter: str, name: str, message: str, when: str = "2026-11-24 09:30:00.000",
         pid: int = 4242) -> str:
    return f"{when} smtpsrvr[{pid}] {sev_letter}-MTA_SMTP-{name}: {message}"


def seqs(view) -> list[int]:
    return [view[i].seq for i in range(len(view))]


async def start(app, pilot, events, *, live: bool = False) -> None:
    app.ingest(events, live=live)
    await settle(pilot)


# -- the list ------------------------------------------------------------------------------

@pytest.mark.smoke
async def test_one_row_per_event_with_every_column(make_app, sim, decode):
    app = make_app()
    events = decode(traffic(sim, 30))
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        el = app.event_list
        assert len(app.model.view) == 30
        assert el.following and el.cursor == 29
        rows = [r.rstrip() for r in list_rows(app) if r.strip()]
        assert len(rows) == 30  # everything fits: one row per event, nothing wraps
        for ev, row in zip(events, rows):
            assert row.startswith(ev.timestamp[:23]), row  # YYYY-MM-DD HH:MM:SS.mmm: room for the date
            assert f" {ev.letter} {ev.event} " in row  # one facility: no prefix
            assert f"{ev.program}[{ev.pid}]" in row
            assert ev.message[:60] in row


# -- severity keys -------------------------------------------------------------------------

SEVERITY_KEYS = {"c": "critical", "f": "fatal", "e": "error", "w": "warning", "n": "notice", "i": "info",
                 "p": "pdu", "u": "unknown"}


def every_severity(catalog) -> list[str]:
    """One line of every event (all seven letters), an unknown letter and an unparsed line."""
    sim = Simulator(catalog, seed=5, start=FIXED_START)
    return (sim.every_event() + ["2026-11-24 09:30:00.000 smtpsrvr[1] X-MTA_SMTP-Odd: odd letter",
                                 "a line with no event token at all"])


async def test_severity_keys_hide_and_show(make_app, decode, catalog):
    """One app for all eight keys (each app start costs more than the presses)."""
    app = make_app()
    events = decode(every_severity(catalog))
    assert {s.key: s.name for s in catalog.severities if s.key} == SEVERITY_KEYS
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        total = len(app.model.view)
        for key, name in SEVERITY_KEYS.items():
            of_this = sum(ev.sev.name == name for ev in events)
            assert of_this > 0, name
            await pilot.press(key)
            assert app.model.filter.severities == {s.name for s in catalog.severities} - {name}, key
            assert len(app.model.view) == total - of_this, key
            assert all(app.model.view[i].sev.name != name for i in range(len(app.model.view))), key
            assert re.search(rf"hidden: .*\b{key}\b", await header(pilot))  # said in words, not struck out
            await pilot.press(key)
            assert name in app.model.filter.severities, key
            assert len(app.model.view) == total, key
        await pilot.press("c", "f", "e")  # toggles add up
        assert app.model.filter.severities.isdisjoint({"critical", "fatal", "error"})


async def test_rank_keys_show_that_severity_and_everything_more_severe(make_app, decode, catalog):
    app = make_app()
    events = decode(every_severity(catalog))
    ranked = sorted((s for s in catalog.severities if not s.unknown), key=lambda s: s.rank)
    assert len(ranked) == 7
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        for digit in (3, 1, 7, 2, 6, 4, 5):  # narrowing and widening
            wanted = {s.name for s in ranked[:digit]}
            await pilot.press(str(digit))
            assert set(app.model.filter.severities) == wanted, digit
            shown = {app.model.view[i].sev.name for i in range(len(app.model.view))}
            assert shown == wanted, digit
            assert len(app.model.view) == sum(ev.sev.name in wanted for ev in events), digit


# -- the panel -----------------------------------------------------------------------------

async def test_enter_opens_the_panel_with_everything_and_escape_closes(make_app, decode, catalog):
    app = make_app()
    raw = line("W", "DNSBLfailed", "198.51.100.7 listed: bl.example (127.0.0.2)")
    events = decode(every_severity(catalog) + [raw], source="/var/isode/log/mta-event.log")
    ev = events[-1]
    assert ev.entry is not None and ev.params
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        assert not app.panel.is_open
        await pilot.press("enter")
        assert app.panel.is_open and app.panel.display
        text = panel_text(app)
        assert re.search(r"Time\s+2026-11-24 09:30:00\.000", text)
        assert re.search(r"Severity\s+warning \(W\)", text)
        assert re.search(r"Facility\s+MTA_SMTP", text)
        assert re.search(rf"Event\s+DNSBLfailed\s+ID {ev.id}\b", text)
        assert re.search(r"Program\s+smtpsrvr\s+pid 4242", text)
        assert re.search(rf"Source\s+/var/isode/log/mta-event\.log:{ev.line}\b", text)
        assert "Parameters" in text
        for i, (pname, value) in enumerate(ev.params.items(), 1):
            assert re.search(rf"%{i} {re.escape(pname)}\s+{re.escape(value)}", text), (pname, value)
        assert "Description" in text and ev.entry.description.split()[0] in text
        assert "Operator action" in text
        assert "Raw line" in text and raw in text
        assert app.panel.border_title == "MTA_SMTP-DNSBLfailed"
        # the cursor moves, the panel follows it
        await pilot.press("up")
        await settle(pilot)
        assert app.panel.border_title != "MTA_SMTP-DNSBLfailed"
        assert app.event_list.current.raw in panel_text(app)
        await pilot.press("escape")
        assert not app.panel.is_open
        assert app.focused is app.event_list


async def test_panel_for_a_host_line_shows_the_host(make_app, decode, catalog):
    app = make_app()
    sim = Simulator(catalog, seed=1, start=FIXED_START, layout="syslog-rfc5424")
    events = decode(sim.startup())
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        await pilot.press("enter")
        assert re.search(rf"Host\s+{events[-1].host}\b", panel_text(app))


async def test_panel_says_unknown_and_unparsed_and_still_shows_the_raw_line(make_app, decode, catalog):
    app = make_app()
    unknown = line("E", "NoSuchEvent", "something odd")
    unparsed = "12345 a line with no event token"
    events = decode([unknown, unparsed])
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        await pilot.press("enter")
        text = panel_text(app)
        assert "Unparsed line" in text and unparsed in text
        assert app.panel.border_title == "Unparsed line"
        await pilot.press("up")
        await settle(pilot)
        text = panel_text(app)
        assert "Unknown event: MTA_SMTP-NoSuchEvent is not in the catalogue" in text
        assert unknown in text


# -- the text filter ---------------------------------------------------------------------------

async def test_slash_filters_live_enter_keeps_escape_clears(make_app, sim, decode):
    app = make_app()
    events = decode(traffic(sim, 200))
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        expect = [ev.seq for ev in events if "spf" in ev.raw.lower()]
        assert 0 < len(expect) < 200
        await pilot.press("slash")
        assert app.filter_bar.display and app.focused is app.filter_bar
        await pilot.press("s", "p", "f")  # p and f are severity keys: typed into the bar, not acted on
        assert app.model.filter.text.text == "spf"
        assert len(app.model.filter.severities) == len(app.catalog.severities)
        assert seqs(app.model.view) == expect
        assert "filter: /spf/" in await header(pilot)
        await pilot.press("enter")
        assert not app.filter_bar.display and app.focused is app.event_list
        assert seqs(app.model.view) == expect  # Enter keeps the filter
        await pilot.press("escape")  # on the list, Escape clears it
        assert app.model.filter.text.text == ""
        assert len(app.model.view) == 200
        assert "filter:" not in await header(pilot)
        # Escape in the bar clears too
        await pilot.press("slash", "s", "p", "f")
        assert len(app.model.view) == len(expect)
        await pilot.press("escape")
        assert not app.filter_bar.display and app.focused is app.event_list
        assert app.model.filter.text.text == "" and len(app.model.view) == 200


async def test_keys_typed_in_one_burst_after_slash_land_in_the_bar(make_app, sim, decode):
    """A terminal hands `/spf⏎p` over in one read: every key is queued before the first is handled.
    s, p, f are text in the bar (p and f must not hide pdu and fatal), and after Enter, p is a key again."""
    from textual import events as key_events

    app = make_app()
    held = decode(traffic(sim, 200))
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, held)
        expect = [ev.seq for ev in held if "spf" in ev.raw.lower()]
        for key, char in [("slash", "/"), ("s", "s"), ("p", "p"), ("f", "f"), ("enter", "\r"), ("p", "p")]:
            app.post_message(key_events.Key(key, char))
        await wait_until(pilot, lambda: "pdu" not in app.model.filter.severities, what="p after Enter")
        await settle(pilot)
        assert app.model.filter.text.text == "spf"
        assert "fatal" in app.model.filter.severities
        assert not app.filter_bar.display and app.focused is app.event_list
        assert seqs(app.model.view) == [ev.seq for ev in held
                                        if ev.seq in expect and ev.severity != "pdu"]
        await pilot.press("slash", "a", "slash", "b")  # the old text comes back selected; / is text
        assert app.filter_bar.value == "a/b" and app.focused is app.filter_bar
        await pilot.press("enter", "ctrl+p")  # in the palette and the help screen, / is not the filter
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette", what="palette")
        await pilot.press("slash")
        assert app.screen.query_one(Input).value == "/" and not app.filter_bar.display
        await pilot.press("escape", "question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.press("slash")
        assert isinstance(app.screen, HelpScreen) and not app.filter_bar.display


async def test_invalid_regex_gives_a_note_and_matches_as_text(make_app, sim, decode, catalog):
    app = make_app()
    lines = traffic(sim, 50) + [line("W", "Odd", "[b]x[/b] here")]
    events = decode(lines)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        await pilot.press("slash", "[", "b")
        assert app.model.filter.text.text == "[b"
        assert "not a valid regex" in app.model.filter.text.note
        assert "not a valid regex" in await header(pilot)
        assert [app.model.view[i].raw for i in range(len(app.model.view))] == [lines[-1]]


async def test_catastrophic_regex_gives_a_note_and_does_not_hang(make_app, decode, catalog):
    app = make_app()
    evil = ["2026-11-24 09:30:00.000 smtpsrvr[1] W-MTA_SMTP-Odd: " + "a" * 4000 + "!"] * 300
    events = decode(evil)
    faulthandler.dump_traceback_later(60, exit=True)  # a regression would hang forever: fail loudly
    try:
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot, events)
            t0 = time.monotonic()
            await pilot.press("slash", *"(a+)+$")
            await settle(pilot)
            assert time.monotonic() - t0 < 10
            assert app.model.filter.text.text == "(a+)+$"
            assert "nested repetition" in app.model.filter.text.note
            assert "nested repetition" in await header(pilot)
            assert len(app.model.view) == 0  # matched as the literal text, which no line holds
    finally:
        faulthandler.cancel_dump_traceback_later()


# -- narrowing from the panel ------------------------------------------------------------------

def session_traffic(catalog, n_sessions: int = 40) -> list[str]:
    sim = Simulator(catalog, seed=11, start=FIXED_START)
    out = sim.startup()
    for _ in range(n_sessions):
        out += sim.session()
    return out


async def test_o_only_this_event_and_backspace_back(make_app, decode, catalog):
    app = make_app()
    events = decode(session_traffic(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        await pilot.press("up", "up", "enter")
        ev = app.event_list.current
        before = seqs(app.model.view)
        await pilot.press("o")
        assert app.model.filter.event == (ev.facility, ev.event)
        names = {(app.model.view[i].facility, app.model.view[i].event) for i in range(len(app.model.view))}
        assert names == {(ev.facility, ev.event)}
        assert len(app.model.view) == sum((e.facility, e.event) == (ev.facility, ev.event) for e in events)
        assert app.event_list.current is ev  # paused: the cursor stays on the event
        assert f"only {ev.facility}-{ev.event}" in await header(pilot)
        await pilot.press("backspace")
        assert app.model.filter.event is None
        assert seqs(app.model.view) == before
        assert app.event_list.current is ev


async def test_o_on_an_unparsed_line_says_so(make_app, decode):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        calls = record_notifications(app)
        await start(app, pilot, decode(["no token here"]))
        await pilot.press("o")
        assert app.model.filter.event is None
        assert any("No event name" in m for m, _ in calls)


async def test_h_only_this_caller_address_and_back(make_app, decode, catalog):
    app = make_app()
    events = decode(session_traffic(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        # a Connection event names the caller; its session's other events name the same address
        index = max(i for i in range(len(app.model.view)) if app.model.view[i].event == "Connection")
        await pilot.press("space")
        for _ in range(len(app.model.view) - 1 - index):
            await pilot.press("up")
        ev = app.event_list.current
        assert ev.event == "Connection"
        address = ev.params["Caller's address"]
        await pilot.press("enter", "h")
        assert app.model.filter.value == address
        view = [app.model.view[i] for i in range(len(app.model.view))]
        assert len(view) >= 2 and ev in view
        assert all(e.host == address or address in e.params.values() for e in view)
        assert f"only {address}" in await header(pilot)
        await pilot.press("backspace")
        assert app.model.filter.value is None and len(app.model.view) == len(events)


async def test_h_falls_back_to_the_host(make_app, decode, catalog):
    app = make_app()
    sim = Simulator(catalog, seed=3, start=FIXED_START, layout="syslog-rfc3164")
    events = decode(sim.startup())  # Listen/Notice: no caller address among the parameters
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        ev = app.event_list.current
        assert ev.host
        await pilot.press("h")
        assert app.model.filter.value == ev.host
        assert all(app.model.view[i].host == ev.host for i in range(len(app.model.view)))


# -- follow and pause --------------------------------------------------------------------------

@pytest.mark.parametrize("pause_key,resume_key", [("space", "G"), ("up", "end"), ("k", "G")])
async def test_pause_keeps_the_cursor_counts_new_and_resume_jumps_to_newest(make_app, catalog, decode,
                                                                            pause_key, resume_key):
    app = make_app()
    sim = Simulator(catalog, seed=7, start=FIXED_START)
    it = sim.lines()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, decode([next(it) for _ in range(100)]))
        el = app.event_list
        assert el.following and el.cursor == 99
        await pilot.press(pause_key)
        assert not el.following
        paused_on = el.current.seq
        assert "PAUSED" in await header(pilot) and "FOLLOWING" not in await header(pilot)
        for n in range(1, 4):
            app.ingest(decode([next(it) for _ in range(60)], first=100 * n + 1))
            await settle(pilot)
            assert el.current.seq == paused_on
            assert f"+{60 * n} new" in await header(pilot)
            assert el.scroll_offset.y <= el.cursor < el.scroll_offset.y + el.size.height
        await pilot.press(resume_key)
        await settle(pilot)
        assert el.following
        assert el.current.seq == app.model.view[-1].seq == 280
        assert "new (G" not in await header(pilot)
        assert "FOLLOWING" in await header(pilot)
        assert el.scroll_offset.y == el.max_scroll_y  # the newest row is on screen
        await pilot.press("space")  # paused again: nothing new yet, the count was reset
        assert "PAUSED" in await header(pilot) and "new (G" not in await header(pilot)
        await pilot.press("G")
        app.ingest(decode([next(it) for _ in range(5)], first=1000))
        await settle(pilot)
        assert el.current.seq == 285


async def test_space_toggles(make_app, sim, decode):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, decode(traffic(sim, 20)))
        await pilot.press("space")
        assert not app.event_list.following
        await pilot.press("space")
        assert app.event_list.following


async def test_events_arriving_while_filtered_keep_the_list_correct(make_app, catalog):
    """Through the real feed (_feed → ingest_batch), with a text filter and the list following."""
    source = FakeSource()
    app = make_app(source=source)
    sim = Simulator(catalog, seed=7, start=FIXED_START)
    it = sim.lines()
    async with app.run_test(size=SIZE) as pilot:
        source.send([next(it) for _ in range(100)], backfill=True)
        source.send([], backfill=False)
        await wait_until(pilot, lambda: len(app.model.held) == 100 and not app.backfilling, what="backfill")
        await pilot.press("slash", *"connection", "enter")
        held = list(app.model.held)
        assert seqs(app.model.view) == [e.seq for e in held if "connection" in e.raw.lower()]
        for n in range(5):
            source.send([next(it) for _ in range(40)], first=101 + 40 * n)
            await wait_until(pilot, lambda n=n: len(app.model.held) == 140 + 40 * n, what="batch")
            await settle(pilot)
            held = list(app.model.held)
            assert seqs(app.model.view) == [e.seq for e in held if "connection" in e.raw.lower()]
            assert app.event_list.current is app.model.view[-1]  # following the newest match
        # now paused and filtered: the cursor stays, only matching arrivals are counted
        await pilot.press("up")
        paused_on = app.event_list.current.seq
        batch = [next(it) for _ in range(80)]
        matching = sum("connection" in ln.lower() for ln in batch)
        source.send(batch, first=400)
        await wait_until(pilot, lambda: len(app.model.held) == 380, what="paused batch")
        await settle(pilot)
        assert app.event_list.current.seq == paused_on
        assert matching > 0 and f"+{matching} new (G to follow)" in await header(pilot)
        held = list(app.model.held)
        assert seqs(app.model.view) == [e.seq for e in held if "connection" in e.raw.lower()]
        await pilot.press("G")
        assert app.event_list.current is app.model.view[-1]


async def test_filter_change_while_paused_keeps_the_cursor_event_on_screen(make_app, sim, decode):
    """Widening the view used to leave the cursor off screen (the scroll was ignored until layout)."""
    app = make_app()
    lines = traffic(sim, 2000)
    lines = [ln for ln in lines if "-MTA_SMTP-Critical" not in ln]
    lines.insert(1200, sim.line("Critical"))
    events = decode(lines)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        el = app.event_list
        await pilot.press("1", "up")  # only critical (just one), paused
        target = el.current
        assert target.sev.name == "critical"
        await pilot.press("7")  # widen again: the cursor stays on the event and on screen
        await settle(pilot)
        assert el.current is target
        assert el.scroll_offset.y <= el.cursor < el.scroll_offset.y + el.size.height
        assert any(target.message in row for row in list_rows(app))


async def test_click_selects_and_pauses(make_app, sim, decode):
    app = make_app()
    events = decode(traffic(sim, 20))
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        await pilot.click("#events", offset=(5, 3))
        await settle(pilot)
        assert not app.event_list.following
        assert app.event_list.current is events[3]


# -- acknowledging -------------------------------------------------------------------------------

async def test_a_acknowledges_the_selected_event(make_app, decode, catalog):
    app = make_app()
    lines = every_severity(catalog)
    events = decode(lines)
    alerting = {s.name for s in catalog.severities if s.alert}
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        unacked = app.model.unacked
        assert unacked == sum(e.sev.name in alerting for e in events) > 0
        assert f"{unacked} unacknowledged" in await header(pilot)
        await pilot.press("3")  # only critical, fatal and error
        await pilot.press("enter")
        ev = app.event_list.current
        assert ev.sev.name in alerting and "- acknowledged" not in panel_text(app)
        await pilot.press("a")
        assert app.model.is_acked(ev)
        assert app.model.unacked == unacked - 1
        assert f"{unacked - 1} unacknowledged" in await header(pilot)
        assert "- acknowledged" in panel_text(app)  # the open panel follows the ack
        await pilot.press("a")  # again: taken back
        assert app.model.unacked == unacked and not app.model.is_acked(ev)


async def test_A_acknowledges_all_like_it(make_app, decode, catalog):
    app = make_app()
    error = line("E", "Error", "malformed address in RCPT TO")
    events = decode([error] * 5 + [line("E", "ErrorS", "disk quota exceeded")] + [error])
    async with app.run_test(size=SIZE) as pilot:
        calls = record_notifications(app)
        await start(app, pilot, events)
        assert app.model.unacked == 7
        await pilot.press("A")
        assert app.model.unacked == 1
        assert all(app.model.is_acked(e) for e in events if e.event == "Error")
        assert not app.model.is_acked(events[5])
        assert any("Acknowledged 6 × MTA_SMTP-Error" in m for m, _ in calls)
        assert "1 unacknowledged" in await header(pilot)


# -- notifications -------------------------------------------------------------------------------

async def test_new_critical_notifies_even_paused_and_filtered_out(make_app, decode, catalog, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        calls = record_notifications(app)
        await start(app, pilot, decode(traffic(sim, 20)))
        await pilot.press("c", "f", "space")
        assert "critical" not in app.model.filter.severities and not app.event_list.following
        app.ingest(decode([line("C", "Critical", "message store unavailable"),
                           line("F", "Fatal", "disk nearly full"),
                           line("E", "Error", "not notified")]))
        await settle(pilot)
        titles = [kw.get("title") for _, kw in calls]
        assert titles == ["CRITICAL", "FATAL"]
        assert all(kw.get("markup") is False and kw.get("severity") == "error" for _, kw in calls)
        assert "MTA_SMTP-Critical: message store unavailable" in calls[0][0]
        # not in the view, but counted and unacknowledged
        assert all(app.model.view[i].sev.name not in ("critical", "fatal") for i in range(len(app.model.view)))
        assert app.model.unacked == 3 + sum(e.sev.name in ("critical", "fatal", "error")
                                            for e in list(app.model.held)[:20])


async def test_history_backfill_does_not_notify(make_app, decode, catalog):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        calls = record_notifications(app)
        app.ingest(decode([line("C", "Critical", "old news")]), live=False)
        await settle(pilot)
        assert calls == []
        assert app.model.unacked == 1


async def test_a_burst_of_criticals_is_rate_limited_and_summarised(make_app, decode, catalog):
    clock = FrozenClock()
    app = make_app(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        calls = record_notifications(app)
        await settle(pilot)
        burst = [line("C", "Critical", f"store down {i}") for i in range(10)]
        app.ingest(decode(burst))
        await settle(pilot)
        assert len(calls) == 3  # NOTIFY_PER_SECOND
        app.ingest(decode(burst[:4]))  # still inside the same second: all held back
        await pilot.pause(0.3)  # a few ticks with the clock standing still: nothing more
        assert len(calls) == 3
        clock.advance(1.5)
        await wait_until(pilot, lambda: len(calls) == 4, what="the summary")
        assert calls[3][0] == "and 11 more critical/fatal events"
        await pilot.pause(0.3)
        assert len(calls) == 4
        assert app.model.unacked == 14


async def test_notification_reaches_the_screen(make_app, decode, catalog):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.ingest(decode([line("C", "Critical", "message store unavailable")]))
        toast = "MTA_SMTP-Critical: message store unavailable"  # the list row has no colon there
        await wait_until(pilot, lambda: toast in screen_text(app) and "CRITICAL" in screen_text(app),
                         what="the toast")


# -- copy, quit, help, palette ---------------------------------------------------------------

async def test_y_copies_the_raw_line(make_app, decode, catalog, sim):
    app = make_app()
    raw = line("E", "Error", "copy me \x1b[31m [b]")
    events = decode(traffic(sim, 5) + [raw], source="mta\x1b]0;x\x07.log")
    async with app.run_test(size=SIZE) as pilot:
        calls = record_notifications(app)
        await start(app, pilot, events)
        await pilot.press("y")
        assert app.clipboard == visible(raw)
        assert calls and calls[-1][0] == ("Line 6 sent to the terminal's clipboard"
                                          " (OSC 52; a terminal may refuse it): mta\\e]0;x\\x07.log")
        await pilot.press("up", "y")
        assert app.clipboard == visible(events[-2].raw)


async def test_q_quits_with_return_code_0(make_app, sim, decode):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, decode(traffic(sim, 5)))
        assert app.return_code is None
        await pilot.press("q")
        assert app.return_code == 0
    assert app.return_code == 0


async def test_q_in_the_filter_bar_is_text(make_app, sim, decode):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, decode(traffic(sim, 5)))
        await pilot.press("slash", "q")
        await settle(pilot)
        assert app.is_running and app.model.filter.text.text == "q"


def every_key(app) -> set[str]:
    keys = set()
    for binding in [*app.BINDINGS, *app.event_list.BINDINGS]:
        keys.update(k.strip() for k in binding.key.split(","))
    return keys


async def test_question_mark_help_lists_every_key(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = set()
        for keys, _ in app.screen.rows:
            listed.update(k.strip() for k in keys.split(","))
        names = KEY_NAMES
        missing = {names.get(k, k) for k in every_key(app)} - listed
        assert not missing, f"keys missing from the help: {sorted(missing)}"
        for required in ["c", "f", "e", "w", "n", "i", "p", "u", *"1234567", "/", "?", "Enter", "Esc",
                         "o", "h", "Backspace", "Space", "G", "End", "a", "A", "y", "q", "Ctrl+P"]:
            assert required in listed, required
        text = screen_text(app)
        assert "show or hide critical events" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark", "q")  # q closes the help, it does not quit
        assert not isinstance(app.screen, HelpScreen) and app.is_running


async def test_palette_lists_every_action_and_theme(make_app, themes):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        words = dict(app.screen.rows)  # what each key does, in the help's words
        await pilot.press("escape")
        commands = list(app.get_system_commands(app.screen))
        titles = {cmd.title for cmd in commands}
        # every key of the app, titled by what it does in the help's words (Esc: the help says more)
        by_keys = {cmd.help[len("key: "):]: cmd.title for cmd in commands if cmd.help.startswith("key: ")}
        assert len(by_keys) == len(app.BINDINGS)
        for keys, title in by_keys.items():
            assert keys == "Esc" or title == words[keys].capitalize(), keys
        for name in themes:
            assert f"Theme: {name}" in titles


async def test_palette_runs_an_action_and_switches_theme(make_app, decode, sim):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, decode(traffic(sim, 30)))
        dark_styles = app.event_list.sev_styles
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette", what="palette")
        app.screen.query_one(Input).value = "Theme: smtp-light"  # as typed, without 17 key round trips
        await wait_until(pilot, lambda: "Theme: smtp-light" in screen_text(app), what="the theme command")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.theme == "smtp-light", what="the theme to change")
        assert app.event_list.sev_styles is not dark_styles
        assert app.event_list.sev_styles.badge["error"] != dark_styles.badge["error"]
        await wait_until(pilot, lambda: app.screen.__class__.__name__ != "CommandPalette", what="close")
        # an action from the palette: hide pdu
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette", what="palette")
        app.screen.query_one(Input).value = "hide pdu events"
        await wait_until(pilot, lambda: "key: p" in screen_text(app), what="the pdu command")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "pdu" not in app.model.filter.severities, what="pdu hidden")


async def test_every_theme_switches(make_app, sim, decode, themes):
    app = make_app(theme="smtp-light")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, decode(traffic(sim, 30)))
        for name in ["smtp-dark", "smtp-high-contrast", "smtp-colour-blind", "smtp-light", "textual-dark"]:
            before = app.event_list.sev_styles
            app.theme = name
            await settle(pilot)
            assert app.theme == name
            assert app.event_list.sev_styles is app.styles_by_theme is not before
            colours = {str(style.color) for style in app.styles_by_theme.badge.values()}
            assert len(colours) >= 5, name  # severities keep their own colours in every theme
            if name in themes:
                spec = themes[name].severity_style("critical")
                assert app.styles_by_theme.badge["critical"].color.name == spec.color.lower()


# -- history cap, header --------------------------------------------------------------------------

async def test_history_cap_drops_the_oldest_and_the_header_counts_them(make_app, sim, decode):
    app = make_app(history=50)
    events = decode(traffic(sim, 80))
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, events)
        assert len(app.model.held) == 50 and app.model.dropped == 30
        assert [e.seq for e in app.model.held] == list(range(31, 81))
        assert "dropped 30" in await header(pilot) and "held 50/50" in await header(pilot)
        assert sum(app.model.counts.values()) == 50
        # filters apply to every held event, and only to held ones
        await pilot.press("i")
        assert seqs(app.model.view) == [e.seq for e in app.model.held if e.sev.name != "info"]
        await pilot.press("i")
        assert seqs(app.model.view) == list(range(31, 81))


async def test_history_cap_while_paused_keeps_the_cursor_on_its_event(make_app, sim, decode):
    app = make_app(history=100)
    it = sim.lines()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, decode([next(it) for _ in range(100)]))
        el = app.event_list
        await pilot.press("space")
        for _ in range(10):
            await pilot.press("up")
        target = el.current
        assert target.seq == 90
        app.ingest(decode([next(it) for _ in range(30)]))
        await settle(pilot)
        assert app.model.dropped == 30
        assert el.current is target and el.cursor == 59
        assert el.scroll_offset.y <= el.cursor < el.scroll_offset.y + el.size.height
        assert "dropped 30" in await header(pilot)


async def test_header_shows_counts_rate_and_sources(make_app, catalog):
    clock = FrozenClock()
    source = FakeSource()
    app = make_app(source=source, clock=clock)
    sim = Simulator(catalog, seed=7, start=FIXED_START)
    lines = traffic(sim, 50)
    async with app.run_test(size=SIZE) as pilot:
        source.send(lines[:30], backfill=True)
        # no forced refresh here: the app's own tick must bring the header up to date
        header = lambda: app.status.content.plain  # noqa: E731
        await wait_until(pilot, lambda: "loading history… 30 events" in header(), what="backfill")
        source.send(lines[30:], first=31)
        source.send([], path="/var/isode/log/mta-event-2.log", state="unreadable", detail="permission denied")
        await wait_until(pilot, lambda: "unreadable" in header() and "held 50/" in header()
                         and "loading history" not in header(), what="the live batches")
        text = header()
        assert "loading history" not in text
        assert "mta-event.log following" in text
        assert "mta-event-2.log unreadable (permission denied)" in text
        assert "4.0 ev/s" in text  # 20 live events inside the 5 s window: the history is no rate
        for sev in catalog.severities:
            n = sum(e.sev.name == sev.name for e in app.model.held)
            assert f"{sev.letter} {sev.name} {n}" in text
        clock.advance(6)
        await wait_until(pilot, lambda: " 0.0 ev/s" in header(), what="the rate to decay")
        # many logs: the one in trouble comes first (the line is cut at the screen's edge), the
        # healthy ones are counted
        for i in range(3, 8):
            source.send([], path=f"/var/isode/log/aaa-{i}.log")
        await wait_until(pilot, lambda: "6 logs following" in header(), what="healthy logs counted")
        first_row = header().splitlines()[0]
        assert "mta-event-2.log unreadable (permission denied)" in first_row  # trouble: first
        assert "6 logs following" in first_row


async def test_a_filter_matching_nothing_does_not_lose_the_paused_place(make_app, sim, decode):
    """Typing a live filter often passes through no match at all (a typo): the place must survive it."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, decode(traffic(sim, 300)))
        el = app.event_list
        for _ in range(5):
            await pilot.press("up")
        target = el.current
        await pilot.press("slash", *"zzq")
        assert len(app.model.view) == 0 and el.current is None
        await pilot.press("backspace", "backspace", "backspace")
        assert app.model.filter.text.text == ""
        assert el.current is target
        await pilot.press("slash", *"zzq", "escape")
        assert el.current is target
        assert el.scroll_offset.y <= el.cursor < el.scroll_offset.y + el.size.height
