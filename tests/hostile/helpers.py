"""What the hostile suite shares: the payloads, the inertness oracle, a real writer process, the CLI
run as a user runs it, and waiting on conditions with deadlines (never sleeping as an assertion)."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import fcntl
import io
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, settings
from log_writer import Writer  # noqa: F401  (a real writer process holding a log open, for the hostile tests)

REPO_ROOT = Path(__file__).resolve().parents[2]

# -- fuzzing budget: short and deterministic in CI, long on request ------------------------------

LONG_RUN = os.environ.get("HOSTILE_EXAMPLES")


def fuzz(default: int = 100):
    """Hypothesis settings: `default` examples, derandomized (same run every time) unless
    HOSTILE_EXAMPLES=N asks for a long, randomized run."""
    if LONG_RUN:
        return settings(max_examples=int(LONG_RUN), deadline=None,
                        suppress_health_check=list(HealthCheck))
    return settings(max_examples=default, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


# -- what strangers write ---------------------------------------------------------------------

PAYLOADS = {
    "rich markup": "[b]bold[/b] [/] [red on red]hidden[/] :warning: \\[esc]",
    "textual action": "[@click=app.quit]quit[/] [@click=app.bell]bell[/]",
    "rich link": "[link=https://evil.example/]click me[/link]",
    "csi clear": "\x1b[2J\x1b[H\x1b[3J",
    "csi colour/conceal": "\x1b[31;8mred\x1b[0m",
    "leave alt screen": "\x1b[?1049l\x1b[?25h",
    "osc title": "\x1b]0;PWNED-TITLE\x07\x1b]2;PWNED-TITLE\x1b\\",
    "osc hyperlink": "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "osc 52 clipboard": "\x1b]52;c;cHduZWQ=\x07",
    "dcs/apc": "\x1bP+q544e\x1b\\\x1b_Gf=100;AAAA\x1b\\",
    "c1 csi/osc": "\x9b2J\x9d0;PWNED\x9c\x85",
    "c0": "\x00nul\x07bell\x08\x08\x08bs\x0b\x0c\x7f\x1a",
    "lone cr": "visible\rOVERWRITTEN",
    "bidi": "\u202eevil.exe\u202c \u2066iso\u2069 \u200f\u061c",
    "zero width": "a\u200bb\u200dc\ufeffd\u2060e\u00adf\U000e0041\U000e007f\u3164\u034fg",
    "separators": "line\u2028sep\u2029para",
    "wide": "\u90ae\u4ef6\u670d\u52a1\u5668 \U0001F600 \uff46\uff55\uff4c\uff4c",
    "combining": "e\u0301 Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359",
}
HOSTILE = " ".join(PAYLOADS.values())
LITERALS = ["[b]bold[/b]", "[@click=app.quit]quit[/]", "[link=https://evil.example/]", "\\e[2J",
            "\\e]52;c;cHduZWQ=\\x07", "\\x9b2J", "\\u202e", "\\u200b", "\\U000e0041", "\\x00nul",
            "visible\\rOVERWRITTEN", "\u90ae\u4ef6", "e\u0301"]
# Invisible although not Cc/Cf: blank fillers and marks that hide text.
_FILLERS = set("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
_BAD = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def raw_controls(text: str, *, allow_newlines: bool = False) -> list[str]:
    """Characters a terminal would obey or hide: the oracle is unicodedata, not safe_text's own list."""
    return [c for c in text
            if (unicodedata.category(c) in _BAD or c in _FILLERS) and not (allow_newlines and c == "\n")]


def assert_inert(text: str, what: str = "output", *, allow_newlines: bool = True) -> None:
    bad = raw_controls(text, allow_newlines=allow_newlines)
    assert not bad, f"raw control/invisible characters in {what}: {sorted(set(bad))!r}"


# -- waiting with deadlines -------------------------------------------------------------------

@contextlib.contextmanager
def time_limit(seconds: float, what: str):
    """Python's re cannot be stopped from outside but does check for signals: a regex that runs away
    raises TimeoutError here instead of hanging the suite (main thread only)."""
    def boom(*_):
        raise TimeoutError(what)
    old = signal.signal(signal.SIGALRM, boom)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


async def wait_for(cond, timeout: float = 10.0, what: str = "condition", step: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(step)


def wait_sync(cond, timeout: float = 10.0, what: str = "condition", step: float = 0.02):
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(step)


# -- the command line, as a user runs it ------------------------------------------------------

def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env.pop("SMTP_CONSOLE_DEBUG", None)
    env.pop("PYTHONIOENCODING", None)
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


class Ran:
    def __init__(self, returncode: int, stdout: bytes, stderr: bytes, max_rss_kb: int) -> None:
        self.returncode, self.stdout, self.stderr, self.max_rss_kb = returncode, stdout, stderr, max_rss_kb

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")


# `python -m console ARGS`, reporting its own peak memory at exit. The kernel's ru_maxrss would not do:
# it keeps the peak of the image the child inherited from pytest before exec; VmHWM starts afresh.
_BOOT = ("import atexit, os, runpy, sys\n"
         "def _peak():\n"
         "    with open('/proc/self/status') as f:\n"
         "        kb = next(ln for ln in f if ln.startswith('VmHWM')).split()[1]\n"
         "    with open(os.environ['HOSTILE_PEAK_FILE'], 'w') as out:\n"
         "        out.write(kb)\n"
         "atexit.register(_peak)\n"
         "sys.argv[0] = 'smtp-console'\n"
         "runpy.run_module('console', run_name='__main__', alter_sys=True)\n")


def run_cli(tmp_path: Path, *args: str, stdin=None, timeout: float = 60, env: dict | None = None) -> Ran:
    """`python -m console ARGS` in tmp_path (via runpy, to read its peak memory at exit)."""
    peak_file = tmp_path / ".peak-kb"
    peak_file.unlink(missing_ok=True)
    env = dict(env or cli_env(tmp_path), HOSTILE_PEAK_FILE=str(peak_file))
    try:
        proc = subprocess.run([sys.executable, "-c", _BOOT, *args], cwd=tmp_path, env=env,
                              stdin=stdin if stdin is not None else subprocess.DEVNULL,
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"smtp-console {' '.join(args)} did not finish in {timeout}s") from None
    peak = int(peak_file.read_text()) if peak_file.exists() else -1
    return Ran(proc.returncode, proc.stdout, proc.stderr, peak)


def assert_one_line_error(ran: Ran, *words: str) -> str:
    text = ran.err
    assert ran.returncode == 2, (ran.returncode, text)
    assert text.endswith("\n") and text.count("\n") == 1, f"not one line: {text!r}"
    assert "Traceback" not in text
    assert_inert(text, "the error message")
    for w in words:
        assert w in text, f"{w!r} not in {text!r}"
    return text


# -- it only ever reads ---------------------------------------------------------------------------

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


@contextlib.contextmanager
def read_only_guard(root, monkeypatch):
    """Records every open under `root` (failing on a write mode or a lock) and every program started."""
    root = os.fspath(root)
    opened: list[tuple[str, object]] = []
    spawned: list[str] = []
    real_os_open, real_open, real_io_open = os.open, builtins.open, io.open

    def guard_os_open(path, flags, *a, **k):
        if os.fspath(path).startswith(root):
            opened.append((os.fspath(path), flags))
            assert not flags & WRITE_FLAGS, f"os.open({path}, {flags:#o}) asks to write"
        return real_os_open(path, flags, *a, **k)

    def guard_open(file, mode="r", *a, **k):
        if isinstance(file, (str, bytes, os.PathLike)) and os.fspath(file).startswith(root):
            opened.append((os.fspath(file), mode))
            assert not set(mode) & set("wax+"), f"open({file}, {mode!r}) asks to write"
        return real_open(file, mode, *a, **k)

    def forbidden(name):
        def fail(*a, **k):
            raise AssertionError(f"{name} called on a log")
        return fail

    def recorded(name, real):
        def spy(*a, **k):
            spawned.append(f"{name}{a!r}")
            return real(*a, **k)
        return spy

    monkeypatch.setattr(os, "open", guard_os_open)
    monkeypatch.setattr(builtins, "open", guard_open)
    monkeypatch.setattr(io, "open", guard_open)
    for name in ("flock", "lockf"):
        monkeypatch.setattr(fcntl, name, forbidden(f"fcntl.{name}"))
    for mod, names in ((os, ("system", "execv", "execve", "execvp", "posix_spawn", "posix_spawnp", "fork")),
                       (subprocess, ("Popen",))):
        for name in names:
            if hasattr(mod, name):
                monkeypatch.setattr(mod, name, recorded(f"{mod.__name__}.{name}", getattr(mod, name)))
    try:
        yield opened, spawned
    finally:
        monkeypatch.setattr(os, "open", real_os_open)
        monkeypatch.setattr(builtins, "open", real_open)
        monkeypatch.setattr(io, "open", real_io_open)


def fd_flags_under(root) -> list[int]:
    """The open flags of every fd this process holds on a file under root (from /proc/self/fdinfo)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith(os.fspath(root)):
                with open(f"/proc/self/fdinfo/{fd}") as f:
                    found.append(int(next(ln for ln in f if ln.startswith("flags:")).split()[1], 8))
        except (OSError, StopIteration):
            continue
    return found
