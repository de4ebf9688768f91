"""The live console (Pilot) on hostile input: strangers' text in every field is shown literally and
visibly, never obeyed; the screen keeps its layout; source faults show in the header and heal; a 50 MB
line, a 100,000-line burst and a 20x5 terminal leave it working."""

from __future__ import annotations

import os
import time

import pytest

from console.safe_text import visible
from rich.cells import cell_len

from console.decode.decoder import Decoder
from console.tail import Follower

from .conftest import (list_rows, panel_text, pipe_line, record_notifications, screen_lines, screen_segments,
                       settle, until)
from .helpers import PAYLOADS, Writer, assert_inert

SIZE = (160, 45)
CLEAN_TS = "2026-11-24 10:00:00.000"


def _field(payload: str) -> str:
    return payload.replace("|", "/")


def hostile_pipe_lines() -> list[str]:
    """Each payload in every field but the time (see the xfail below for that one)."""
    out = []
    for i, payload in enumerate(PAYLOADS.values()):
        f = _field(payload)
        out.append(pipe_line(ts=CLEAN_TS, host=f, program=f, pid=f, letter="W", facility=f, event=f, message=payload))
    out.append(pipe_line(ts=CLEAN_TS, letter="C", facility="MTA_SMTP", event="Critical",
                         message="disk full " + " ".join(PAYLOADS.values())))
    return out


def assert_no_live_markup(app) -> None:
    """No segment on screen carries a link or an action: markup in a line never became style."""
    for seg in screen_segments(app):
        style = seg.style
        if style is None:
            continue
        assert not style.link, f"a link reached the screen: {style.link!r} in {seg.text!r}"
        assert not (style.meta or {}).get("@click"), f"an action reached the screen in {seg.text!r}"


async def test_hostile_text_in_every_field_is_literal_on_screen(make_app, site_catalog):
    app = make_app(cat=site_catalog)
    decoder = Decoder(site_catalog)
    lines = hostile_pipe_lines()
    events = [decoder.decode(line.encode(), "hostile\x1b[31m\u202e.log", n) for n, line in enumerate(lines, 1)]
    assert all(ev.layout == "hostile-pipes" for ev in events)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = record_notifications(app, show=True)
        app.ingest(events)  # live: the critical one raises a toast
        await settle(pilot)
        screen = "\n".join(screen_lines(app))
        assert_inert(screen, "the screen")
        assert_no_live_markup(app)
        rows = "\n".join(list_rows(app))
        for literal in ("[b]bold[/b]", "[@click=app.quit]quit[/]", "\\e[2J", "\\x9b2J", "\\u202e", "\\u200b"):
            assert literal in rows, literal
        assert any("MTA_SMTP-Critical" in message and "[@click=app.quit]" in message for message, _ in notes)
        # the panel's text for every hostile event, and on screen for a few: text, title, raw line literal
        from console.ui.detail_panel import describe
        for ev in events:
            app.panel.body.update(describe(ev, site_catalog))
            assert_inert(panel_text(app), f"the panel on {ev.raw[:30]!r}")
        for index in (1, 7, len(events) - 1):
            await pilot.press("home", *["down"] * index, "enter")
            await settle(pilot)
            assert app.event_list.current is events[index]
            assert_inert(str(app.panel.border_title), "the panel title", allow_newlines=False)
            assert_inert("\n".join(screen_lines(app)), "the screen with the panel open")
            assert_no_live_markup(app)
            await pilot.press("escape")
        # clicking everywhere, pressing the keys that act on an event: nothing embedded runs
        for y in range(0, SIZE[1], 5):
            await pilot.click(offset=(60, y))
        await pilot.press("home", "enter", "a", "A", "o", "h", "y", "backspace", "escape")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert app.clipboard == visible(events[0].raw)  # controls escaped (OSC 52, base64: inert)


async def test_hostile_lines_leave_the_layout_unchanged(make_app, site_catalog):
    """Same regions, same row widths, the fixed columns where they always are, with and without them."""
    decoder = Decoder(site_catalog)
    hostile = [decoder.decode(line.encode(), "h.log", n) for n, line in enumerate(hostile_pipe_lines(), 1)]
    plain = [decoder.decode(pipe_line(ts=CLEAN_TS, message=f"plain {n}").encode(), "h.log", n)
             for n in range(1, len(hostile) + 1)]
    shapes = []
    for events in (plain, hostile):
        app = make_app(cat=site_catalog)
        async with app.run_test(size=SIZE) as pilot:
            app.ingest(events, live=False)
            await settle(pilot)
            await pilot.press("x")  # the alert line (hostile critical lines raise one) is not under test
            await settle(pilot)
            regions = [(w.id, w.region) for w in (app.status, app.event_list, app.query_one("Footer"))]
            strips = [app.event_list.render_line(y) for y in range(len(events))]
            assert all(s.cell_length == app.event_list.size.width for s in strips)
            assert len(screen_lines(app)) == SIZE[1]
            # time and severity letter: fixed columns
            assert all(s.text[:24] == "2026-11-24 10:00:00.000 " for s in strips), [s.text[:24] for s in strips]
            shapes.append(regions)
    assert shapes[0] == shapes[1]


async def test_wide_and_combining_fields_keep_the_columns_aligned(make_app, catalog):
    decoder = Decoder(catalog)
    hosts = ["mail1", "\u90ae\u4ef6\u670d\u52a1\u5668", "e\u0301e\u0301e\u0301e\u0301", "mail2"]
    lines = [f"2026-11-24T10:00:00Z {h} smtpsrvr[1]: I-MTA_SMTP-Connection: connection from 192.0.2.1 (x)"
             for h in hosts]
    lines.append("2026-11-24T10:00:00Z mail1 \u7a0b\u5e8f\u7a0b\u5e8f[1]: I-MTA_SMTP-Connection: "
                 "connection from 192.0.2.1 (x)")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.ingest([decoder.decode(line.encode(), "w.log", n) for n, line in enumerate(lines, 1)], live=False)
        await settle(pilot)
        offsets = [cell_len(t[:t.index("connection from")]) for t in list_rows(app)[:len(lines)]]
        assert len(set(offsets)) == 1, f"message column starts at cells {offsets}"


async def test_hostile_text_in_the_time_field_is_literal_on_screen(make_app, site_catalog):
    decoder = Decoder(site_catalog)
    line = pipe_line(ts=_field(PAYLOADS["osc title"]) + "[b]x[/b]\u202e", message="time field")
    app = make_app(cat=site_catalog)
    async with app.run_test(size=SIZE) as pilot:
        app.ingest([decoder.decode(line.encode(), "t.log", 1)], live=False)
        await settle(pilot)
        assert_inert("\n".join(screen_lines(app)), "the screen")


# -- the real tailer behind the console ------------------------------------------------------

@pytest.fixture
async def followed(make_app):
    """followed(paths, **kwargs) -> (app, follower): the console on a real Follower of `paths` (new lines
    only, a short rotate grace); every follower is closed at teardown."""
    followers: list[Follower] = []

    def start(paths, **kwargs):
        kwargs.setdefault("rotate_grace", 0.3)
        kwargs.setdefault("lines", 0)
        followers.append(Follower([os.fspath(p) for p in paths], **kwargs))
        return make_app(source=followers[-1]), followers[-1]
    yield start
    for follower in followers:
        await follower.aclose()


def _header(app) -> str:
    return "\n".join(screen_lines(app)[:4])


def _line(tag: str, n: int) -> bytes:
    return b"2026-11-24 10:00:00.000 smtpsrvr[7] I-MTA_SMTP-Connection: connection from 192.0.2.1 (%s %d)" % (
        tag.encode(), n)


async def test_source_faults_show_in_the_header_the_rest_keeps_flowing_and_it_heals(followed, tmp_path):
    a, b = tmp_path / "a.log", tmp_path / "evil\x1b]2;PWNED\x07\u202e.log"
    app, _ = followed([a, b])
    async with Writer(a) as wa, Writer(b) as wb:
        # wide enough for healthy logs to be named, not only counted
        async with app.run_test(size=(220, 45)) as pilot:
            await until(pilot, lambda: "following" in _header(app), what="following")
            assert "evil\\e]2;PWNED\\x07\\u202e.log" in _header(app)
            n = 0
            for fault, detail in (("delete", "deleted"), ("fifo", "not-a-file (is a FIFO)"),
                                  ("directory", "not-a-file (is a directory)"),
                                  ("/dev/zero", "not-a-file (is a character device)")):
                a.unlink()
                if fault == "fifo":
                    os.mkfifo(a)
                elif fault == "directory":
                    a.mkdir()
                elif fault.startswith("/dev/"):
                    a.symlink_to(fault)
                await until(pilot, lambda: f"a.log {detail}" in _header(app), what=f"a.log {detail}")
                n += 1
                await wb.line(_line("b", n))
                await until(pilot, lambda: any(f"(b {n})" in r for r in list_rows(app)), what=f"b line {n}")
                assert_inert(_header(app), "the header")
                if fault != "delete":
                    a.rmdir() if fault == "directory" else a.unlink()
                await wa.send("reopen")
                await wa.line(_line("a", n))
                await until(pilot, lambda: any(f"(a {n})" in r for r in list_rows(app)), what=f"a line {n}")
                await until(pilot, lambda: "a.log following" in _header(app), what="a.log following again")
            assert app.is_running


async def test_a_50_mb_line_reaches_the_console_cut_and_the_next_line_too(followed, tmp_path):
    a = tmp_path / "a.log"
    app, _ = followed([a])
    async with Writer(a) as w:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "following" in _header(app), what="following")
            await w.send("big", str(50 << 20), timeout=60)
            await w.line(_line("a", 1))
            await until(pilot, lambda: len(app.model.view) == 2, timeout=30, what="two events")
            big, nxt = app.model.view[0], app.model.view[1]
            assert big.cut and len(big.raw) == 65536 and nxt.message.endswith("(a 1)")
            rows = list_rows(app)
            assert rows[0].startswith("2026-11-24 10:00:00.000 W") and "(a 1)" in rows[1]
            await pilot.press("home", "enter")
            await settle(pilot)
            assert "line cut at the length limit" in panel_text(app)


async def test_a_cut_line_is_marked_in_the_list(make_app, catalog):
    decoder = Decoder(catalog)
    data = b"2026-11-24 10:00:00.000 smtpsrvr[7] W-MTA_SMTP-DNSBLfailed: " + b"A" * 70_000
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.ingest([decoder.decode(data[:65536], "c.log", 1, cut=True)], live=False)
        await settle(pilot)
        assert "[cut]" in list_rows(app)[0]


async def test_a_burst_of_100000_lines_and_the_console_still_answers(followed, tmp_path):
    a = tmp_path / "a.log"
    app, _ = followed([a])
    async with Writer(a) as w:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "following" in _header(app), what="following")
            await w.send("burst", "100000")
            await until(pilot, lambda: app.model.total == 100_000, timeout=60, what="100,000 events")
            await settle(pilot)
            assert "(burst 0099999)" in list_rows(app)[len(app.model.view) - 1 - app.event_list.scroll_offset.y]
            start = time.monotonic()
            await pilot.press("space")
            await settle(pilot)
            assert not app.event_list.following and time.monotonic() - start < 2.0
            await w.line(_line("a", 1))
            await until(pilot, lambda: app.model.total == 100_001, what="one more while paused")
            await until(pilot, lambda: "PAUSED" in _header(app) and "+1 new" in _header(app)
                        and "dropped 1" in _header(app), what="the header to count it")


async def test_resized_to_20x5_and_back(make_app, catalog):
    decoder = Decoder(catalog)
    events = [decoder.decode((f"2026-11-24 10:00:{i:02d}.000 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: "
                              + PAYLOADS["wide"] + PAYLOADS["csi clear"]).encode(), "r.log", i) for i in range(40)]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.ingest(events, live=False)
        await settle(pilot)
        before = screen_lines(app)
        await pilot.resize_terminal(20, 5)
        await settle(pilot)
        small = screen_lines(app)
        assert len(small) == 5 and all(cell_len(line) <= 20 for line in small)
        assert_inert("\n".join(small), "the 20x5 screen")
        await pilot.press("up", "enter", "escape", "slash", "x", "escape", "G")
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert screen_lines(app) == before
        assert app.is_running


# -- one picture of it all ----------------------------------------------------------------------

def test_snapshot_hostile_screen_with_panel(snap_compare, make_app, site_catalog):
    """Every payload, every field, the panel open on the most hostile line: nothing styled or moved."""
    decoder = Decoder(site_catalog)
    lines = hostile_pipe_lines()

    async def run_before(pilot) -> None:
        events = [decoder.decode(line.encode(), "/var/isode/log/mta-event.log", n)
                  for n, line in enumerate(lines, 1)]
        pilot.app.ingest(events, live=False)
        await pilot.pause()

    assert snap_compare(make_app(cat=site_catalog), terminal_size=SIZE, run_before=run_before,
                        press=["home", "down", "enter"])


ODD_BYTES = [
    b"2026-11-24 10:15:03.123 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: invalid \xff\xfe\xed\xa0\x80 utf-8",
    b"2026-11-24 10:15:03.123 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: nul \x00\x00 bytes",
    b"lone\rcarriage\rreturns I-MTA_SMTP-Connection: connection from 1 (2)",
    b"I-MTA_SMTP-Connection",
    b"Z-" + b"F" * 60_000 + b"-" + b"E" * 5_000 + b": absurd names",
    b"9999-12-31 23:59:59.999999 smtpsrvr[1] I-MTA_SMTP-Connection: connection from a (b)",
    b"0000-00-00 99:99:99.000 smtpsrvr[99999999999999999999999] I-MTA_SMTP-Connection: year zero",
    b"Feb 30 25:61:61 mail p[1]: E-MTA_SMTP-Error: impossible time",
    b"\x00" * 300,
    b"",
]


async def test_odd_bytes_each_become_a_visible_event(make_app, catalog):
    decoder = Decoder(catalog)
    events = [decoder.decode(data, "odd.log", n) for n, data in enumerate(ODD_BYTES, 1)]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.ingest(events, live=False)
        await settle(pilot)
        rows = list_rows(app)[:len(ODD_BYTES)]
        assert len(app.model.view) == len(ODD_BYTES) and all(r.strip() for r in rows[:-1])
        assert "\ufffd" in rows[0] and "nul \\x00\\x00 bytes" in rows[1] and "\\x00" * 10 in rows[8]
        assert "(unparsed)" in rows[8] and "MTA_SMTP-Connection" in rows[3]
        assert_inert("\n".join(screen_lines(app)), "the screen")
        from console.ui.detail_panel import describe
        for ev in events:
            app.panel.body.update(describe(ev, catalog))
            assert_inert(panel_text(app), f"the panel on line {ev.line}")
        await pilot.press("home", "enter")
        await settle(pilot)
        assert app.is_running


async def test_a_gigabyte_without_a_newline_does_not_stall_the_console(followed, tmp_path):
    a = tmp_path / "zero.log"
    with open(a, "wb") as f:
        f.truncate(1 << 30)
    app, follower = followed([a], lines=1000)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "zero.log following" in _header(app) and not app.backfilling, what="following")
        assert follower.reader.bytes_read < 100 << 20
        with open(a, "ab") as f:
            f.write(b"\n" + _line("a", 1) + b"\n")
        await until(pilot, lambda: any("(a 1)" in r for r in list_rows(app)), what="the line after it")
        assert len(app.model.view) == 1


async def test_the_console_never_writes_locks_or_runs_its_logs(followed, tmp_path, monkeypatch):
    from .helpers import WRITE_FLAGS, fd_flags_under, read_only_guard
    logs = tmp_path / "logs"
    logs.mkdir()
    a = logs / "mta-event.log"
    a.write_bytes(b"2026-11-24 10:00:00.000 p[1] C-MTA_SMTP-Critical: $(touch PWNED) `reboot`; rm -rf / | sh\n")
    with read_only_guard(logs, monkeypatch) as (opened, spawned):
        app, follower = followed([a, logs / "mta-event*.log"], lines=10)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: len(app.model.view) == 1, what="the line")
            await pilot.press("enter", "y", "a", "A", "o", "h", "backspace", "slash", *"reboot", "enter")
            await settle(pilot)
            flags = fd_flags_under(logs)
        await follower.aclose()
    assert flags and all(f & os.O_ACCMODE == os.O_RDONLY for f in flags), [oct(f) for f in flags]
    assert opened and all(not (isinstance(m, int) and m & WRITE_FLAGS) for _, m in opened)
    assert not any("PWNED" in s or "reboot" in s for s in spawned), spawned
    assert not (tmp_path / "PWNED").exists() and not (logs / "PWNED").exists()
