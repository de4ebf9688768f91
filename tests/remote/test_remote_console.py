"""The console with two hosts (two sshd on two ports): each event carries its host, the header
says each host's state, and `h` keeps one host's events."""

from __future__ import annotations

from screen_helpers import list_rows, screen_lines, settle, wait_until

from console.tail.remote.mixed import MixedSource

LINE = "2026-11-24 10:00:{:02d}.000 smtpsrvr[1] N-MTA_SMTP-Notice: line {}"  # names no host: its log's host it is


def write(path, host: str, first: int, n: int) -> None:
    with open(path, "a") as f:
        for i in range(first, first + n):
            f.write(LINE.format(i % 60, i) + "\n")


def both_following(app) -> bool:
    return all(f"{h}:mta-event.log following" in header(app) for h in ("host0", "host1"))


def header(app) -> str:
    return "\n".join(screen_lines(app)[:2])


async def test_two_hosts_in_one_console(servers, make_app, tmp_path):
    a, b = servers(2)
    logs = {h: tmp_path / h for h in ("host0", "host1")}
    for host, d in logs.items():
        d.mkdir()
        write(d / "mta-event.log", host, 0, 3)
    source = MixedSource([f"{h}:{d}/mta-event*.log" for h, d in logs.items()], lines=100, backoff=(0.2, 1.0))
    app = make_app(source=source)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_until(pilot, lambda: len(app.model.held) == 6, what="both hosts' history", timeout=20)
        await wait_until(pilot, lambda: both_following(app), what="both hosts following")
        assert {ev.host for ev in app.model.held} == {"host0", "host1"}
        b.kill()
        await wait_until(pilot, lambda: "host1:mta-event.log" in header(app) and "disconnected" in header(app),
                         what="host1 disconnected in the header", timeout=20)
        write(logs["host0"] / "mta-event.log", "host0", 3, 2)  # the live host goes on meanwhile
        write(logs["host1"] / "mta-event.log", "host1", 3, 2)
        await wait_until(pilot, lambda: len(app.model.held) == 8, what="host0's new lines")
        b.start()
        await wait_until(pilot, lambda: len(app.model.held) == 10, what="host1's lines written while it was down",
                         timeout=20)
        await wait_until(pilot, lambda: both_following(app), what="both following again")
        await settle(pilot)
        assert any("host1" in row for row in list_rows(app))  # the host column
        await pilot.press("h")  # the newest event's host: no caller address in these lines
        await settle(pilot)
        host = app.event_list.current.host
        rows = [r for r in list_rows(app) if "line" in r]
        assert rows and all(host in r for r in rows) and len(rows) == 5
