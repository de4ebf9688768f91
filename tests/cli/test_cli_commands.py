"""`python -m console ...` as a user runs it: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from console import __version__

KEYS = ["time", "host", "program", "pid", "severity", "letter", "facility", "event", "id",
        "description", "action", "params", "message", "source", "line", "raw", "cut"]

NATIVE = "2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.10 (smtp-external)"
RFC3164 = "Nov 24 10:15:03 mail1 smtpsrvr[2817]: W-MTA_SMTP-SPFnone: bob@example.com from 192.0.2.11"
RFC5424 = "2026-11-24T10:15:03.123456+00:00 mail2 smtpsrvr[2817]: C-MTA_SMTP-Critical: disk: full"
UNPARSED = "nothing to see here"
LOG_LINES = [NATIVE, RFC3164, RFC5424, UNPARSED]


@pytest.fixture
def run(tmp_path, repo_root):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(repo_root), *filter(None, [env.get("PYTHONPATH")])])
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env.pop("SMTP_CONSOLE_DEBUG", None)
    env["NO_COLOR"] = "1"

    def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "console", *args], cwd=tmp_path, env=env,
                              input=stdin if stdin is not None else b"", capture_output=True,
                              timeout=60)
    return _run


@pytest.fixture
def log(tmp_path) -> Path:
    p = tmp_path / "mta-event.log"
    p.write_text("\n".join(LOG_LINES) + "\n", encoding="utf-8")
    return p


def out(proc) -> str:
    return proc.stdout.decode("utf-8")


def err(proc) -> str:
    return proc.stderr.decode("utf-8")


def assert_one_line_error(proc, *words: str) -> str:
    text = err(proc)
    assert proc.returncode == 2, (proc.returncode, text)
    assert text.endswith("\n") and text.count("\n") == 1, f"not one line: {text!r}"
    assert "Traceback" not in text
    for w in words:
        assert w in text, f"{w!r} not in {text!r}"
    return text


# -- decode ------------------------------------------------------------------------------------

@pytest.mark.smoke
def test_decode_text(run, log):
    proc = run("decode", log.name)
    assert proc.returncode == 0, err(proc)
    assert err(proc) == ""
    lines = out(proc).splitlines()
    assert len(lines) == len(LOG_LINES)
    first = lines[0]
    for piece in ("2026-11-24 10:15:03.123", "info", "MTA_SMTP-Connection", "102", "smtpsrvr",
                  "2817", "connection from 192.0.2.10 (smtp-external)", "Caller's address",
                  "Connection context"):
        assert piece in first, (piece, first)
    assert "mail1" in lines[1] and "MTA_SMTP-SPFnone" in lines[1] and "warning" in lines[1]
    assert "critical" in lines[2] and "mail2" in lines[2]
    assert "(unparsed)" in lines[3] and "unknown" in lines[3] and UNPARSED in lines[3]


@pytest.mark.smoke
def test_decode_json(run, log):
    proc = run("decode", "--json", log.name)
    assert proc.returncode == 0, err(proc)
    lines = out(proc).splitlines()
    assert len(lines) == len(LOG_LINES)
    records = [json.loads(line) for line in lines]  # each line is one whole JSON object
    for i, rec in enumerate(records, 1):
        assert list(rec) == KEYS
        assert rec["source"] == log.name and rec["line"] == i
        assert rec["raw"] == LOG_LINES[i - 1]
    conn = records[0]
    assert conn["time"] == "2026-11-24T10:15:03.123000"
    assert (conn["severity"], conn["letter"], conn["facility"], conn["event"], conn["id"]) == \
           ("info", "I", "MTA_SMTP", "Connection", 102)
    assert (conn["program"], conn["pid"], conn["host"]) == ("smtpsrvr", 2817, None)
    assert conn["params"] == {"Caller's address": "192.0.2.10", "Connection context": "smtp-external"}
    assert records[1]["host"] == "mail1"
    assert records[2]["params"] == {"Text describing error": "disk",
                                    "Optional text when reporting system error": "full"}
    assert records[2]["time"] == "2026-11-24T10:15:03.123456+00:00"
    assert records[3]["event"] is None and records[3]["severity"] == "unknown"
    assert records[3]["message"] == UNPARSED


def test_decode_json_from_stdin(run):
    data = ("\n".join(LOG_LINES) + "\n").encode()
    proc = run("decode", "--json", "-", stdin=data)
    assert proc.returncode == 0, err(proc)
    records = [json.loads(line) for line in out(proc).splitlines()]
    assert [r["raw"] for r in records] == LOG_LINES
    assert all(r["source"] == "-" for r in records)
    assert [r["line"] for r in records] == [1, 2, 3, 4]


def test_decode_several_files_and_stdin_in_order(run, log, tmp_path):
    other = tmp_path / "other.log"
    other.write_text(RFC3164 + "\n")
    proc = run("decode", "--json", log.name, "-", other.name, stdin=(NATIVE + "\n").encode())
    assert proc.returncode == 0, err(proc)
    sources = [json.loads(line)["source"] for line in out(proc).splitlines()]
    assert sources == [log.name] * 4 + ["-", other.name]


def test_decode_cuts_long_lines(run, tmp_path):
    p = tmp_path / "long.log"
    p.write_bytes(b"N-MTA_SMTP-Notice: " + b"x" * 500 + b"\nN-MTA_SMTP-Notice: short\n")
    proc = run("decode", "--max-line", "100", p.name)
    assert proc.returncode == 0, err(proc)
    lines = out(proc).splitlines()
    assert len(lines) == 2
    assert "[line cut]" in lines[0] and "x" * 81 in lines[0] and "x" * 82 not in lines[0]
    assert "[line cut]" not in lines[1]


def test_decode_invalid_utf8_and_crlf(run, tmp_path):
    p = tmp_path / "odd.log"
    p.write_bytes(NATIVE.encode() + b"\r\n" + b"N-MTA_SMTP-Notice: caf\xe9\r\n")
    proc = run("decode", "--json", p.name)
    assert proc.returncode == 0, err(proc)
    recs = [json.loads(line) for line in out(proc).splitlines()]
    assert recs[0]["raw"] == NATIVE
    assert recs[1]["message"] == "caf\ufffd"


def test_decode_output_is_inert_on_a_terminal(run, tmp_path):
    nasty = ("N-MTA_SMTP-Notice: clear\x1b[2J copy\x1b]52;c;ZWNobyBwd25lZA==\x07 "
             "[b]markup[/b] \u202eevil\u202c bell\x07 csi\x9b31m done")
    p = tmp_path / "nasty.log"
    p.write_bytes(nasty.encode("utf-8") + b"\n" + b"no token \x1b[31mred\x1b[0m\n")
    proc = run("decode", p.name)
    assert proc.returncode == 0, err(proc)
    text = out(proc)
    for bad in ("\x1b", "\x07", "\u202e", "\u202c", "\x9b"):
        assert bad not in text, f"{bad!r} reached the terminal"
    assert "[b]markup[/b]" in text  # shown as text, not interpreted
    assert text.count("\n") == 2
    proc = run("decode", "--json", p.name)
    assert proc.returncode == 0
    for bad in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert bad not in out(proc)
    assert json.loads(out(proc).splitlines()[0])["params"] == {
        "Text describing condition": nasty.split(": ", 1)[1]}


# -- stats -------------------------------------------------------------------------------------

@pytest.mark.smoke
def test_stats_json(run, log):
    proc = run("stats", "--json", log.name)
    assert proc.returncode == 0, err(proc)
    doc = json.loads(out(proc))
    assert list(doc) == ["lines", "by_severity", "by_event", "unparsed"]
    assert doc["lines"] == 4
    assert doc["unparsed"] == 1
    assert doc["by_severity"] == {"critical": 1, "warning": 1, "info": 1, "unknown": 1}
    assert list(doc["by_severity"]) == ["critical", "warning", "info", "unknown"]
    assert doc["by_event"] == {"MTA_SMTP-Connection": 1, "MTA_SMTP-SPFnone": 1,
                               "MTA_SMTP-Critical": 1}


def test_stats_json_from_stdin(run):
    proc = run("stats", "--json", "-", stdin=("\n".join(LOG_LINES * 3)).encode())
    assert proc.returncode == 0, err(proc)
    doc = json.loads(out(proc))
    assert doc["lines"] == 12 and doc["unparsed"] == 3
    assert sum(doc["by_severity"].values()) == 12


@pytest.mark.smoke
def test_stats_text(run, log):
    proc = run("stats", log.name)
    assert proc.returncode == 0, err(proc)
    text = out(proc)
    assert re.search(r"\b4 lines\b", text) and re.search(r"\b1 unparsed\b", text)
    assert "MTA_SMTP-Connection" in text


# -- catalog -----------------------------------------------------------------------------------

@pytest.mark.smoke
def test_catalog_list(run, catalog):
    proc = run("catalog")
    assert proc.returncode == 0, err(proc)
    text = out(proc)
    for ev in catalog.events.values():
        assert f"{ev.facility}-{ev.name}" in text
    assert f"{len(catalog.events)} events" in text
    # the descriptions start in one column, the longest name included
    rows = [line for line in text.splitlines() if re.match(r"\s*\d+  ", line)]
    column = text.splitlines()[0].index("DESCRIPTION")
    assert rows and all(row[column - 1] == " " and row[column] != " " for row in rows), rows
    row = [ln for ln in text.splitlines() if "MTA_SMTP-Connection" in ln]
    assert len(row) == 1 and "102" in row[0] and "info" in row[0]


def test_catalog_json_list(run, catalog):
    proc = run("catalog", "--json")
    assert proc.returncode == 0, err(proc)
    entries = json.loads(out(proc))
    assert len(entries) == len(catalog.events)
    conn = next(e for e in entries if e["name"] == "Connection")
    assert conn["id"] == 102 and conn["letter"] == "I"
    assert conn["parameters"] == ["Caller's address", "Connection context"]
    assert conn["templates"] == ["connection from %1 (%2)"]


@pytest.mark.parametrize("query", ["Connection", "102", "I-MTA_SMTP-Connection",
                                   "MTA_SMTP-Connection", "connection"])
@pytest.mark.smoke
def test_catalog_one_entry(run, query):
    proc = run("catalog", query)
    assert proc.returncode == 0, err(proc)
    text = out(proc)
    assert "MTA_SMTP-Connection" in text.splitlines()[0]
    for piece in ("102", "info", "A new connection from the given address has been received.",
                  "Caller's address", "Connection context", "connection from %1 (%2)"):
        assert piece in text, piece
    assert "SPFpass" not in text


def test_catalog_entry_with_action_and_no_parameters(run):
    text = out(run("catalog", "Critical"))
    assert "See Log entry for details." in text
    entry, = json.loads(out(run("catalog", "--json", "ListenError")))
    assert (entry["id"], entry["severity"], entry["parameters"], entry["templates"]) == \
           (101, "fatal", [], [])
    newer, = json.loads(out(run("catalog", "--json", "BURLinfo")))
    assert (newer["id"], newer["release"], newer["action"]) == (250, "newer", "")


def test_catalog_unknown_name(run):
    proc = run("catalog", "NoSuchThing")
    assert_one_line_error(proc, "NoSuchThing")
    assert out(proc) == ""


def test_catalog_unknown_number(run):
    assert_one_line_error(run("catalog", "99999"), "99999")


# -- help, version, usage errors ---------------------------------------------------------------

@pytest.mark.parametrize("sub", ["decode", "stats", "catalog"])
def test_subcommand_help(run, sub):
    proc = run(sub, "--help")
    assert proc.returncode == 0, err(proc)
    assert out(proc).startswith(f"usage: smtp-console {sub}")
    assert "--catalog" in out(proc)
    assert err(proc) == ""


def test_main_help(run):
    proc = run("--help")
    assert proc.returncode == 0
    text = out(proc)
    assert text.startswith("usage: smtp-console")
    for sub in ("decode", "stats", "catalog"):
        assert sub in text


@pytest.mark.parametrize("args", [["--version"], ["decode", "--version"], ["catalog", "--version"]])
def test_version(run, args):
    proc = run(*args)
    assert proc.returncode == 0
    assert out(proc).strip() == f"smtp-console {__version__}"


@pytest.mark.smoke
@pytest.mark.parametrize("sub", ["decode", "stats"])
def test_missing_file(run, sub):
    proc = run(sub, "no-such-file.log")
    assert_one_line_error(proc, "no-such-file.log")
    assert out(proc) == ""


def test_missing_file_after_a_good_one_prints_nothing(run, log):
    proc = run("decode", log.name, "gone.log")
    assert_one_line_error(proc, "gone.log")
    assert out(proc) == ""


def test_directory_instead_of_a_file(run, tmp_path):
    (tmp_path / "adir").mkdir()
    assert_one_line_error(run("decode", "adir"), "adir")


@pytest.mark.parametrize("sub", [["decode", "x.log"], ["stats", "x.log"], ["catalog"]])
def test_bad_catalog_dir(run, sub):
    proc = run(sub[0], "--catalog", "missing-dir", *sub[1:])
    assert_one_line_error(proc, "missing-dir")


def test_catalog_dir_with_broken_yaml(run, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "bad.yaml").write_text("events: [\n")
    proc = run("catalog", "--catalog", "site")
    assert_one_line_error(proc, "bad.yaml")


def test_catalog_dir_adds_an_event(run, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "x.yaml").write_text("facility: MTA_SMTP\nevents:\n"
                                 "  - {name: Greylisted, id: 900, severity: warning,"
                                 " parameters: [who], templates: ['%1 greylisted']}\n")
    proc = run("decode", "--json", "--catalog", "site", "-",
               stdin=b"W-MTA_SMTP-Greylisted: 192.0.2.9 greylisted\n")
    assert proc.returncode == 0, err(proc)
    rec = json.loads(out(proc))
    assert rec["id"] == 900 and rec["params"] == {"who": "192.0.2.9"}


@pytest.mark.parametrize("args", [["decode", "--bogus", "x.log"], ["stats", "--nope", "x"],
                                  ["catalog", "--what"], ["--no-such-option"],
                                  ["decode", "--max-line", "0", "x.log"]])
def test_usage_error_is_one_line(run, args):
    proc = run(*args)
    assert_one_line_error(proc)
    assert out(proc) == ""


def test_decode_without_a_path_is_a_usage_error(run):
    assert_one_line_error(run("decode"))


def test_decode_empty_stdin(run):
    proc = run("decode", "-", stdin=b"")
    assert proc.returncode == 0 and out(proc) == "" and err(proc) == ""


def test_decode_into_a_closed_pipe_is_quiet(tmp_path, repo_root, catalog):
    from console.demo.simulator import write_log
    big = tmp_path / "big.log"
    write_log(big, 20000, catalog)
    env = dict(os.environ, PYTHONPATH=str(repo_root), NO_COLOR="1")
    proc = subprocess.Popen([sys.executable, "-m", "console", "decode", str(big)], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    stderr = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0
    assert b"MTA_SMTP-" in first
    assert stderr == b""


def test_catalog_superscript_digit_is_an_unknown_name(run):
    assert_one_line_error(run("catalog", "\u00b2"), "no event")


# -- binary input (trial finding 2) ---------------------------------------------------------

ELF_HEAD = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00\x80a\x00\x00"
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"


@pytest.mark.parametrize("sub", ["decode", "stats"])
@pytest.mark.parametrize("name,head", [("ls", ELF_HEAD), ("logo.png", PNG_HEAD)])
def test_a_binary_file_is_refused_in_one_line(run, tmp_path, sub, name, head):
    (tmp_path / name).write_bytes(head + bytes(range(256)) * 8)
    proc = run(sub, name)
    assert_one_line_error(proc, name, "not a text log (binary data)")
    assert out(proc) == ""


@pytest.mark.parametrize("sub", ["decode", "stats"])
def test_a_log_with_stray_bytes_is_still_decoded(run, tmp_path, sub):
    # invalid UTF-8, an escape, a stray NUL, and a hole of NULs a crash left: still a log
    p = tmp_path / "stray.log"
    p.write_bytes(NATIVE.encode() + b"\n" + b"caf\xe9 \x1b[2J \x00 stray\n" + b"\0" * 600 + NATIVE.encode() + b"\n")
    proc = run(sub, p.name)
    assert proc.returncode == 0, err(proc)
    if sub == "decode":
        assert out(proc).count("MTA_SMTP-Connection") == 2 and "stray" in out(proc)
    else:
        assert out(proc).startswith("3 lines")


def test_a_compressed_binary_is_refused_and_a_compressed_log_is_not(run, tmp_path, log):
    import gzip
    (tmp_path / "ls.gz").write_bytes(gzip.compress(ELF_HEAD * 4))
    assert_one_line_error(run("decode", "ls.gz"), "ls.gz", "binary")
    (tmp_path / "log.gz").write_bytes(gzip.compress(log.read_bytes()))
    assert run("decode", "log.gz").returncode == 0
