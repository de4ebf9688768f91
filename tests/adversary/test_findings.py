"""Adversary findings: each test failed on main at 719c902 and showed a bug (see the docstrings);
each is fixed now, and the test keeps it fixed."""

from __future__ import annotations

import pytest

from console.catalog.loader import load_catalog
from console.decode.decoder import Decoder
from console.model.events import EventModel

CAT = load_catalog()
HEAD = "2026-11-24 10:00:01.000 smtpsrvr[1] "


def _ev(dec, text, line, *, partial=False, completes=False, source="a.log"):
    ev = dec.decode(text.encode(), source, line)
    ev.partial, ev.completes = partial, completes
    return ev


def test_long_completion_in_the_partials_batch_shows_the_stale_partial():
    """BUG: a partial line and its completion in one batch, the completion longer than CACHE_LINE
    (2048 chars): store.remember(events) at the end of add() puts the *partial* Event back in the
    cache under the row's seq (the long completion is never cached), so held/view show the partial
    text, its severity and a partial mark, while the columns (counts, filters) say the completion."""
    dec = Decoder(CAT)
    m = EventModel(CAT)
    part = _ev(dec, HEAD + "W-MTA_SMTP-DNSBLfailed: 192.0.2.7 listed: zen", 1, partial=True)
    done = _ev(dec, HEAD + "E-MTA_SMTP-AuthFailed: user bob " + "x" * 3000, 1, completes=True)
    m.add([part, done])
    assert len(m.held) == 1
    shown = m.view[0]
    assert shown.raw == done.raw, "the screen shows the partial line's text"
    assert not shown.partial
    assert shown.sev.name == m.store.severity(shown.seq).name



@pytest.mark.parametrize("line", [
    "client said 0001-01-01 00:00:00+01:00 hello",                  # the generic rule finds a stamp anywhere
    "junk 9999-12-31 23:59:59-14:00 I-MTA_SMTP-Connection: x",
    "0001-01-01T00:00:00.5+01:00 mail1 smtpsrvr[2]: I-MTA_SMTP-Connection: x",  # rfc5424 layout
])
def test_an_aware_stamp_near_the_calendars_ends_crashes_add(line):
    """Was a bug (critical): EventStore.append -> SecondsCache.of -> wall_seconds -> datetime.astimezone()
    raises OverflowError for an aware stamp whose conversion leaves years 1..9999. model.add() raises,
    and `smtp-console FILE` on a log holding such a line dies with a Rich traceback, exit 1
    (tried in tmux). `decode` and `stats` show the same line without trouble."""
    dec = Decoder(CAT)
    m = EventModel(CAT)
    ev = dec.decode(line.encode(), "a.log", 1)
    m.add([ev])
    assert len(m.held) == 1


def test_a_completion_alone_leaves_the_byte_cap_exceeded():
    """Was a bug (low): add() checks --history-bytes after each appended event, but not after a partial
    line is replaced by its (longer) completion; a batch holding only completions leaves held_bytes
    over history_bytes until the next new line arrives (by up to a whole line: max_line)."""
    import base64
    import random
    dec = Decoder(CAT)
    m = EventModel(CAT, history=10 ** 6, history_bytes=1 << 20)

    def noise(seed, size):
        return base64.b64encode(random.Random(seed).getrandbits(8 * size).to_bytes(size, "big")).decode()[:size]
    line = 1
    while m.held_bytes < m.history_bytes - 150_000 and not m.dropped:  # nearly full, nothing dropped
        m.add([_ev(dec, HEAD + "W-MTA_SMTP-DNSBLfailed: " + noise(line, 100_000), line)])
        line += 1
    m.add([_ev(dec, HEAD + "W-MTA_SMTP-DNSBLfailed: x", line, partial=True)])
    assert m.held_bytes <= m.history_bytes
    m.add([_ev(dec, HEAD + "W-MTA_SMTP-DNSBLfailed: x" + noise(0, 200_000), line, completes=True)])
    assert m.held_bytes <= m.history_bytes, (m.held_bytes, len(m.held))


def test_a_long_partial_completed_past_its_chunk_leaks_the_chunk():
    """Was a bug (low; medium with a raised --max-line): TextArena.release() keeps a chunk whose last held
    line goes while it is the current chunk; replace() releases the partial line first, then puts
    the completion, which opens a new chunk when it does not fit. The old chunk (only dead text) is
    never freed: the memory stays taken and stays counted in held_bytes, so --history-bytes holds
    less and less. It needs the partial to be the only held line of the newest chunk and its
    versions to overflow the chunk (256 KiB): lines over 128 KiB (--max-line raised; this test), a
    line shown partial 4-5 times at the default 64 KiB max_line, or --history 1 (probes/probe2.py)."""
    import base64
    import random
    dec = Decoder(CAT)
    m = EventModel(CAT)

    def noise(seed, size):
        return base64.b64encode(random.Random(seed).getrandbits(8 * size).to_bytes(size, "big")).decode()[:size]
    sizes = []
    for line in range(1, 41):
        head = HEAD + "W-MTA_SMTP-DNSBLfailed: " + noise(line, 150_000)
        m.add([_ev(dec, head, line, partial=True)])
        m.add([_ev(dec, head + noise(-line, 150_000), line, completes=True)])
        sizes.append(m.held_bytes)
    assert len(m.held) == 40
    dead_allowance = 3 * (1 << 18)  # the open chunks may hold dead text; sealed ones compress 3:4
    assert m.held_bytes <= m.store.text_bytes + 52 * 40 + dead_allowance, (m.held_bytes, m.store.text_bytes)


def test_ack_all_similar_builds_an_event_for_every_similar_row(monkeypatch):
    """Was a bug (medium with a big --history): `A` (toggle_ack_similar) goes through similar(), which builds
    an Event for every held row of that name, twice when it takes the acks back. With 1M held
    (--history 1000000) on MTA_SMTP-Connection (279,044 rows) it took 2.2 s, and 5.1 s to take back,
    in one go on the UI thread, and VmHWM rose 82 -> 247 MB (script: tests/adversary/probes/sim1m.py;
    in tmux the console froze for over a second and its VmHWM went 110 -> 206 MB). The acks need only
    seq, severity and name, which the store's columns give (as toggle_mute does via held_keys)."""
    from console.decode import decoder as decoder_module
    built = []
    real = decoder_module.Decoder.decode_text

    def counting(self, *a, **k):
        built.append(1)
        return real(self, *a, **k)
    monkeypatch.setattr(decoder_module.Decoder, "decode_text", counting)
    m = EventModel(CAT)
    dec = Decoder(CAT)
    m.add([dec.decode((HEAD + f"E-MTA_SMTP-AuthFailed: user u{i}").encode(), "a.log", i) for i in range(1, 20001)])
    ev = m.view[-1]
    built.clear()
    assert m.toggle_ack_similar(ev) == 20000
    assert m.unacked == 0
    assert len(built) < 1000, f"{len(built)} Events built to acknowledge 20000 rows"


@pytest.mark.parametrize("by", ["minute", "hour"])
def test_stats_by_minute_survives_an_aware_stamp_at_the_calendars_end(tmp_path, capsys, by):
    """Was a bug (medium; not today's change, same cause): `stats --by minute|hour` on a log holding
    `0001-01-01T00:00:00+01:00 ...` prints `internal error: OverflowError: date value out of range`
    and exits 1 with no table; `decode` prints the line. (With TZ east of UTC `9999-12-31T23:59:59Z`
    does the same, with TZ west of UTC `0001-01-01T00:00:00Z`.)"""
    from console.cli import main
    log = tmp_path / "edge.log"
    log.write_text("2026-11-24T10:00:00+00:00 mail1 smtpsrvr[2]: I-MTA_SMTP-Connection: x\n"
                   "0001-01-01T00:00:00+01:00 mail1 smtpsrvr[2]: I-MTA_SMTP-Connection: y\n")
    assert main(["stats", "--by", by, str(log)]) == 0
    assert "internal error" not in capsys.readouterr().err


def test_endless_invented_event_names_grow_memory_with_a_constant_history():
    """Was a bug (medium): EventStore._names keeps every distinct (facility, event) ever appended, for the
    life of the console, and outside --history-bytes; the decoder caps its own look-up cache at
    10,000 names because "hostile logs may invent endless names". Lines the generic rule reads
    (any line no layout matches: the token is searched anywhere in it) with a new name each:
    ~226 bytes per line stay, whatever --history holds (probe: 500k such lines, history 1000:
    +113 MB traced, held_bytes 0.3 MB)."""
    import tracemalloc
    dec = Decoder(CAT)
    m = EventModel(CAT, history=1000)

    def batch(k):
        return [dec.decode(f"junk W-MTA_SMTP-Made{k * 1000 + i:09d}: x".encode(), "a.log", k * 1000 + i)
                for i in range(1000)]
    import gc
    for k in range(115):  # past the decoder's look-up cap (10,000 names), the store's (4,096), and
        m.add(batch(k))  # the arrays' first cuts of their dropped front
    tracemalloc.start()
    try:
        for k in range(115, 315):  # the first 200,000 traced: caches reach their caps
            m.add(batch(k))
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for k in range(315, 515):  # 200,000 more invented names: they cost ~45 MB when all were kept
            m.add(batch(k))
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(m.held) == 1000
    assert grown < 3_000_000, f"{grown / 1e6:.1f} MB more for the same 1000 held rows"
