"""Decoder.decode never raises, whatever the bytes, and to_dict() is always the same JSON shape."""

from __future__ import annotations

import json
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.catalog.loader import load_catalog
from console.decode.decoder import Decoder
from console.demo.simulator import LAYOUTS, Simulator

KEYS = ["time", "host", "program", "pid", "severity", "letter", "facility", "event", "id",
        "description", "action", "params", "message", "source", "line", "raw", "cut"]

_CATALOG = load_catalog()
_DECODER = Decoder(_CATALOG)  # shared on purpose: its layout reordering is exercised too


def _real_lines() -> list[bytes]:
    out = []
    for i, layout in enumerate(LAYOUTS):
        sim = Simulator(_CATALOG, seed=i, layout=layout, start=datetime(2026, 11, 24))
        out += [line.encode() for line in sim.every_event()]
    out += [
        b"<13>1 2026-11-24T10:15:03Z foo bar E-SMTP-BufferTooBig: 192.0.2.1 sent a line longer than 4096 bytes",
        b"C-MTA_SMTP-Critical: a: b",
        b"2026-11-24 10:15:03,5 X-Y-Z",
        b"Feb 29 10:15:03 h p: N-MTA_SMTP-Notice: leap",
        b"Nov 31 10:15:03 h p[99999999999999999999999]: N-MTA_SMTP-Notice: bad day",
        b"9999-12-31T23:59:59.999999+23:59 h p: I-MTA_SMTP-Timeout: x",
    ]
    return out


REAL_LINES = _real_lines()


def _check(ev) -> None:
    d = ev.to_dict()
    assert list(d) == KEYS
    text = json.dumps(d)
    assert json.loads(text) == d
    assert isinstance(d["severity"], str) and d["severity"]
    assert isinstance(d["message"], str) and isinstance(d["raw"], str)
    assert d["time"] is None or isinstance(d["time"], str)
    assert d["pid"] is None or isinstance(d["pid"], int)
    assert d["id"] is None or isinstance(d["id"], int)
    assert isinstance(d["params"], dict)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in d["params"].items())
    assert ev.params_split in (True, False, None)
    assert d["letter"] is None or len(d["letter"]) == 1
    if d["event"] is None:
        assert d["severity"] == "unknown" and d["message"] == d["raw"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data):
    _check(_DECODER.decode(data, "fuzz", 1))


@st.composite
def near_valid(draw):
    line = bytearray(draw(st.sampled_from(REAL_LINES)))
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["insert", "replace", "delete", "truncate"]))
        pos = draw(st.integers(0, len(line)))
        if kind == "insert":
            line[pos:pos] = draw(st.binary(min_size=1, max_size=16) | st.sampled_from(
                [b"\n", b"\r", b"\x00", b"\t", b"\xff", b"\xe2\x80\xae", b"-", b":", b"[", b"]",
                 b" ", b"%1", b"\x1b[2J", b"I-MTA_SMTP-Connection", b"2026-11-24 10:15:03"]))
        elif kind == "replace" and pos < len(line):
            line[pos] = draw(st.integers(0, 255))
        elif kind == "delete":
            end = draw(st.integers(pos, min(len(line), pos + 8)))
            del line[pos:end]
        else:
            del line[pos:]
    if draw(st.booleans()):
        line += draw(st.sampled_from([b"\n", b"\r\n", b"\r", b""]))
    return bytes(line)


@settings(max_examples=300, deadline=None)
@given(near_valid())
def test_near_valid_lines(data):
    _check(_DECODER.decode(data, "fuzz", 2))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    # the text path (surrogates included) that decode() uses after the bytes are decoded
    _check(_DECODER.decode_text(text, "fuzz", 3))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(REAL_LINES), st.binary(max_size=64))
def test_real_line_with_garbage_appended_keeps_its_event(line, tail):
    ev = _DECODER.decode(line + b" " + tail.replace(b"\n", b""))
    base = _DECODER.decode(line)
    _check(ev)
    assert (ev.letter, ev.event, ev.id) == (base.letter, base.event, base.id)


def test_real_lines_all_decode_with_a_layout():
    for line in REAL_LINES:
        ev = _DECODER.decode(line)
        _check(ev)
        assert ev.parsed, line


@settings(max_examples=300, deadline=None)
@given(near_valid() | st.binary(max_size=300))
def test_the_merge_key_is_the_stamp_decode_finds(data):
    """Decoder.sort_key (which orders a day of files as they merge) reads the stamp without building
    the event: it must be the stamp decode() finds, for any line."""
    from console.catalog.timestamps import sort_text
    ev = _DECODER.decode(data, "fuzz", 4)
    assert _DECODER.sort_key(data) == sort_text(ev.timestamp, ev.time_kind)
