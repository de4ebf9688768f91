"""The operator's own ssh client runs each session: ~/.ssh/config (Host aliases, User, Port,
IdentityFile, ProxyJump), the agent and known_hosts work as they do at the shell. BatchMode=yes:
no password or host-key question can ever reach the console; ssh refuses instead, and what it
said on standard error becomes the host's state, with what to do about it.

ProxyJump: ssh runs the jump's ssh as `ssh [-F CONFIG] -W HOST:PORT JUMP`, with none of our -o
options, so BatchMode does not reach it. What keeps it from asking anything is its environment:
no terminal (a new session), and no askpass (SSH_ASKPASS removed, SSH_ASKPASS_REQUIRE=never), or
a desktop's askpass would pop up a host-key or password question for the jump host on every retry.
The main ssh's ConnectTimeout bounds the banner's wait however the jump is stuck."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from typing import Dict, List

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


def ssh_env() -> Dict[str, str]:
    """The environment every ssh of a session runs with (the jump host's too): the operator's, so
    SSH_AUTH_SOCK and HOME work as at the shell, without a way to ask a question."""
    env = {k: v for k, v in os.environ.items() if k != "SSH_ASKPASS"}
    env["SSH_ASKPASS_REQUIRE"] = "never"
    return env


@dataclass(frozen=True)
class Failure:
    """Why a session ended, for the host's state: `retry` False when trying again cannot help
    until the operator does something (the state says what)."""

    state: str
    detail: str
    retry: bool = True


# ssh's words when a ProxyCommand (a jump host's ssh) gave up: no address to name, "UNKNOWN port 65535"
_VIA_PROXY = re.compile(r"UNKNOWN port 65535")
# what follows from an earlier line's reason, not a reason itself
_AFTERMATH = re.compile(r"UNKNOWN port 65535|^kex_exchange_identification: |^stdio forwarding failed")


def _reason(stderr: str) -> str:
    """The reason in ssh's last words, for a narrow header: through a jump host the reason is said
    first (by the jump's ssh) and the main ssh's words after it only say that it gave up."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.startswith(("@", "Warning: Perm"))]
    causes = [ln for ln in lines if not _AFTERMATH.search(ln)]
    last = (causes or lines or [""])[-1]
    via = bool(_VIA_PROXY.search(stderr))
    m = re.match(r"ssh: connect to host (\S+) port (\d+): (.*)", last)
    if m:
        return f"jump host {m.group(1)} port {m.group(2)}: {m.group(3)}" if via else m.group(3)
    m = re.match(r"channel \d+: open failed: (?:connect failed: )?(.*)", last)
    if m:
        return f"from the jump host: {m.group(1)}"
    return re.sub(r"^ssh: ", "", last)


def classify(returncode: int, stderr: str, host: str) -> Failure:
    """What ssh's exit and last words mean for the operator: short, what to do first (a header).
    A refusal said before a jump host's ssh gave up is the jump host's, and the detail says so."""
    jump = ""
    if _VIA_PROXY.search(stderr):
        named = re.search(r"(?:Host key for|host key is known for) (\S+)", stderr)
        jump = f"jump host {named.group(1)}: " if named else "jump host: "
    if "REMOTE HOST IDENTIFICATION HAS CHANGED" in stderr or "Host key for" in stderr and "has changed" in stderr:
        changed = re.search(r"Host key for (\S+) has changed", stderr)
        name = changed.group(1) if jump and changed else host
        return Failure(HOST_KEY, f"{jump}CHANGED: check it, then `ssh-keygen -R {name}`", retry=False)
    if re.search(r"No \S+ host key is known|Host key verification failed", stderr):
        return Failure(HOST_KEY, f"{jump}unknown: run `ssh {host}` once to check and accept it", retry=False)
    m = re.search(r"Permission denied \([^)]*\)|Too many authentication failures", stderr)
    if m:
        return Failure(AUTH_FAILED, f"{jump}{m.group(0)}: check the key, ssh-add -l, the User", retry=False)
    python = re.escape(os.path.basename(remote_python()))
    if re.search(rf"{python}: (?:command )?not found", stderr) or (
            returncode == NO_PYTHON_EXIT and re.search(r"(?i)not found|no such file", stderr)):
        return Failure(NO_PYTHON, f"none on its PATH (or set {PYTHON_ENV})", retry=False)
    return Failure(DISCONNECTED, _reason(stderr) or f"ssh ended (exit {returncode})")
