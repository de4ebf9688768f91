"""The real command in a real terminal (tmux): hostile lines do not retitle the pane, write the clipboard
or clear the screen; the console survives 20x5 and a 100,000-line burst; SIGTERM and SIGHUP end it with
status 0 and the terminal restored (alternate screen left, mouse off, cursor shown); its log fds are
read-only. tmux is the witness: pane_title, its paste buffers (set-clipboard on), its pane flags."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys

import pytest

from .conftest import PIPE_LAYOUT, pipe_line
from .helpers import PAYLOADS, REPO_ROOT, wait_sync

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

HOSTILE_LINE = ("2026-11-24 10:00:00.000 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: " + " ".join(
    PAYLOADS[k] for k in ("osc 52 clipboard", "textual action", "osc title", "osc hyperlink", "csi clear",
                          "leave alt screen", "c1 csi/osc", "bidi"))).encode()
GOOD = b"2026-11-24 10:00:00.000 smtpsrvr[1] I-MTA_SMTP-Connection: connection from 192.0.2.1 (hello)"


class Tmux:
    """A private tmux server (its own socket, no user config) running one command in a 160x45 pane."""

    def __init__(self, tmp_path, command: str) -> None:
        self.sock = str(tmp_path / "tmux.sock")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
        self.env.update(TERM="xterm-256color", XDG_CONFIG_HOME=str(tmp_path / "xdg"),
                        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])))
        self.env.pop("NO_COLOR", None)
        shell = f"{command}; echo EXITED rc=$?; sleep 120"
        self.run("-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "45", "sh", "-c", shell)
        self.run("set-option", "-g", "set-clipboard", "on")

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.sock, *args], env=self.env, capture_output=True, text=True,
                              timeout=20, check=True).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-J")  # -J: a wrapped line comes back whole

    def fmt(self, text: str) -> str:
        return self.run("display-message", "-p", text).strip()

    def buffers(self) -> str:
        return subprocess.run(["tmux", "-S", self.sock, "list-buffers"], env=self.env, capture_output=True,
                              text=True, timeout=20).stdout

    def wait_screen(self, text: str, timeout: float = 30) -> str:
        return wait_sync(lambda: (s := self.screen()) and text in s and s, timeout, f"{text!r} on the screen")

    def console_pid(self) -> int:
        shell = int(self.fmt("#{pane_pid}"))

        def child():
            for pid in os.listdir("/proc"):
                try:
                    with open(f"/proc/{pid}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        cmd = f.read()
                except OSError:
                    continue
                if int(fields[1]) == shell and b"console" in cmd:
                    return int(pid)
            return None
        return wait_sync(child, 10, "the console process")

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.sock, "kill-server"], env=self.env, capture_output=True, timeout=20)


def console_command(*args: str) -> str:
    return shlex.join([sys.executable, "-m", "console", *args])


def assert_terminal_restored(tmux: Tmux) -> None:
    flags = tmux.fmt("#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} #{mouse_sgr_flag} #{cursor_flag}")
    assert flags == "0 0 0 0 1", f"alternate, mouse any/button/sgr, cursor = {flags}"


def assert_not_obeyed(tmux: Tmux) -> None:
    assert "PWNED" not in tmux.fmt("#{pane_title}"), "a log line retitled the terminal"
    assert tmux.buffers() == "", "a log line wrote the clipboard (OSC 52)"


def log_fd_flags(pid: int, log) -> list[int]:
    flags = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(log):
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    flags.append(int(next(ln for ln in f if ln.startswith("flags:")).split()[1], 8))
        except (OSError, StopIteration):
            continue
    return flags


@pytest.fixture
def log(tmp_path):
    p = tmp_path / "mta-event.log"
    p.write_bytes(GOOD + b"\n" + HOSTILE_LINE + b"\n")
    return p


def test_console_in_tmux_resize_burst_then_sigterm(tmp_path, log):
    tmux = Tmux(tmp_path, console_command(str(log)))
    try:
        screen = tmux.wait_screen("[@click=app.quit]quit[/]")
        assert "FOLLOWING" in screen and "\\e]52;c;cHduZWQ=\\x07" in screen
        assert tmux.fmt("#{alternate_on}") == "1"
        assert_not_obeyed(tmux)
        pid = tmux.console_pid()
        flags = log_fd_flags(pid, log)
        assert flags and all(f & os.O_ACCMODE == os.O_RDONLY for f in flags), [oct(f) for f in flags]
        # squeezed to 20x5 and back
        tmux.run("resize-window", "-x", "20", "-y", "5")
        wait_sync(lambda: len(tmux.screen().splitlines()) <= 5 and tmux.screen().strip(), 15, "a 20x5 screen")
        assert all(len(line) <= 20 for line in tmux.screen().splitlines())
        tmux.run("resize-window", "-x", "160", "-y", "45")
        tmux.wait_screen("FOLLOWING")
        # a burst of 100,000 lines at once
        with open(log, "ab") as f:
            f.write(b"".join(GOOD.replace(b"(hello)", b"(burst %07d)" % i) + b"\n" for i in range(100_000)))
        tmux.wait_screen("(burst 0099999)", timeout=60)
        tmux.wait_screen("held 100,000/100,000", timeout=30)
        assert os.path.exists(f"/proc/{pid}")
        os.kill(pid, signal.SIGTERM)
        tmux.wait_screen("EXITED rc=0", timeout=20)
        assert_terminal_restored(tmux)
        assert_not_obeyed(tmux)
    finally:
        tmux.close()


def test_console_in_tmux_sighup(tmp_path, log):
    tmux = Tmux(tmp_path, console_command(str(log)))
    try:
        tmux.wait_screen("[@click=app.quit]quit[/]")
        os.kill(tmux.console_pid(), signal.SIGHUP)
        tmux.wait_screen("EXITED rc=0", timeout=20)
        assert_terminal_restored(tmux)
        assert_not_obeyed(tmux)
    finally:
        tmux.close()


def test_decode_straight_to_the_terminal_is_inert(tmp_path, log):
    tmux = Tmux(tmp_path, console_command("decode", str(log)))
    try:
        screen = tmux.wait_screen("EXITED rc=0")
        assert "[@click=app.quit]quit[/]" in screen and "\\e]0;PWNED-TITLE\\x07" in screen
        assert "connection from 192.0.2.1 (hello)" in screen  # a clear-screen did not wipe the line before
        assert_not_obeyed(tmux)
        assert_terminal_restored(tmux)
    finally:
        tmux.close()


def test_console_in_tmux_time_field_cannot_retitle_the_terminal(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "layouts.yaml").write_text(PIPE_LAYOUT)
    log = tmp_path / "pipe.log"
    log.write_text(pipe_line(ts="\x1b]2;PWNED\x07 10:00", message="time field") + "\n")
    tmux = Tmux(tmp_path, console_command("--catalog", str(site), str(log)))
    try:
        tmux.wait_screen("time field")
        assert "PWNED" not in tmux.fmt("#{pane_title}")
    finally:
        tmux.close()
