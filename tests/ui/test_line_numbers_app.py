"""The console's side of line numbers counted late: the panel and `y`'s message show "≈" while the
lines before the history are counted, and the absolute number once the count comes; the header says
how much of the log the history holds."""

from __future__ import annotations

from console.tail.contract import Batch, RawLine, Renumbered, SourceState
from screen_helpers import FakeSource, panel_text, screen_text, settle, wait_until

LOG = "/var/isode/log/mta-event.log"
INFO = "2026-11-24 10:00:00.000 smtpsrvr[1] I-MTA_SMTP-Connection: connection from 192.0.2.1 (ctx)"


async def test_panel_and_copy_show_provisional_then_absolute_numbers(make_app):
    source = FakeSource()
    app = make_app(source=source)
    notes = []
    async with app.run_test(size=(160, 30)) as pilot:
        app.notify = lambda text, **kw: notes.append(text)  # the message `y` gives, as the user reads it
        lines = [RawLine(LOG, i, INFO.encode(), numbering=4) for i in (1, 2, 3)]
        source.queue.put_nowait(Batch(lines, [SourceState(LOG, "following")], backfill=True))
        await wait_until(pilot, lambda: app.model.total == 3, what="the history")
        await pilot.press("enter")
        await settle(pilot)
        assert f"{LOG}:≈3" in panel_text(app)
        await pilot.press("y")
        assert notes[-1].startswith("Line ≈3 sent to the terminal's clipboard") and notes[-1].endswith(LOG)

        source.queue.put_nowait(Batch([], [], renumbered=[Renumbered(4, LOG, 242_080)]))
        await wait_until(pilot, lambda: f"{LOG}:242083" in panel_text(app), what="the absolute number")
        await pilot.press("y")
        assert notes[-1].startswith("Line 242083 sent to the terminal's clipboard") and notes[-1].endswith(LOG)
        source.queue.put_nowait(Batch([]))  # the history is over
        await wait_until(pilot, lambda: "newest 3 of 242,083 lines" in screen_text(app), what="the history note")
