"""`decode` and `stats` on compressed rotations, quoted globs and literal names with glob characters,
run as a user runs them (python -m console ...)."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from console.catalog.loader import load_catalog
from console.demo.simulator import write_log

ODD_LINES = [
    b"2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.10 (x)\r",
    b"no event token at all",
    b"caf\xc3\xa9 \xff\xfe not UTF-8 W-MTA_SMTP-SPFnone: bob@example.com from 192.0.2.11",
    b"2026-11-24 10:15:03.123 smtpsrvr[2817] E-MTA_SMTP-SPFfail: " + b"x" * 3000,  # cut at --max-line 2048
    b"\x1b[2J\x1b]0;title\x07 C-MTA_SMTP-Critical: disk: full",
]
COMPRESS = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}


def _runner(cwd: Path, repo_root: Path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(repo_root), *filter(None, [env.get("PYTHONPATH")])])
    env["XDG_CONFIG_HOME"] = str(cwd / "xdg")
    env.pop("SMTP_CONSOLE_DEBUG", None)
    env["NO_COLOR"] = "1"

    def _run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "console", *args], cwd=cwd, env=env,
                              input=stdin, capture_output=True, timeout=120)
    return _run


@pytest.fixture
def run(tmp_path, repo_root):
    return _runner(tmp_path, repo_root)


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> bytes:
    """Simulated traffic with the lines that take the slow paths mixed in, no final newline."""
    p = tmp_path_factory.mktemp("content") / "plain.log"
    write_log(p, 4_000, load_catalog(), seed=7)
    lines = p.read_bytes().split(b"\n")[:-1]
    for i, odd in enumerate(ODD_LINES):
        lines.insert(1 + i * 700, odd)
    return b"\n".join(lines) + b"\n" + b"2026-11-24 10:15:04.000 smtpsrvr[1] N-MTA_SMTP-Close: last"


ASKED = (("stats", "--json"), ("decode", "--json"), ("stats", "--json", "--max-line", "2048"),
         ("decode", "--json", "--max-line", "2048"))


@pytest.fixture(scope="module")
def plain(tmp_path_factory, repo_root, content) -> dict:
    """The answers for the plain file, once: what each compressed form must give."""
    cwd = tmp_path_factory.mktemp("plain")
    (cwd / "mta-event.log").write_bytes(content)
    run = _runner(cwd, repo_root)
    answers = {}
    for args in ASKED:
        proc = run(*args, "mta-event.log")
        assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
        answers[args] = proc.stdout
    return answers


def stderr(proc) -> str:
    return proc.stderr.decode("utf-8", "replace")


def without_source(decoded: bytes) -> list[dict]:
    records = [json.loads(line) for line in decoded.splitlines()]
    for r in records:
        r.pop("source")
    return records


def assert_one_line(proc, *words: str) -> None:
    text = stderr(proc)
    assert "Traceback" not in text
    assert text.count("\n") == 1 and text.endswith("\n"), f"not one line: {text!r}"
    for w in words:
        assert w in text, (w, text)


# -- the same content, plain or compressed, gives the same answers ---------------------------------

@pytest.mark.parametrize("name, make", [
    ("mta-event.log.1.gz", COMPRESS["gz"]),
    ("mta-event.log.2.bz2", COMPRESS["bz2"]),
    ("mta-event.log.3.xz", COMPRESS["xz"]),
    ("mta-event.log.4", COMPRESS["gz"]),      # gzip whatever its name says
    ("mta-event.log.5.gz", lambda data: gzip.compress(data[:len(data) // 2]) + gzip.compress(data[len(data) // 2:])),
], ids=["gz", "bz2", "xz", "gzip-without-suffix", "gzip-two-members"])
def test_compressed_file_decodes_and_counts_as_its_plain_content(run, tmp_path, content, plain, name, make):
    (tmp_path / name).write_bytes(make(content))
    for args in ASKED:
        packed = run(*args, name)
        assert packed.returncode == 0 and stderr(packed) == "", stderr(packed)
        if args[0] == "stats":
            assert json.loads(packed.stdout) == json.loads(plain[args])
            assert json.loads(packed.stdout)["lines"] == content.count(b"\n") + 1
        else:
            assert without_source(packed.stdout) == without_source(plain[args])
    text = run("decode", name)
    assert text.returncode == 0 and b"MTA_SMTP-Close" in text.stdout.splitlines()[-1]


def test_a_quoted_glob_over_plain_and_compressed_rotations_counts_each_once(run, tmp_path, content):
    (tmp_path / "mta-event.log").write_bytes(content)
    for i, (suffix, make) in enumerate(COMPRESS.items(), 1):
        (tmp_path / f"mta-event.log.{i}.{suffix}").write_bytes(make(content))
    one = json.loads(run("stats", "--json", "mta-event.log").stdout)
    four = run("stats", "--json", "mta-event.log*")   # quoted: smtp-console expands it
    assert four.returncode == 0, stderr(four)
    summary = json.loads(four.stdout)
    assert summary["lines"] == 4 * one["lines"]
    assert summary["by_event"] == {k: 4 * n for k, n in one["by_event"].items()}
    decoded = run("decode", "--json", "mta-event.log.*")
    assert decoded.returncode == 0, stderr(decoded)
    sources = [json.loads(line)["source"] for line in decoded.stdout.splitlines()]
    assert sorted(set(sources)) == ["mta-event.log.1.gz", "mta-event.log.2.bz2", "mta-event.log.3.xz"]
    assert len(sources) == 3 * one["lines"]


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
def test_compressed_standard_input(run, content, suffix):
    packed = COMPRESS[suffix](content)
    stats = run("stats", "--json", "-", stdin=packed)
    assert stats.returncode == 0, stderr(stats)
    assert json.loads(stats.stdout) == json.loads(run("stats", "--json", "-", stdin=content).stdout)
    decoded = run("decode", "--json", "-", stdin=packed)
    assert decoded.returncode == 0, stderr(decoded)
    assert decoded.stdout == run("decode", "--json", "-", stdin=content).stdout


# -- damage: what can be read is, then one line naming the file, exit 2 (as zcat does) --------------

def _gzip_prefix(data: bytes) -> bytes:
    """What zcat prints of a truncated gzip file."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return d.decompress(data)


@pytest.mark.parametrize("command", ["decode", "stats"])
def test_truncated_gzip_reads_what_it_can_then_names_the_file(run, tmp_path, content, command):
    packed = gzip.compress(content)
    (tmp_path / "mta-event.log.1.gz").write_bytes(packed[:len(packed) // 2])
    readable = _gzip_prefix(packed[:len(packed) // 2])
    assert 0 < len(readable) < len(content)
    (tmp_path / "readable.log").write_bytes(readable)
    proc = run(command, "--json", "mta-event.log.1.gz")
    assert proc.returncode == 2
    assert_one_line(proc, "mta-event.log.1.gz", "truncated", "gzip")
    expected = run(command, "--json", "readable.log")
    if command == "stats":
        assert json.loads(proc.stdout) == json.loads(expected.stdout)
    else:
        assert without_source(proc.stdout) == without_source(expected.stdout)


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
def test_corrupt_compressed_data_is_one_line_and_exit_2(run, tmp_path, content, suffix):
    packed = bytearray(COMPRESS[suffix](content))
    middle = len(packed) // 2
    packed[middle:middle + 64] = b"\x00" * 64
    (tmp_path / f"bad.log.{suffix}").write_bytes(bytes(packed))
    (tmp_path / "good.log").write_bytes(content[:1000] + b"\n")
    for command in ("decode", "stats"):
        proc = run(command, f"bad.log.{suffix}", "good.log")
        assert proc.returncode == 2, stderr(proc)
        assert_one_line(proc, f"bad.log.{suffix}")
        assert proc.stdout   # the good file, and what came before the damage, are still there


def test_a_gz_name_holding_plain_text_is_read_as_text(run, tmp_path, content):
    (tmp_path / "mta-event.log.1.gz").write_bytes(content)
    (tmp_path / "mta-event.log").write_bytes(content)
    proc = run("decode", "--json", "mta-event.log.1.gz")
    assert proc.returncode == 0 and stderr(proc) == ""
    assert without_source(proc.stdout) == without_source(run("decode", "--json", "mta-event.log").stdout)


@pytest.mark.parametrize("magic, tool", [(b"\x28\xb5\x2f\xfd", "zstd"), (b"\x04\x22\x4d\x18", "lz4")])
@pytest.mark.parametrize("command", ["decode", "stats"])
def test_a_format_it_cannot_read_is_named_not_shown_as_garbage(run, tmp_path, magic, tool, command):
    (tmp_path / "mta-event.log.1").write_bytes(magic + bytes(range(256)) * 4)
    proc = run(command, "mta-event.log.1")
    assert proc.returncode == 2 and proc.stdout == b""
    assert_one_line(proc, "mta-event.log.1", tool)


# -- names: a literal path that exists is that path; a quoted glob is expanded -----------------------

@pytest.mark.parametrize("name", ["mta-event[1].log", "mta-event*.log", "mta-event?.log"])
@pytest.mark.parametrize("command", ["decode", "stats"])
def test_an_existing_path_with_glob_characters_is_read_as_that_path(run, tmp_path, name, command):
    (tmp_path / name).write_text("2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: only me\n")
    (tmp_path / "mta-event1.log").write_text(UNRELATED * 3)   # what the glob would also match
    proc = run(command, "--json", name)
    assert proc.returncode == 0, stderr(proc)
    if command == "stats":
        assert json.loads(proc.stdout)["lines"] == 1
    else:
        (record,) = map(json.loads, proc.stdout.splitlines())
        assert record["source"] == name and record["message"] == "only me"


UNRELATED = "2026-11-24 10:15:03.123 smtpsrvr[2817] W-MTA_SMTP-SPFnone: bob@example.com from 192.0.2.11\n"


def test_a_glob_matching_nothing_is_one_line(run, tmp_path):
    for command in ("decode", "stats"):
        proc = run(command, "nothing*.log")
        assert proc.returncode == 2
        assert_one_line(proc, "nothing*.log")


# -- the cut key ------------------------------------------------------------------------------------

def test_decode_json_says_which_lines_were_cut(run, tmp_path):
    exact = b"2026-11-24 10:15:03.123 smtpsrvr[2817] N-MTA_SMTP-Notice: "
    exact += b"y" * (100 - len(exact))
    (tmp_path / "cut.log").write_bytes(b"short line\n" + b"z" * 101 + b"\n" + exact + b"\n")
    proc = run("decode", "--json", "--max-line", "100", "cut.log")
    assert proc.returncode == 0, stderr(proc)
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["cut"] for r in records] == [False, True, False]
    assert records[1]["raw"] == "z" * 100
    text = run("decode", "--max-line", "100", "cut.log").stdout.splitlines()
    assert [line.endswith(b"[line cut]") for line in text] == [False, True, False]


def test_decode_json_cut_false_by_default(run, tmp_path):
    (tmp_path / "a.log").write_bytes(b"x" * 70_000 + b"\nshort\n")
    records = [json.loads(line) for line in run("decode", "--json", "a.log").stdout.splitlines()]
    assert [r["cut"] for r in records] == [True, False]
    assert len(records[0]["raw"]) == 65536
