"""The history is bounded by bytes as well as by count: --history-bytes SIZE (config history_bytes),
256M by default. The oldest events go first; the estimate is cheap and measured right."""

from __future__ import annotations

import base64
import gc
import random
import sys
import tracemalloc

import pytest

from console.cli import main
from console.commands.config import load_config, parse_size
from console.decode.decoder import Decoder
from console.errors import DataError
from console.model.events import DEFAULT_HISTORY_BYTES, EVENT_OVERHEAD, EventModel, event_bytes
from console.demo.simulator import Simulator

MB = 1 << 20
KB = 1 << 10


def big_line(i: int, size: int = 60 * KB) -> bytes:
    """A long line that compresses little (base64 of random bytes), as a hostile client's might."""
    head = f"2026-11-24 10:00:{i % 60:02d}.000 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: 192.0.2.{i % 250} listed: "
    fill = base64.b64encode(random.Random(i).getrandbits(8 * size).to_bytes(size, "big")).decode()
    return (head + fill[:size - len(head) - 1]).encode()


def sim_lines(catalog, n: int) -> list[bytes]:
    it = Simulator(catalog, seed=5).lines()
    return [next(it).encode() for _ in range(n)]


@pytest.mark.parametrize("text, size", [("256M", 256 * MB), ("1G", 1 << 30), ("1.5GiB", 3 << 29), ("300MB", 300 * MB),
                                        ("2048k", 2 * MB), (" 8 m ", 8 * MB), ("268435456", 256 * MB),
                                        (16 * MB, 16 * MB), ("2T", 2 << 40)])
def test_sizes_read_as_people_write_them(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "M", "12x", "-5M", "1e9", "1,000", "0.5M", "100", True, 3.5, [1]])
def test_bad_sizes_are_refused_in_words(text):
    with pytest.raises(ValueError, match=r"size like|at least 1M"):
        parse_size(text)


def test_default_is_256_mb():
    assert DEFAULT_HISTORY_BYTES == 256 * MB


def test_config_file_takes_history_bytes(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("history: 5000\nhistory_bytes: 64M\n")
    assert load_config(path) == {"history": 5000, "history_bytes": 64 * MB}
    path.write_text("history_bytes: 1073741824\n")
    assert load_config(path)["history_bytes"] == 1 << 30
    path.write_text("history_bytes: lots\n")
    with pytest.raises(DataError, match="history_bytes: expected a size like 256M"):
        load_config(path)


@pytest.mark.parametrize("value", ["lots", "10", "0"])
def test_a_bad_option_is_one_line_and_exit_2(value, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--history-bytes", value, "/nonexistent.log"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--history-bytes" in err and "Traceback" not in err


def test_a_bad_config_value_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "config.yaml"
    path.write_text("history_bytes: 12 furlongs\n")
    assert main(["--config", str(path), "/nonexistent.log"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "history_bytes" in err


def test_the_oldest_go_first_and_are_counted(catalog):
    decoder = Decoder(catalog)
    model = EventModel(catalog, history=100_000, history_bytes=2 * MB)
    for start in range(0, 200, 20):
        model.add([decoder.decode(big_line(i), "a.log", i + 1) for i in range(start, start + 20)])
        assert model.held_bytes <= model.history_bytes
    held = len(model.held)
    assert 2 * MB // (60 * KB + EVENT_OVERHEAD) <= held <= 2 * MB // (30 * KB)  # 60 KiB lines, compressed a little
    assert model.dropped == model.dropped_for_bytes == 200 - held
    assert [ev.line for ev in model.held] == list(range(200 - held + 1, 201))  # the newest, in order
    assert len(model.view) == held and sum(model.counts.values()) == held
    assert model.store.text_bytes + held * EVENT_OVERHEAD == sum(event_bytes(ev) for ev in model.held)
    assert model.bytes_binding


def test_the_count_still_caps_and_small_events_do_not_trip_the_budget(catalog):
    decoder = Decoder(catalog)
    model = EventModel(catalog, history=500)
    model.add([decoder.decode(line, "a.log", i) for i, line in enumerate(sim_lines(catalog, 2000))])
    assert len(model.held) == 500 and model.dropped == 1500 and model.dropped_for_bytes == 0
    assert not model.bytes_binding


def test_the_newest_event_is_kept_even_over_the_budget(catalog):
    decoder = Decoder(catalog)
    model = EventModel(catalog, history_bytes=MB)
    model.add([decoder.decode(big_line(1, 2 * MB), "a.log", 1)])
    assert len(model.held) == 1
    model.add([decoder.decode(big_line(2, 2 * MB), "a.log", 2)])
    assert [ev.line for ev in model.held] == [2] and model.dropped == 1


def _measured(catalog, lines: list[bytes]) -> tuple[int, int]:
    """(traced bytes the model holds for these lines, the model's estimate)."""
    decoder = Decoder(catalog)
    for line in lines[:200]:
        decoder.decode(line)  # the decoder's caches, not the model's
    model = EventModel(catalog, history=10 ** 7, history_bytes=1 << 40)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for start in range(0, len(lines), 500):
            model.add([decoder.decode(line, "/var/isode/log/mta-event.log", i)
                       for i, line in enumerate(lines[start:start + 500], start + 1)])
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    return held, model.held_bytes


def _growth(catalog, lines: list[bytes]) -> tuple[int, int]:
    """What the second half of `lines` adds: (traced bytes, the model's estimate). A difference,
    so that the constant parts (the cache of recently read events, the arrays' first blocks) cancel."""
    half = len(lines) // 2
    held1, est1 = _measured(catalog, lines[:half])
    held2, est2 = _measured(catalog, lines)
    return held2 - held1, est2 - est1


def test_the_estimate_matches_what_tracemalloc_measures(catalog):
    """The estimate (the text arena as it is, compressed where it is, and each row's arrays) is what
    --history-bytes bounds. Short simulator lines (the rows dominate, the text compresses well)
    and 60 KiB lines of random text (the text dominates and hardly compresses)."""
    lines = sim_lines(catalog, 40_000)
    held, estimate = _growth(catalog, lines)
    text = sum(len(line.rstrip(b"\n")) for line in lines[20_000:])
    print(f"\n20,000 simulator lines ({text:,} bytes): held {held:,}, estimate {estimate:,}")
    assert 0.85 * held <= estimate <= 1.15 * held
    assert held <= 20_000 * EVENT_OVERHEAD + text / 3  # the text compressed
    held, estimate = _growth(catalog, [big_line(i) for i in range(300)])
    assert 0.95 * held <= estimate <= 1.05 * held


def test_memory_stays_near_the_budget(catalog):
    """1,000 lines of 60 KiB (60 MB) through an 8 MB budget: traced memory never passes the budget
    by more than the batch in hand. (Without the budget it would hold all 60 MB.)"""
    budget = 8 * MB
    decoder = Decoder(catalog)
    model = EventModel(catalog, history=100_000, history_bytes=budget)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        for start in range(0, 1000, 50):
            batch = [decoder.decode(big_line(i), "a.log", i + 1) for i in range(start, start + 50)]
            model.add(batch)
            del batch
            assert tracemalloc.get_traced_memory()[0] - base <= 1.05 * budget
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    print(f"\n60 MB of 60 KiB lines through an 8 MB budget: peak {peak / MB:.1f} MB, held {len(model.held)}")
    assert peak <= budget + 50 * 60 * KB * 1.5  # the batch in hand, decoded, and a chunk being compressed
    assert model.dropped_for_bytes == 1000 - len(model.held)
