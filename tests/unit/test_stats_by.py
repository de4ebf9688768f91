"""stats --by and the filtered counts (console.commands.grouped) give what decoding every line gives,
whichever way they count (decoded, deduplicated, by time), and the tables put problems first."""

from __future__ import annotations

import gzip
import io
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.commands import grouped, tables
from console.decode.decoder import Decoder
from console.demo.simulator import LAYOUTS, write_log
from console.model.query import Query, build_query
from console.tail.whole_files import iter_lines

NOW = datetime(2026, 11, 24, 12, 0)

EXTRA = [
    b"",
    b"no token at all",
    b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.1 (x)\r",
    b"2026-11-24T10:15:03.5-05:00 mail9 smtpsrvr[1]: E-MTA_SMTP-SPFfail: a@b from 198.51.100.7",
    b"2026-11-24T10:15:03Z mail9 smtpsrvr: W-MTA_SMTP-SPFnone: a@b from 198.51.100.7",
    b"Nov  4 09:01:59 mail9 smtpsrvr[3]: C-MTA_SMTP-Critical: disk: full",
    b"2026-11-24 10:15:03.123 smtpsrvr[2817] X-MTA_SMTP-Connection: connection from 192.0.2.1 (x)",
    b"\xff\xfe I-MTA_SMTP-Timeout: 192.0.2.1",
    b"2026-11-24 10:15:03.123 " + b"p" * 300 + b"[1] E-MTA_SMTP-Error: a long program name",
    b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.1 ("
    + b"y" * 1500 + b")",
]


def reference(paths, catalog, by: str, query: Query, max_line: int = 65536, names=None) -> Counter:
    """The oracle: every line decoded, the console's filter, the key. names: the source each path's
    lines are decoded under (a remote log's host:PATH), else the path."""
    dec = Decoder(catalog)
    out: Counter = Counter()
    for i, path in enumerate(paths):
        with open(path, "rb") as f:
            for lineno, data, cut in iter_lines(f, max_line):
                ev = dec.decode(data, names[i] if names else str(path), lineno, cut=cut)
                if query.matches(ev):
                    out[(grouped.KEYS[by](ev), ev.sev.name)] += 1
    return out


@pytest.fixture(scope="module")
def logs(tmp_path_factory, catalog):
    d = tmp_path_factory.mktemp("by")
    out = []
    for i, layout in enumerate(LAYOUTS):
        path = d / f"mta-event-{layout}.log"
        write_log(path, 1500, catalog, seed=i, layout=layout)
        with open(path, "ab") as f:
            f.write(b"\n".join(EXTRA * 2) + b"\n" + EXTRA[3])   # and no newline at the end
        out.append(path)
    return out


QUERIES = {
    "none": {},
    "severity": {"severity": ["warning+"]},
    "severity and unknown": {"severity": ["critical", "unknown"]},
    "severity, event": {"severity": ["E", "info"], "event": ["SPFfail", "Connection", "Critical"]},
    "event": {"event": ["Connection", "MTA_SMTP-SPFfail"]},
    "host": {"host": "192.0.2.1"},
    "since": {"since": "2026-11-24 10:15:03"},
    "grep": {"grep": "from 19[28]"},
    "all": {"severity": ["info+"], "until": "-1h", "grep": "e"},
}


@pytest.mark.parametrize("by", grouped.BY)
@pytest.mark.parametrize("which", QUERIES)
def test_every_way_counts_as_the_decoder(logs, catalog, by, which):
    query = build_query(catalog, now=NOW, **QUERIES[which])
    got = grouped.tally_files([str(p) for p in logs], catalog, by=by, query=query, workers=1)
    assert got.rows == reference(logs, catalog, by, query)
    assert got.lines == sum(1 for p in logs for _ in iter_lines(open(p, "rb"), 65536))


@pytest.mark.parametrize("by", ["caller", "minute"])
def test_small_max_line_and_pieces_across_processes(logs, catalog, by, monkeypatch):
    monkeypatch.setattr(grouped.stats, "SPLIT_AT", 1 << 10)
    monkeypatch.setattr(grouped.stats, "PIECE", 1 << 10)
    query = build_query(catalog, severity=["notice+"])
    for max_line in (1024, 2000, 100):
        got = grouped.tally_files([str(p) for p in logs], catalog, by=by, query=query,
                                  max_line=max_line, workers=2)
        assert got.rows == reference(logs, catalog, by, query, max_line)


def test_compressed_and_standard_input(logs, catalog, tmp_path):
    packed = tmp_path / "mta-event.log.1.gz"
    packed.write_bytes(gzip.compress(logs[0].read_bytes()))
    query = build_query(catalog, severity=["error"])
    got = grouped.tally_files([str(packed)], catalog, by="caller", query=query)
    want = reference([logs[0]], catalog, "caller", query)
    assert got.rows == want
    streamed = grouped.tally_stream(io.BytesIO(packed.read_bytes()), catalog, by="caller", query=query)
    assert streamed.rows == want


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(EXTRA + [
    b"2026-11-24 10:%02d:07.1 smtpsrvr[1] E-MTA_SMTP-SPFfail: a@b from 192.0.2.%d" % (m, m)
    for m in range(0, 60, 7)]), max_size=40),
    st.sampled_from(grouped.BY), st.sampled_from(sorted(QUERIES)))
def test_any_mix_of_lines(tmp_path_factory, catalog, lines, by, which):
    path = tmp_path_factory.mktemp("mix") / "mta-event.log"
    path.write_bytes(b"\n".join(lines))
    query = build_query(catalog, now=NOW, **QUERIES[which])
    got = grouped.tally_files([str(path)], catalog, by=by, query=query, workers=1)
    assert got.rows == reference([path], catalog, by, query)


# Remote logs as the remote follower names them: host:PATH, or host:port:PATH (host_of drops the port).
REMOTE = ["mailA:/var/isode/log/mta-event-native.log", "mailB:2222:/var/isode/log/mta-event.log",
          "mailA:/var/isode/log/other.log"]


def remote_blocks(paths, names, max_line: int = 65536, per_block: int = 700):
    """(source, block) as console.tail.remote.pipe.remote_blocks hands them over: the logs' lines
    (cut at max_line, as the far end cuts them) a few hundred at a time, the logs interleaved."""
    lines = [[data for _, data, _ in iter_lines(open(p, "rb"), max_line)] for p in paths]
    out, at = [], 0
    while any(at < len(ls) for ls in lines):
        for name, ls in zip(names, lines):
            if at < len(ls):
                out.append((name, b"\n" + b"\n".join(ls[at:at + per_block]) + b"\n"))
        at += per_block
    return out


@pytest.mark.parametrize("by", grouped.BY)
@pytest.mark.parametrize("which", [*QUERIES, "remote host"])
def test_remote_lines_count_as_the_console_decodes_them(logs, catalog, by, which):
    """Each line of a remote log that names no host is its host's (by host, by caller, --host)."""
    spec = {"host": "mailA"} if which == "remote host" else QUERIES[which]
    query = build_query(catalog, now=NOW, **spec)
    paths = logs[:3]
    got = grouped.tally_remote(remote_blocks(paths, REMOTE), catalog, by=by, query=query)
    want = reference(paths, catalog, by, query, names=REMOTE)
    assert got.rows == want
    assert got.lines == sum(1 for p in paths for _ in iter_lines(open(p, "rb"), 65536))


def test_remote_lines_by_host_and_a_host_filter(logs, catalog):
    native = logs[LAYOUTS.index("native")]
    rows = grouped.tally_remote(remote_blocks([native, native], REMOTE[:2]), catalog, by="host").rows
    hosts = Counter()
    for (host, _), n in rows.items():
        hosts[host] += n
    named = sum(1 for line in native.read_bytes().split(b"\n") if b" mail9 " in line)
    assert named and hosts["mail9"] == 2 * named   # a line that names its host keeps it
    assert hosts["mailA"] == hosts["mailB"] == sum(hosts.values()) // 2 - named
    only = grouped.tally_remote(remote_blocks([native, native], REMOTE[:2]), catalog, by="host",
                                query=build_query(catalog, host="mailB")).rows
    assert {host for host, _ in only} == {"mailB"} and sum(only.values()) == hosts["mailB"]


def test_tables_put_problems_first_and_time_in_order(catalog):
    tally = grouped.Tally(lines=100, rows=Counter({
        ("a", "info"): 50, ("b", "warning"): 3, ("b", "info"): 1, ("c", "error"): 1,
        ("d", "warning"): 9, (None, "unknown"): 7}))
    table = tables.by_table(tally, catalog, "caller", top=0)
    assert [r["key"] for r in table["rows"]] == ["c", "d", "b", "a", None]
    assert table["rows"][2] == {"key": "b", "worst": "warning", "worst_count": 3, "count": 4,
                                "by_severity": {"warning": 3, "info": 1}}
    top = tables.by_table(tally, catalog, "caller", top=2)
    assert [r["key"] for r in top["rows"]] == ["c", "d"] and top["more"] == 3
    text = tables.format_table(top)
    assert text.splitlines()[0].split() == ["CALLER", "WORST", "N", "TOTAL"]
    assert "3 more rows" in text
    hours = grouped.Tally(lines=9, rows=Counter({
        ("2026-11-24 10:00", "info"): 5, ("2026-11-24 09:00", "error"): 1, ("2026-11-24 11:00", "fatal"): 1}))
    table = tables.by_table(hours, catalog, "hour", top=2)
    assert [r["key"] for r in table["rows"]] == ["2026-11-24 09:00", "2026-11-24 11:00"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=120), min_size=1, max_size=8), st.sampled_from(grouped.BY))
def test_a_table_fits_80_columns(catalog, keys, by):
    rows = Counter({(k, "warning"): 10 ** (i % 9) for i, k in enumerate(keys)})
    text = tables.format_table(tables.by_table(grouped.Tally(lines=1, rows=rows), catalog, by, top=0))
    for line in text.splitlines()[:-1]:
        assert len(line) <= 80
        assert "\x1b" not in line and "\n" not in line


def test_a_minute_is_local_time(catalog):
    dec = Decoder(catalog)
    aware = dec.decode(b"2026-11-24T10:15:03Z mail9 smtpsrvr: W-MTA_SMTP-SPFnone: a@b from 198.51.100.7")
    local = aware.time.astimezone()
    assert grouped.KEYS["minute"](aware) == local.strftime("%Y-%m-%d %H:%M")
    assert grouped.KEYS["hour"](aware) == local.strftime("%Y-%m-%d %H:00")
    naive = dec.decode(b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.1 (x)")
    assert grouped.KEYS["minute"](naive) == "2026-11-24 10:15"
    assert naive.time + timedelta(0) == datetime(2026, 11, 24, 10, 15, 3, 123000)


@pytest.mark.parametrize("extra", [-1, 0, 1, 2, 5])
def test_a_line_about_max_line_long_is_cut_as_the_decoder_cuts_it(tmp_path, catalog, extra):
    """The original line is cut, not the line behind a stand-in timestamp (which is shorter)."""
    head = b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.1 ("
    line = head + b"y" * (2000 + extra - len(head) - 1) + b")"
    path = tmp_path / "mta-event.log"
    path.write_bytes(line + b"\n" + line.replace(b"192.0.2.1", b"192.0.2.2") + b"\n")
    for by in ("caller", "minute"):
        got = grouped.tally_files([str(path)], catalog, by=by, workers=1, max_line=2000)
        assert got.rows == reference([path], catalog, by, Query(), 2000)


def spread_lines(start: datetime, minutes: int, step: int = 17) -> list[bytes]:
    """Lines of the three shipped layouts every `step` seconds for `minutes` minutes."""
    out = []
    events = [b"I-MTA_SMTP-Connection: connection from 192.0.2.%d (smtp)", b"E-MTA_SMTP-SPFfail: a@b from 192.0.2.%d",
              b"W-MTA_SMTP-SPFnone: a@b from 192.0.2.%d", b"C-MTA_SMTP-Critical: disk %d full"]
    for i in range(minutes * 60 // step):
        at = start + timedelta(seconds=i * step, milliseconds=i % 1000)
        text = events[i % 4] % (i % 7)
        host = b"mail%d" % (i % 3)
        form = i % 3
        if form == 0:
            out.append(at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3].encode() + b" smtpsrvr[1] " + text)
        elif form == 1:
            out.append(at.strftime("%Y-%m-%dT%H:%M:%S").encode() + (b"Z " if i % 2 else b"+01:00 ")
                       + host + b" smtpsrvr[2]: " + text)
        else:
            out.append(at.strftime("%b %d %H:%M:%S").encode() + b" " + host + b" smtpsrvr: " + text)
    return out


WINDOWS = [
    {"since": "2026-10-25 00:40:30", "until": "2026-10-25 01:50"},
    {"since": "2026-10-25 01:10", "host": "mail1"},
    {"until": "2026-10-25 01:30:10", "severity": ["error+"], "event": ["SPFfail", "Critical"]},
    {"since": "2026-10-25 00:59:40", "until": "2026-10-25 01:00:20"},
    {"since": "2026-10-24 12:00", "severity": ["warning"]},    # every line inside
    {"until": "2026-10-24 12:00"},                              # every line outside
]


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Asia/Kathmandu"])
@pytest.mark.parametrize("window", range(len(WINDOWS)))
def test_since_and_until_a_minute_at_a_time(tmp_path, catalog, monkeypatch, zone, window):
    """Whole minutes inside or outside, the edges line by line; naive times are local, also where
    the local clock goes back (Europe/London, 25 October 2026 02:00). Small slices: some wholly
    inside the window, some outside, some across an edge."""
    import time
    monkeypatch.setenv("TZ", zone)
    monkeypatch.setattr(grouped.stats, "SLICE", 3000)
    time.tzset()
    try:
        path = tmp_path / "mta-event.log"
        lines = spread_lines(datetime(2026, 10, 25, 0, 30), 120)
        lines[40:40] = [b"no token", EXTRA[-1], b"2026-10-25 01:00:00 " + b"p" * 300 + b"[1] E-MTA_SMTP-Error: x"]
        path.write_bytes(b"\n".join(lines) + b"\n")
        query = build_query(catalog, now=NOW, **WINDOWS[window])
        for by in grouped.BY:
            got = grouped.tally_files([str(path)], catalog, by=by, query=query, workers=1)
            want = reference([path], catalog, by, query)
            assert got.rows == want, by
            assert (sum(want.values()) > 0) == (window != len(WINDOWS) - 1)
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("grep", ["connection", "SPFfail", "k", "KELVIN", "(a+)+", "[x", "(smtp-external)"])
def test_grep_with_plain_text_looks_only_at_lines_that_have_it(tmp_path, catalog, monkeypatch, grep):
    """Plain ASCII text is found in the bytes (ASCII slices); slices with other bytes go line by line,
    where case folding reaches beyond ASCII (the Kelvin sign matches k)."""
    monkeypatch.setattr(grouped.stats, "SLICE", 2000)
    path = tmp_path / "mta-event.log"
    write_log(path, 400, catalog, seed=3, layout="native")
    lines = path.read_bytes().splitlines()
    lines[100:100] = ["2026-11-24 00:00:09.000 smtpsrvr[1] W-MTA_SMTP-Notice: \u212aelvin (a+)+ [x".encode(),
                      b"2026-11-24 00:00:09.000 smtpsrvr[1] W-MTA_SMTP-Notice: kelvin (a+)+ [x\r"]
    lines[300:300] = [b"2026-11-24 00:00:09.000 smtpsrvr[1] W-MTA_SMTP-Notice: KELVIN (a+)+ [x"]
    path.write_bytes(b"\n".join(lines) + b"\n")
    query = build_query(catalog, grep=grep, severity=["info+"])
    for by in ("caller", "minute"):
        got = grouped.tally_files([str(path)], catalog, by=by, query=query, workers=1)
        want = reference([path], catalog, by, query)
        assert got.rows == want and want
