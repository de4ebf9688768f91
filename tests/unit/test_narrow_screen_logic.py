"""Issue 12's logic without a screen: the row's columns at a width, the header fitted by
importance, the alert line, acknowledgement as a toggle and muted names, filter highlights, and
where a screenshot goes."""

from __future__ import annotations

from console.live.alerts import AlertState, cut_at_word
from console.live.columns import ROOM_FOR_PROGRAM, choose
from console.live.header_fit import Part, fit, form_of
from console.live.places import screenshot_dir
from console.model.events import EventModel
from console.model.textfilter import compile_filter

NAMES = dict(name=12, full_name=21, host=0, program=14)


def line(letter: str, name: str, message: str, when: str = "2026-11-24 09:30:00.000") -> str:
    return f"{when} smtpsrvr[4242] {letter}-MTA_SMTP-{name}: {message}"


# -- columns ----------------------------------------------------------------------------------

def test_at_80_columns_the_message_gets_the_room():
    col = choose(80, facilities=1, days=1, **NAMES)
    assert (col.date, col.prefix, col.program, col.host) == ("", False, 0, 0)
    # "connection from 203.218.37.22 (smtp-external)" (46 cells) fits after the name
    assert 80 - col.message_at() >= 46


def test_the_facility_only_when_there_are_two():
    assert not choose(200, facilities=1, days=1, **NAMES).prefix
    two = choose(200, facilities=2, days=1, **NAMES)
    assert two.prefix and two.name == 21


def test_the_date_when_days_differ_or_there_is_room_or_asked():
    assert choose(80, facilities=1, days=2, **NAMES).date == "short"
    assert choose(160, facilities=1, days=1, **NAMES).date == "iso"
    assert choose(80, facilities=1, days=1, wide=True, **NAMES).date == "iso"


def test_program_only_with_room_or_asked():
    assert choose(ROOM_FOR_PROGRAM, facilities=1, days=1, **NAMES).program == 14
    assert choose(80, facilities=1, days=1, wide=True, **NAMES).program == 14


# -- the header --------------------------------------------------------------------------------

def test_fit_shortens_the_least_important_first_and_drops_nothing_that_must_stay():
    parts = [Part(0, [form_of("FOLLOWING"), form_of("F")]),
             Part(5, [form_of("held 1,000/100,000"), form_of("held 1,000"), []]),
             Part(0, [form_of("mta-event.log missing (No such file)"), form_of("! missing")])]
    assert [f[0][0] for f in fit(parts, 200)] == ["FOLLOWING", "held 1,000/100,000",
                                                 "mta-event.log missing (No such file)"]
    narrow = [f[0][0] for f in fit(parts, 50)]
    assert narrow == ["FOLLOWING", "mta-event.log missing (No such file)"]  # held went, trouble stayed
    assert [f[0][0] for f in fit(parts, 5)] == ["F", "! missing"]  # as short as it gets, both there


# -- the alert line ------------------------------------------------------------------------------

def test_identical_alerts_merge_and_the_line_counts_since(decode):
    state = AlertState()
    fatal = decode([line("F", "ListenError", "listener failed")] * 3
                   + [line("C", "Critical", "store down", "2026-11-24 09:31:00.000")])
    state.add(fatal[:3])
    assert state.repeats == 3 and "ListenError ×3: listener failed" in state.text()
    assert state.tail() == ""  # all three are the merged line
    state.add(fatal[3:])
    assert state.text().startswith("CRITICAL 09:31:00 Critical: store down")
    assert state.tail() == "4 alerts since 09:30:00"
    assert state.dismiss() and not state.showing and not state.dismiss()


def test_the_alert_line_fits_whole_words_and_keeps_the_keys(decode):
    """Trial finding 5: at 80 columns the count gives way before the message, the message is cut
    after a word with an ellipsis, and the key to press stays."""
    state = AlertState()
    msg = "BURL fetch of imap://relay.example.com/INBOX;UID=57849 failed: connection timed out"
    state.add(decode([line("F", "BURLfatal", msg)] + [line("C", "Critical", "x")] * 6
                     + [line("F", "BURLfatal", msg, "2026-11-24 09:31:00.000")]))
    hints = ("! go · x dismiss", "! go · x", "! go")
    words, tail, hint = state.fitted(78, hints)
    assert hint == "! go · x dismiss" and tail == "8 alerts"  # the count gave way first
    assert words.startswith("FATAL 09:31:00 BURLfatal: BURL fetch of") and words.endswith("…")
    assert len("  ".join([words, tail, hint])) <= 78
    cut = words[:-1].split(" ")[-1]
    assert msg.split(" ").count(cut) or cut == "", words  # whole words only
    words, tail, hint = state.fitted(160, hints)
    assert words.endswith("timed out") and tail == "8 alerts since 09:30:00"
    words, tail, hint = state.fitted(30, hints)
    assert hint == "! go" and words.startswith("FATAL") and len(f"{words}  {hint}") <= 30


def test_cut_at_word():
    assert cut_at_word("connection timed out", 40) == "connection timed out"
    assert cut_at_word("connection timed out", 15) == "connection…"
    assert cut_at_word("averyveryverylongwordwithoutspaces", 10) == "averyvery…"


def test_no_line_when_turned_off(decode):
    state = AlertState()
    state.enabled = False
    assert not state.add(decode([line("F", "ListenError", "x")])) and not state.showing


# -- acknowledging, muting -----------------------------------------------------------------------

def test_ack_toggles_and_ack_similar_undoes_when_all_were(catalog, decode):
    model = EventModel(catalog)
    model.add(decode([line("E", "Error", "one"), line("E", "Error", "two"), line("F", "Fatal", "x")]))
    first = model.view[0]
    assert model.unacked == 3
    assert model.toggle_ack(first) and model.unacked == 2
    assert not model.toggle_ack(first) and model.unacked == 3
    assert model.toggle_ack_similar(first) == 2 and model.unacked == 1
    assert model.toggle_ack_similar(first) == -2 and model.unacked == 3


def test_a_muted_name_is_not_counted_nor_notified(catalog, decode):
    model = EventModel(catalog)
    model.add(decode([line("F", "Fatal", "x"), line("E", "Error", "y")]))
    fatal = model.view[0]
    assert model.toggle_mute(fatal) is True and model.unacked == 1
    result = model.add(decode([line("F", "Fatal", "again")], first=5))
    assert result.notify == [] and model.unacked == 1
    assert model.toggle_mute(fatal) is False and model.unacked == 3
    assert model.add(decode([line("F", "Fatal", "more")], first=9)).notify


def test_only_unacknowledged(catalog, decode):
    model = EventModel(catalog)
    model.add(decode([line("E", "Error", "one"), line("I", "Connection", "c"), line("E", "Error", "two")]))
    model.ack(model.view[0])
    assert model.toggle_pending_only()
    assert [ev.message for ev in model.view] == ["two"]
    assert not model.toggle_pending_only() and len(model.view) == 3


# -- highlighting, screenshots -------------------------------------------------------------------

def test_filter_spans():
    assert compile_filter("ab").spans("xAByab") == [(1, 3), (4, 6)]
    assert compile_filter("").spans("anything") == []
    assert compile_filter("x*").spans("aaa") == []  # empty matches mark nothing


def test_screenshot_dir_is_the_current_one_or_xdg(tmp_path):
    assert screenshot_dir(str(tmp_path), {}) == tmp_path
    gone = tmp_path / "gone"  # a directory that cannot be written (here: one that is not there)
    got = screenshot_dir(str(gone), {"XDG_STATE_HOME": str(tmp_path / "state")})
    assert got == tmp_path / "state" / "smtp-console" and got.is_dir()


def test_fatal_and_error_differ_at_a_glance_in_every_theme():
    """Not two near-identical reds: a different weight/decoration, or colours far apart."""
    import pathlib

    import yaml
    for path in sorted(pathlib.Path(__file__).parents[2].joinpath("themes").glob("*.yaml")):
        sev = yaml.safe_load(path.read_text())["severities"]
        fatal, error = sev["fatal"], sev["error"]
        rgb = [tuple(int(c["color"][i:i + 2], 16) for i in (1, 3, 5)) for c in (fatal, error)]
        distance = sum((a - b) ** 2 for a, b in zip(*rgb)) ** 0.5
        reversed_one = ("reverse" in fatal.get("style", "")) != ("reverse" in error.get("style", ""))
        assert fatal.get("style") != error.get("style") and (distance > 80 or reversed_one), path.name


def test_room_left_is_given_back_to_a_less_important_part():
    parts = [Part(1, [form_of("x" * 60), form_of("x" * 20)]),
             Part(6, [form_of("y" * 40), form_of("1 log following"), []])]
    assert [f[0][0] for f in fit(parts, 40)] == ["x" * 20, "1 log following"]


def test_notify_is_a_flag_and_a_config_key(tmp_path):
    import pytest

    from console.cli import build_console_parser
    from console.commands.config import load_config
    from console.errors import DataError
    assert build_console_parser().parse_args(["--no-notify"]).no_notify
    assert not build_console_parser().parse_args([]).no_notify
    cfg = tmp_path / "c.yaml"
    cfg.write_text("notify: false\n")
    assert load_config(cfg)["notify"] is False
    cfg.write_text("notify: maybe\n")
    with pytest.raises(DataError, match="notify: expected true or false"):
        load_config(cfg)


def test_several_hosts_keep_a_narrowed_host_column_at_80_columns():
    from console.live.columns import NARROW_HOST, choose
    one = choose(80, facilities=1, days=1, name=12, full_name=20, host=14, program=0, hosts=1)
    several = choose(80, facilities=1, days=1, name=12, full_name=20, host=14, program=0, hosts=2)
    wide = choose(160, facilities=1, days=1, name=12, full_name=20, host=14, program=0, hosts=2)
    assert one.host == 0 and several.host == NARROW_HOST and wide.host == 14
