"""Several hosts in trouble at 80 columns: each is named (a host's logs as one), each state said
once; and a host's state reaches the header at once, not at the next paced redraw."""

from __future__ import annotations

from console.live.trouble import troubles, troubles_by_state
from console.ui.app import ConsoleApp
from screen_helpers import FakeSource, settle, wait_until

LINE = b"2026-11-24 10:00:00.000 smtpsrvr[1] I-MTA_SMTP-Connection: connection from 192.0.2.1"


def test_a_hosts_logs_in_the_same_state_are_one_entry():
    states = {"mail2:/var/log/a.log": ("disconnected", "x"), "mail2:/var/log/b.log": ("disconnected", "x"),
              "mail3:/var/log/a.log": ("disconnected", "y"), "/var/log/local.log": ("unreadable", "denied")}
    got = {t.names[0]: t.state for t in troubles(states)}
    assert got == {"mail2 (2 logs)": "disconnected", "mail3:a.log": "disconnected", "local.log": "unreadable"}
    assert [(s, len(g)) for s, g in troubles_by_state(states)] == [("unreadable", 1), ("disconnected", 2)]
    assert all(t.names[-1] in ("mail2", "mail3", "local.log") for t in troubles(states))


async def test_at_80_columns_every_troubled_host_is_named(catalog, themes):
    source = FakeSource()
    app = ConsoleApp(catalog=catalog, themes=themes, source=source)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        source.send([LINE], path="mail1:/var/isode/log/mta-event.log")
        await wait_until(pilot, lambda: app.model.total == 1, what="the line")
        await settle(pilot)
        for i in (2, 3):
            for s in ("", "-2"):
                source.send([], path=f"mail{i}:/var/isode/log/mta-event{s}.log", state="disconnected",
                            detail=f"ssh: connect to host mail{i} port 22: Connection refused; retrying in 30 s")
        source.send([], path="mail5:/var/isode/log/mta-event.log", state="authentication failed",
                    detail="Permission denied")
        await wait_until(pilot, lambda: "mail5" in app.status.content.plain, timeout=1.5,
                         what="the states, before the next paced redraw (2 s)")
        first = app.status.content.plain.split("\n")[0]
        assert "mail2, mail3 disconnected" in first, first
        assert "mail5" in first and "authentication failed" in first, first
        assert len(first) <= 78
        source.send([], path="mail4:/var/isode/log/mta-event.log", state="disconnected", detail="refused")
        await wait_until(pilot, lambda: "3 hosts disconnected" in app.status.content.plain, timeout=1.5,
                         what="three hosts down: counted, with the other state still named")
        assert "mail5 authentication failed" in app.status.content.plain


async def test_at_80_columns_events_from_several_hosts_say_which(catalog, themes):
    from screen_helpers import screen_lines
    source = FakeSource()
    app = ConsoleApp(catalog=catalog, themes=themes, source=source)
    async with app.run_test(size=(80, 24)) as pilot:
        source.send([LINE], path="mail1:/var/isode/log/mta-event.log")
        await wait_until(pilot, lambda: app.model.total == 1, what="one host's line")
        await settle(pilot)
        assert not any("mail1 connection" in row for row in screen_lines(app))  # one host: no column
        source.send([LINE], path="mx-london-7.example.net:/var/isode/log/mta-event.log")
        await wait_until(pilot, lambda: app.model.total == 2, what="a second host's line")
        await settle(pilot)
        rows = screen_lines(app)
        assert any("mail1    connection from" in row for row in rows), rows
        assert any("mx-lond… connection from" in row for row in rows), rows
