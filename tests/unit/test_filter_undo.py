"""The model's narrowing toggles and the filters remembered for Backspace, and the rule that picks
the caller of an event (`h`)."""

from __future__ import annotations

import pytest

from console.model.caller import caller_of, why_no_caller
from console.decode.decoder import Decoder
from console.model.events import UNDO_DEPTH, EventModel

TS = "2026-11-24 10:00:00.000 smtpsrvr[1] "
LINES = [
    TS + "I-MTA_SMTP-Connection: connection from 192.0.2.1 (ctx)",
    TS + "I-MTA_SMTP-Connection: connection from 192.0.2.7 (ctx)",
    TS + "W-MTA_SMTP-SPFnone: alice@example.com from 192.0.2.1",
    "a line with no event token at all",
]


@pytest.fixture
def model(catalog):
    m = EventModel(catalog)
    decoder = Decoder(catalog)
    m.add([decoder.decode(line.encode(), "a.log", i) for i, line in enumerate(LINES, 1)])
    return m


def shown(model):
    return [model.view[i].line for i in range(len(model.view))]


def test_only_event_toggles_and_back_undoes_each_step(model):
    connection = model.view[0]
    assert model.toggle_only_event(connection)
    assert shown(model) == [1, 2]
    assert model.toggle_only_event(connection)  # again: every name
    assert shown(model) == [1, 2, 3, 4]
    assert model.back() and shown(model) == [1, 2]
    assert model.back() and shown(model) == [1, 2, 3, 4]
    assert not model.back()


def test_an_unparsed_line_has_no_name_to_narrow_to(model):
    before = model.filter
    assert not model.toggle_only_event(model.view[3])
    assert model.filter is before and not model.back()  # nothing changed, nothing remembered


def test_only_caller_narrows_to_the_address_then_back(model):
    assert model.toggle_only_caller(model.view[0])
    assert model.filter.value == "192.0.2.1" and shown(model) == [1, 3]
    assert model.toggle_only_caller(model.view[0])  # again: all
    assert model.filter.value is None
    assert model.back() and model.filter.value == "192.0.2.1"


def test_a_text_filter_and_clear_are_remembered_when_asked(model):
    model.remember_filter()
    model.set_text("spf")
    assert shown(model) == [3]
    model.remember_filter()
    model.clear_narrowing()
    assert model.back() and model.filter.text.text == "spf"
    assert model.back() and model.filter.text.text == ""


def test_only_the_newest_filters_are_remembered(model):
    for i in range(UNDO_DEPTH + 10):
        model.remember_filter()
        model.set_text(f"t{i}")
    steps = 0
    while model.back():
        steps += 1
    assert steps == UNDO_DEPTH
    assert model.filter.text.text == "t9"  # the oldest kept: the one set before the 50 newest


# -- the caller of an event ---------------------------------------------------------------------

def test_the_caller_is_the_first_parameter_that_looks_like_an_address(decoder):
    ev = decoder.decode(LINES[0].encode())
    assert ev.params["Caller's address"] == "192.0.2.1"
    assert caller_of(ev) == "192.0.2.1"


@pytest.mark.parametrize("value", ["192.0.2.1", "192.0.2.1:25", "2001:db8::1", "[2001:db8::1]:25",
                                   "::1", " 192.0.2.1 "])
def test_address_shapes(decoder, value):
    ev = decoder.decode(f"{TS}I-MTA_SMTP-Connection: connection from {value.strip()} (ctx)".encode())
    assert caller_of(ev) == value.strip()


def test_without_an_address_the_host_then_nothing(catalog):
    decoder = Decoder(catalog)
    syslog = decoder.decode(b"Nov 24 10:00:00 mx1 smtpsrvr[1]: N-MTA_SMTP-Notice: configuration reloaded")
    assert syslog.host == "mx1" and caller_of(syslog) == "mx1"
    assert caller_of(decoder.decode(b"a line with no event token at all")) is None


# -- trial finding 3: text after the template ---------------------------------------------------

TRAILING = [
    (TS + "I-MTA_SMTP-Connection: connection from 192.0.2.1 (smtp-external) tls=on", "192.0.2.1"),
    (TS + "W-MTA_SMTP-SPFnone: alice@example.com from 192.0.2.9 (via relay)", "192.0.2.9"),
    (TS + "I-MTA_SMTP-Connection: connection from [2001:db8::1]:25 (ctx) extra", "[2001:db8::1]:25"),
]


@pytest.mark.parametrize("line,address", TRAILING)
def test_the_caller_is_found_by_the_template_start_when_text_follows(decoder, line, address):
    ev = decoder.decode(line.encode())
    assert not any(v.strip() == address for v in ev.params.values())  # no parameter is just the address
    assert caller_of(ev) == address


@pytest.mark.parametrize("message", [
    "connection from somewhere.example (ctx) tls=on",  # the value there is no address
    "connexion from 192.0.2.1 (ctx)",                  # the template's start does not fit
    "connection from 192.0.2.1 and more",              # its literal text is not found in order
])
def test_no_caller_is_guessed_from_free_text(decoder, message):
    ev = decoder.decode(f"{TS}I-MTA_SMTP-Connection: {message}".encode())
    assert caller_of(ev) is None
    assert "does not fit MTA_SMTP-Connection's template" in why_no_caller(ev)


def test_why_no_caller_says_why(decoder):
    assert "no event name" in why_no_caller(decoder.decode(b"a line with no event token at all"))
    unknown = decoder.decode(f"{TS}I-MTA_SMTP-Invented: from 192.0.2.1".encode())
    assert "not in the catalogue" in why_no_caller(unknown)
    notice = decoder.decode(f"{TS}N-MTA_SMTP-Notice: configuration reloaded".encode())
    assert caller_of(notice) is None and "names no address" in why_no_caller(notice)
