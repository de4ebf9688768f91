"""Decoder: every catalogue event in every reference layout, the generic rule, and odd lines."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console.decode.decoder import Decoder

FAC = "MTA_SMTP"

# The three reference layouts of log-layout.md / catalog/layouts.yaml, with what each carries.
LAYOUTS = {
    "native": dict(
        fmt="2026-11-24 10:15:03.123 smtpsrvr[2817] {token}: {message}",
        host=None, program="smtpsrvr", pid=2817,
        time=datetime(2026, 11, 24, 10, 15, 3, 123000)),
    "syslog-rfc5424": dict(
        fmt="2026-11-24T10:15:03.123456+00:00 mail1 smtpsrvr[2817]: {token}: {message}",
        host="mail1", program="smtpsrvr", pid=2817,
        time=datetime(2026, 11, 24, 10, 15, 3, 123456, tzinfo=timezone.utc)),
    "syslog-rfc3164": dict(
        fmt="Nov 24 10:15:03 mail2 smtpsrvr[2817]: {token}: {message}",
        host="mail2", program="smtpsrvr", pid=2817,
        time=None),  # no year in the line: checked separately
}


def _events(catalog):
    return sorted(catalog.events.values(), key=lambda e: (e.facility, e.name))


def _sample_values(ev) -> dict[int, str]:
    # Distinct per parameter, free of every template's literal text.
    return {n: f"v{n}_{ev.name}.example" for n in range(1, len(ev.parameters) + 1)}


def _cases(catalog):
    for ev in _events(catalog):
        for layout in LAYOUTS:
            yield pytest.param((ev.facility, ev.name, layout), id=f"{ev.name}-{layout}")


def pytest_generate_tests(metafunc):
    if "event_layout_case" in metafunc.fixturenames:
        from console.catalog.loader import load_catalog
        metafunc.parametrize("event_layout_case", list(_cases(load_catalog())))


def _check_syslog_time(t: datetime | None) -> None:
    assert t is not None
    assert (t.month, t.day, t.hour, t.minute, t.second) == (11, 24, 10, 15, 3)
    now = datetime.now()
    assert t.year in (now.year, now.year - 1)
    assert t - now <= timedelta(days=2)  # never in the future


def test_every_event_in_every_layout(catalog, decoder, event_layout_case):
    facility, name, layout = event_layout_case
    ev = catalog.events[(facility, name)]
    sev = catalog.severity(ev.severity)
    if ev.templates:
        values = _sample_values(ev)
        message = ev.templates[0].render(values)
        expected_params = {ev.parameters[n - 1]: values[n] for n in ev.templates[0].numbers}
    else:
        message = "something went wrong: bind 0.0.0.0:25 (in use)"
        expected_params = {}
    spec = LAYOUTS[layout]
    token = f"{sev.letter}-{facility}-{name}"
    line = spec["fmt"].format(token=token, message=message)

    got = decoder.decode(line.encode("utf-8") + b"\n", "mta-event.log", 42)

    assert got.layout == layout
    assert got.parsed and got.known
    assert (got.facility, got.event, got.id) == (facility, name, ev.id)
    assert (got.severity, got.letter) == (ev.severity, sev.letter)
    assert got.description == ev.description
    assert got.action == ev.action
    assert got.message == message
    assert got.params == expected_params
    assert got.params_split is (True if ev.templates else None)
    assert (got.host, got.program, got.pid) == (spec["host"], spec["program"], spec["pid"])
    if spec["time"] is None:
        _check_syslog_time(got.time)
    else:
        assert got.time == spec["time"]
    d = got.to_dict()
    assert (d["source"], d["line"], d["raw"]) == ("mta-event.log", 42, line)
    assert d["params"] == expected_params


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_examples_from_yaml_decode_with_their_own_layout(catalog, decoder, layout):
    example = next(lay.example for lay in catalog.layouts if lay.name == layout)
    got = decoder.decode(example.encode())
    assert got.layout == layout
    assert (got.event, got.id, got.severity) == ("Connection", 102, "info")
    assert got.params == {"Caller's address": "192.0.2.10", "Connection context": "smtp-external"}


def test_the_decoder_keeps_decoding_after_switching_layouts(catalog, decoder):
    lines = [LAYOUTS[name]["fmt"].format(token="W-MTA_SMTP-SPFnone", message="a@b from 192.0.2.1")
             for name in ("native", "syslog-rfc3164", "native", "syslog-rfc5424", "syslog-rfc3164")]
    got = [decoder.decode(line.encode()) for line in lines]
    assert [e.layout for e in got] == ["native", "syslog-rfc3164", "native", "syslog-rfc5424",
                                       "syslog-rfc3164"]
    assert all(e.params == {"Address/Name attempted": "a@b", "Caller's IP address": "192.0.2.1"}
               for e in got)


# -- the generic rule ------------------------------------------------------------------------

def test_generic_token_and_timestamp_anywhere(decoder):
    line = b"<13>1 2026-11-24T10:15:03Z foo bar E-SMTP-BufferTooBig: 192.0.2.7 sent a line longer than 4096 bytes"
    got = decoder.decode(line)
    assert got.layout == "generic"
    assert got.time == datetime(2026, 11, 24, 10, 15, 3, tzinfo=timezone.utc)
    assert (got.letter, got.severity) == ("E", "error")
    assert got.facility == "SMTP"  # what the line says
    assert got.event == "BufferTooBig"
    # the facility-mismatch look-up still finds MTA_SMTP's BufferTooBig
    assert got.entry is not None and got.entry.facility == FAC
    assert got.id == 103
    assert got.description.startswith("The SMTP command handler broke the connection")
    assert got.params == {"Caller's address": "192.0.2.7", "Size of buffer": "4096"}
    assert got.params_split is True
    assert (got.host, got.program, got.pid) == (None, None, None)


def test_generic_syslog_timestamp_after_the_token(decoder):
    got = decoder.decode(b"relay says W-MTA_SMTP-SPFnone: x@y from 192.0.2.1 at Nov  4 09:08:07")
    assert got.layout == "generic"
    assert (got.event, got.id, got.severity) == ("SPFnone", 112, "warning")
    assert got.time is not None and (got.time.month, got.time.day, got.time.hour) == (11, 4, 9)
    assert got.params == {"Address/Name attempted": "x@y",
                          "Caller's IP address": "192.0.2.1 at Nov  4 09:08:07"}


def test_generic_token_without_timestamp(decoder):
    got = decoder.decode(b"N-MTA_SMTP-Listen listening on [::]:25")
    assert got.layout == "generic"
    assert got.time is None and got.timestamp is None
    assert (got.event, got.id, got.severity) == ("Listen", 100, "notice")
    assert got.params == {"Listen address": "[::]:25"}


def test_token_inside_a_word_is_not_a_token(decoder):
    got = decoder.decode(b"xI-MTA_SMTP-Connection: connection from a (b)")
    assert not got.parsed
    assert got.severity == "unknown"


def test_known_name_under_another_facility(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[1] N-OTHER-Listen: listening on 0.0.0.0:25")
    assert got.facility == "OTHER"
    assert got.id == 100 and got.entry.facility == FAC
    assert got.params == {"Listen address": "0.0.0.0:25"}


# -- unknowns --------------------------------------------------------------------------------

def test_unknown_event_in_known_facility(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] W-MTA_SMTP-NewThing: something odd")
    assert got.parsed and not got.known
    assert (got.facility, got.event, got.letter, got.severity) == (FAC, "NewThing", "W", "warning")
    assert (got.id, got.description, got.action) == (None, None, None)
    assert got.params == {} and got.params_split is None
    assert got.message == "something odd"
    assert got.program == "smtpsrvr"


def test_unknown_facility_and_event(decoder):
    got = decoder.decode(b"Nov 24 10:15:03 mail1 x400d[9]: E-MTA_X400-Boom: it broke")
    assert (got.facility, got.event, got.severity, got.id) == ("MTA_X400", "Boom", "error", None)
    assert got.host == "mail1" and got.pid == 9
    assert got.message == "it broke"


@pytest.mark.parametrize("letter", ["X", "A", "D"])
def test_unknown_letter_keeps_the_letter(decoder, letter):
    line = f"2026-11-24 10:15:03.123 smtpsrvr[2817] {letter}-MTA_SMTP-Connection: connection from 192.0.2.1 (smtp)"
    got = decoder.decode(line.encode())
    assert got.severity == "unknown"
    assert got.letter == letter
    assert got.to_dict()["letter"] == letter
    assert got.id == 102  # the event itself is still known
    assert got.params == {"Caller's address": "192.0.2.1", "Connection context": "smtp"}


def test_no_token_is_unparsed_and_keeps_the_text(decoder):
    text = "kernel: eth0 link up at 2026-11-24 10:15:03"
    got = decoder.decode(text.encode())
    assert not got.parsed
    assert got.severity == "unknown"
    assert got.message == text == got.raw
    assert (got.letter, got.facility, got.event, got.id) == (None, None, None, None)
    assert got.params == {} and got.params_split is None


def test_empty_line(decoder):
    for data in (b"", b"\n", b"\r\n"):
        got = decoder.decode(data, "f", 3)
        assert not got.parsed
        assert got.severity == "unknown"
        assert got.message == "" and got.raw == ""
        assert got.to_dict()["line"] == 3


# -- bytes-level oddities ------------------------------------------------------------------

def test_crlf_is_stripped(decoder):
    line = b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.10 (smtp-external)"
    got = decoder.decode(line + b"\r\n")
    assert got.raw == line.decode()
    assert "\r" not in got.message
    assert got.params == {"Caller's address": "192.0.2.10", "Connection context": "smtp-external"}


def test_bare_cr_at_end_is_stripped(decoder):
    got = decoder.decode(b"N-MTA_SMTP-Notice: hello\r")
    assert got.message == "hello"


def test_invalid_utf8_becomes_replacement_characters(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] N-MTA_SMTP-Notice: caf\xe9 \xff\xfe end")
    assert got.event == "Notice" and got.layout == "native"
    assert got.message == "caf\ufffd \ufffd\ufffd end"
    assert got.params == {"Text describing condition": "caf\ufffd \ufffd\ufffd end"}
    assert "\ufffd" in got.raw


def test_invalid_utf8_inside_the_token_area(decoder):
    got = decoder.decode(b"\xff\xfeI-MTA_SMTP-Timeout: 192.0.2.1")
    assert got.event == "Timeout" and got.id == 105
    assert got.raw.startswith("\ufffd\ufffd")


def test_nul_bytes_are_kept(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] E-MTA_SMTP-Error: bad\x00byte")
    assert got.event == "Error"
    assert got.message == "bad\x00byte"
    assert got.params == {"Text describing error": "bad\x00byte"}


def test_tab_inside_the_message_is_kept(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.1\t(smtp)")
    assert got.layout == "native"
    assert got.message == "connection from 192.0.2.1\t(smtp)"
    assert got.params_split is False  # the template wants a space before "("


def test_tab_separated_line_still_decodes_generically(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123\tsmtpsrvr[2817]\tI-MTA_SMTP-Listen\tlistening on x")
    assert got.layout == "generic"
    assert (got.event, got.id, got.severity) == ("Listen", 100, "info")
    assert got.time == datetime(2026, 11, 24, 10, 15, 3, 123000)
    assert "listening on x" in got.message


# -- templates and parameters --------------------------------------------------------------

def test_message_that_does_not_fit_its_template(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: accepted 192.0.2.10 on port 25")
    assert got.known and got.id == 102
    assert got.params == {}
    assert got.params_split is False
    assert got.message == "accepted 192.0.2.10 on port 25"
    assert got.to_dict()["params"] == {}


def test_critical_with_one_parameter(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] C-MTA_SMTP-Critical: licence expired")
    assert (got.severity, got.id) == ("critical", 14)
    assert got.params == {"Text describing error": "licence expired"}
    assert got.params_split is True


def test_critical_with_two_parameters(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] C-MTA_SMTP-Critical: cannot open spool: No space left on device")
    assert got.params == {"Text describing error": "cannot open spool",
                          "Optional text when reporting system error": "No space left on device"}


def test_second_parameter_may_contain_the_separator(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] E-MTA_SMTP-ErrorS: open: /x: y")
    assert got.params == {"Text describing error": "open", "Additional text field": "/x: y"}


def test_listen_error_is_free_text(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] F-MTA_SMTP-ListenError: bind 0.0.0.0:25: Address in use")
    assert (got.severity, got.id) == ("fatal", 101)
    assert got.params == {}
    assert got.params_split is None
    assert got.message == "bind 0.0.0.0:25: Address in use"


def test_newer_event_has_its_text_as_message(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] E-MTA_SMTP-ConnectFailed: mx.example.org: refused")
    assert (got.id, got.severity, got.action) == (201, "error", "")
    assert got.params == {} and got.params_split is None
    assert got.message == "mx.example.org: refused"


def test_empty_message(decoder):
    got = decoder.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] N-MTA_SMTP-Notice:")
    assert got.event == "Notice"
    assert got.message == ""
    assert got.params == {"Text describing condition": ""}


def test_bad_date_gives_no_time_but_keeps_the_line(decoder):
    got = decoder.decode(b"2026-13-45 10:15:03.123 smtpsrvr[2817] N-MTA_SMTP-Notice: x")
    assert got.event == "Notice"
    assert got.time is None
    assert got.to_dict()["time"] is None


def test_source_and_line_number(catalog):
    d = Decoder(catalog)
    got = d.decode(b"N-MTA_SMTP-Notice: x", "/var/isode/log/mta-event.log", 17, cut=True)
    assert (got.source, got.line, got.cut) == ("/var/isode/log/mta-event.log", 17, True)
