"""iter_lines: line numbers, cut long lines, no trailing newline, empty input, block edges."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.tail import whole_files as linereader
from console.tail.whole_files import iter_lines


def lines(data: bytes, max_line: int = 1000):
    return list(iter_lines(io.BytesIO(data), max_line))


def model(data: bytes, max_line: int):
    """What iter_lines promises, written the obvious way."""
    if not data:
        return []
    parts = data.split(b"\n")
    if data.endswith(b"\n"):
        parts.pop()
    return [(i, p[:max_line], len(p) > max_line) for i, p in enumerate(parts, 1)]


def test_empty_file():
    assert lines(b"") == []


def test_single_newline_is_one_empty_line():
    assert lines(b"\n") == [(1, b"", False)]


def test_no_trailing_newline():
    assert lines(b"one\ntwo") == [(1, b"one", False), (2, b"two", False)]


def test_trailing_newline_adds_no_line():
    assert lines(b"one\ntwo\n") == [(1, b"one", False), (2, b"two", False)]


def test_blank_lines_are_counted():
    assert lines(b"a\n\n\nb\n") == [(1, b"a", False), (2, b"", False), (3, b"", False), (4, b"b", False)]


def test_cr_is_left_for_the_decoder():
    assert lines(b"a\r\nb\r\n") == [(1, b"a\r", False), (2, b"b\r", False)]


def test_long_line_is_cut_rest_skipped_next_line_fine():
    data = b"short\n" + b"x" * 25 + b"TAIL\n" + b"after\n"
    assert lines(data, max_line=10) == [
        (1, b"short", False),
        (2, b"x" * 10, True),
        (3, b"after", False),
    ]


def test_line_of_exactly_max_line_is_not_cut():
    assert lines(b"0123456789\n", max_line=10) == [(1, b"0123456789", False)]
    assert lines(b"0123456789a\n", max_line=10) == [(1, b"0123456789", True)]


def test_long_last_line_without_newline_is_cut():
    assert lines(b"ok\n" + b"y" * 50, max_line=8) == [(1, b"ok", False), (2, b"y" * 8, True)]


def test_long_line_spanning_blocks(monkeypatch):
    monkeypatch.setattr(linereader, "BLOCK", 4)
    data = b"ab\n" + b"z" * 30 + b"\ncd\n" + b"w" * 9
    assert lines(data, max_line=7) == [
        (1, b"ab", False), (2, b"z" * 7, True), (3, b"cd", False), (4, b"w" * 7, True)]


def test_reads_in_blocks_not_all_at_once():
    class Counting(io.BytesIO):
        biggest = 0

        def read(self, n=-1):
            assert n is not None and n > 0, "iter_lines must read bounded blocks"
            Counting.biggest = max(Counting.biggest, n)
            return super().read(n)

    out = list(iter_lines(Counting(b"a\n" * 10), 100))
    assert len(out) == 10
    assert Counting.biggest <= linereader.BLOCK


@settings(max_examples=300, deadline=None)
@given(data=st.lists(st.sampled_from([b"\n", b"a", b"bc", b"\r", b"\xff", b"long-" * 5, b""]),
                     max_size=40).map(b"".join),
       max_line=st.integers(1, 12), block=st.sampled_from([1, 2, 3, 5, 64]))
def test_matches_the_model_at_any_block_size(data, max_line, block):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(linereader, "BLOCK", block)
        assert lines(data, max_line) == model(data, max_line)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300), max_line=st.integers(1, 40))
def test_matches_the_model_on_arbitrary_bytes(data, max_line):
    assert lines(data, max_line) == model(data, max_line)
