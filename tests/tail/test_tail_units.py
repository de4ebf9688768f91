"""The pure pieces: line splitting, stream grouping, backfill merge."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from console.tail.grouping import name_order, stream_key
from console.tail.splitter import LineSplitter
from console.tail.merge import concat, merge_by_key
from console.tail.contract import RawLine


def reference(data: bytes, max_line: int) -> tuple[list[tuple[bytes, bool]], bytes | None]:
    parts = data.split(b"\n")
    tail = parts.pop()
    out = [(p[:max_line], len(p) > max_line) for p in parts]
    if len(tail) > max_line:
        out.append((tail[:max_line], True))
        return out, None
    return out, tail or None


def run_splitter(chunks: list[bytes], max_line: int) -> tuple[list[tuple[bytes, bool]], bytes | None]:
    s = LineSplitter(max_line)
    out: list[tuple[bytes, bool]] = []
    for chunk in chunks:
        datas, cuts = s.feed(chunk)
        out.extend((d, i in cuts) for i, d in enumerate(datas))
        assert s.pending <= max_line
    return out, s.flush()


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=400).map(lambda b: b.replace(b"a", b"\n")),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12),
    max_line=st.integers(min_value=1, max_value=40),
)
def test_any_chunking_gives_the_same_lines(data, cuts, max_line):
    points = sorted({c for c in cuts if c <= len(data)})
    chunks = [data[a:b] for a, b in zip([0, *points], [*points, len(data)])]
    assert run_splitter(chunks, max_line) == reference(data, max_line)


def test_split_mid_utf8_and_nul_pass_through():
    out, rest = run_splitter([b"x\xc3", b"\xa9y\x00\xff\r\n", b"z"], 100)
    assert out == [(b"x\xc3\xa9y\x00\xff\r", False)]
    assert rest == b"z"


def test_overlong_line_is_cut_and_rest_skipped_without_holding_it():
    s = LineSplitter(10)
    got = []
    got += s.feed(b"0123456789ABC")[0]
    for _ in range(1000):
        assert s.feed(b"y" * 1000) == ([], [])
        assert s.pending == 0
    datas, _ = s.feed(b"tail\nnext\n")
    got += datas
    assert got == [b"0123456789", b"next"]


def test_exactly_max_line_is_not_cut():
    assert run_splitter([b"0123456789", b"\n"], 10) == ([(b"0123456789", False)], None)


def test_stream_grouping_takes_out_the_date_and_sorts_naturally():
    a = "/l/mta-event.2026-11-24-09-00.log"
    b = "/l/mta-event.2026-11-24-10-00.log"
    assert stream_key(a) == stream_key(b) == "/l/mta-event.<date>.log"
    assert stream_key("/l/mta-event.2026-11-24-10-00-59.log") == stream_key(a)  # with seconds
    assert stream_key("/l/app.20261124.log") == stream_key("/l/app.20261125.log") == "/l/app.<date>.log"
    assert stream_key("/l/mta-event.log") != stream_key(a)
    # other digits name other logs: one MTA's log per file on a central host, numbered rotations
    assert len({stream_key(f"/l/mail{i}.log") for i in range(1, 12)}) == 11
    assert stream_key("/l/mta-event.log.1") != stream_key("/l/mta-event.log.2")
    assert stream_key("/l/svc2026.log") != stream_key("/l/svc2027.log")
    assert name_order("x.9.log") < name_order("x.10.log")


def lines_of(src: str, *texts: str) -> list[RawLine]:
    return [RawLine(src, i, t.encode()) for i, t in enumerate(texts, 1)]


async def agen(*chunks):
    for c in chunks:
        yield c


def key(data: bytes):
    head = data.split(b" ", 1)[0]
    return int(head) if head.isdigit() else None


async def test_merge_is_stable_and_keeps_keyless_lines_with_their_predecessor():
    a = lines_of("a", "1 a", "  cont a1", "4 a", "9 a")
    b = lines_of("b", "  lead b", "2 b", "4 b", "  cont b4", "5 b")
    out = [ln async for chunk in merge_by_key([agen(a[:2], a[2:]), agen(b)], key, cap=3) for ln in chunk]
    assert [ln.data.decode() for ln in out] == [
        "  lead b",
        "1 a",
        "  cont a1",
        "2 b",
        "4 a",
        "4 b",
        "  cont b4",
        "5 b",
        "9 a",
    ]


async def test_merge_survives_mixed_key_types_and_key_errors():
    def bad_key(data: bytes):
        if data == b"boom":
            raise ValueError(data)
        return data.decode() if data.startswith(b"s") else len(data)

    a = lines_of("a", "s1", "boom", "s2")
    b = lines_of("b", "xx", "yyy")
    out = [ln async for chunk in merge_by_key([agen(a), agen(b)], bad_key, cap=10) for ln in chunk]
    assert sorted(ln.data for ln in out) == sorted(ln.data for ln in a + b)
    assert [ln.data for ln in out if ln.source == "a"] == [b"s1", b"boom", b"s2"]


async def test_concat_caps_chunks():
    out = [c async for c in concat([agen(lines_of("a", *"abcde")), agen(lines_of("b", *"fg"))], cap=3)]
    assert [len(c) for c in out] == [3, 3, 1]
