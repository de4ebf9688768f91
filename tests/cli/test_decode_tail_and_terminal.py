"""`decode -n N` (tail -n), `decode` with no path, line numbers as `grep -n` counts them after a
history read from the end of a big file, and the console refusing to draw into a file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.tail.backscan import EXACT_LINENO_LIMIT

LINE = "2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.%d (n %07d)\n"


@pytest.fixture
def env(tmp_path, repo_root):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(repo_root), *filter(None, [env.get("PYTHONPATH")])])
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env.pop("SMTP_CONSOLE_DEBUG", None)
    env["NO_COLOR"] = "1"
    env["TERM"] = "xterm-256color"
    return env


@pytest.fixture
def run(tmp_path, env):
    def _run(*args: str, stdin: bytes = b"", **extra) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "console", *args], cwd=tmp_path, env={**env, **extra},
                              input=stdin, capture_output=True, timeout=60)
    return _run


@pytest.fixture(scope="module")
def big_log(tmp_path_factory) -> Path:
    """200,000 lines, past the size counted before the history is shown."""
    path = tmp_path_factory.mktemp("big") / "mta-event.log"
    with open(path, "w") as f:
        f.writelines(LINE % (i % 250, i) for i in range(1, 200_001))
    assert path.stat().st_size > EXACT_LINENO_LIMIT
    return path


def grep_n(path: Path, text: str) -> list[int]:
    out = subprocess.run(["grep", "-n", "-F", text, str(path)], capture_output=True, text=True, check=True)
    return [int(line.split(":", 1)[0]) for line in out.stdout.splitlines()]


def records(proc) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.decode().splitlines()]


def test_decode_n_is_the_last_n_events_with_the_numbers_grep_n_gives(run, big_log):
    proc = run("decode", "-n", "3", "--json", str(big_log))
    assert proc.returncode == 0, proc.stderr
    got = records(proc)
    assert [r["message"][-10:-1] for r in got] == ["n 0199998", "n 0199999", "n 0200000"]
    for r in got:
        assert [r["line"]] == grep_n(big_log, r["raw"])
    assert proc.stderr == b""


def test_decode_n_text_output_and_zero(run, big_log):
    proc = run("decode", "-n", "2", str(big_log))
    assert proc.returncode == 0 and proc.stdout.decode().count("\n") == 2
    assert "n 0200000" in proc.stdout.decode().splitlines()[-1]
    assert run("decode", "-n", "0", str(big_log)).stdout == b""


def test_decode_n_of_a_small_file_and_of_standard_input(run, tmp_path):
    log = tmp_path / "small.log"
    log.write_text("".join(LINE % (1, i) for i in range(1, 11)))
    assert [r["line"] for r in records(run("decode", "-n", "4", "--json", str(log)))] == [7, 8, 9, 10]
    piped = run("decode", "-n", "2", "--json", "-", stdin=log.read_bytes())
    assert [r["line"] for r in records(piped)] == [9, 10]


def test_decode_follow_prints_absolute_numbers_after_a_backfill_from_the_end(env, big_log, tmp_path):
    """`decode -f` waits for the count of the skipped lines: what reaches grep is final."""
    proc = subprocess.Popen([sys.executable, "-m", "console", "decode", "-f", "-n", "5", "--json", str(big_log)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = [json.loads(proc.stdout.readline()) for _ in range(5)]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert [r["line"] for r in lines] == list(range(199_996, 200_001))
    assert all([r["line"]] == grep_n(big_log, r["raw"]) for r in lines)


def test_decode_with_no_path_reads_the_consoles_logs(run, tmp_path):
    log = tmp_path / "site.log"
    log.write_text(LINE % (1, 1) + LINE % (2, 2))
    cfg = tmp_path / "xdg" / "smtp-console" / "config.yaml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(f"paths: ['{tmp_path}/site*.log']\n")
    proc = run("decode", "--json")
    assert proc.returncode == 0, proc.stderr
    assert [(r["source"], r["line"]) for r in records(proc)] == [(str(log), 1), (str(log), 2)]
    assert [r["line"] for r in records(run("decode", "-n", "1", "--json"))] == [2]


def test_decode_with_no_path_and_no_log_is_one_line_and_exit_2(run):
    if list(Path("/var/isode/log").glob("mta-event*.log")):
        pytest.skip("this machine has an Isode event log")
    proc = run("decode")
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1 and proc.stdout == b""
    assert "/var/isode/log/mta-event*.log" in err and "smtp-console decode /path/to/" in err


@pytest.mark.parametrize("term", ["xterm-256color", "dumb"])
def test_the_console_into_a_file_or_on_a_dumb_terminal_points_to_decode(run, tmp_path, term):
    started = time.monotonic()
    proc = run("--demo", TERM=term)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1, err
    assert "smtp-console decode" in err and ("dumb" in err if term == "dumb" else "not a terminal" in err)
    assert proc.stdout == b""  # no screen drawn into the file
    assert time.monotonic() - started < 30


def test_the_console_with_its_screen_sent_away_says_so(tmp_path, env):
    """`smtp-console 2>/dev/null`: the screen is drawn on standard error; a terminal on standard
    output alone would show a blank screen."""
    import pty
    master, slave = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "console", "--demo"], cwd=tmp_path,
                              env={**env, "TERM": "xterm-256color"}, stdin=slave, stdout=slave,
                              stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(slave)
        os.close(master)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1, err
    assert "standard error is not a terminal" in err and "smtp-console decode" in err


def test_a_mistake_in_the_options_is_still_said_first(run):
    proc = run("--theme", "purple", "/nonexistent.log")
    assert proc.returncode == 2 and "purple" in proc.stderr.decode()


def test_help_of_decode_tells_n_and_the_default_logs(run):
    text = run("decode", "--help").stdout.decode()
    assert "tail -n" in text and "/var/isode/log/mta-event*.log" in text


def test_decode_n_of_several_logs_is_their_newest_n_events_merged_by_time(run, tmp_path):
    for name, seconds in (("a", (1, 3, 5, 7)), ("b", (2, 4, 6, 8))):
        (tmp_path / f"{name}.log").write_text("".join(
            f"2026-11-24 10:00:0{s}.000 smtpsrvr[1] I-MTA_SMTP-Connection: {name} at {s}\n" for s in seconds))
    got = records(run("decode", "-n", "3", "--json", str(tmp_path / "*.log")))
    assert [(Path(r["source"]).name, r["line"], r["message"]) for r in got] == [
        ("b.log", 3, "b at 6"), ("a.log", 4, "a at 7"), ("b.log", 4, "b at 8")]
