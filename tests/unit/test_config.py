"""The XDG config file: options a site sets once; flags win; a bad file is one line and exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from console.commands.config import load_config
from console.errors import DataError


def write(tmp_path: Path, text: str) -> Path:
    cfg = tmp_path / "smtp-console" / "config.yaml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(text)
    return cfg


def test_reads_every_option_from_the_xdg_directory(tmp_path, monkeypatch):
    write(tmp_path, "paths: [/var/log/a.log, '~/b*.log']\ntheme: smtp-light\nhistory: 500\n"
                    "catalog: /etc/site\nthemes: [/etc/themes]\nlines: 0\nmax_line: 4096\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    cfg = load_config()
    assert cfg["paths"][0] == "/var/log/a.log" and not cfg["paths"][1].startswith("~")
    assert cfg["theme"] == "smtp-light" and cfg["history"] == 500 and cfg["lines"] == 0
    assert cfg["catalog"] == ["/etc/site"] and cfg["themes"] == ["/etc/themes"]
    assert cfg["max_line"] == 4096


def test_absent_default_file_is_no_error(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_config() == {}


def test_absent_explicit_file_is_an_error(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_config(tmp_path / "nope.yaml")


@pytest.mark.parametrize("text, problem", [
    ("history: lots\n", "history"),
    ("history: 0\n", "history"),
    ("colour: red\n", "unknown key 'colour'"),
    ("paths: {a: 1}\n", "paths"),
    ("- just\n- a list\n", "mapping"),
    ("theme: [unclosed\n", "YAML error"),
    ("x: !!python/object/apply:os.system ['true']\n", "YAML error"),
])
def test_bad_config_is_one_line_naming_the_file(tmp_path, monkeypatch, text, problem):
    cfg = write(tmp_path, text)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    with pytest.raises(DataError) as err:
        load_config()
    message = str(err.value)
    assert "\n" not in message and str(cfg) in message and problem in message


def run(args, tmp_path, **env):
    import os
    repo = str(Path(__file__).resolve().parents[2])
    full = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), **env,
            "PYTHONPATH": os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")]))}
    full.pop("SMTP_CONSOLE_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "console", *args], cwd=tmp_path, env=full,
                          capture_output=True, text=True, timeout=60)


def test_console_with_a_bad_config_exits_2_with_one_line(tmp_path):
    cfg = write(tmp_path, "history: -5\n")
    out = run(["/nonexistent.log"], tmp_path)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and str(cfg) in out.stderr and "Traceback" not in out.stderr


def test_console_with_an_unknown_theme_exits_2(tmp_path):
    out = run(["--theme", "purple", "/nonexistent.log"], tmp_path)
    assert out.returncode == 2 and "purple" in out.stderr and out.stderr.count("\n") == 1


def test_config_theme_is_checked_like_the_flag(tmp_path):
    write(tmp_path, "theme: purple\n")
    out = run(["/nonexistent.log"], tmp_path)
    assert out.returncode == 2 and "purple" in out.stderr


def test_no_path_and_no_isode_log_says_how_to_start(tmp_path):
    if list(Path("/var/isode/log").glob("mta-event*.log")):
        pytest.skip("this machine has an Isode event log")
    out = run([], tmp_path)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "--demo" in out.stderr and "/var/isode/log/mta-event*.log" in out.stderr


def test_stdin_is_refused_by_the_console_with_a_hint(tmp_path):
    out = run(["-"], tmp_path)
    assert out.returncode == 2 and "decode --follow" in out.stderr
