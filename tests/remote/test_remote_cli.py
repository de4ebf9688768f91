"""`decode`, `decode -n`, `decode --follow` and `stats` with logs on another host (a real sshd on
127.0.0.1), mixed with local ones, and from the config file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

NATIVE = "2026-11-24 10:15:03.{:03d} smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.{} (smtp-external)"


@pytest.fixture
def run(tmp_path, repo_root, servers):
    servers(1)
    env = dict(os.environ, PYTHONPATH=str(repo_root), XDG_CONFIG_HOME=str(tmp_path / "xdg"), NO_COLOR="1")

    def _run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "console", *args], cwd=tmp_path, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=60, text=True)
    _run.env = env
    return _run


@pytest.fixture
def logs(tmp_path):
    d = tmp_path / "logs"
    d.mkdir()
    (d / "mta-event.2026-11-23.log").write_text("".join(NATIVE.format(i, i) + "\n" for i in range(3)))
    (d / "mta-event.2026-11-24.log").write_text("".join(NATIVE.format(i, i) + "\n" for i in range(3, 5)))
    return d


def test_decode_reads_a_remote_glob_whole_and_json_names_the_host(run, logs):
    proc = run("decode", "--json", f"host0:{logs}/mta-event*.log")
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [e["params"].get("caller") or e["message"][-20:] for e in events] and len(events) == 5
    assert {e["host"] for e in events} == {"host0"}
    assert [e["source"] for e in events][:3] == [f"host0:{logs}/mta-event.2026-11-23.log"] * 3
    assert proc.stderr == ""


def test_decode_n_takes_the_last_lines_of_remote_and_local_logs_together(run, logs, tmp_path):
    local = tmp_path / "local.log"
    local.write_text(NATIVE.format(999, 99) + "\n")
    proc = run("decode", "-n", "2", f"ssh://host0{logs}/mta-event.2026-11-24.log", str(local))
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 2


def test_stats_counts_remote_and_local_logs(run, logs):
    proc = run("stats", "--json", f"host0:{logs}/mta-event*.log", str(logs / "mta-event.2026-11-24.log"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["lines"] == 7


def test_a_host_that_cannot_be_reached_is_one_line_and_exit_2(run, logs):
    proc = run("decode", f"nosuchhost.invalid:{logs}/x.log")
    assert proc.returncode == 2
    assert "nosuchhost.invalid" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("stats", f"nosuchhost.invalid:{logs}/x.log")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_a_remote_path_that_cannot_be_used_is_bad_input(run):
    proc = run("decode", "host0:")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "host0:" in proc.stderr
    proc = run("decode", "ssh://host0:99999/x.log")
    assert proc.returncode == 2 and "port" in proc.stderr


def test_a_bare_ipv6_address_is_bad_input_that_shows_the_brackets(run):
    proc = run("decode", "::1:/var/log/x.log")
    assert proc.returncode == 2
    assert proc.stderr == "smtp-console: ::1:/var/log/x.log: an IPv6 address goes in brackets: [::1]:/var/log/x.log\n"


def test_decode_of_an_ipv6_host_names_it_in_brackets(run, logs, servers):
    from sshd import why_no_ipv6
    if why_no_ipv6():
        pytest.skip(why_no_ipv6())
    (v6,) = servers(1, address="::1")
    servers.config.write_text(v6.host_entry("::1", key_alias=""))
    proc = run("decode", "--json", f"ssh://[::1]:{v6.port}{logs}/mta-event.2026-11-24.log")
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(events) == 2 and {e["host"] for e in events} == {"[::1]"}
    assert {e["source"] for e in events} == {f"[::1]:{v6.port}:{logs}/mta-event.2026-11-24.log"}
    proc = run("decode", "--host", "[::1]", f"[::1]:{logs}/mta-event.2026-11-24.log")  # the config's Port
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 2, proc.stderr


def test_a_local_path_with_a_colon_stays_local(run, tmp_path):
    (tmp_path / "a:b.log").write_text(NATIVE.format(1, 1) + "\n")
    for arg in ("a:b.log", "./a:b.log"):
        proc = run("decode", arg)
        assert proc.returncode == 0 and "192.0.2.1" in proc.stdout, proc.stderr


def test_decode_follow_says_the_hosts_state_on_stderr_and_follows(run, logs, tmp_path):
    (tmp_path / "xdg" / "smtp-console").mkdir(parents=True)
    (tmp_path / "xdg" / "smtp-console" / "config.yaml").write_text(f"paths:\n  - host0:{logs}/mta-event*.log\n")
    proc = subprocess.Popen([sys.executable, "-m", "console", "decode", "--follow", "-n", "1"], cwd=tmp_path,
                            env=run.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        first = proc.stdout.readline()
        assert "192.0.2.4" in first
        with open(logs / "mta-event.2026-11-24.log", "a") as f:
            f.write(NATIVE.format(5, 5) + "\n")
        assert "192.0.2.5" in proc.stdout.readline()
    finally:
        proc.terminate()
        err = proc.communicate(timeout=20)[1]
    assert f"host0:{logs}/mta-event.2026-11-24.log: following" in err and "Traceback" not in err


def test_decode_filters_apply_to_remote_lines(run, logs):
    proc = run("decode", "--host", "host0", f"host0:{logs}/mta-event*.log")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 5, proc.stderr


@pytest.mark.parametrize("command", [("stats", "--json"), ("stats", "--json", "--by", "host"), ("decode", "--json")])
def test_a_last_line_without_its_newline_is_read_over_ssh_as_it_is_locally(run, logs, command):
    with open(logs / "mta-event.2026-11-24.log", "a") as f:
        f.write(NATIVE.format(777, 77))  # the writer has not finished it: a file as it is now
    local = run(*command, f"{logs}/mta-event*.log")
    remote = run(*command, f"host0:{logs}/mta-event*.log")
    assert remote.returncode == local.returncode == 0, remote.stderr
    if command[0] == "decode":
        assert [json.loads(x)["raw"] for x in remote.stdout.splitlines()] == \
            [json.loads(x)["raw"] for x in local.stdout.splitlines()]
        assert len(remote.stdout.splitlines()) == 6
    else:
        assert json.loads(remote.stdout)["lines"] == json.loads(local.stdout)["lines"] == 6
        if "--by" not in command:
            assert json.loads(remote.stdout) == json.loads(local.stdout)
