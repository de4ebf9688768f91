"""Issue 12: the operator's real terminal, 80×24 over SSH in the middle of an incident. Every new
key through Pilot, and a burst of fatal events that must never cover the list."""

from __future__ import annotations


from console.ui.keys import RESERVED_KEYS, ConsoleKeys

from .conftest import FakeSource, list_rows, panel_text, record_notifications, screen_lines, screen_text, settle, traffic, wait_until

SMALL = (80, 24)


def line(letter: str, name: str, message: str, when: str = "2026-11-24 09:30:00.000") -> str:
    return f"{when} smtpsrvr[4242] {letter}-MTA_SMTP-{name}: {message}"


async def start(app, pilot, events, *, live: bool = False) -> None:
    app.ingest(events, live=live)
    await settle(pilot)


def test_new_keys_leave_the_severity_keys_and_T_colon_S_free(catalog):
    keys = ConsoleKeys(catalog)
    fixed = {k.strip() for b in keys.bindings if b not in keys.severity_bindings for k in b.key.split(",")}
    severity = {k.strip() for b in keys.severity_bindings for k in b.key.split(",")}
    assert not fixed & severity
    assert not fixed & set(RESERVED_KEYS)


async def test_header_is_two_rows_and_the_connection_row_shows_the_caller(make_app, sim, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(traffic(sim, 200)))
        assert app.status.size.height == 2
        conn = [r for r in list_rows(app) if " Connection " in r]
        assert conn and all("connection from " in r and any(c.isdigit() for c in r.split("from ")[1])
                            for r in conn)
        assert "MTA_SMTP-" not in "".join(list_rows(app))  # one facility: no prefix
        assert "smtpsrvr[" not in "".join(list_rows(app))  # no room for program[pid]
        await pilot.press("n", "i", "p")
        await settle(pilot)
        assert "hidden: n i p" in app.status.content.plain
        await pilot.press("d")  # wide: date and program on a key
        await settle(pilot)
        assert any(r.startswith("2026-11-24 ") and "smtpsrvr[" in r for r in list_rows(app))


async def test_dates_across_days_say_the_month(make_app, decode):
    app = make_app()
    events = decode([line("N", "Notice", "one", "2026-12-01 23:59:59.000"),
                     line("N", "Notice", "two", "2026-12-02 00:00:01.000")])
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, events)
        rows = [r for r in list_rows(app) if r.strip()]
        assert rows[0].startswith("Dec 01 23:59:59.000") and rows[1].startswith("Dec 02 00:00:01.000")


async def test_a_source_in_trouble_stays_in_the_header(make_app, sim, decode):
    source = FakeSource()
    app = make_app(source=source)
    async with app.run_test(size=SMALL) as pilot:
        source.send(traffic(sim, 50), path="/var/isode/log/mta-event.log")
        source.send([], path="/var/isode/log/mta-event-b.log", state="missing", detail="No such file or directory")
        app.ingest(decode([line("E", "Error", "x")] * 5000), live=False)  # big counts
        await wait_until(pilot, lambda: "mta-event-b.log missing" in app.status.content.plain,
                         what="the missing log in the header")
        assert app.status.size.height == 2


async def test_a_toggles_and_A_undoes_when_all_were(make_app, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        calls = record_notifications(app)
        await start(app, pilot, decode([line("E", "Error", f"e{i}") for i in range(3)]))
        await pilot.press("a")
        assert app.model.unacked == 2 and calls[-1][0].startswith("Acknowledged")
        await pilot.press("a")
        assert app.model.unacked == 3 and calls[-1][0] == "Acknowledgement taken back"
        await pilot.press("A")
        assert app.model.unacked == 0
        await pilot.press("A")
        assert app.model.unacked == 3


async def test_m_mutes_a_name_and_help_lists_it(make_app, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        calls = record_notifications(app)
        await start(app, pilot, decode([line("F", "ListenError", "listener failed")]))
        await pilot.press("m")
        assert app.model.unacked == 0
        n = len(calls)
        app.ingest(decode([line("F", "ListenError", "again")], first=2))
        await settle(pilot)
        assert len(calls) == n and app.model.unacked == 0 and not app.alert_line.has_class("on")
        await pilot.press("question_mark")
        await settle(pilot)
        assert "Muted (m on one of them undoes it): MTA_SMTP-ListenError" in screen_text(app), \
            "\n".join(screen_lines(app))
        await pilot.press("escape", "m")
        assert app.model.unacked == 2


async def test_U_shows_only_what_waits(make_app, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode([line("E", "Error", "one"), line("I", "Connection", "c"),
                                        line("E", "Error", "two")]))
        await pilot.press("U")
        await settle(pilot)
        assert len(app.model.view) == 2 and "only unacknowledged" in app.status.content.plain
        await pilot.press("a")  # acknowledged: it leaves this view
        await settle(pilot)
        assert len(app.model.view) == 1
        await pilot.press("U")
        assert len(app.model.view) == 3


async def test_bang_goes_to_the_alert_and_x_dismisses_it(make_app, sim, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(traffic(sim, 40)))
        app.ingest(decode([line("F", "ListenError", "listener on 0.0.0.0:25 failed")], first=100))
        await pilot.press("f")  # fatal hidden: ! shows everything again to reach it
        app.ingest(decode(traffic(sim, 40), first=200))
        await settle(pilot)
        assert app.alert_line.has_class("on") and "FATAL" in screen_text(app)
        await pilot.press("exclamation_mark")
        assert app.event_list.current.event == "ListenError" and not app.event_list.following
        await pilot.press("x")
        await settle(pilot)
        assert not app.alert_line.has_class("on")


async def test_a_burst_of_50_fatal_events_never_covers_the_list(make_app, sim, decode):
    app = make_app()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await start(app, pilot, decode(traffic(sim, 60)))
        list_region = app.event_list.region
        for i in range(50):
            app.ingest(decode([line("F", "ListenError", f"listener {i // 10} failed")], first=1000 + i))
            await pilot.pause()
            # nothing drawn over the list: its rows are the events' rows, every one
            assert not app.screen.query("Toast")
            top = app.event_list.region
            assert top.y >= list_region.y and top.height >= list_region.height - 2
            rows = screen_lines(app)[top.y:top.y + top.height]
            assert all(r[:12].count(":") == 2 for r in rows if r.strip()), rows
        await settle(pilot)
        # the count gives way to the message at 80 columns (short form), never the keys
        assert "50 alerts" in screen_text(app) and "×" in screen_text(app) and "! go" in screen_text(app), \
            "\n".join(screen_lines(app))


async def test_no_notify_keeps_the_alert_line(make_app, decode):
    app = make_app(notify=False)
    async with app.run_test(size=SMALL) as pilot:
        calls = record_notifications(app)
        app.ingest(decode([line("C", "Critical", "store down")]))
        await settle(pilot)
        assert calls == [] and app.alert_line.has_class("on")


async def test_ctrl_c_quits_and_ctrl_z_suspends(make_app, decode, monkeypatch):
    app = make_app()
    suspended = []
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode([line("N", "Notice", "x")]))
        app.action_suspend_process = lambda: suspended.append(True)
        await pilot.press("ctrl+z")
        assert suspended == [True] and app.is_running
        await pilot.press("ctrl+c")
        assert app.return_code == 0


async def test_less_and_vim_keys(make_app, sim, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(traffic(sim, 200)))
        el = app.event_list
        height = el.size.height
        await pilot.press("ctrl+b")
        assert el.cursor == 199 - (height - 1) and not el.following
        await pilot.press("ctrl+u")
        assert el.cursor == 199 - (height - 1) - height // 2
        await pilot.press("ctrl+d")
        assert el.cursor == 199 - (height - 1)
        await pilot.press("ctrl+f")
        assert el.cursor == 199
        await pilot.press("g")
        assert el.cursor == 0
        await pilot.press("G")
        assert el.cursor == 199 and el.following


async def test_right_scrolls_long_messages_and_filter_matches_are_marked(make_app, decode):
    app = make_app()
    long = "start " + "x" * 150 + " THE-END"
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode([line("N", "Notice", long)]))
        assert "THE-END" not in screen_text(app)
        for _ in range(7):
            await pilot.press("right")
        await settle(pilot)
        assert "THE-END" in screen_text(app), "\n".join(screen_lines(app))
        await pilot.press(*["left"] * 7)
        await pilot.press("slash", "s", "t", "a", "r", "t", "enter")
        await settle(pilot)
        strip = app.event_list.render_line(0)
        marked = [seg.text for seg in strip if seg.style and seg.style.underline]
        assert marked == ["start"]


async def test_panel_at_80_columns_is_a_bottom_pane_then_full_screen(make_app, decode):
    app = make_app()
    address = "postmaster@mx.example.org.very-long-domain-name.example"
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode([line("W", "SPFsoftfail", f"{address} from 192.0.2.1")] * 3))
        await pilot.press("enter")
        await settle(pilot)
        assert app.panel.region.width == 80 and app.event_list.region.width == 80
        assert app.panel.region.y > app.event_list.region.y
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.maximized is app.panel
        assert app.panel.region.width == 80 and app.panel.region.height >= 20  # the whole screen
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.maximized is None and app.panel.is_open


async def test_the_panel_holds_its_event_while_lines_come_and_esc_follows_again(make_app, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode([line("E", "SPFfail", f"reader {i}") for i in range(5)]))
        assert app.event_list.following
        await pilot.press("enter")
        await settle(pilot)
        shown = app.event_list.current
        assert not app.event_list.following and "reader 4" in panel_text(app)
        app.ingest(decode([line("I", "Connection", "newer")], first=6))
        await settle(pilot)
        assert app.event_list.current is shown and "reader 4" in panel_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.event_list.following and "newer" in app.event_list.current.message


async def test_screenshot_goes_to_the_current_directory_and_says_where(make_app, decode, tmp_path,
                                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        calls = record_notifications(app)
        await start(app, pilot, decode([line("N", "Notice", "x")]))
        saved = app.deliver_screenshot()
        assert saved and os_path_parent(saved) == str(tmp_path)
        assert calls[-1][0] == f"Screenshot saved to {saved}"


async def test_y_says_the_clipboard_may_refuse(make_app, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        calls = record_notifications(app)
        await start(app, pilot, decode([line("N", "Notice", "x")]))
        await pilot.press("y")
        assert "terminal's clipboard (OSC 52; a terminal may refuse it)" in calls[-1][0]


def os_path_parent(path: str) -> str:
    import os
    return os.path.dirname(os.path.abspath(path))


async def test_bang_says_it_cleared_the_filters_and_backspace_restores_them(make_app, sim, decode):
    """Trial finding 6: `!` clears the filters hiding the alert, says so, and Backspace restores them."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(traffic(sim, 40)))
        app.ingest(decode([line("F", "ListenError", "listener on 0.0.0.0:25 failed")], first=100))
        await pilot.press("f", "slash", "s", "m", "t", "p", "enter")  # fatal hidden, and a text filter
        await settle(pilot)
        before = app.model.filter
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert app.event_list.current.event == "ListenError"
        assert "Filters cleared to show the alert: Backspace restores them" in screen_text(app)
        await pilot.press("backspace")
        await settle(pilot)
        assert app.model.filter == before and "hidden: f" in app.status.content.plain
        assert "/smtp/" in app.status.content.plain


async def test_bang_on_a_shown_alert_says_nothing_about_filters(make_app, sim, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(traffic(sim, 40)))
        app.ingest(decode([line("F", "ListenError", "listener on 0.0.0.0:25 failed")], first=100))
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert app.event_list.current.event == "ListenError" and "Filters cleared" not in screen_text(app)


async def test_at_80_columns_footer_note_and_alert_line_are_whole(make_app, decode):
    """Trial finding 5: nothing cut mid-word at 80 columns: the footer shows the keys that fit whole,
    the note after `y` says what happened, the alert line keeps its keys; wider, it says more."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        msg = "BURL fetch of imap://relay.example.com/INBOX;UID=57849 failed: connection timed out"
        await start(app, pilot, decode([line("N", "Notice", "x")] + [line("F", "BURLfatal", msg)]
                                       + [line("C", "Critical", "store down")] * 6), live=True)
        await wait_until(pilot, lambda: any(not k.display for k in app.query(FooterKey)), what="footer fitted")
        footer = app.query_one(Footer)
        palette = footer.query_one(".-command-palette")
        shown = [k for k in footer.query(FooterKey) if k.display and k is not palette]
        assert shown and all(k.region.right <= palette.region.x for k in shown)
        assert "quit" in screen_lines(app)[-1] and "help" in screen_lines(app)[-1]
        await pilot.press("y")
        await settle(pilot)
        note = screen_lines(app)[-2]
        assert note.strip().startswith("Line ") and "sent to the terminal's clipboard" in note, note
        alert = screen_lines(app)[-3]
        assert "CRITICAL" in alert and alert.rstrip().endswith("! go · x dismiss"), alert
        await pilot.resize_terminal(160, 45)
        await settle(pilot)
        await pilot.press("x")
        app.ingest(decode([line("F", "BURLfatal", msg)]))
        await settle(pilot)
        assert msg in screen_text(app)


CALLER_LINES = [line("I", "Connection", "connection from 192.0.2.1 (smtp-external)"),
                line("W", "SPFnone", "bob@example.com from 192.0.2.1"),
                line("I", "Connection", "connection from 192.0.2.9 (smtp-external)"),
                line("I", "Connection", "connection from 192.0.2.1 (smtp-external) tls=on"),
                line("N", "Notice", "configuration reloaded")]


async def test_h_finds_the_caller_when_text_follows_the_template_and_says_why_not(make_app, decode):
    """Trial finding 3: `h` on a message with text after its template still narrows to its caller;
    on a line with none, the note line says why."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(CALLER_LINES))
        await pilot.press("k", "h")  # the tls=on line
        await settle(pilot)
        assert app.model.filter.value == "192.0.2.1" and "only 192.0.2.1" in app.status.content.plain
        assert all("192.0.2.9" not in r for r in list_rows(app))
        await pilot.press("backspace", "G", "h")  # the Notice: no caller, and why
        await settle(pilot)
        assert app.model.filter.value is None
        assert "No caller: MTA_SMTP-Notice names no address, and the line names no host." in screen_text(app)


async def test_h_keeps_the_line_it_was_pressed_on(make_app, decode):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await start(app, pilot, decode(CALLER_LINES))
        await pilot.press("k", "h")
        await settle(pilot)
        assert any("tls=on" in r for r in list_rows(app))
