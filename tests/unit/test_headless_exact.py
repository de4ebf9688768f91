"""decode -f / decode -n print only final line numbers: lines wait, in order, while any of them
is numbered from where a history began (console.tail.headless.InOrderExact)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from console.tail.contract import RawLine, Renumbered
from console.tail.headless import InOrderExact


def line(n: int, numbering: int = 0) -> RawLine:
    return RawLine("a.log", n, b"x%d" % n, numbering=numbering)


def test_lines_wait_for_their_count_and_come_out_corrected_and_in_order():
    exact = InOrderExact()
    assert exact.take([line(1, 5), line(2, 5)]) == [] and exact.waiting
    assert exact.take([line(3)]) == []  # a later line waits behind them
    exact.fix(Renumbered(5, "a.log", 100))
    out = exact.take([])
    assert [(ln.lineno, ln.numbering) for ln in out] == [(101, 0), (102, 0), (3, 0)]
    assert not exact.waiting and exact.take([line(4)]) == [line(4)]


def test_a_count_that_failed_lets_the_lines_through_as_they_are():
    exact = InOrderExact()
    exact.take([line(1, 2)])
    exact.fix(Renumbered(2, "a.log", None))
    assert [ln.lineno for ln in exact.take([line(2, 2)])] == [1, 2]


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5)), max_size=40), st.data())
def test_whatever_the_order_every_line_comes_out_once_in_order_and_final(spec, data):
    offsets = {1: 1000, 2: 2000, 3: 3000}
    exact = InOrderExact()
    sent, out, fixed = [], [], set()
    for i, (numbering, _) in enumerate(spec):
        ln = line(i, numbering if numbering not in fixed else 0)  # the follower corrects later ones
        sent.append((i, numbering if numbering not in fixed else 0))
        out += exact.take([ln])
        if data.draw(st.booleans()):
            token = data.draw(st.sampled_from(sorted(offsets)))
            if token not in fixed:
                fixed.add(token)
                exact.fix(Renumbered(token, "a.log", offsets[token]))
                out += exact.take([])
    for token in sorted(set(offsets) - fixed):
        exact.fix(Renumbered(token, "a.log", offsets[token]))
    out += exact.take([])
    assert [ln.data for ln in out] == [b"x%d" % i for i, _ in sent]
    assert [ln.lineno for ln in out] == [i + offsets.get(n, 0) for i, n in sent]
    assert all(ln.numbering == 0 for ln in out)
