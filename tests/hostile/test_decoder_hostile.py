"""Decoding never fails and never grows without bound, whatever the bytes: arbitrary bytes, the shipped
layouts with hostile fields, template inversion, absurd tokens and times, endless lines."""

from __future__ import annotations

import io
import json
import re
import tracemalloc
from collections import Counter
from datetime import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from console.decode.decoder import Decoder
from console.tail.whole_files import iter_lines
from console.commands.stats import count_stream, summarise
from console.tail.compressed import HEAD, compression_of
from console.tail.splitter import LineSplitter
from console.commands.printers import EventPrinter

from .helpers import assert_inert, fuzz, time_limit

KEYS = ["time", "host", "program", "pid", "severity", "letter", "facility", "event", "id",
        "description", "action", "params", "message", "source", "line", "raw", "cut"]
# Pieces that steer lines into the layouts and the token rule, mixed with arbitrary bytes.
PIECES = [b"2026-11-24 10:15:03.123 smtpsrvr[2817] ", b"Nov 24 10:15:03 mail1 smtpsrvr[1]: ",
          b"2026-11-24T10:15:03.5+00:00 h p[9]: ", b"I-MTA_SMTP-Connection", b"C-MTA_SMTP-Critical: ",
          b"W-X-Y", b"connection from ", b" (", b")", b": ", b"\r", b"\n", b"\r\n", b"\x00", b"\xff\xfe",
          b"\xed\xa0\x80", b"\xc3\xa9", b"\xe2\x80\xae", b"\x1b[2J", b"[b]", b"[@click=app.quit]", b"%1",
          b"9999-12-31 23:59:59.999999999 ", b"0000-00-00 00:00:00 ", b"Feb 30 25:61:61 ", b"-", b" "]
hostile_bytes = st.lists(st.one_of(st.sampled_from(PIECES), st.binary(max_size=12)), max_size=40).map(b"".join)


def check_event(ev, data: bytes) -> None:
    d = ev.to_dict()
    assert list(d) == KEYS
    assert json.loads(json.dumps(d, ensure_ascii=True)) == d
    expected = data[:-1] if data.endswith(b"\n") else data
    expected = expected[:-1] if expected.endswith(b"\r") else expected
    assert ev.raw == expected.decode("utf-8", "replace")
    assert ev.message in ev.raw
    assert isinstance(ev.severity, str) and ev.severity
    if ev.parsed:
        assert ev.facility in ev.raw and ev.event in ev.raw and ev.letter in ev.raw
    else:
        assert ev.severity == "unknown" and ev.message == ev.raw
    assert ev.time is None or isinstance(ev.time, datetime)
    line = EventPrinter(io.StringIO()).line(ev)
    assert_inert(line, "a decoded line", allow_newlines=False)


@fuzz(200)
@given(hostile_bytes)
def test_any_bytes_decode_to_one_event(catalog, data):
    check_event(Decoder(catalog).decode(data, "fuzz.log", 1), data)


@fuzz(100)
@given(hostile_bytes)
def test_any_bytes_decode_with_a_site_layout_that_takes_anything(site_catalog, data):
    check_event(Decoder(site_catalog).decode(data, "fuzz.log", 1), data)


FIELD = st.text(st.characters(codec="utf-8", exclude_characters="\n"), min_size=1, max_size=30)


@fuzz(200)
@given(st.sampled_from(["native", "syslog-rfc5424", "syslog-rfc3164"]), FIELD, FIELD, FIELD)
def test_shipped_layouts_with_hostile_fields(catalog, layout, host, program, message):
    """Fields a stranger fills: each comes back as written, or the line falls to the next rule; never lost."""
    host = re.sub(r"\s", "_", host)
    program = re.sub(r"[\s\[\]:]", "_", program)
    head = {"native": f"2026-11-24 10:15:03.123 {program}[77] ",
            "syslog-rfc5424": f"2026-11-24T10:15:03.123456+00:00 {host} {program}[77]: ",
            "syslog-rfc3164": f"Nov 24 10:15:03 {host} {program}[77]: "}[layout]
    line = f"{head}W-MTA_SMTP-DNSBLfailed: {message}"
    ev = Decoder(catalog).decode(line.encode("utf-8", "surrogatepass"))
    assume("\r" not in line)  # a CR is an ordinary character inside a line; at the end it is dropped
    assert (ev.layout, ev.event, ev.message, ev.program, ev.pid) == (layout, "DNSBLfailed", message, program, 77)
    if layout != "native":
        assert ev.host == host


def _templated(catalog):
    return [(ev, t) for ev in catalog.events.values() for t in ev.templates]


@fuzz(200)
@given(st.data())
def test_template_inversion_on_arbitrary_text(catalog, data):
    """Whatever the message, split() gives None or values that render back to exactly that message."""
    ev, template = data.draw(st.sampled_from(_templated(catalog)))
    values = {n: data.draw(st.text(max_size=20)) for n in template.numbers}
    rendered = template.render(values)
    for message in (rendered, data.draw(st.text(max_size=60)), rendered + data.draw(st.text(max_size=5))):
        got = template.split(message)
        assert got is None or template.render(got) == message
    assert template.split(rendered) is not None  # what a template writes, it can read back


def test_template_inversion_is_linear_on_near_misses(catalog):
    """A message full of near-misses of the template's literals stays cheap to split (max line size)."""
    import time
    for ev, template in _templated(catalog):
        lits = [lit for lit in template.literals if lit] or [" "]
        message = "".join(lit[:-1] or lit for lit in lits) * (65536 // max(1, sum(map(len, lits))))
        start = time.perf_counter()
        template.split(message[:65536])
        ev.split(message[:65536])
        assert time.perf_counter() - start < 0.5, template.text


ABSURD = [
    "I-MTA_SMTP-Connection",                                           # a line that is only the token
    "Z-" + "F" * 60_000 + "-" + "E" * 60_000 + ": long names",        # absurd facility and event names
    "2026-11-24 10:15:03.123 smtpsrvr[99999999999999999999999] Q-MTA_SMTP-Nope: unknown letter",
    "9999-12-31 23:59:59.999999 smtpsrvr[1] I-MTA_SMTP-Connection: connection from a (b)",
    "0000-01-01 00:00:00 smtpsrvr[1] I-MTA_SMTP-Connection: year zero",
    "2026-13-45 99:99:99.123 smtpsrvr[1] I-MTA_SMTP-Connection: month 13",
    "Feb 30 25:61:61 mail p[1]: E-MTA_SMTP-Error: day 30",
    "Feb 29 10:00:00 mail p[1]: E-MTA_SMTP-Error: leap day (maybe)",
    "2026-11-24T10:15:03.123456789123456789+99:99 h p: I-MTA_SMTP-Connection: absurd zone",
    "\u0662\u0660\u0662\u0666-\u0661\u0661-\u0662\u0664 10:15:03 smtpsrvr[1] I-MTA_SMTP-Connection: "
    "arabic-indic digits",
    "\uff12\uff10\uff12\uff16-11-24 10:15:03 smtpsrvr[1] I-MTA_SMTP-Connection: fullwidth digits",
    "",
    "\x00" * 100,
    "\r",
    "lone\rcr inside I-MTA_SMTP-Connection: connection from 1 (2)",
]


@pytest.mark.parametrize("line", ABSURD, ids=range(len(ABSURD)))
def test_absurd_lines_still_become_events(catalog, line):
    data = line.encode()
    ev = Decoder(catalog).decode(data, "absurd.log", 3)
    check_event(ev, data)
    assert (ev.parsed is True) == ("-MTA_SMTP-" in line or line.startswith("Z-"))


def test_endless_invented_names_do_not_grow_the_decoder(catalog):
    """A log that invents a new event name per line must not grow the decoder's look-up cache for ever."""
    decoder = Decoder(catalog)
    for i in range(20_000):
        ev = decoder.decode(b"W-FAC%d-Evt%d: x" % (i, i))
    assert ev.event == "Evt19999" and ev.entry is None
    assert decoder.cached_names <= 10_000


# -- line splitting: the batch reader, the tail splitter and stats agree on every byte stream ----

@fuzz(200)
@given(hostile_bytes, st.sampled_from([1, 7, 64, 65536]), st.lists(st.integers(1, 64), min_size=1, max_size=8))
def test_every_reader_splits_lines_the_same_way(catalog, data, max_line, chunks):
    ref = [(line, cut) for _, line, cut in iter_lines(io.BytesIO(data), max_line)]
    splitter, out, pos, i = LineSplitter(max_line), [], 0, 0
    while pos < len(data):
        n = chunks[i % len(chunks)]
        lines, cuts = splitter.feed(data[pos:pos + n])
        out += [(line, j in cuts) for j, line in enumerate(lines)]
        pos, i = pos + n, i + 1
    last = splitter.flush()
    if last is not None:
        out.append((last, False))
    assert out == ref
    assert all(len(line) <= max_line for line, _ in ref)
    # stats counts each of those lines once, with the token the decoder gives it (standard input
    # that starts like a compressed file is read as one: a different test)
    assume(compression_of(data[:HEAD]) is None)
    decoder = Decoder(catalog)
    events = [decoder.decode(line) for line, _ in ref]
    summary = summarise(count_stream(io.BytesIO(data), catalog, max_line=max_line), catalog)
    assert summary["lines"] == len(ref)
    assert Counter(summary["by_event"]) == Counter(e.full_name for e in events if e.parsed)


def test_a_50_mb_line_is_cut_in_bounded_memory_and_the_next_line_is_decoded(catalog):
    head = b"2026-11-24 10:15:03.123 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: "
    nxt = b"2026-11-24 10:15:04.000 smtpsrvr[1] I-MTA_SMTP-Connection: connection from 192.0.2.9 (x)"

    class Endless(io.RawIOBase):
        """50 MB of one line, produced on the fly (nothing that big is ever held by the test)."""

        def __init__(self) -> None:
            self.parts = [head] + [b"A" * (1 << 20)] * 50 + [b"\n" + nxt + b"\n"]

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            return self.parts.pop(0) if self.parts else b""

    decoder = Decoder(catalog)
    tracemalloc.start()
    try:
        events = [decoder.decode(data, "big.log", n, cut=cut) for n, data, cut in iter_lines(Endless(), 65536)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * (1 << 20), f"peak {peak:,} bytes while reading a 50 MB line"
    assert [(e.line, e.cut, e.event) for e in events] == [(1, True, "DNSBLfailed"), (2, False, "Connection")]
    assert len(events[0].raw) == 65536
    assert events[1].params == {"Caller's address": "192.0.2.9", "Connection context": "x"}


# -- site layouts: any layout the loader accepts decodes any line without failing ------------------

_GROUP_BODIES = st.sampled_from([r".", r"\S+", r"[^|]*", r"\w+", r".*?", r"[A-Z]", r"\d+", r"[^\s\[\]]+", r".*"])
_SEPARATORS = st.sampled_from([" ", r"\|", ": ", "-", "", r"\s+", r"\[", r"\]"])


@st.composite
def _site_layouts(draw) -> str:
    groups = ["letter", "facility", "event", "message"]
    groups += draw(st.lists(st.sampled_from(["timestamp", "host", "program", "pid"]), unique=True))
    order = draw(st.permutations(groups))
    parts = [f"(?P<{g}>{draw(_GROUP_BODIES)}){draw(_SEPARATORS)}" for g in order]
    return draw(st.sampled_from(["^", ""])) + "".join(parts) + draw(st.sampled_from(["$", ""]))


@fuzz(100)
@given(_site_layouts(), st.sampled_from(["iso", "syslog"]), hostile_bytes)
def test_any_site_layout_decodes_any_line(tmp_path_factory, layout, kind, data):
    """A site layout that can backtrack catastrophically (a careless `(.*) (.*) (.*)X` is cubic) is
    refused when it loads (tests/hostile/test_site_regex_backtracking.py); any layout the loader
    accepts decodes any line, quickly. One that fails or hangs is a bug."""
    import yaml

    from console.catalog.loader import load_catalog
    from console.errors import DataError
    site = tmp_path_factory.mktemp("layout")
    (site / "l.yaml").write_text(yaml.safe_dump({"layouts": [{"name": "fuzzed", "time": kind, "regex": layout}]}))
    try:
        catalog = load_catalog([site])
    except DataError as exc:
        assert "backtrack" in str(exc), exc
        return
    catalog.layouts.insert(0, catalog.layouts.pop())  # the site layout first, so it is really tried
    with time_limit(2.0, layout):
        ev = Decoder(catalog).decode(data, "site.log", 1)
    check_event(ev, data)
