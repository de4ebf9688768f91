"""The headless commands as a user runs them (`python -m console ...` in its own process) on hostile
logs: every line decoded, output inert on a terminal, memory bounded, errors one line, exit codes right."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import (HOSTILE, LITERALS, assert_inert, assert_one_line_error, cli_env, raw_controls, run_cli,
                      wait_sync)

MB = 1 << 20
MEMORY_LIMIT_KB = 60 * 1024  # about 20 MB is normal; holding a 50 MB line would pass 70

GOOD = b"2026-11-24 10:15:04.000 smtpsrvr[1] I-MTA_SMTP-Connection: connection from 192.0.2.9 (next)"
ODD_LINES = [
    b"2026-11-24 10:15:03.123 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: " + HOSTILE.encode(),
    b"2026-11-24 10:15:03.123 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: invalid \xff\xfe\xed\xa0\x80 utf-8",
    b"2026-11-24 10:15:03.123 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: nul \x00\x00 bytes",
    b"lone\rcarriage\rreturns I-MTA_SMTP-Connection: connection from 1 (2)",
    b"crlf line I-MTA_SMTP-Connection: connection from 3 (4)\r",
    b"I-MTA_SMTP-Connection",
    b"Z-" + b"F" * 30000 + b"-" + b"E" * 30000,
    b"9999-12-31 23:59:59.999999 smtpsrvr[1] I-MTA_SMTP-Connection: connection from a (b)",
    b"2026-13-45 99:99:99.123 smtpsrvr[99999999999999999999999999] I-MTA_SMTP-Connection: month 13",
    b"Feb 30 25:61:61 mail p[1]: E-MTA_SMTP-Error: impossible time",
    b"",
    b"no token at all, just words",
    GOOD,
]


@pytest.fixture
def odd_log(tmp_path) -> Path:
    p = tmp_path / "odd.log"
    p.write_bytes(b"\n".join(ODD_LINES) + b"\n")
    return p


def test_decode_text_shows_every_odd_line_inertly(tmp_path, odd_log):
    ran = run_cli(tmp_path, "decode", odd_log.name)
    assert ran.returncode == 0 and ran.stderr == b"", ran.err
    lines = ran.out.splitlines()
    assert len(lines) == len(ODD_LINES)
    assert_inert(ran.out, "decode output")
    for literal in LITERALS:
        assert literal in lines[0], literal
    assert "\\ufffd" not in ran.out and "\ufffd" in lines[1]  # invalid UTF-8 replaced, visibly
    assert "nul \\x00\\x00 bytes" in lines[2] and "connection from 1 (2)" in lines[3]
    assert "MTA_SMTP-Connection" in lines[5] and "F" * 100 in lines[6]
    assert "connection from 192.0.2.9 (next)" in lines[-1]


def test_decode_json_keeps_every_odd_line(tmp_path, odd_log):
    ran = run_cli(tmp_path, "decode", "--json", odd_log.name)
    assert ran.returncode == 0, ran.err
    records = [json.loads(line) for line in ran.stdout.splitlines()]
    assert ran.stdout.isascii()
    assert [r["line"] for r in records] == list(range(1, len(ODD_LINES) + 1))
    assert records[0]["raw"].endswith(HOSTILE)
    assert records[3]["raw"].startswith("lone\rcarriage\rreturns") and records[4]["raw"].endswith("(4)")
    assert records[5]["event"] == "Connection" and records[5]["message"] == ""
    assert records[7]["time"] == "9999-12-31T23:59:59.999999" and records[8]["time"] is None
    assert records[9]["time"] is None and records[9]["severity"] == "error"


def test_stats_counts_every_odd_line(tmp_path, odd_log):
    ran = run_cli(tmp_path, "stats", "--json", odd_log.name)
    assert ran.returncode == 0, ran.err
    summary = json.loads(ran.stdout)
    assert summary["lines"] == len(ODD_LINES)
    assert summary["by_event"]["MTA_SMTP-Connection"] == 6
    text = run_cli(tmp_path, "stats", odd_log.name)
    assert text.returncode == 0 and f"{len(ODD_LINES)} lines" in text.out
    assert_inert(text.out, "stats output")


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_that_is_not_utf8_gets_escapes_not_a_crash(tmp_path, odd_log, encoding):
    for args in (["decode", odd_log.name], ["stats", odd_log.name], ["catalog"]):
        ran = run_cli(tmp_path, *args, env=cli_env(tmp_path, PYTHONIOENCODING=encoding))
        assert ran.returncode == 0, (args, ran.err)
        assert ran.stderr == b""
    assert "\\u202e" in run_cli(tmp_path, "decode", odd_log.name,
                                env=cli_env(tmp_path, PYTHONIOENCODING=encoding)).out


# -- a 50 MB line, everywhere the batch commands read --------------------------------------------

@pytest.fixture(scope="module")
def big_log(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("big") / "big.log"
    with open(p, "wb") as f:
        f.write(b"2026-11-24 10:15:03.123 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: ")
        block = b"A" * MB
        for _ in range(50):
            f.write(block)
        f.write(b"\n" + GOOD + b"\n")
    return p


@pytest.mark.parametrize("args", [["decode"], ["decode", "--json"], ["stats", "--json"]], ids=" ".join)
@pytest.mark.parametrize("via", ["file", "stdin"])
def test_a_50_mb_line_is_cut_and_the_next_line_decoded(tmp_path, big_log, args, via):
    if via == "file":
        ran = run_cli(tmp_path, *args, str(big_log))
    else:
        with open(big_log, "rb") as stdin:
            ran = run_cli(tmp_path, *args, "-", stdin=stdin)
    assert ran.returncode == 0, ran.err
    assert 0 < ran.max_rss_kb < MEMORY_LIMIT_KB, f"peak memory {ran.max_rss_kb // 1024} MB"
    if args[0] == "stats":
        summary = json.loads(ran.stdout)
        assert summary["lines"] == 2 and summary["by_event"] == {"MTA_SMTP-DNSBLfailed": 1,
                                                                 "MTA_SMTP-Connection": 1}
        return
    lines = ran.stdout.splitlines()
    assert len(lines) == 2
    if "--json" in args:
        first, second = map(json.loads, lines)
        assert len(first["raw"]) == 65536 and first["event"] == "DNSBLfailed"
        assert second["params"] == {"Caller's address": "192.0.2.9", "Connection context": "next"}
    else:
        assert lines[0].endswith(b"[line cut]") and len(lines[0]) < 70_000
        assert b"connection from 192.0.2.9 (next)" in lines[1]


# -- 1 GB with no newline (a sparse file of NUL bytes: cheap on disk) ---------------------------

@pytest.fixture(scope="module")
def sparse_gb(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("sparse") / "zero.log"
    with open(p, "wb") as f:
        f.truncate(1 << 30)
    return p


@pytest.mark.parametrize("args", [["decode", "--json"], ["stats", "--json"]], ids=" ".join)
def test_a_gigabyte_without_a_newline(tmp_path, sparse_gb, args):
    ran = run_cli(tmp_path, *args, str(sparse_gb), timeout=60)
    assert ran.returncode == 0, ran.err
    assert 0 < ran.max_rss_kb < MEMORY_LIMIT_KB, f"peak memory {ran.max_rss_kb // 1024} MB"
    if args[0] == "stats":
        assert json.loads(ran.stdout)["lines"] == 1
        return
    (record,) = map(json.loads, ran.stdout.splitlines())
    assert record["severity"] == "unknown" and record["raw"] == "\x00" * 65536


# -- what is not a log, and hostile names --------------------------------------------------------

@pytest.mark.parametrize("sub", ["decode", "stats"])
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/urandom", "directory"])
def test_what_is_not_a_log_is_refused_at_once(tmp_path, sub, kind):
    path = tmp_path / "thing.log"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to(kind)
    start = time.monotonic()
    ran = run_cli(tmp_path, sub, path.name, timeout=20)
    assert_one_line_error(ran, "thing.log")
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("name", ["new\nline.log", "esc\x1b]2;PWNED\x07.log", "bidi\u202egol.exe",
                                  "[@click=app.quit].log", "bad\udcffbyte.log"])
def test_hostile_file_names_in_errors_are_one_inert_line(tmp_path, name):
    ran = run_cli(tmp_path, "decode", name)
    assert_one_line_error(ran, "no such file")


@pytest.mark.parametrize("name", ["new\nline.yaml", "esc\x1b[2J.yaml"])
def test_hostile_catalog_file_names_in_errors(tmp_path, name):
    site = tmp_path / "site"
    site.mkdir()
    (site / name).write_text("a: [\n")
    assert_one_line_error(run_cli(tmp_path, "catalog", "--catalog", str(site)), "YAML error")


# -- a real terminal: colours on, and only ours ---------------------------------------------------

def test_decode_to_a_real_terminal_sends_only_its_own_escapes(tmp_path, odd_log):
    master, slave = pty.openpty()
    env = cli_env(tmp_path)
    env.pop("NO_COLOR")
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([sys.executable, "-m", "console", "decode", odd_log.name], cwd=tmp_path, env=env,
                            stdout=slave, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    assert proc.wait(10) == 0
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    sgr = re.compile(r"\x1b\[(?:1;)?38;2;\d+;\d+;\d+m|\x1b\[0m")
    assert len(sgr.findall(text)) >= 2 * (len(ODD_LINES) - 2), "no colours on a terminal?"
    assert_inert(sgr.sub("", text), "what the terminal received")
    assert "[@click=app.quit]quit[/]" in text


# -- decode --follow: state reports are inert, devices are not read, SIGTERM is a clean stop ----------

def test_follow_reports_hostile_sources_inertly_and_stops_cleanly_on_sigterm(tmp_path):
    good = tmp_path / "good.log"
    good.write_bytes(GOOD + b"\n")
    evil = tmp_path / "evil\x1b]2;PWNED\x07.log"
    evil.symlink_to("/dev/urandom")
    proc = subprocess.Popen([sys.executable, "-m", "console", "decode", "--follow", str(good), str(evil)],
                            cwd=tmp_path, env=cli_env(tmp_path), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        os.set_blocking(proc.stdout.fileno(), False)
        os.set_blocking(proc.stderr.fileno(), False)
        out, err = bytearray(), bytearray()

        def pump():
            for stream, buf in ((proc.stdout, out), (proc.stderr, err)):
                try:
                    buf.extend(stream.read() or b"")
                except (BlockingIOError, TypeError):
                    pass
            return b"(next)" in out and b"not-a-file" in err

        wait_sync(pump, 20, "the good line and the not-a-file report")
        with open(good, "ab") as f:
            f.write(GOOD.replace(b"(next)", b"(later)") + b"\n")
        wait_sync(lambda: pump() and b"(later)" in out, 20, "a line written while following")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        pump()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = err.decode("utf-8", "replace")
    assert "Traceback" not in text and "\\e]2;PWNED\\x07" in text
    assert not raw_controls(text, allow_newlines=True)
    assert "is a character device" in text
