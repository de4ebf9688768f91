"""Issue 14, looking back in the console: the timeline (T), go to a time (:), the summary (S), and
the header's alert trend, driven with Pilot key presses."""

from __future__ import annotations

from datetime import datetime, timedelta

from console.ui.goto_prompt import GotoPrompt
from console.ui.summary_screen import SummaryScreen
from console.ui.timeline_screen import TimelineScreen

from .conftest import list_rows, settle, wait_until

SMALL = (80, 24)
WIDE = (160, 45)
T0 = datetime(2026, 11, 24, 9, 0, 0)


def line(letter: str, name: str, when: datetime, message: str = "x") -> str:
    return f"{when:%Y-%m-%d %H:%M:%S}.000 smtpsrvr[4242] {letter}-MTA_SMTP-{name}: {message}"


def ten_minutes(start: datetime = T0) -> list[str]:
    """A notice every 10 s for ten minutes, an error at 5 past, connections from two callers."""
    out = []
    for i in range(60):
        when = start + timedelta(seconds=10 * i)
        out.append(line("N", "Notice", when, f"tick {i}"))
        if i % 3 == 0:
            ip = "192.0.2.2" if i % 2 else "192.0.2.1"
            out.append(line("I", "Connection", when, f"connection from {ip}:25 (mx.example.org)"))
    out.append(line("E", "Error", start + timedelta(minutes=5), "boom"))
    return sorted(out)


async def start(app, pilot, events) -> None:
    app.ingest(events, live=False)
    await settle(pilot)


async def open_timeline(app, pilot) -> TimelineScreen:
    await pilot.press("T")
    await wait_until(pilot, lambda: isinstance(app.screen, TimelineScreen), what="the timeline")
    screen = app.screen
    await wait_until(pilot, lambda: not screen.feeder.recounting and screen.chart.rows, what="the count")
    await pilot.pause()
    return screen


async def test_timeline_fits_the_span_marks_the_cursor_and_goes_to_a_bucket(make_app, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(ten_minutes()))
        screen = await open_timeline(app, pilot)
        chart = screen.chart
        assert screen.size_now == 30 and len(chart.rows) == 20  # 10 minutes in 30 s rows
        assert "30 s a row  ▶ list 09:09:50" in screen.title_row.content.plain
        assert chart.mark == chart.cursor == 19  # the list follows the newest event: the last bucket
        assert sum(b.total for b in chart.rows) == len(app.model.view)
        five_past = chart.rows[10]
        assert five_past.counts[[s.name for s in app.catalog.severities].index("error")] == 1
        assert chart.render_line(10).text.startswith(" 09:05:00 ")
        await pilot.press("home", "down", "enter")
        await wait_until(pilot, lambda: app.screen is app.event_list.screen, what="the list again")
        await settle(pilot)
        assert not app.event_list.following
        assert app.event_list.current.time == T0 + timedelta(seconds=30)


async def test_timeline_zooms_updates_live_and_follows_the_filters(make_app, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(ten_minutes()))
        screen = await open_timeline(app, pilot)
        await pilot.press("plus")
        assert screen.size_now == 15 and screen.zoom == 15 and len(screen.chart.rows) == 40
        await pilot.press("0")
        assert screen.zoom is None and screen.size_now == 30
        before = len(app.model.view)
        app.ingest(decode(ten_minutes(T0 + timedelta(minutes=10)), first=1000), live=True)
        await wait_until(pilot, lambda: screen.feeder.tally.version and len(screen.feeder.tally) > before,
                         what="the new events counted")
        await wait_until(pilot, lambda: screen.size_now == 60, what="the wider span redrawn")
        await pilot.press("n")  # a severity key reaches the list's filters from the timeline
        await wait_until(pilot, lambda: "hidden: notice" in screen.legend_row.content.plain, what="the legend")
        await wait_until(pilot, lambda: not screen.feeder.recounting and len(screen.feeder.tally)
                         == len(app.model.view), what="the recount")
        await pilot.press("escape")
        assert app.screen is app.event_list.screen


async def test_timeline_with_no_color_draws_letters(make_app, decode, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(ten_minutes()))
        screen = await open_timeline(app, pilot)
        rows = [screen.chart.render_line(y).text for y in range(len(screen.chart.rows))]
        assert "NNNN" in rows[0] and "█" not in "".join(rows)
        assert "E" in rows[10].split(" ", 2)[2]  # the one error has its cell however many notices
        assert screen.legend_row.content.plain.startswith("C critical  F fatal")


async def test_go_to_a_time_pauses_there_and_says_what_is_wrong(make_app, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(ten_minutes()))
        await pilot.press("colon")
        await wait_until(pilot, lambda: isinstance(app.screen, GotoPrompt), what="the prompt")
        prompt = app.screen
        await pilot.press(*"25:99", "enter")
        assert app.screen is prompt and "25:99" in prompt.says.content.plain
        prompt.input.value = ""
        await pilot.press(*"08:00", "enter")
        said = prompt.says.content.plain
        assert app.screen is prompt and "before the first event shown" in said and "2026-11-24 09:00:00" in said
        prompt.input.value = ""
        await pilot.press(*"09:05", "enter")
        await wait_until(pilot, lambda: app.screen is app.event_list.screen, what="the list")
        assert not app.event_list.following and app.event_list.current.time == T0 + timedelta(minutes=5)
        await pilot.press("colon")
        await wait_until(pilot, lambda: isinstance(app.screen, GotoPrompt), what="the prompt again")
        await pilot.press(*"-2m", "enter")  # counted back from the newest event, 09:09:50
        await wait_until(pilot, lambda: app.screen is app.event_list.screen, what="the list")
        assert app.event_list.current.time == T0 + timedelta(minutes=7, seconds=50)
        await pilot.press("colon", "escape")
        await wait_until(pilot, lambda: app.screen is app.event_list.screen, what="Esc closes it")


async def test_summary_counts_and_a_row_filters_the_list_backspace_returns(make_app, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(ten_minutes()))
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryScreen) and app.screen.done
                         and app.screen.rows_by_key, what="the summary")
        screen = app.screen
        rows = {r.label: r for r in screen.rows_by_key.values()}
        assert rows["notice"].count == 60 and rows["error"].count == 1
        assert rows["MTA_SMTP-Error"].worst == "error"
        assert rows["192.0.2.1:25"].count == 10 and rows["192.0.2.2:25"].count == 10
        assert rows["notice"].first is not None and rows["notice"].last > rows["notice"].first
        table = screen.table
        target = next(k for k, r in screen.rows_by_key.items() if r.label == "192.0.2.2:25")
        await pilot.press(*["down"] * (table.get_row_index(target) - table.cursor_row), "enter")
        await wait_until(pilot, lambda: app.screen is app.event_list.screen, what="the list")
        await settle(pilot)
        assert app.model.filter.value == "192.0.2.2:25"
        shown = [r for r in list_rows(app) if r.strip()]
        assert shown and all("192.0.2.2" in r for r in shown)
        await pilot.press("backspace")
        await settle(pilot)
        assert app.model.filter.value is None
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryScreen) and app.screen.done
                         and app.screen.rows_by_key, what="the summary again")
        screen = app.screen
        target = next(k for k, r in screen.rows_by_key.items() if r.label == "MTA_SMTP-Error")
        await pilot.press(*["down"] * (screen.table.get_row_index(target) - screen.table.cursor_row), "enter")
        await wait_until(pilot, lambda: app.screen is app.event_list.screen, what="the list")
        assert app.model.filter.event == ("MTA_SMTP", "Error") and len(app.model.view) == 1


async def test_the_header_trend_is_on_wide_screens_only(make_app, decode):
    app = make_app()
    events = decode(ten_minutes() + [line("E", "Error", T0 + timedelta(minutes=9, seconds=55), "late")])
    async with app.run_test(size=WIDE) as pilot:
        await start(app, pilot, events)
        assert app.intake.trend.counts()[-1] == 1 and app.intake.trend.counts()[-5] == 1
        assert "alerts" in app.status.content.plain.splitlines()[1]
        await pilot.resize_terminal(*SMALL)
        await settle(pilot)
        assert "alerts" not in app.status.content.plain


async def test_help_lists_the_keys_for_looking_back(make_app):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        words = dict(app.screen.rows)
        assert words["T"].startswith("events per time bucket") and words[":"].startswith("go to a time")
        assert words["S"].startswith("counts by severity")
        keys = [k for k, _ in app.screen.rows]
        assert keys.index("T") > keys.index("u")  # after the severity keys


async def test_looking_back_at_nothing_says_so(make_app, decode):
    """No events, or only lines without a time: each screen opens, says so, and closes."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(["garbage line with no event token"]))
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, TimelineScreen) and not app.screen.feeder.recounting,
                         what="the timeline")
        assert app.screen.chart.rows == [] and "1 line without a time" in app.screen.hint_row.content.plain
        await pilot.press("enter", "escape")
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryScreen) and app.screen.done, what="summary")
        await pilot.pause()
        assert [r.label for r in app.screen.rows_by_key.values()] == ["unknown", "(unparsed)"]
        await pilot.press("escape", "colon")
        await wait_until(pilot, lambda: isinstance(app.screen, GotoPrompt), what="the prompt")
        await pilot.press(*"09:00", "enter")
        assert "No event shown has a time" in app.screen.says.content.plain
        await pilot.press("escape")
        assert app.screen is app.event_list.screen
