"""`stats --by` and the stats filters over logs on other hosts (real sshd on 127.0.0.1), alone and
mixed with local logs: the same answers as for the same files read locally, except that a line
naming no host is the host's it was read on (as the console shows it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

import pytest

from console.demo.simulator import LAYOUTS, write_log

ODD = [
    b"",
    b"no token at all",
    b"2026-11-24T10:15:03.5-05:00 mail9 smtpsrvr[1]: E-MTA_SMTP-SPFfail: a@b from 198.51.100.7",
    b"Nov  4 09:01:59 mail9 smtpsrvr[3]: C-MTA_SMTP-Critical: disk: full",
    b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.1 (x)\r",
    b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.1 ("
    + b"y" * 1500 + b")",
]


@pytest.fixture
def run(tmp_path, repo_root, servers):
    started = servers(2)    # Host aliases host0 and host1, two sshd
    env = dict(os.environ, PYTHONPATH=str(repo_root), XDG_CONFIG_HOME=str(tmp_path / "xdg"), NO_COLOR="1")

    def _run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "console", *args], cwd=tmp_path, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=120, text=True)
    _run.ports = [s.port for s in started]
    return _run


@pytest.fixture
def logs(tmp_path, catalog):
    """Two directories of logs in every layout the simulator writes, with odd lines."""
    made = []
    for d, n in (("a", 700), ("b", 400)):
        (tmp_path / d).mkdir()
        for i, layout in enumerate(LAYOUTS):
            path = tmp_path / d / f"mta-event-{layout}.log"
            write_log(path, n, catalog, seed=i + n, layout=layout)
            with open(path, "ab") as f:
                f.write(b"\n".join(ODD * 2) + b"\n")
        made.append(tmp_path / d)
    return made


def lines_in(directory) -> int:
    return sum(p.read_bytes().count(b"\n") for p in directory.glob("*.log"))


def ok(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return json.loads(proc.stdout)


def by_key(table: dict) -> Counter:
    return Counter({r["key"]: r["count"] for r in table["rows"]})


def test_by_host_over_two_hosts_gives_each_host_the_lines_that_name_none(run, logs):
    a, b = logs
    host1 = f"ssh://host1:{run.ports[1]}{b}/*.log"   # a port: the host is still host1
    table = ok(run("stats", "--by", "host", "--top", "0", "--json", f"host0:{a}/*.log", host1))
    local = [by_key(ok(run("stats", "--by", "host", "--top", "0", "--json", f"{d}/*.log"))) for d in logs]
    want = local[0] + local[1]
    want.pop(None)
    want.update(host0=local[0][None], host1=local[1][None])
    assert by_key(table) == want and want["mail9"] > 0 and want["host0"] > 0 and want["host1"] > 0
    assert table["lines"] == table["read"] == lines_in(a) + lines_in(b)
    only = ok(run("stats", "--host", "host1", "--json", f"host0:{a}/*.log", host1))
    assert only["lines"] == want["host1"] and only["read"] == table["read"]


@pytest.mark.parametrize("by", ["event", "minute"])
def test_by_over_a_remote_glob_equals_the_same_files_read_locally(run, logs, by):
    a, _ = logs
    remote = run("stats", "--by", by, "--top", "0", "--json", f"host0:{a}/*.log")
    local = run("stats", "--by", by, "--top", "0", "--json", f"{a}/*.log")
    assert ok(remote) == ok(local) and ok(local)["lines"] == lines_in(a)


FILTERS = {
    "severity": ["--severity", "warning+"],
    "grep": ["--grep", "from 19[28]"],
    "since, until": ["--since", "2026-11-24 00:00:07", "--until", "2026-11-24 10:15:04"],
    "event and a caller": ["--event", "Connection", "--host", "192.0.2.1"],
}


@pytest.mark.parametrize("which", FILTERS)
def test_a_filter_over_remote_logs_equals_it_over_local_ones(run, logs, which):
    a, b = logs
    remote = ok(run("stats", "--json", *FILTERS[which], f"host0:{a}/*.log", f"host1:{b}/*.log"))
    local = ok(run("stats", "--json", *FILTERS[which], f"{a}/*.log", f"{b}/*.log"))
    assert remote == local and 0 < local["lines"] < local["read"]


def test_local_and_remote_logs_mixed_count_each_line_once(run, logs):
    a, b = logs
    table = ok(run("stats", "--by", "host", "--top", "0", "--json", f"{a}/*.log", f"host1:{b}/*.log"))
    got = by_key(table)
    local_only = by_key(ok(run("stats", "--by", "host", "--top", "0", "--json", f"{a}/*.log")))
    assert table["read"] == lines_in(a) + lines_in(b)
    assert got[None] == local_only[None] > 0   # a local line that names no host has none
    assert "host1" in got and "host0" not in got
    severities = ok(run("stats", "--json", "--severity", "info+", f"{a}/*.log", f"host1:{b}/*.log"))
    assert severities == ok(run("stats", "--json", "--severity", "info+", f"{a}/*.log", f"{b}/*.log"))


def test_a_host_that_cannot_be_read_is_one_line_and_exit_2_and_the_others_still_count(run, logs):
    a, _ = logs
    proc = run("stats", "--by", "event", "--top", "0", "--json", f"nosuchhost.invalid:{a}/x.log", f"host0:{a}/*.log")
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "nosuchhost.invalid" in proc.stderr and "Traceback" not in proc.stderr
    assert json.loads(proc.stdout) == ok(run("stats", "--by", "event", "--top", "0", "--json", f"{a}/*.log"))
