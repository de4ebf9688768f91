"""Line numbers of a history read from the end of a big file are absolute: the lines before it are
counted beside the reading, and the correction reaches the lines already delivered."""

from __future__ import annotations

import subprocess

from tail_helpers import append, wait_for

from console.tail.backscan import EXACT_LINENO_LIMIT


def write_lines(path, n: int) -> None:
    with open(path, "wb") as f:
        f.write(b"".join(b"2026-11-24 10:00:00 line %07d of a big log, padded a little further\n" % i
                         for i in range(1, n + 1)))


def grep_n(path, pattern: str) -> int:
    out = subprocess.run(["grep", "-n", "-F", pattern, str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout.split(":", 1)[0])


def absolute(collector) -> dict:
    """Line numbers as a consumer holding every line sees them after applying the corrections."""
    offsets = {r.token: r.offset for b in collector.batches for r in b.renumbered}
    out = {}
    for line in collector.lines:
        number = line.lineno
        if line.numbering:
            assert offsets.get(line.numbering) is not None, "a provisional line was never corrected"
            number += offsets[line.numbering]
        out[line.data] = number
    return out


async def test_history_of_a_200000_line_file_matches_grep_n(tmp_path, follow):
    log = tmp_path / "mta-event.log"
    write_lines(log, 200_000)
    assert log.stat().st_size > EXACT_LINENO_LIMIT  # big enough to be counted in the background
    c = await follow([log], lines=50)
    back = c.backfill_lines()
    assert len(back) == 50 and all(ln.numbering for ln in back)  # shown at once, marked provisional
    await wait_for(lambda: any(b.renumbered for b in c.batches), what="the count of the skipped lines")
    fixes = [r for b in c.batches for r in b.renumbered]
    assert [(r.source, r.offset) for r in fixes] == [(str(log), 200_000 - 50)]
    numbers = absolute(c)
    for data in (back[0].data, back[-1].data):
        assert numbers[data] == grep_n(log, data.decode())
    append(log, b"2026-11-24 10:00:01 written after the start\n")
    await c.wait_lines(51)
    assert (c.lines[-1].lineno, c.lines[-1].numbering) == (200_001, 0)  # later lines come absolute


async def test_a_partial_last_line_keeps_matching_its_completion_across_the_correction(tmp_path, follow):
    log = tmp_path / "mta-event.log"
    write_lines(log, 200_000)
    append(log, b"half a li")
    c = await follow([log], lines=3, partial_after=0.0)
    await wait_for(lambda: any(ln.partial for ln in c.lines), what="the partial line")
    await wait_for(lambda: any(b.renumbered for b in c.batches), what="the count")
    append(log, b"ne\n")
    await wait_for(lambda: any(ln.completes for ln in c.lines), what="the completion")
    partial = next(ln for ln in c.lines if ln.partial)
    done = next(ln for ln in c.lines if ln.completes)
    assert absolute(c)[partial.data] - 0 == done.lineno == 200_001


async def test_a_small_prefix_is_counted_before_the_history_is_delivered(tmp_path, follow):
    log = tmp_path / "small.log"
    write_lines(log, 1000)
    c = await follow([log], lines=3)
    assert [(ln.lineno, ln.numbering) for ln in c.backfill_lines()] == [(998, 0), (999, 0), (1000, 0)]
    assert not any(b.renumbered for b in c.batches)


async def test_the_console_model_fed_by_the_follower_holds_the_numbers_grep_n_gives(tmp_path, catalog):
    """Follower -> Intake -> EventModel, as the console runs it: after the count, held events
    and the status text agree with grep -n and wc -l."""
    from console.compat import aclosing

    from console.decode.decoder import Decoder
    from console.decode.pipeline import BatchDecoder
    from console.live.intake import Intake
    from console.model.events import EventModel
    from console.tail import Follower

    log = tmp_path / "mta-event.log"
    write_lines(log, 200_000)
    follower = Follower([str(log)], lines=1000)
    intake = Intake(EventModel(catalog), BatchDecoder(Decoder(catalog)), follower)
    seen_provisional = False
    async with aclosing(follower.batches()) as batches:
        async for batch in batches:
            decoded = intake.decode(batch)
            intake.add(decoded.events, following=True, live=not decoded.backfill)
            seen_provisional = seen_provisional or any(not ev.line_exact for ev in decoded.events)
            if decoded.renumbered:
                break
    await follower.aclose()
    held = list(intake.model.held)
    assert seen_provisional and len(held) == 1000 and all(ev.line_exact for ev in held)
    for ev in (held[0], held[500], held[-1]):
        assert ev.line == grep_n(log, ev.raw)
    assert intake.coverage.text() == "history: newest 1,000 of 200,000 lines (-n N for more)"
