"""load_catalogue([site dir]): every problem is one DataError line naming the file and entry;
a good site dir adds and overrides events and layouts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from console.catalog.loader import load_catalog
from console.decode.decoder import Decoder
from console.errors import DataError


def site(tmp_path: Path, files: dict[str, str], name: str = "site") -> Path:
    d = tmp_path / name
    d.mkdir()
    for fname, text in files.items():
        (d / fname).write_text(textwrap.dedent(text), encoding="utf-8")
    return d


def load_error(*dirs: Path) -> str:
    with pytest.raises(DataError) as info:
        load_catalog(list(dirs))
    msg = str(info.value)
    assert msg, "empty error message"
    assert "\n" not in msg and "\r" not in msg, f"more than one line: {msg!r}"
    assert "Traceback" not in msg
    return msg


GOOD_EVENT = """\
facility: MTA_SMTP
events:
  - name: GoodOne
    id: 900
    severity: info
    parameters: [a, b]
    templates: ["%1 and %2"]
"""


def test_unknown_key_in_an_event(tmp_path):
    path = site(tmp_path, {"x.yaml": GOOD_EVENT + """\
  - name: Colourful
    id: 901
    severity: info
    colour: red
"""})
    msg = load_error(path)
    assert str(path / "x.yaml") in msg
    assert "colour" in msg
    assert "Colourful" in msg or "#2" in msg  # the entry: by name or by position


def test_unknown_top_level_key(tmp_path):
    path = site(tmp_path, {"x.yaml": "facility: MTA_SMTP\nevnts: []\n"})
    msg = load_error(path)
    assert str(path / "x.yaml") in msg and "evnts" in msg


def test_duplicate_event_name_in_one_file(tmp_path):
    path = site(tmp_path, {"x.yaml": GOOD_EVENT + """\
  - name: GoodOne
    id: 902
    severity: info
"""})
    msg = load_error(path)
    assert str(path / "x.yaml") in msg and "GoodOne" in msg
    assert "twice" in msg


def test_duplicate_event_name_across_files_of_one_dir(tmp_path):
    path = site(tmp_path, {"a.yaml": GOOD_EVENT, "b.yaml": GOOD_EVENT.replace("900", "903")})
    msg = load_error(path)
    assert str(path / "b.yaml") in msg and "a.yaml" in msg and "GoodOne" in msg


def test_same_name_in_two_dirs_is_an_override_not_an_error(tmp_path):
    one = site(tmp_path, {"a.yaml": GOOD_EVENT}, "one")
    two = site(tmp_path, {"a.yaml": GOOD_EVENT.replace("severity: info", "severity: error")}, "two")
    cat = load_catalog([one, two])
    assert cat.events[("MTA_SMTP", "GoodOne")].severity == "error"


def test_duplicate_id(tmp_path):
    path = site(tmp_path, {"x.yaml": GOOD_EVENT.replace("id: 900", "id: 102")})
    msg = load_error(path)
    assert str(path / "x.yaml") in msg and "GoodOne" in msg
    assert "102" in msg and "Connection" in msg


def test_undefined_severity(tmp_path):
    path = site(tmp_path, {"x.yaml": GOOD_EVENT.replace("severity: info", "severity: dire")})
    msg = load_error(path)
    assert str(path / "x.yaml") in msg and "GoodOne" in msg and "dire" in msg


def test_template_names_a_parameter_the_event_lacks(tmp_path):
    path = site(tmp_path, {"x.yaml": GOOD_EVENT.replace('"%1 and %2"', '"%1 and %3"')})
    msg = load_error(path)
    assert str(path / "x.yaml") in msg and "GoodOne" in msg and "%3" in msg


LAYOUT = """\
layouts:
  - name: {name}
    time: iso
    regex: '{regex}'
"""


def test_layout_regex_that_does_not_compile(tmp_path):
    path = site(tmp_path, {"l.yaml": LAYOUT.format(name="broken", regex="^(?P<letter>[A-Z]")})
    msg = load_error(path)
    assert str(path / "l.yaml") in msg and "broken" in msg and "compile" in msg


def test_multiline_verbose_regex_error_is_still_one_line(tmp_path):
    path = site(tmp_path, {"l.yaml": 'layouts:\n  - name: verbose\n    regex: "(?x)\\n^(\\n  a\\n"\n'})
    msg = load_error(path)
    assert str(path / "l.yaml") in msg and "verbose" in msg


def test_layout_missing_named_groups(tmp_path):
    path = site(tmp_path, {"l.yaml": LAYOUT.format(
        name="partial", regex=r"^(?P<letter>[A-Z])-(?P<facility>\w+) (?P<message>.*)$")})
    msg = load_error(path)
    assert str(path / "l.yaml") in msg and "partial" in msg and "event" in msg


def test_yaml_syntax_error(tmp_path):
    path = site(tmp_path, {"bad.yaml": "facility: MTA_SMTP\nevents:\n  - name: [unclosed\n    id: 1\n"})
    msg = load_error(path)
    assert str(path / "bad.yaml") in msg
    assert "line" in msg


def test_wrong_type_for_events(tmp_path):
    path = site(tmp_path, {"x.yaml": 'facility: MTA_SMTP\nevents: "text"\n'})
    msg = load_error(path)
    assert str(path / "x.yaml") in msg and "events" in msg


@pytest.mark.parametrize("entry,word", [
    ("{name: A1, id: '7', severity: info}", "id"),
    ("{name: A1, id: 7, severity: info, parameters: x}", "parameters"),
    ("{name: A1, id: 7, severity: info, description: [a]}", "description"),
    ("{name: A1, id: true, severity: info}", "id"),
    ("just a string", "#1"),
])
def test_wrong_types_inside_an_event(tmp_path, entry, word):
    path = site(tmp_path, {"x.yaml": f"facility: MTA_SMTP\nevents:\n  - {entry}\n"})
    msg = load_error(path)
    assert str(path / "x.yaml") in msg and word in msg


def test_top_level_not_a_mapping(tmp_path):
    path = site(tmp_path, {"x.yaml": "- a\n- b\n"})
    msg = load_error(path)
    assert str(path / "x.yaml") in msg


def test_python_object_tag_is_refused_safely(tmp_path):
    marker = tmp_path / "pwned"
    payload = (f"facility: MTA_SMTP\nevents: !!python/object/apply:os.system "
               f"['touch {marker}']\n")
    path = site(tmp_path, {"evil.yaml": payload})
    msg = load_error(path)
    assert str(path / "evil.yaml") in msg
    assert not marker.exists()


def test_python_object_new_tag_is_refused(tmp_path):
    path = site(tmp_path, {"evil.yaml": "facility: !!python/object:builtins.object {}\n"})
    msg = load_error(path)
    assert str(path / "evil.yaml") in msg


def test_directory_that_does_not_exist(tmp_path):
    missing = tmp_path / "nowhere"
    msg = load_error(missing)
    assert str(missing) in msg


def test_a_file_instead_of_a_directory(tmp_path):
    f = tmp_path / "file.yaml"
    f.write_text("events: []\n")
    msg = load_error(f)
    assert str(f) in msg


def test_not_utf8(tmp_path):
    d = tmp_path / "site"
    d.mkdir()
    (d / "x.yaml").write_bytes(b"facility: MTA_\xff\n")
    msg = load_error(d)
    assert str(d / "x.yaml") in msg


def test_empty_file_and_non_yaml_files_are_ignored(tmp_path):
    d = site(tmp_path, {"empty.yaml": "", "notes.txt": "not: [yaml", "README": "x"})
    cat = load_catalog([d])
    assert len(cat.events) == len(load_catalog().events)


# -- the positive case ------------------------------------------------------------------------

PIPE_REGEX = (r"^(?P<timestamp>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\|(?P<host>[^|]*)\|"
              r"(?P<letter>[A-Z])-(?P<facility>[A-Za-z0-9_]+)-(?P<event>[A-Za-z0-9_]+)\|(?P<message>.*)$")


def test_site_dir_adds_overrides_and_adds_a_layout(tmp_path):
    d = site(tmp_path, {
        "events.yaml": """\
            facility: MTA_SMTP
            events:
              - name: GreylistHit
                id: 900
                severity: warning
                description: The caller was greylisted.
                action: Nothing to do.
                parameters: ["Caller's address", "Delay"]
                templates: ["%1 greylisted for %2s"]
              - name: Connection
                id: 102
                severity: info
                description: A new connection from the given address has been received.
                action: Call the NOC if this floods.
                parameters: ["Caller's address", "Connection context"]
                templates: ["connection from %1 (%2)"]
            """,
        "layouts.yaml": f"""\
            layouts:
              - name: pipe
                description: a site's pipe-separated layout
                time: iso
                regex: '{PIPE_REGEX}'
            """,
    })
    shipped = load_catalog()
    cat = load_catalog([d])

    assert len(cat.events) == len(shipped.events) + 1
    new = cat.events[("MTA_SMTP", "GreylistHit")]
    assert (new.id, new.severity, new.release) == (900, "warning", "")
    conn = cat.events[("MTA_SMTP", "Connection")]
    assert conn.action == "Call the NOC if this floods."
    assert conn.file.endswith("events.yaml")
    assert shipped.events[("MTA_SMTP", "Connection")].action == ""  # shipped untouched
    assert [lay.name for lay in cat.layouts] == [lay.name for lay in shipped.layouts] + ["pipe"]

    dec = Decoder(cat)
    ev = dec.decode(b"2026-11-24 10:15:03|mail7|W-MTA_SMTP-GreylistHit|192.0.2.5 greylisted for 300s")
    assert ev.layout == "pipe"
    assert ev.host == "mail7"
    assert (ev.event, ev.id, ev.severity) == ("GreylistHit", 900, "warning")
    assert ev.params == {"Caller's address": "192.0.2.5", "Delay": "300"}
    assert ev.time is not None and ev.time.hour == 10

    ev = dec.decode(b"2026-11-24 10:15:03|mail7|I-MTA_SMTP-Connection|connection from 192.0.2.5 (x)")
    assert ev.layout == "pipe"
    assert ev.action == "Call the NOC if this floods."

    # the shipped layouts still work alongside
    ev = dec.decode(b"2026-11-24 10:15:03.123 smtpsrvr[1] I-MTA_SMTP-Connection: connection from a (b)")
    assert ev.layout == "native" and ev.action == "Call the NOC if this floods."


def test_site_layout_with_a_shipped_name_replaces_it_in_place(tmp_path):
    d = site(tmp_path, {"layouts.yaml": f"""\
        layouts:
          - name: native
            regex: '{PIPE_REGEX}'
        """})
    cat = load_catalog([d])
    names = [lay.name for lay in cat.layouts]
    assert names == [lay.name for lay in load_catalog().layouts]
    native = next(lay for lay in cat.layouts if lay.name == "native")
    assert native.regex.pattern == PIPE_REGEX
    ev = Decoder(cat).decode(b"2026-11-24 10:15:03|h|N-MTA_SMTP-Notice|hi")
    assert ev.layout == "native" and ev.params == {"Text describing condition": "hi"}


def test_site_severity_for_a_new_letter(tmp_path):
    d = site(tmp_path, {"sev.yaml": """\
        severities:
          - {name: authfail, letter: A, rank: 5, key: a}
        """})
    cat = load_catalog([d])
    assert cat.severity_for_letter("A").name == "authfail"
    ev = Decoder(cat).decode(b"A-MTA_SMTP-Whatever: x")
    assert ev.severity == "authfail"


def test_site_severity_reusing_a_letter_is_an_error(tmp_path):
    d = site(tmp_path, {"sev.yaml": "severities:\n  - {name: authfail, letter: E, rank: 5}\n"})
    msg = load_error(d)
    assert str(d / "sev.yaml") in msg and "authfail" in msg


@pytest.mark.parametrize("value", ['"false"', '"no"', "1", "[]"])
def test_severity_flag_must_be_a_boolean(tmp_path, value):
    d = site(tmp_path, {"sev.yaml": f"severities:\n  - {{name: authfail, letter: A, rank: 5, unknown: {value}}}\n"})
    msg = load_error(d)
    assert str(d / "sev.yaml") in msg and "authfail" in msg and "unknown" in msg


def test_site_layout_with_a_bracketed_pid(tmp_path):
    d = site(tmp_path, {"l.yaml": r"""
        layouts:
          - name: bracket
            regex: '^(?P<program>\w+)\[(?P<pid>[^\]]+)\] (?P<letter>[A-Z])-(?P<facility>\w+)-(?P<event>\w+): (?P<message>.*)$'
        """})
    dec = Decoder(load_catalog([d]))
    ev = dec.decode(b"smtpsrvr[2817] N-MTA_SMTP-Notice: hi")
    assert (ev.layout, ev.pid, ev.params) == ("bracket", 2817, {"Text describing condition": "hi"})


def test_non_numeric_pid_from_a_site_layout_does_not_raise(tmp_path):
    d = site(tmp_path, {"l.yaml": r"""
        layouts:
          - name: bracket
            regex: '^(?P<program>\w+)\[(?P<pid>[^\]]+)\] (?P<letter>[A-Z])-(?P<facility>\w+)-(?P<event>\w+): (?P<message>.*)$'
        """})
    ev = Decoder(load_catalog([d])).decode(b"smtpsrvr[worker-3] N-MTA_SMTP-Notice: hi")
    assert (ev.layout, ev.event, ev.pid, ev.program) == ("bracket", "Notice", None, "smtpsrvr")


CATCHALL = r"""
    layouts:
      - name: catchall
        regex: '^(?P<host>\S+) .*?(?P<letter>[A-Z])-(?P<facility>[A-Za-z0-9_]+)-(?P<event>[A-Za-z0-9_]+): (?P<message>.*)$'
    """
NATIVE_LINE = b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from a (b)"


def test_overlapping_site_layout_comes_after_the_shipped_ones(tmp_path):
    dec = Decoder(load_catalog([site(tmp_path, {"l.yaml": CATCHALL})]))
    ev = dec.decode(NATIVE_LINE)
    assert (ev.layout, ev.program, ev.host) == ("native", "smtpsrvr", None)
    assert dec.decode(b"relay9 says N-MTA_SMTP-Notice: x").layout == "catchall"


def test_layout_order_does_not_depend_on_previous_lines(tmp_path):
    dec = Decoder(load_catalog([site(tmp_path, {"l.yaml": CATCHALL})]))
    assert dec.decode(b"relay9 says N-MTA_SMTP-Notice: x").layout == "catchall"
    ev = dec.decode(NATIVE_LINE)
    assert (ev.layout, ev.program, ev.host) == ("native", "smtpsrvr", None)
    assert ev.time is not None and ev.time.hour == 10
