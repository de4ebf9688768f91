"""`smtp-console decode --follow LOG | head -5`: the follower ends with its reader, even when nothing
more is written; where standard output is a file it keeps following."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

LINE = "2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.{} (x)\n"


def _env(tmp_path, repo_root) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(repo_root), *filter(None, [env.get("PYTHONPATH")])])
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env.pop("SMTP_CONSOLE_DEBUG", None)
    env["NO_COLOR"] = "1"
    return env


@pytest.mark.parametrize("written", [5, 200], ids=["exactly-5-lines", "more-than-read"])
def test_follow_ends_when_its_reader_closes_the_pipe_with_nothing_more_written(tmp_path, repo_root, written):
    log = tmp_path / "mta-event.log"
    log.write_text("".join(LINE.format(i) for i in range(written)))
    proc = subprocess.Popen([sys.executable, "-m", "console", "decode", "--follow", str(log)],
                            cwd=tmp_path, env=_env(tmp_path, repo_root),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        got = [proc.stdout.readline() for _ in range(5)]   # what `head -5` reads
        assert all(b"MTA_SMTP-Connection" in line for line in got), got
        proc.stdout.close()                                # and then head exits
        closed = time.monotonic()
        rc = proc.wait(timeout=10)
        took = time.monotonic() - closed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    assert rc == 0, err
    assert took < 2, f"lingered {took:.1f} s after its reader went"
    assert "Traceback" not in err and "Error" not in err, err


def test_follow_into_a_file_keeps_following(tmp_path, repo_root):
    """A regular file cannot be watched for a reader: the follower must not take that for one gone."""
    log = tmp_path / "mta-event.log"
    log.write_text(LINE.format(1))
    out = tmp_path / "out.txt"
    with open(out, "wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "console", "decode", "--follow", str(log)],
                                cwd=tmp_path, env=_env(tmp_path, repo_root), stdout=sink,
                                stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: out.read_bytes().count(b"\n") == 1 and proc.poll() is None)
        with open(log, "a") as f:
            f.write(LINE.format(2))
        _wait_for(lambda: out.read_bytes().count(b"\n") == 2)
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    assert b"192.0.2.2" in out.read_bytes()


def _wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
