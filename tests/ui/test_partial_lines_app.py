"""The console's side of an unterminated last line: the engine delivers it early, marked partial; the
list shows it marked (the theme's text and colour), the panel says "incomplete", and the rest of the
line, when it comes, replaces that same row: one event, counted once."""

from __future__ import annotations

from console.tail.contract import Batch, RawLine, SourceState
from console.themes_data import load_theme_file
from console.ui.app import ConsoleApp
from screen_helpers import FakeSource, FrozenClock, list_rows, panel_text, screen_lines, settle, wait_until

LOG = "/var/isode/log/mta-event.log"
TS = "2026-11-24 10:00:00.000 smtpsrvr[1] "
INFO = TS + "I-MTA_SMTP-Connection: connection from 192.0.2.1 (ctx)"
WHOLE = TS + "E-MTA_SMTP-SPFfail: alice@example.com from 192.0.2.9"
PART = WHOLE[:-12]


def send(source: FakeSource, *lines: RawLine) -> None:
    source.queue.put_nowait(Batch(list(lines), [SourceState(LOG, "following")]))


def raw(text: str, lineno: int, **flags) -> RawLine:
    return RawLine(LOG, lineno, text.encode(), **flags)


def header(app) -> str:
    return "\n".join(screen_lines(app)[:4])


def marker_style(app, text: str):
    """The style of the marker segment on the screen."""
    for y in range(app.event_list.size.height):
        for seg in app.event_list.render_line(y):
            if seg.text == text:
                return seg.style
    return None


async def test_a_partial_line_is_marked_and_then_completed_in_place(make_app, themes):
    source = FakeSource()
    app = make_app(source=source)
    async with app.run_test(size=(160, 30)) as pilot:
        send(source, raw(INFO, 1), raw(PART, 2, partial=True))
        await wait_until(pilot, lambda: app.model.total == 2, what="the partial line")
        await settle(pilot)
        rows = [r for r in list_rows(app) if r.strip()]
        assert len(rows) == 2 and rows[1].rstrip().endswith("smtpsrvr[1] [incomplete] alice@example.com fr")
        assert "[incomplete]" not in rows[0]
        style = marker_style(app, "[incomplete]")
        mark = themes["smtp-dark"].marks["incomplete"]
        assert style.color.name == mark.color and style.italic  # the theme's colour and words
        await pilot.press("enter")
        await settle(pilot)
        assert "incomplete: its newline has not been written yet" in panel_text(app)
        assert "e E error 1" in header(app) and "shown 2" in header(app)

        send(source, raw(WHOLE, 2, completes=True))
        await wait_until(pilot, lambda: "incomplete" not in panel_text(app), what="the completion in the panel")
        await settle(pilot)
        assert app.event_list.current.raw == WHOLE and app.model.total == 2
        assert "192.0.2.9" in panel_text(app)
        assert "e E error 1" in header(app) and "shown 2" in header(app) and "held 2/" in header(app)
        await pilot.press("escape")
        await settle(pilot)
        rows = [r for r in list_rows(app) if r.strip()]
        assert len(rows) == 2 and "smtpsrvr[1] alice@example.com from 192.0.2.9" in rows[1]
        assert "[incomplete]" not in "\n".join(rows)


async def test_a_completion_that_changes_severity_moves_the_counts_and_the_filter(make_app):
    source = FakeSource()
    app = make_app(source=source)
    async with app.run_test(size=(160, 30)) as pilot:
        send(source, raw(INFO, 1), raw(TS + "I-MTA_SMTP-Conn", 2, partial=True))
        await wait_until(pilot, lambda: app.model.total == 2, what="the partial line")
        await pilot.press("3")  # error and more severe: both info rows hidden
        await settle(pilot)
        assert not [r for r in list_rows(app) if r.strip()]
        send(source, raw(TS + "E-MTA_SMTP-SPFfail: x from y", 2, completes=True))
        await wait_until(pilot, lambda: len(app.model.view) == 1, what="the completed line in the view")
        await settle(pilot)
        rows = [r for r in list_rows(app) if r.strip()]
        assert len(rows) == 1 and " SPFfail " in rows[0] and "[incomplete]" not in rows[0]
        assert "e E error 1" in header(app) and "shown 1" in header(app)
        assert app.model.counts["info"] == 1 and "hidden: w n i p u" in header(app)  # hidden: named, not counted


async def test_the_mark_is_data_a_site_theme_rewords_and_recolours_it(catalog, themes, tmp_path):
    site = tmp_path / "site.yaml"
    site.write_text(themes["smtp-dark"].file and open(themes["smtp-dark"].file).read()
                    .replace("name: smtp-dark", "name: site")
                    .replace('incomplete: {text: "[incomplete]", color: "#ffaf5f", style: "italic reverse"}',
                             'incomplete: {text: "(more to come)", color: "#00ff00", style: underline}'))
    site_theme = load_theme_file(site, catalog)
    source = FakeSource()
    app = ConsoleApp(catalog=catalog, themes={**themes, "site": site_theme},
                                              theme="site", source=source, clock=FrozenClock())
    async with app.run_test(size=(160, 30)) as pilot:
        send(source, raw(PART, 1, partial=True))
        await wait_until(pilot, lambda: app.model.total == 1, what="the partial line")
        await settle(pilot)
        assert "(more to come) " in list_rows(app)[0]
        style = marker_style(app, "(more to come)")
        assert style.color.name == "#00ff00" and style.underline and not style.italic
