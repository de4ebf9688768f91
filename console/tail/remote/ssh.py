"""The operator's own ssh client runs each session: ~/.ssh/config (Host aliases, User, Port,
IdentityFile, ProxyJump), the agent and known_hosts work as they do at the shell. BatchMode=yes:
no password or host-key question can ever reach the console; ssh refuses instead, and what it
said on standard error becomes the host's state, with what to do about it."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from typing import List

from console.tail.contract import AUTH_FAILED, DISCONNECTED, HOST_KEY, NO_PYTHON
from console.tail.remote.bundle import remote_command
from console.tail.remote.spec import Target

SSH_CONFIG_ENV = "SMTP_CONSOLE_SSH_CONFIG"  # a config file for ssh -F instead of ~/.ssh/config
SSH_OPTIONS_ENV = "SMTP_CONSOLE_SSH_OPTIONS"  # more ssh options, as a shell would split them
PYTHON_ENV = "SMTP_CONSOLE_REMOTE_PYTHON"  # the remote interpreter, when it is not `python3`
NO_PYTHON_EXIT = 127  # the remote shell's "command not found"


def remote_python() -> str:
    return os.environ.get(PYTHON_ENV) or "python3"


def ssh_argv(target: Target) -> List[str]:
    argv = ["ssh"]
    config = os.environ.get(SSH_CONFIG_ENV)
    if config:
        argv += ["-F", config]
    argv += shlex.split(os.environ.get(SSH_OPTIONS_ENV, ""))
    argv += ["-T", "-x", "-a", "-o", "BatchMode=yes", "-o", "ServerAliveInterval=10",
             "-o", "ServerAliveCountMax=3", "-o", "ConnectTimeout=20"]
    if target.port is not None:
        argv += ["-p", str(target.port)]
    return argv + ["--", target.destination, remote_command(remote_python())]


@dataclass(frozen=True)
class Failure:
    """Why a session ended, for the host's state: `retry` False when trying again cannot help
    until the operator does something (the state says what)."""

    state: str
    detail: str
    retry: bool = True


def _last_line(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.startswith(("@", "Warning: Perm"))]
    last = lines[-1] if lines else ""
    return re.sub(r"^ssh: (?:connect to host \S+ port \d+: )?", "", last)  # the reason, for a narrow header


def classify(returncode: int, stderr: str, host: str) -> Failure:
    """What ssh's exit and last words mean for the operator: short, what to do first (a header)."""
    if "REMOTE HOST IDENTIFICATION HAS CHANGED" in stderr or "Host key for" in stderr and "has changed" in stderr:
        return Failure(HOST_KEY, f"CHANGED: check it, then `ssh-keygen -R {host}`", retry=False)
    if re.search(r"No \S+ host key is known|Host key verification failed", stderr):
        return Failure(HOST_KEY, f"unknown: run `ssh {host}` once to check and accept it", retry=False)
    m = re.search(r"Permission denied \([^)]*\)|Too many authentication failures", stderr)
    if m:
        return Failure(AUTH_FAILED, f"{m.group(0)}: check the key, ssh-add -l, the User", retry=False)
    python = re.escape(os.path.basename(remote_python()))
    if re.search(rf"{python}: (?:command )?not found", stderr) or (
            returncode == NO_PYTHON_EXIT and re.search(r"(?i)not found|no such file", stderr)):
        return Failure(NO_PYTHON, f"none on its PATH (or set {PYTHON_ENV})", retry=False)
    return Failure(DISCONNECTED, _last_line(stderr) or f"ssh ended (exit {returncode})")
