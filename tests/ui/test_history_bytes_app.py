"""The console holds at most --history-bytes of events: 60 KiB lines stream through an 8 MB budget,
traced memory stays near it (the budget, plus the batch in hand), and the header says what the
budget holds and how many went. (Without the budget the same lines held 60 MB; 20,000 of them,
1.2 GB.)"""

from __future__ import annotations

import base64
import gc
import random
import tracemalloc

from console.model.arena import CHUNK, READ_BACK
from console.tail.contract import Batch, RawLine, SourceState
from console.ui.app import ConsoleApp
from screen_helpers import FakeSource, FrozenClock, screen_lines, settle, wait_until

MB = 1 << 20
LINE_BYTES = 60 * 1024


def big_line(i: int) -> bytes:
    """A long line that compresses little (base64 of random bytes), as a hostile client's might."""
    head = f"2026-11-24 10:00:{i % 60:02d}.000 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: 192.0.2.{i % 250} listed: "
    fill = base64.b64encode(random.Random(i).getrandbits(8 * LINE_BYTES).to_bytes(LINE_BYTES, "big")).decode()
    return (head + fill[:LINE_BYTES - len(head) - 1]).encode()


async def test_60_kib_lines_through_an_8_mb_budget(catalog, themes):
    budget, total, per_batch = 8 * MB, 1000, 50
    source = FakeSource()
    app = ConsoleApp(catalog=catalog, themes=themes, source=source,
                                              history_bytes=budget, clock=FrozenClock())
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        gc.collect()
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            for start in range(0, total, per_batch):
                lines = [RawLine("/var/isode/log/mta-event.log", i + 1, big_line(i))
                         for i in range(start, start + per_batch)]
                source.queue.put_nowait(Batch(lines, [SourceState("/var/isode/log/mta-event.log", "following")]))
                del lines
                await wait_until(pilot, lambda: app.model.total == start + per_batch, what="the batch")
                assert app.model.held_bytes <= budget
            await settle(pilot)
            gc.collect()
            current, peak = (m - base for m in tracemalloc.get_traced_memory())
        finally:
            tracemalloc.stop()
        model = app.model
        print(f"\napp, 60 MB through an 8 MB budget: traced now {current / MB:.1f} MB, peak {peak / MB:.1f} MB")
        # the held events, the last batch (the source's loop still refers to it) and the screen's rows
        batch = per_batch * LINE_BYTES
        # Textual's strip and style caches: ~1.8 MB; the compressed chunks the rows on screen were
        # read back from (console.model.store): at most READ_BACK of them
        read_back = READ_BACK * CHUNK
        assert current <= budget + batch + 2 * MB + read_back
        assert peak <= budget + 2 * batch + 2 * MB + read_back
        assert model.dropped == model.dropped_for_bytes == total - len(model.held)
        assert [ev.line for ev in model.held][-1] == total
        header = "\n".join(screen_lines(app)[:3])
        assert f"held {len(model.held)}/100,000" in header and "/8.0 MB" in header
        assert f"dropped {model.dropped:,}" in header
