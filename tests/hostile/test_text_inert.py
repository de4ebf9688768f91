"""Strangers' text is made inert before any terminal sees it: safe_text.visible and the decode printer.

The oracle is unicodedata (every control, format, separator and surrogate code point, and the blank
fillers), not safe_text's own list, so a character Unicode adds later cannot slip by unnoticed."""

from __future__ import annotations

import io
import json
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.decode.decoder import Decoder
from console.safe_text import is_inert, visible
from console.commands.printers import EventPrinter

from .conftest import pipe_line
from .helpers import HOSTILE, LITERALS, PAYLOADS, assert_inert, fuzz, raw_controls

ALL_CHARS = "".join(map(chr, range(0x110000)))
_SGR = re.compile(r"\x1b\[(?:1;)?38;2;\d+;\d+;\d+m|\x1b\[0m")


def test_every_dangerous_code_point_is_escaped_and_nothing_printable_is_touched():
    shown = visible(ALL_CHARS)
    assert not raw_controls(shown), "a control, format, separator, surrogate or filler got through"
    cats = [unicodedata.category(c) for c in ALL_CHARS]
    # letters, marks (combining), numbers, punctuation, symbols, spaces, private use: shown as they are
    keep = "".join(c for c, cat in zip(ALL_CHARS, cats)
                   if cat[0] in "LMNPS" or cat in ("Zs", "Co"))
    keep = "".join(c for c in keep if not raw_controls(c))
    assert len(keep) > 280_000 and visible(keep) == keep
    assert is_inert(keep) and not is_inert(ALL_CHARS)


@pytest.mark.parametrize("ch, escape", [("\x1b", "\\e"), ("\t", "\\t"), ("\r", "\\r"), ("\n", "\\n"),
                                        ("\x00", "\\x00"), ("\x9b", "\\x9b"), ("\u202e", "\\u202e"),
                                        ("\U000e0041", "\\U000e0041"), ("\ud800", "\\ud800")])
def test_escapes_are_printable_ascii_and_unambiguous(ch, escape):
    """An astral code point is \\UXXXXXXXX: as \\ue0041 it would read as U+E004 and a 1."""
    assert visible(ch) == escape
    assert escape.isascii() and escape.isprintable()


@fuzz(300)
@given(st.text(alphabet=st.characters(codec=None), max_size=300))
def test_visible_on_any_text(text):
    shown = visible(text)
    assert not raw_controls(shown)
    assert visible(shown) == shown                    # escaping is done once, fully
    assert (shown == text) == (not raw_controls(text))  # untouched exactly when nothing was dangerous


# -- decode's printer: text and JSON, every field -------------------------------------------------

def _hostile_events(catalog, site_catalog):
    """The same payloads in the message (shipped layouts) and in every field (the site pipe layout)."""
    shipped, site = Decoder(catalog), Decoder(site_catalog)
    events = []
    for name, payload in PAYLOADS.items():
        clean = payload.replace("|", "/")
        events.append(shipped.decode(
            f"2026-11-24 10:15:03.123 smtpsrvr[2817] W-MTA_SMTP-DNSBLfailed: {payload}".encode(), name, 1))
        events.append(shipped.decode(
            f"2026-11-24T10:15:03Z {clean.replace(' ', '_')} smtpsrvr[1]: I-MTA_SMTP-Connection: "
            f"connection from {payload} ({payload})".encode(), name, 2))
        events.append(site.decode(pipe_line(ts=clean, host=clean, program=clean, pid=clean, letter=clean[:1],
                                            facility=clean, event=clean, message=payload).encode(), name, 3))
    return events


def test_decode_text_output_is_inert_in_every_field(catalog, site_catalog):
    events = _hostile_events(catalog, site_catalog)
    assert {ev.layout for ev in events} >= {"native", "syslog-rfc5424", "hostile-pipes"}
    out = io.StringIO()
    EventPrinter(out).write(events)
    text = out.getvalue()
    assert text.count("\n") == len(events)  # a separator or CR in a field never starts a new line
    assert_inert(text, "decode output")
    for literal in LITERALS:
        assert literal in text, literal


def test_decode_colour_output_has_only_its_own_escapes(catalog, site_catalog):
    """With colours on (a tty), the only escape sequences are the severity colour and the reset."""
    events = _hostile_events(catalog, site_catalog)
    out = io.StringIO()
    EventPrinter(out, colours={"warning": "#ffaf00", "info": "#87afd7", "unknown": "#808080"}).write(events)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(events)
    for line in lines:
        stripped = _SGR.sub("", line)
        assert_inert(stripped, "a coloured decode line")
        assert line.count("\x1b") == len(_SGR.findall(line)) <= 2


def test_decode_json_is_ascii_and_keeps_the_raw_line(catalog, site_catalog):
    events = _hostile_events(catalog, site_catalog)
    out = io.StringIO()
    EventPrinter(out, as_json=True).write(events)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(events)
    for line, ev in zip(lines, events):
        assert line.isascii() and line.isprintable()
        assert json.loads(line)["raw"] == ev.raw  # the exact text stays available, escaped


def test_wide_and_combining_characters_are_shown_as_themselves(catalog):
    line = "2026-11-24 10:15:03.123 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: \u90ae\u4ef6 e\u0301 \U0001F600"
    out = io.StringIO()
    EventPrinter(out).write([Decoder(catalog).decode(line.encode())])
    assert "\u90ae\u4ef6 e\u0301 \U0001F600" in out.getvalue()
    assert unicodedata.normalize("NFC", "e\u0301") not in out.getvalue()  # not normalised away either


def test_hostile_payload_survives_as_one_event(catalog):
    ev = Decoder(catalog).decode(f"2026-11-24 10:15:03.123 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: {HOSTILE}"
                                   .encode())
    assert ev.event == "DNSBLfailed" and ev.message == HOSTILE
