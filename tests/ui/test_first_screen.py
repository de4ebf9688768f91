"""The console's first screen on a real log at 80x24, as launch() builds it: history read through the
follower, one row per event, the source following, the keys in the footer. In the smoke set that
.ci/pythons runs on every supported Python."""

from __future__ import annotations

import pytest

from console.decode.decoder import Decoder
from console.tail import Follower

from .conftest import list_rows, screen_lines, settle, traffic, wait_until


@pytest.mark.smoke
async def test_first_screen_on_a_log(make_app, catalog, sim, tmp_path):
    log = tmp_path / "mta-event.log"
    lines = traffic(sim, 15)
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    decoder = Decoder(catalog)
    follower = Follower([str(log)], lines=1000, sort_key=decoder.sort_key)
    app = make_app(source=follower)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: len(app.model.view) == 15, what="the history")
            await settle(pilot)
            screen = screen_lines(app)
            assert any("mta-event.log following" in row for row in screen[:2]), screen[:2]
            assert any("FOLLOWING" in row for row in screen[:2]), screen[:2]
            rows = [r for r in list_rows(app) if r.strip()]
            assert len(rows) == 15, rows  # all of it fits: one row per event
            for i, (line, row) in enumerate(zip(lines, rows), 1):
                ev = decoder.decode(line.encode(), str(log), i)
                # at 80 columns: the time without the date (one day), no facility prefix (one facility)
                assert row.startswith(ev.timestamp[11:23]) and f" {ev.letter} {ev.event} " in row, row
            assert "quit" in screen[-1]
    finally:
        await follower.aclose()
