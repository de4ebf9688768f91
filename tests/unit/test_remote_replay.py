"""Whole files sent again by a new session after a drop mid-history: each line reaches the
consumer once, whatever the cut and whatever was renamed between the sessions."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from console.tail.contract import RawLine
from console.tail.remote.replay import WholeReplay


def session(files, cut=None):
    """The lines a session reads from the start of every file, in order; `cut`: how many arrive."""
    out = [RawLine(name, i + 1, data, partial=(i == len(lines) - 1 and unfinished))
           for name, lines, unfinished in files for i, data in enumerate(lines)]
    return out if cut is None else out[:cut]


def test_what_a_cut_session_delivered_is_passed_over_by_the_next():
    r = WholeReplay()
    files = [("log.1", [b"a1", b"a2"], False), ("log", [b"b1", b"b2", b"b3"], False)]
    first = r.keep(session(files, cut=3))
    r.new_session()
    second = r.keep(session(files))
    assert [ln.data for ln in first + second] == [b"a1", b"a2", b"b1", b"b2", b"b3"]


def test_a_file_renamed_between_sessions_is_still_known_by_its_start():
    r = WholeReplay()
    first = r.keep(session([("log", [b"a1", b"a2", b"a3"], False)], cut=2))
    r.new_session()
    second = r.keep(session([("log.1", [b"a1", b"a2", b"a3"], False), ("log", [b"n1"], False)]))
    assert [(ln.source, ln.data) for ln in first + second] == [
        ("log", b"a1"), ("log", b"a2"), ("log.1", b"a3"), ("log", b"n1")]


def test_an_unfinished_line_delivered_before_comes_again_as_its_completion():
    r = WholeReplay()
    first = r.keep(session([("log", [b"a1", b"a"], True)]))
    r.new_session()
    second = r.keep(session([("log", [b"a1", b"a2", b"a3"], False)]))
    assert [(ln.data, ln.partial, ln.completes) for ln in first + second] == [
        (b"a1", False, False), (b"a", True, False), (b"a2", False, True), (b"a3", False, False)]


def test_two_files_that_start_alike_are_sent_again_rather_than_lost():
    r = WholeReplay()
    files = [("x.log", [b"same", b"x2"], False), ("y.log", [b"same", b"y2"], False)]
    first = r.keep(session(files, cut=3))
    r.new_session()
    second = r.keep(session(files))
    assert {ln.data for ln in first + second} == {b"same", b"x2", b"y2"}  # nothing lost; some repeated


def test_after_the_history_is_complete_nothing_is_passed_over():
    r = WholeReplay()
    r.keep(session([("log", [b"a1", b"a2"], False)]))
    r.done()
    r.new_session()
    assert len(r.keep(session([("log", [b"a1", b"a2"], False)]))) == 2


@st.composite
def histories(draw):
    """Sessions over a log that grows and is rotated between them; each cut somewhere."""
    stamp = iter(range(10**6))
    live = [f"t{next(stamp)}".encode() for _ in range(draw(st.integers(1, 6)))]
    rotated = []  # older files, oldest first
    sessions = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            live.extend(f"t{next(stamp)}".encode() for _ in range(draw(st.integers(0, 4))))
        if draw(st.booleans()):
            rotated.append(live)
            live = [f"t{next(stamp)}".encode() for _ in range(draw(st.integers(1, 4)))]
        files = [(f"log.{len(rotated) - i}", lines, False) for i, lines in enumerate(rotated)]
        files.append(("log", list(live), False))
        total = sum(len(f[1]) for f in files)
        sessions.append((files, draw(st.integers(0, total))))
    return sessions


@settings(max_examples=300, deadline=None)
@given(histories())
def test_every_line_once_whatever_the_cuts_and_rotations(sessions):
    r = WholeReplay()
    got = []
    for files, cut in sessions:
        r.new_session()
        got += r.keep(session(files, cut))
    r.new_session()
    got += r.keep(session(sessions[-1][0]))  # the session that completes the history
    every = [data for _, lines, _ in sessions[-1][0] for data in lines]
    assert sorted(ln.data for ln in got) == sorted(every)
