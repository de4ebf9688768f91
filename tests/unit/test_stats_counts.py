"""stats.count_files + summarise give the same numbers as decoding the file line by line."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from console.commands import stats
from console.decode.decoder import Decoder
from console.errors import DataError
from console.tail.compressed import HEAD, compression_of
from console.tail.whole_files import DEFAULT_MAX_LINE, iter_lines
from console.demo.simulator import LAYOUTS, write_log

ODD_LINES = [
    b"",
    b"just some text with no token",
    b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.1 (x)\r",
    b"2026-11-24 10:15:03.123\tsmtpsrvr[2817]\tW-MTA_SMTP-SPFnone\tx from y",
    b"\xff\xfe\xfd not utf-8 N-MTA_SMTP-Notice: caf\xe9",
    b"a b c d e f g h i j E-MTA_SMTP-Error: token after many fields",
    b"<13>1 2026-11-24T10:15:03Z foo bar E-SMTP-BufferTooBig: 192.0.2.1 sent a line longer than 9 bytes",
    b"2026-11-24 10:15:03.123 smtpsrvr[2817] X-MTA_SMTP-Connection: unknown letter",
    b"2026-11-24 10:15:03.123 smtpsrvr[2817] W-MTA_SMTP-BrandNew: unknown event",
    b"2026-11-24 10:15:03.123 smtpsrvr[2817] E-OTHER_FAC-Thing: unknown facility",
    b"nul\x00byte I-MTA_SMTP-Timeout: 192.0.2.1",
    b"lowercase i-MTA_SMTP-Timeout is no token",
    b"Nov 24 10:15:03 mail1 smtpsrvr: P-MTA_SMTP-ReadPDU: /var/isode/pdu/1",
    b"   ",
    b"xI-MTA_SMTP-Timeout: glued to a word",
]


def per_line_summary(sources, catalog, max_line=DEFAULT_MAX_LINE) -> dict:
    """What decoding every line says, the oracle: `sources` are paths, or bytes (a stream named -)."""
    dec = Decoder(catalog)
    sev: Counter = Counter()
    events: Counter = Counter()
    n = unparsed = 0
    for source in sources:
        name = "-" if isinstance(source, bytes) else str(source)
        with io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb") as f:
            for lineno, data, cut in iter_lines(f, max_line):
                ev = dec.decode(data, name, lineno, cut=cut)
                n += 1
                sev[ev.severity] += 1
                if ev.parsed:
                    events[ev.full_name] += 1
                else:
                    unparsed += 1
    return {"lines": n, "by_severity": dict(sev), "by_event": dict(events), "unparsed": unparsed}


def write_mixed(path: Path, catalog, layout: str, seed: int, n: int = 3000) -> Path:
    write_log(path, n, catalog, seed=seed, layout=layout)
    with open(path, "ab") as f:
        for i, odd in enumerate(ODD_LINES * 3):
            f.write(odd + b"\n")
        f.write(b"2026-11-24 10:15:04.000 smtpsrvr[1] N-MTA_SMTP-Close: no newline at the end")
    return path


@pytest.fixture(scope="module")
def logs(tmp_path_factory, catalog):
    d = tmp_path_factory.mktemp("logs")
    return [write_mixed(d / f"mta-event-{layout}.log", catalog, layout, seed=i)
            for i, layout in enumerate(LAYOUTS)]


def _summary(paths, catalog, **kw) -> dict:
    return stats.summarise(stats.count_files([str(p) for p in paths], catalog, **kw), catalog)


def _same(got: dict, want: dict) -> None:
    assert set(got) == {"lines", "by_severity", "by_event", "unparsed"}
    assert got["lines"] == want["lines"]
    assert got["unparsed"] == want["unparsed"]
    assert got["by_severity"] == want["by_severity"]
    assert got["by_event"] == want["by_event"]


@pytest.mark.smoke
@pytest.mark.parametrize("index", range(len(LAYOUTS)), ids=list(LAYOUTS))
def test_counts_equal_a_per_line_decode(logs, catalog, index):
    path = logs[index]
    got = _summary([path], catalog, workers=1)
    want = per_line_summary([path], catalog)
    assert want["lines"] == 3000 + 3 * len(ODD_LINES) + 1
    assert want["unparsed"] > 0 and "unknown" in want["by_severity"]
    _same(got, want)


def test_counts_over_several_files(logs, catalog):
    _same(_summary(logs, catalog, workers=1), per_line_summary(logs, catalog))


def test_severity_sums_to_lines_and_is_in_rank_order(logs, catalog):
    got = _summary(logs, catalog, workers=1)
    assert sum(got["by_severity"].values()) == got["lines"]
    assert sum(got["by_event"].values()) == got["lines"] - got["unparsed"]
    ranks = [catalog.severity(name).rank for name in got["by_severity"]]
    assert ranks == sorted(ranks)
    counts = list(got["by_event"].values())
    assert counts == sorted(counts, reverse=True)


def test_every_shipped_layout_is_counted_on_the_fast_path(catalog):
    """stats writes each shipped layout's regex again for bytes, keyed by the exact regex in
    catalog/layouts.yaml: a layout edited there, or added, without the same change in stats loses
    the fast path (its lines are still counted right, three times slower), and this test says so."""
    assert stats.fast_layouts(catalog) == [layout.name for layout in catalog.layouts]


def test_a_site_layout_first_takes_every_layout_off_the_fast_path(tmp_path, catalog):
    from console.catalog.loader import load_catalog
    site = tmp_path / "site"
    site.mkdir()
    (site / "first.yaml").write_text("layouts:\n  - name: native\n    regex: '^(?P<letter>[A-Z])-(?P<facility>\\w+)"
                                     "-(?P<event>\\w+) (?P<message>.*)$'\n")
    assert stats.fast_layouts(load_catalog([site])) == []


def test_two_process_split_gives_the_same_result(logs, catalog, monkeypatch):
    single = _summary(logs, catalog, workers=1)
    monkeypatch.setattr(stats, "SPLIT_AT", 4096)
    monkeypatch.setattr(stats, "BLOCK", 1000)  # also exercises the block edges in each piece
    monkeypatch.setattr(stats, "SLICE", 300, raising=False)
    for p in logs:
        assert len(stats.pieces(str(p), p.stat().st_size, 2)) >= 2, "the split did not happen"
    split = _summary(logs, catalog, workers=2)
    assert split == single
    _same(split, per_line_summary(logs, catalog))
    assert sum(split["by_severity"].values()) == split["lines"]


def test_many_pieces_cover_every_line(logs, catalog, monkeypatch):
    monkeypatch.setattr(stats, "SPLIT_AT", 1)
    path = logs[0]
    ranges = stats.pieces(str(path), path.stat().st_size, 7)
    assert ranges[0][0] == 0 and ranges[-1][1] == path.stat().st_size
    assert all(a < b for a, b in ranges)
    assert all(prev[1] == nxt[0] for prev, nxt in zip(ranges, ranges[1:]))
    data = path.read_bytes()
    assert all(data[a - 1:a] == b"\n" for a, _ in ranges[1:])  # every piece starts a line


def test_count_stream_equals_count_files(logs, catalog, monkeypatch):
    path = logs[1]
    monkeypatch.setattr(stats, "BLOCK", 777)
    from_stream = stats.summarise(stats.count_stream(io.BytesIO(path.read_bytes()), catalog),
                                  catalog)
    assert from_stream == _summary([path], catalog, workers=1)


def test_empty_file(tmp_path, catalog):
    p = tmp_path / "empty.log"
    p.write_bytes(b"")
    got = _summary([p], catalog, workers=1)
    assert got == {"lines": 0, "by_severity": {}, "by_event": {}, "unparsed": 0}


def test_missing_file_is_a_one_line_data_error(tmp_path, catalog):
    missing = tmp_path / "nope.log"
    with pytest.raises(DataError) as info:
        stats.count_files([str(missing)], catalog)
    assert str(missing) in str(info.value) and "\n" not in str(info.value)


def test_directory_is_a_data_error(tmp_path, catalog):
    with pytest.raises(DataError) as info:
        stats.count_files([str(tmp_path)], catalog)
    assert str(tmp_path) in str(info.value)


# -- lines where a quick scan and the decoder could disagree -----------------------------------

def _compare_one(tmp_path, catalog, data: bytes, max_line: int = DEFAULT_MAX_LINE):
    p = tmp_path / "one.log"
    p.write_bytes(data)
    return _summary([p], catalog, workers=1, max_line=max_line), \
        per_line_summary([p], catalog, max_line=max_line)


def test_token_beyond_max_line_is_not_counted(tmp_path, catalog):
    """decode cuts a long line at max_line (iter_lines); stats must not see past the cut."""
    data = b"x" * 100 + b" I-MTA_SMTP-Connection: connection from a (b)\nnext line\n"
    got, want = _compare_one(tmp_path, catalog, data, max_line=50)
    assert want["unparsed"] == 2
    _same(got, want)


def test_first_token_anywhere_wins(tmp_path, catalog):
    """The generic rule takes the first token anywhere, not the first at a field start."""
    data = b"relay (E-MTA_SMTP-Error) I-MTA_SMTP-Connection: connection from a (b)\n"
    got, want = _compare_one(tmp_path, catalog, data)
    assert want["by_event"] == {"MTA_SMTP-Error": 1}
    _same(got, want)


def test_hyphenated_host_name_is_not_a_token(tmp_path, catalog):
    """A syslog host shaped like a token: the layout's token counts, not the host."""
    data = b"Nov 24 10:15:03 M-switch-01 smtpsrvr[2817]: I-MTA_SMTP-Connection: connection from a (b)\n"
    got, want = _compare_one(tmp_path, catalog, data)
    assert want["by_event"] == {"MTA_SMTP-Connection": 1}
    _same(got, want)


def test_token_followed_by_a_hyphen(tmp_path, catalog):
    """The layouts accept 'Connection-extra' (event Connection); stats must agree."""
    data = b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection-extra: x\n"
    got, want = _compare_one(tmp_path, catalog, data)
    _same(got, want)


# -- property: any bytes at all, stats says what a per-line decode says -----------------------

def _sim_lines() -> list[bytes]:
    from datetime import datetime

    from console.catalog.loader import load_catalog
    from console.demo.simulator import Simulator
    cat = load_catalog()
    out = []
    for i, layout in enumerate(LAYOUTS):
        sim = Simulator(cat, seed=10 + i, layout=layout, start=datetime(2026, 11, 24))
        out += [line.encode() for line in sim.every_event()[:12]]
    return out + ODD_LINES


SIM_LINES = _sim_lines()
FRAGMENTS = [b"2026-11-24 10:15:03.123 ", b"2026-11-24T10:15:03Z ", b"Nov 24 10:15:03 ", b"mail1 ",
             b"M-switch-01 ", b"smtpsrvr[2817] ", b"smtpsrvr[2817]: ", b"smtpsrvr: ", b"I-MTA_SMTP-Connection",
             b"E-SMTP-BufferTooBig", b"X-FOO-Bar", b": ", b" ", b"\t", b"\r", b"-", b"[", b"]", b"\xff",
             b"\xc3\xa9", b"\x00", b"h" * 200, b"9" * 150, b"(W-MTA_SMTP-SPFnone)", b"x"]


@st.composite
def log_bytes(draw):
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            line = draw(st.sampled_from(SIM_LINES))
        elif kind == 1:
            line = b"".join(draw(st.lists(st.sampled_from(FRAGMENTS), max_size=8)))
        elif kind == 2:
            line = draw(st.binary(max_size=80)).replace(b"\n", b"")
        else:
            base = bytearray(draw(st.sampled_from(SIM_LINES)))
            pos = draw(st.integers(0, len(base)))
            base[pos:pos] = draw(st.sampled_from(FRAGMENTS))
            line = bytes(base)
        lines.append(line)
    data = b"\n".join(lines)
    if lines and draw(st.booleans()):
        data += b"\n"
    return data


@settings(max_examples=250, deadline=None)
@given(data=log_bytes(), max_line=st.sampled_from([6, 40, 300, 1024, 4096, DEFAULT_MAX_LINE]),
       block=st.sampled_from([None, 5, 64, 1000]), slc=st.sampled_from([None, 3, 200]))
def test_count_stream_equals_per_line_decode(catalog, data, max_line, block, slc):
    # standard input that starts like a compressed file is read as one (tested with the archives)
    assume(compression_of(data[:HEAD]) is None)
    with pytest.MonkeyPatch.context() as mp:
        if block:
            mp.setattr(stats, "BLOCK", block)
        if slc:
            mp.setattr(stats, "SLICE", slc, raising=False)
        got = stats.summarise(stats.count_stream(io.BytesIO(data), catalog, max_line=max_line),
                              catalog)
    _same(got, per_line_summary([data], catalog, max_line=max_line))


def test_counts_with_a_site_layout_equal_a_per_line_decode(tmp_path, logs):
    from console.catalog.loader import load_catalog
    site = tmp_path / "site"
    site.mkdir()
    (site / "pipe.yaml").write_text(
        "layouts:\n  - name: pipe\n    regex: '^(?P<timestamp>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d)"
        "\\|(?P<host>[^|]*)\\|(?P<letter>[A-Z])-(?P<facility>\\w+)-(?P<event>\\w+)\\|(?P<message>.*)$'\n")
    cat = load_catalog([site])
    p = tmp_path / "mixed.log"
    p.write_bytes(logs[0].read_bytes() + b"\n" + b"\n".join([
        b"2026-11-24 10:15:03|mail9|W-MTA_SMTP-SPFnone|a from b",
        b"2026-11-24 10:15:03|mail9|x E-MTA_SMTP-Error|generic wins",
        b"2026-11-24 10:15:03|M-switch-01|I-MTA_SMTP-Timeout|192.0.2.1"]) + b"\n")
    want = per_line_summary([p], cat)
    assert want["by_event"].get("MTA_SMTP-SPFnone", 0) >= 1
    _same(_summary([p], cat, workers=1), want)
