"""Trial finding 1: at 80 columns a long `/` filter must not drop out of the header nor leave a
fragment: it is shortened with an ellipsis and still reads as a text filter."""

from __future__ import annotations

import pytest

from console.live.header_fit import shortened, shorter_forms

from .conftest import settle, traffic

SMALL = (80, 24)


def test_shortened_marks_the_cut_and_counts_cells():
    assert shortened("connection", 20) == "connection"
    assert shortened("connection-refused", 8) == "connect…"
    assert shortened("日本語日本語", 5, lambda t: 2 * len(t)) == "日本…"
    forms = shorter_forms("a-very-long-filter-text", 4)
    assert forms[0] == "a-very-long-filter-text" and len(forms[-1]) == 4 and forms[-1].endswith("…")


@pytest.mark.parametrize("text", ["connection-refused-u", "this-is-a-very-long-filter-text-to-see-the-header",
                                  "mail from:<someone@example.com> rejected because of policy"])
async def test_a_long_text_filter_stays_in_the_80_column_header(make_app, sim, text):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        app.ingest(app.decoder and [app.decoder.decode(line.encode()) for line in traffic(sim, 200)])
        await settle(pilot)
        await pilot.press("u")  # a severity hidden too: its key takes room on the same row
        await pilot.press("slash", *text, "enter")
        await settle(pilot)
        second = app.status.content.plain.split("\n")[1]
        assert "hidden" in second or "-u" in second
        shown = second[second.index("/"):] if "/" in second else ""
        assert shown.startswith("/") and shown.rstrip().endswith("/"), second
        assert shown.strip() == f"/{text}/" or "…/" in shown, second
        assert len(second) <= 78
