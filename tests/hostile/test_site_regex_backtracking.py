"""A site layout that backtracks catastrophically is refused when it loads (one line naming the file and
the layout, exit 2): on one long line it used to hold the console at 100% CPU, deaf to q, SIGHUP and
SIGTERM, because a `re` call cannot be interrupted. The shipped regexes, the README's example and the
layouts the suite itself uses are never refused (no false positives)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
import yaml

from console.regex import guard as regex_guard
from console.catalog.loader import load_catalog
from console.errors import DataError
from console.regex.guard import RegexUse, check
from console.resources import catalog_dir

from .conftest import PIPE_LAYOUT
from .helpers import REPO_ROOT, assert_one_line_error, cli_env, run_cli, time_limit, wait_sync

GROUPS = r"(?P<letter>[A-Z])-(?P<facility>\w+)-(?P<event>\w+)"
# each with the named groups a layout needs, so only its backtracking can be what is wrong
CATASTROPHIC = {
    "nested (a+)+": r"^(?P<message>(a+)+)$ " + GROUPS,
    "two greedy runs then a bracket": r"^(?P<timestamp>\S+ \S+) (.*) (.*)\[" + GROUPS + r" (?P<message>.*)$",
    "words and optional spaces repeated": r"^(?P<message>(\w+\s?)+)$" + GROUPS,
    "trimmed message": r"^\s*" + GROUPS + r" (?P<message>.*?)\s*$",
    "alternatives that overlap": r"^(?P<message>(a|ab|b)*)c" + GROUPS,
    "repeated back-reference": r"^(?P<message>(\w+) \2*\2*)x" + GROUPS,
    "three lazy fields": r"^(?P<timestamp>.*?)=(?P<message>.*?)=(.*?)!" + GROUPS,
}

README_EXAMPLE = (r"^(?P<timestamp>\S+ \S+)\|(?P<host>[^|]*)\|(?P<letter>[A-Z])-(?P<facility>\w+)"
                  r"-(?P<event>\w+)\|(?P<message>.*)$")
FAIR = {
    "readme pipe-separated": README_EXAMPLE,
    "hostile suite pipes": yaml.safe_load(PIPE_LAYOUT)["layouts"][0]["regex"],
    "host then lazy gap": (r"^(?P<host>\S+) .*?(?P<letter>[A-Z])-(?P<facility>[A-Za-z0-9_]+)"
                           r"-(?P<event>[A-Za-z0-9_]+): (?P<message>.*)$"),
    "program[pid]": (r"^(?P<program>\w+)\[(?P<pid>[^\]]+)\] (?P<letter>[A-Z])-(?P<facility>\w+)"
                     r"-(?P<event>\w+): (?P<message>.*)$"),
    "iso and pipes": (r"^(?P<timestamp>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\|(?P<host>[^|]*)\|(?P<letter>[A-Z])"
                      r"-(?P<facility>[A-Za-z0-9_]+)-(?P<event>[A-Za-z0-9_]+)\|(?P<message>.*)$"),
    "dotted fields": r"^(?P<host>(?:[\w-]+\.)+[a-z]+) " + GROUPS + r": (?P<message>.*)$",
}


def site(tmp_path, regex: str, name: str = "site-layout"):
    d = tmp_path / "site"
    d.mkdir(exist_ok=True)
    (d / "layouts.yaml").write_text(yaml.safe_dump({"layouts": [{"name": name, "regex": regex}]}))
    return d


def shipped_uses() -> list[RegexUse]:
    doc = yaml.safe_load((catalog_dir() / "layouts.yaml").read_text())
    uses = [RegexUse(f"shipped {x['name']}", re.compile(x["regex"]), search=False) for x in doc["layouts"]]
    uses.append(RegexUse("shipped token", re.compile(doc["generic"]["token"]), search=True))
    uses += [RegexUse(f"shipped timestamp {t['time']}", re.compile(t["regex"]), search=True)
             for t in doc["generic"]["timestamps"]]
    return uses


def test_the_shipped_regexes_pass_both_checks_as_if_a_site_had_written_them():
    uses = shipped_uses()
    assert len(uses) >= 5
    assert check(uses) == [""] * len(uses)
    assert regex_guard.probe(uses) == [""] * len(uses)  # the timed probe too, not only the estimate


@pytest.mark.parametrize("name", FAIR)
def test_fair_site_layouts_load(tmp_path, name):
    catalog = load_catalog([site(tmp_path, FAIR[name])])
    assert "site-layout" in [layout.name for layout in catalog.layouts]


@pytest.mark.parametrize("name", CATASTROPHIC)
def test_catastrophic_site_layouts_are_refused_naming_file_and_layout(tmp_path, monkeypatch, name):
    monkeypatch.setattr(regex_guard, "REGEX_DEADLINE", 1.0)  # the cubic one needs not take 3 s
    d = site(tmp_path, CATASTROPHIC[name], name="greedy")
    with pytest.raises(DataError) as err:
        load_catalog([d])
    msg = str(err.value)
    assert str(d / "layouts.yaml") in msg and "'greedy'" in msg and "\n" not in msg, msg
    assert "backtrack" in msg, msg


@pytest.mark.parametrize("name", CATASTROPHIC)
def test_what_is_refused_really_is_slow(name):
    """Control: each refused pattern takes far longer on a line built for it than the probe's limit."""
    rx = re.compile(CATASTROPHIC[name])
    lines = {"nested (a+)+": "a" * 22 + "!", "two greedy runs then a bracket": "a b" + " " * 8000,
             "words and optional spaces repeated": "a" * 22 + "!",
             "trimmed message": "A-b-c a" + " " * 8000 + "b", "alternatives that overlap": "ab" * 20 + "!",
             "repeated back-reference": "a " + "a" * 6000 + "!", "three lazy fields": "=" * 400}
    start = time.thread_time()
    with time_limit(30, name):
        rx.match(lines[name])
    assert time.thread_time() - start > regex_guard.PROBE_LIMIT


def test_a_catastrophic_generic_token_is_refused_too(tmp_path):
    d = tmp_path / "site"
    d.mkdir()
    (d / "generic.yaml").write_text(yaml.safe_dump({"generic": {
        "token": r"(?P<letter>[A-Z])-(?P<facility>(\w+)+)-(?P<event>\w+)"}}))
    with pytest.raises(DataError, match=r"generic\.yaml: generic: token: nested repetition"):
        load_catalog([d])


@pytest.mark.parametrize("command", [["catalog"], ["stats", "LOG"], ["decode", "LOG"], ["LOG"]])
def test_every_command_refuses_it_in_one_line_exit_2(tmp_path, command):
    d = site(tmp_path, CATASTROPHIC["two greedy runs then a bracket"], name="greedy")
    log = tmp_path / "mta-event.log"
    log.write_text("x" * 100 + "\n")
    args = [str(log) if a == "LOG" else a for a in command]
    ran = run_cli(tmp_path, *args, "--catalog", str(d), timeout=60)
    assert_one_line_error(ran, str(d / "layouts.yaml"), "'greedy'", "backtracks")


def test_the_probe_never_outlives_the_command(tmp_path):
    """Killed while it checks a layout that never finishes, the command leaves no checking process."""
    d = site(tmp_path, CATASTROPHIC["three lazy fields"])
    proc = subprocess.Popen([sys.executable, "-m", "console", "catalog", "--catalog", str(d)], cwd=REPO_ROOT,
                            env=cli_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        child = wait_sync(lambda: _children(proc.pid), 30, "the checking process")[0]
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(10)
        wait_sync(lambda: not _alive(child), 5, "the checking process to end with the command")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
