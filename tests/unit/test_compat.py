"""console.compat: on 3.9 and 3.10 the stand-ins give what the newer Python gives."""

from __future__ import annotations

import asyncio
import re
import sys
from bisect import bisect_left
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.compat import POSSESSIVE, aclosing, bisect_left_by, fromisoformat, fromisoformat_39

pytestmark = pytest.mark.smoke

# The timestamps the shipped layouts and the generic rule capture (catalog/layouts.yaml), and more.
ISO = r"\A\d{4}-\d\d-\d\d(?:[ T]\d\d(?::\d\d(?::\d\d(?:[.,]\d{1,9})?)?)?(?:Z|[+-]\d\d(?::?\d\d)?)?)?\Z"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the reference, datetime.fromisoformat, reads these on 3.11+")
@settings(max_examples=400, deadline=None)
@given(st.from_regex(re.compile(ISO, re.ASCII)))
def test_the_iso_fallback_reads_what_311_reads(text):
    text = text.replace(",", ".")
    try:
        expected = datetime.fromisoformat(text)
    except ValueError:
        with pytest.raises(ValueError):
            fromisoformat_39(text)
    else:
        got = fromisoformat_39(text)
        assert got == expected and got.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text,expected", [
    ("2026-11-24 10:15:03.123", datetime(2026, 11, 24, 10, 15, 3, 123000)),
    ("2026-11-24T10:15:03.1", datetime(2026, 11, 24, 10, 15, 3, 100000)),
    ("2026-11-24T10:15:03.1234567", datetime(2026, 11, 24, 10, 15, 3, 123456)),
])
def test_fromisoformat_on_this_python(text, expected):
    assert fromisoformat(text) == expected


@pytest.mark.parametrize("text", ["2026-11-24T10:15:03Z", "2026-11-24T10:15:03+0000", "2026-11-24T10:15:03+00"])
def test_utc_in_every_spelling(text):
    assert fromisoformat(text).utcoffset().total_seconds() == 0


@pytest.mark.parametrize("text", ["", "2026-13-01", "2026-11-24T25:00:00", "2026-11-24T10:15:03+25:00",
                                  "٢٠٢٦-11-24", "2026-11-24T10:15:03 junk"])
def test_bad_iso_text_is_a_value_error(text):
    with pytest.raises(ValueError):
        fromisoformat_39(text)


@given(st.lists(st.integers(0, 50)).map(sorted), st.integers(-1, 51), st.integers(0, 5))
def test_bisect_left_by_is_bisect_left(values, x, lo):
    items = [(v,) for v in values]
    lo = min(lo, len(items))
    assert bisect_left_by(items, x, lo, key=lambda t: t[0]) == bisect_left(values, x, lo)


async def test_aclosing_closes_a_generator_left_early():
    closed = []

    async def numbers():
        try:
            for n in range(10):
                yield n
                await asyncio.sleep(0)
        finally:
            closed.append(True)

    async with aclosing(numbers()) as gen:
        async for n in gen:
            if n == 2:
                break
    assert closed == [True]


def test_possessive_quantifiers_are_used_where_python_has_them():
    assert POSSESSIVE == (sys.version_info >= (3, 11))
