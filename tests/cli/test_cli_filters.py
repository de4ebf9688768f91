"""decode and stats with the console's filters, as a user runs them: the same events as the console's
model (EventModel) with the equivalent filter, one-line errors for bad values, --follow, --by."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from console.demo.simulator import write_log
from console.model.events import EventModel
from console.tail.whole_files import iter_lines

MIXED = [
    "2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.10 (smtp-external)",
    "Nov 24 10:15:04 mail1 smtpsrvr[2817]: W-MTA_SMTP-SPFnone: bob@example.com from 192.0.2.11",
    "2026-11-24T10:15:05.123456+00:00 mail2 smtpsrvr[2817]: C-MTA_SMTP-Critical: disk: full",
    "2026-11-24T10:15:06Z mail1 smtpsrvr[9]: E-MTA_SMTP-SPFfail: eve@example.org from 192.0.2.10",
    "2026-11-24 10:15:07.000 smtpsrvr[1] N-MTA_SMTP-Notice: pattern (a+)+ seen",
    "nothing to see here",
]


@pytest.fixture
def run(tmp_path, repo_root):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(repo_root), *filter(None, [env.get("PYTHONPATH")])])
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env.pop("SMTP_CONSOLE_DEBUG", None)
    env["NO_COLOR"] = "1"

    def _run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "console", *args], cwd=tmp_path, env=env,
                              input=stdin, capture_output=True, timeout=120)
    _run.env = env
    return _run


@pytest.fixture(scope="module")
def log(tmp_path_factory, catalog) -> Path:
    """Simulator traffic in the native layout, then lines of the other layouts."""
    path = tmp_path_factory.mktemp("filters") / "mta-event.log"
    write_log(path, 3000, catalog, seed=7, layout="native")
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n".join(MIXED) + "\n")
    return path


def model_events(path: Path, catalog, decoder, *, up_to: str | None = None, only: str | None = None,
                 text: str | None = None, event: str | None = None, value: str | None = None):
    """(source, line) of what the console's model shows with the equivalent filter."""
    model = EventModel(catalog, history=1_000_000, history_bytes=1 << 34)
    with open(path, "rb") as f:
        model.add([decoder.decode(data, str(path), n, cut=cut) for n, data, cut in iter_lines(f, 65536)])
    if up_to is not None:
        model.show_up_to_rank(catalog.severity(up_to).rank)
    if only is not None:
        for sev in catalog.severities:
            if sev.name != only:
                model.toggle_severity(sev.name)
    if text is not None:
        model.set_text(text)
    if event is not None:
        model.only_event(next(ev for ev in model.held if ev.event == event))
    if value is not None:
        model.only_value(value)
    assert model.filtering is None
    return [(ev.source, ev.line) for ev in model.view]


def decoded(proc) -> list[tuple[str, int]]:
    assert proc.returncode == 0, proc.stderr
    return [(r["source"], r["line"]) for r in map(json.loads, proc.stdout.decode().splitlines())]


CASES = [
    (["--severity", "warning+"], {"up_to": "warning"}),
    (["--severity", "E"], {"only": "error"}),
    (["--severity", "unknown"], {"only": "unknown"}),
    (["--grep", "from 192\\.0\\.2\\.1[01]"], {"text": "from 192\\.0\\.2\\.1[01]"}),
    (["--grep", "(a+)+"], {"text": "(a+)+"}),                   # the cost check: plain text
    (["--grep", "SPF"], {"text": "SPF"}),                       # smart case
    (["--event", "Connection"], {"event": "Connection"}),
    (["--event", "MTA_SMTP-SPFfail"], {"event": "SPFfail"}),
    (["--host", "mail1"], {"value": "mail1"}),
    (["--host", "192.0.2.10"], {"value": "192.0.2.10"}),
    (["--severity", "info+", "--grep", "example", "--host", "192.0.2.10"],
     {"up_to": "info", "text": "example", "value": "192.0.2.10"}),
]


@pytest.mark.parametrize("options, model_filter", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_decode_shows_what_the_console_shows(run, log, catalog, decoder, options, model_filter):
    want = model_events(log, catalog, decoder, **model_filter)
    assert want, "a case that selects nothing proves nothing"
    assert decoded(run("decode", "--json", *options, str(log))) == want


def test_stats_counts_what_decode_shows(run, log):
    options = ["--severity", "notice+", "--grep", "example"]
    shown = [json.loads(x) for x in run("decode", "--json", *options, str(log)).stdout.decode().splitlines()]
    got = json.loads(run("stats", "--json", *options, str(log)).stdout)
    assert got["lines"] == len(shown) > 0
    assert got["read"] == len(log.read_bytes().splitlines())
    assert sum(got["by_event"].values()) + got["unparsed"] == len(shown)
    caller = json.loads(run("stats", "--json", "--by", "caller", "--top", "0", *options, str(log)).stdout)
    assert sum(r["count"] for r in caller["rows"]) == len(shown)


def test_since_and_until_over_rotated_and_compressed_files(run, tmp_path):
    """Relative times against now: the logs are written around now, local (naive) time."""
    now = datetime.now().replace(microsecond=0)
    lines = []
    for minutes in range(180, -1, -10):    # every 10 minutes, from 3 hours ago to now
        at = now - timedelta(minutes=minutes)
        lines.append(f"{at:%Y-%m-%d %H:%M:%S}.000 smtpsrvr[1] E-MTA_SMTP-Error: {minutes} minutes ago")
    old, new = lines[:10], lines[10:]
    (tmp_path / "mta-event.log.1.gz").write_bytes(gzip.compress(("\n".join(old) + "\n").encode()))
    (tmp_path / "mta-event.log").write_text("\n".join(new) + "\n")
    paths = [str(tmp_path / "mta-event.log.1.gz"), str(tmp_path / "mta-event.log")]
    got = json.loads(run("stats", "--json", "--since", "-95m", "--until", "-25m", *paths).stdout)
    assert got["lines"] == 7           # 90, 80, ..., 30 minutes ago
    since = decoded(run("decode", "--json", "--since", "-125m", *paths))
    assert len(since) == 13            # 120 ... 0 minutes ago, from both files
    at = (now - timedelta(minutes=60)).strftime("%Y-%m-%d %H:%M:%S")
    exact = decoded(run("decode", "--json", "--until", at, *paths))
    assert len(exact) == 12            # 180 ... 70 minutes ago: until is not inclusive


@pytest.mark.parametrize("args, words", [
    (["decode", "--severity", "bad"], ["--severity", "'bad'", "critical"]),
    (["stats", "--severity", "+"], ["--severity"]),
    (["decode", "--event", "Conection"], ["--event", "Connection"]),
    (["stats", "--event", "NoSuchThing"], ["--event", "catalog"]),
    (["decode", "--host", ""], ["--host", "empty"]),
    (["decode", "--since", "yesterday"], ["--since", "HH:MM"]),
    (["stats", "--since", "25:00"], ["--since", "hour"]),
    (["decode", "--until", "2026-02-30 10:00"], ["--until", "no such date"]),
    (["stats", "--since", "-1h", "--until", "-2h"], ["--until", "not after"]),
    (["decode", "--grep", ""], ["--grep", "empty"]),
    (["stats", "--by", "colour"], ["--by", "colour"]),
    (["stats", "--by", "caller", "--top", "-1"], ["--top"]),
    (["decode", "--since", "10:00\x1b[2J"], ["--since"]),
])
def test_a_bad_value_is_one_line_and_exit_2(run, log, args, words):
    proc = run(*args, str(log))
    text = proc.stderr.decode()
    assert proc.returncode == 2, text
    assert text.endswith("\n") and text.count("\n") == 1, text
    assert "Traceback" not in text and "\x1b" not in text
    for word in words:
        assert word in text
    assert proc.stdout == b""


def test_a_costly_grep_is_said_once_and_still_filters(run, log):
    proc = run("decode", "--grep", "(x+)+y", str(log))
    assert proc.returncode == 0
    assert proc.stderr.decode().count("\n") == 1 and "plain text" in proc.stderr.decode()
    assert proc.stdout == b""


def test_decode_tail_then_filter(run, log):
    """-n N takes the last N lines, then the filters (tail -n N | grep)."""
    got = decoded(run("decode", "--json", "-n", "5", "--severity", "critical", str(log)))
    assert [line for _, line in got] == [len(log.read_bytes().splitlines()) - 3]


def test_by_tables_in_text_fit_80_columns_and_as_json(run, log):
    for by in ("event", "caller", "host", "minute", "hour"):
        proc = run("stats", "--by", by, "--top", "5", str(log))
        assert proc.returncode == 0, proc.stderr
        text = proc.stdout.decode().splitlines()
        assert text[0].split()[0] == by.upper()
        assert all(len(line) <= 80 for line in text)
        doc = json.loads(run("stats", "--by", by, "--json", "--top", "5", str(log)).stdout)
        assert doc["by"] == by and len(doc["rows"]) <= 5
    rows = json.loads(run("stats", "--by", "host", "--json", str(log)).stdout)["rows"]
    assert [(r["key"], r["worst"]) for r in rows] == [(None, "critical"), ("mail2", "critical"), ("mail1", "error")]
    assert rows[1] == {"key": "mail2", "worst": "critical", "worst_count": 1, "count": 1,
                     "by_severity": {"critical": 1}}


def test_help_names_every_filter(run):
    for command in ("decode", "stats"):
        text = run(command, "--help").stdout.decode()
        for option in ("--severity", "--event", "--host", "--since", "--until", "--grep"):
            assert option in text, (command, option)
    text = run("stats", "--help").stdout.decode()
    assert "--by" in text and "--top" in text


def test_follow_with_a_filter(run, tmp_path):
    log = tmp_path / "mta-event.log"
    line = "2026-11-24 10:15:03.123 smtpsrvr[1] {}-MTA_SMTP-Error: number {}\n"
    log.write_text(line.format("I", 0))
    proc = subprocess.Popen([sys.executable, "-m", "console", "decode", "--follow", "--json",
                             "--severity", "error+", "--grep", "number [0-9]*7", str(log)],
                            cwd=tmp_path, env=run.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        got = []
        with open(log, "a") as f:
            for i in range(1, 40):
                f.write(line.format("E" if i % 2 else "I", i))
                f.flush()
        while len(got) < 2 and time.monotonic() < deadline:
            got.append(json.loads(proc.stdout.readline()))
        assert [r["message"] for r in got] == ["number 7", "number 17"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def test_by_tables_keep_hostile_keys_inert(run, tmp_path):
    log = tmp_path / "mta-event.log"
    log.write_bytes(b"2026-11-24T10:15:03Z evil\x1b[2Jhost smtpsrvr[1]: E-MTA_SMTP-Error: x\n"
                    b"2026-11-24T10:15:03Z m\xe2\x80\xaehost smtpsrvr[1]: E-MTA_SMTP-ConnectFailed: 1\n")
    for by in ("host", "caller"):
        text = run("stats", "--by", by, str(log)).stdout.decode()
        assert "\x1b" not in text and "\u202e" not in text
        assert "evil\\e[2Jhost" in text
    doc = run("stats", "--by", "host", "--json", str(log)).stdout
    assert doc.isascii() and "evil\x1b[2Jhost" in {r["key"] for r in json.loads(doc)["rows"]}
