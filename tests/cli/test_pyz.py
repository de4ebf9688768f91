"""The offline single file: .ci/build-pyz builds smtp-console.pyz once per run, and the oldest supported
Python runs decode, stats and catalog from it with no network at all (a network namespace of its own,
`unshare -n`), from a directory where the checkout cannot stand in for it.

The build needs the package index (pip): where it cannot reach it, these tests skip and say so."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OLDEST = (3, 9)
LINES = [
    "2026-11-24 10:15:03.123 smtpsrvr[2817] I-MTA_SMTP-Connection: connection from 192.0.2.10 (smtp-external)",
    "Nov 24 10:15:03 mail1 smtpsrvr[2817]: W-MTA_SMTP-SPFnone: bob@example.com from 192.0.2.11",
    "2026-11-24T10:15:03.123456Z mail2 smtpsrvr[2817]: C-MTA_SMTP-Critical: disk: full",
    "nothing to see here",
]


def oldest_python() -> str | None:
    """Python 3.9: this one, or pyenv's."""
    if sys.version_info[:2] == OLDEST:
        return sys.executable
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = sorted(root.glob("versions/%d.%d.*/bin/python3" % OLDEST),
                   key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parts[-3].split(".")])
    return str(found[-1]) if found else None


def offline_prefix() -> list[str] | None:
    """A command prefix that runs a program with no network: a new network namespace (as root), or a
    new user and network namespace (unprivileged, where the kernel allows)."""
    if shutil.which("unshare") is None:
        return None
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=30).returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            continue
    return None


def index_reachable() -> bool:
    try:
        with socket.create_connection(("pypi.org", 443), timeout=5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def pyz(tmp_path_factory) -> Path:
    """Built once per test run, in a temp dir (its build tools too)."""
    where = tmp_path_factory.mktemp("pyz")
    out = where / "smtp-console.pyz"
    env = {**os.environ, "SMTP_CONSOLE_BUILD_CACHE": str(where / "cache"), "PYTHON": sys.executable}
    build = subprocess.run([str(REPO / ".ci" / "build-pyz"), str(out)], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=900)
    if build.returncode != 0:
        if not index_reachable():
            pytest.skip("building the .pyz needs the package index (pip), and pypi.org cannot be reached")
        pytest.fail(f"build-pyz failed:\n{build.stdout}\n{build.stderr}")
    return out


@pytest.fixture(scope="session")
def run_offline(pyz, tmp_path_factory):
    """run_offline(*args) runs `python3.9 smtp-console.pyz ARGS` with no network, from an empty
    directory, with the environment of a stranger's account (its own HOME and SHIV_ROOT)."""
    python = oldest_python()
    if python is None:
        pytest.skip("no Python %d.%d on this machine (pyenv)" % OLDEST)
    prefix = offline_prefix()
    if prefix is None:
        pytest.skip("cannot take the network away here: `unshare -n` needs root or user namespaces")
    home = tmp_path_factory.mktemp("home")
    (home / "mta-event.log").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), SHIV_ROOT=str(home / "shiv"), XDG_CONFIG_HOME=str(home / "config"), NO_COLOR="1")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, python, str(pyz), *args], cwd=home, env=env,
                              capture_output=True, text=True, timeout=120)
    return run


def test_the_pyz_is_one_file_with_a_python3_shebang(pyz):
    assert pyz.read_bytes().startswith(b"#!/usr/bin/env python3\n")


def test_decode_from_the_pyz_offline_on_the_oldest_python(run_offline):
    proc = run_offline("decode", "--json", "mta-event.log")
    assert proc.returncode == 0, proc.stderr
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [d["event"] for d in docs] == ["Connection", "SPFnone", "Critical", None]
    assert docs[0]["id"] == 102 and docs[0]["params"]["Caller's address"] == "192.0.2.10"
    assert docs[2]["time"].startswith("2026-11-24T10:15:03.123456")  # a Z time read on 3.9 too


def test_stats_from_the_pyz_offline_on_the_oldest_python(run_offline):
    proc = run_offline("stats", "--json", "mta-event.log")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["lines"] == 4 and doc["unparsed"] == 1
    assert doc["by_event"] == {"MTA_SMTP-Connection": 1, "MTA_SMTP-SPFnone": 1, "MTA_SMTP-Critical": 1}


def test_catalog_from_the_pyz_offline_on_the_oldest_python(run_offline, catalog):
    proc = run_offline("catalog", "102")
    assert proc.returncode == 0, proc.stderr
    assert "MTA_SMTP-Connection" in proc.stdout and "Caller's address" in proc.stdout
    listing = run_offline("catalog")
    assert listing.returncode == 0, listing.stderr
    assert f"{len(catalog.events)} events." in listing.stdout  # the whole shipped catalogue came along


def test_the_pyz_says_bad_input_in_one_line(run_offline):
    proc = run_offline("stats", "no-such.log")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "no-such.log" in proc.stderr
