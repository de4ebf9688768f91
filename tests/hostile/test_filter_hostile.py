"""The operator's `/` filter against lines a stranger shaped: a pattern that is invalid, or that would
backtrack for minutes on a long line, is matched as plain text with a note, and the console answers.

Python's re cannot be interrupted from outside, but it does check for signals: every match here runs
under an alarm, so a regression fails the test instead of hanging the suite."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.model.textfilter import MATCH_WINDOW, compile_filter

from .conftest import screen_lines, settle, until
from .helpers import fuzz, time_limit


# Lines a stranger can put in a HELO or a rejected command: long runs that feed backtracking.
HOSTILE_LINES = ["a" * (MATCH_WINDOW - 1) + "!", "from " * 400 + "192 " * 500, "1." * 2000 + "!",
                 "a," * 2000, " " * MATCH_WINDOW, "ab" * 2048, "x1" * 2048]

CATASTROPHIC = [
    r"(a+)+$", r"(a|a)+$", r"(a|aa)+$", r"(a{1,10}){1,10}$", r"(?:a?){30}a{30}", r"(x+x+)+y", r"(.*?,)+x",
    r"(a|b|ab)*c", r".*.*.*x", r".*a.*b", r"a*a*a*a*a*b", r"[a-z]+[a-z]+!z", r"\w*\w*\w*!",
    r"from.*192.*refused", r"(?=.*a.*b)", r"(.*)\1\1x", r"\w+.{1,3}(?=a+)",
]
EVERYDAY = {
    r"error.*denied": "E-MTA_SMTP-Error: relay error: access denied",
    r"connection.*refused": "connection from 192.0.2.1 refused",
    r"192\.0\.2\.\d+": "connection from 192.0.2.77 (x)",
    r"\d+\.\d+\.\d+\.\d+": "from 10.1.2.3",
    r"(\d{1,3}\.){3}\d{1,3}": "from 10.1.2.3",
    r"^\S+ \S+ smtpsrvr": "2026-11-24 10:00:00.000 smtpsrvr[1] x",
    r"DNSBL(failed|ok)": "W-MTA_SMTP-DNSBLfailed",
    r"\bSPF(pass|fail)\b": "I-MTA_SMTP-SPFpass: x",
    r"[A-Z]-MTA_SMTP-\w+": "C-MTA_SMTP-Critical",
    r"helo=.*evil": "HELO=mx.evil.example",
}
INVALID = ["(", "[", "a{2,1}", "(?P<x>", "\\", "*", "(?<=a+)b", "\\1", "a{99999999999999999999}"]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_become_plain_text_and_stay_fast(pattern):
    tf = compile_filter(pattern)
    assert tf.note and "plain text" in tf.note, pattern
    assert tf.regex is not None and tf.regex.pattern == re.escape(pattern)  # the text itself
    for line in HOSTILE_LINES:
        with time_limit(1.0, f"{pattern!r} on {line[:12]!r}"):
            tf.matches(line)


@pytest.mark.parametrize("pattern, line", EVERYDAY.items())
def test_everyday_patterns_stay_regexes(pattern, line):
    tf = compile_filter(pattern)
    assert tf.note == "", (pattern, tf.note)
    assert tf.matches(line)
    for hostile in HOSTILE_LINES:
        with time_limit(1.5, f"{pattern!r} on {hostile[:12]!r}"):
            tf.matches(hostile)


@pytest.mark.parametrize("pattern", INVALID)
def test_invalid_patterns_say_so_and_match_as_text(pattern):
    tf = compile_filter(pattern)
    assert tf.note.startswith("not a valid regex"), tf.note
    assert tf.matches(f"x {pattern} y") and not tf.matches("nothing here")


def test_the_check_itself_is_cheap_on_hostile_patterns():
    for pattern in ["(" * 100 + "a{12}" + "){12}" * 100, "(" * 90 + "a" + ")*" * 90,
                    "((a|b|c|d|e){5}){5}" * 10, "|".join(["a?"] * 200), "(?:(?:(?:a{2}){2}){2}){2}" * 20,
                    "x" * 501, "(?x)" + " " * 490 + "a", "[\\w\\W]" * 80]:
        with time_limit(1.0, pattern[:30]):
            start = time.perf_counter()
            compile_filter(pattern)
        assert time.perf_counter() - start < 0.5, pattern[:30]


_ATOMS = st.sampled_from(["a", "b", ".", r"\w", r"\d", r"\s", "[ab]", "[^a]", " ", ",", "x", r"\b", "^", "$", "1"])
_QUANT = st.sampled_from(["", "", "*", "+", "?", "{1,3}", "{2}", "{0,20}", "*?", "+?"])
_PATTERNS = st.recursive(
    st.tuples(_ATOMS, _QUANT).map("".join),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=4).map("".join),
        st.tuples(inner, _QUANT).map(lambda t: f"(?:{t[0]}){t[1]}"),
        st.tuples(inner, inner, _QUANT).map(lambda t: f"({t[0]}|{t[1]}){t[2]}"),
        inner.map(lambda t: f"(?={t})"),
    ),
    max_leaves=10)


@fuzz(60)
@given(_PATTERNS)
def test_any_pattern_the_filter_accepts_is_bounded_on_hostile_lines(pattern):
    """The estimate is sound: whatever it lets through as a regex finishes a hostile 4 KiB line fast."""
    tf = compile_filter(pattern)
    if tf.note:
        return
    for line in HOSTILE_LINES[:4]:
        with time_limit(2.0, f"{pattern!r} on {line[:12]!r}"):
            tf.matches(line)


# -- in the console ----------------------------------------------------------------------------

def _hostile_events(catalog, n: int, body: str):
    from console.decode.decoder import Decoder
    decoder = Decoder(catalog)
    return [decoder.decode(f"2026-11-24 10:00:{i % 60:02d}.000 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: {body}"
                           .encode(), "hostile.log", i) for i in range(1, n + 1)]


async def _loop_stall(pilot, action) -> float:
    """The longest the event loop went without running while `action` was applied (the UI's freeze)."""
    gaps, done = [0.0], asyncio.Event()

    async def probe():
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps[0] = max(gaps[0], now - last)
            last = now

    task = asyncio.create_task(probe())
    await asyncio.sleep(0.02)
    action()
    await settle(pilot)
    done.set()
    await task
    return gaps[0]


@pytest.mark.parametrize("pattern", [r"(a+)+$", r".*a.*b", r"(a|aa)+$", "(", "[@click=app.quit]"])
async def test_typed_slow_or_invalid_filter_gets_a_note_and_the_console_answers(make_app, catalog, pattern):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        app.ingest(_hostile_events(catalog, 300, "a" * 5000), live=False)
        await settle(pilot)
        await pilot.press("slash")
        stall = await _loop_stall(pilot, lambda: setattr(app.filter_bar, "value", pattern))
        assert app.model.filter.text.text == pattern
        assert stall < 1.0, f"the console froze {stall:.1f}s on the filter {pattern!r}"
        header = "\n".join(screen_lines(app)[:5])
        if pattern != "[@click=app.quit]":
            assert "plain text" in header, header
        await pilot.press("escape")  # clears the filter: every line back
        await until(pilot, lambda: len(app.model.view) == 300, timeout=5, what="the filter to clear")
        assert app.is_running and app.return_code is None


async def test_accepted_filter_over_many_long_hostile_lines_does_not_freeze_the_console(make_app, catalog):
    pattern = r".*@example\.org"
    tf = compile_filter(pattern)
    assert tf.note == ""  # a fair regex: one .* and a literal
    line = "a" * 5000
    start = time.perf_counter()
    tf.matches(line)
    per_line = max(time.perf_counter() - start, 1e-4)
    n = max(20, min(600, int(3.0 / per_line)))  # about three seconds of matching on this machine
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        app.ingest(_hostile_events(catalog, n, line), live=False)
        await settle(pilot)
        await pilot.press("slash")
        stall = await _loop_stall(pilot, lambda: setattr(app.filter_bar, "value", pattern))
        assert stall < 1.0, f"the console froze {stall:.1f}s filtering {n} lines ({per_line * 1000:.0f} ms each)"
