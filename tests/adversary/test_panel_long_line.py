"""Adversary (UI): the panel keeps its scroll on a long line (> CACHE_LINE) when it follows again.

It failed on main at 719c902 (DetailPanel.show now compares the row, not the object): an event whose line is longer than 2048 characters is never kept in the
store's cache, so every read of the selected row builds a new Event; DetailPanel.show() compares by
identity (`ev is not self._shown`) and scrolls back to the top. An operator reading the end of a
long hostile line in the panel is thrown back to its top by `a` (ack), by a completed partial line
arriving, or by a renumbering; a short line's panel keeps its place."""

from __future__ import annotations

import pytest

from screen_helpers import settle, wait_until

HEAD = "2026-11-24 10:00:01.000 smtpsrvr[1] "


@pytest.mark.parametrize("size", [300, 3000])
async def test_panel_scroll_survives_an_ack_on_a_long_line(make_app, decode, size):
    words = " ".join(f"word{i}" for i in range(size // 6))
    lines = [HEAD + f"E-MTA_SMTP-AuthFailed: user bob {words}"]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.ingest(decode(lines))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        panel = app.panel
        await wait_until(pilot, lambda: panel.max_scroll_y > 0, what="a panel to scroll")
        panel.scroll_to(y=panel.max_scroll_y, animate=False)
        await settle(pilot)
        before = panel.scroll_y
        assert before > 0
        app.event_list.set_following(False)
        await pilot.press("a")  # acknowledge: the panel follows the same event
        await settle(pilot)
        assert panel.scroll_y == before, "the panel jumped back to the top of the same event"
