"""A real OpenSSH server on 127.0.0.1 (or ::1) for the remote-follow tests: its own host key, an
authorized key, and an ssh client config (Host aliases) that the code under test is pointed at
with SMTP_CONSOLE_SSH_CONFIG; and a real ssh-agent. Everything lives in one temporary directory
(but an agent's socket, whose path must be short)."""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
SSH = shutil.which("ssh")


def why_no_sshd() -> Optional[str]:
    """None when a test server can be run here, else why not (the reason a test skips with)."""
    if SSHD is None or SSH is None or shutil.which("ssh-keygen") is None:
        return "OpenSSH (openssh-server and openssh-client) is not installed; .ci/run installs it"
    if os.geteuid() == 0:
        try:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory
        except OSError as exc:
            return f"cannot make /run/sshd: {exc}"
    return None


def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def why_no_ipv6() -> Optional[str]:
    """None when a socket can be bound to ::1 here, else why not."""
    try:
        free_port("::1")
    except OSError as exc:
        return f"no IPv6 loopback on this machine (binding ::1: {exc.strerror or exc})"
    return None


def keygen(path: Path) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(path)], check=True)
    return (path.parent / (path.name + ".pub")).read_text().strip()


class Sshd:
    """One server. start()/kill() as often as a test likes; kill() ends its sessions too."""

    def __init__(self, root: Path, *, env_path: Optional[str] = None, address: str = "127.0.0.1") -> None:
        self.root = root
        self.address = address
        root.mkdir(parents=True, exist_ok=True)
        self.port = free_port(address)
        self.host_pub = keygen(root / "host_key")
        self.client_pub = keygen(root / "client_key")
        (root / "authorized_keys").write_text(self.client_pub + "\n")
        lines = [f"Port {self.port}", f"ListenAddress {address}", f"HostKey {root / 'host_key'}",
                 f"PidFile {root / 'sshd.pid'}", f"AuthorizedKeysFile {root / 'authorized_keys'}",
                 "StrictModes no", "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                 "PubkeyAuthentication yes", "PermitRootLogin yes", "LogLevel ERROR", "MaxStartups 50"]
        if env_path is not None:
            lines.append(f"SetEnv PATH={env_path}")
        (root / "sshd_config").write_text("\n".join(lines) + "\n")
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> "Sshd":
        log = open(self.root / "sshd.log", "ab")
        self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(self.root / "sshd_config")],
                                     stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd exited: {(self.root / 'sshd.log').read_text()[-500:]}")
            try:
                with socket.create_connection((self.address, self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("sshd did not listen within 10 s")

    def kill(self) -> None:
        """The server and every session it runs, at once (as a crash or a reboot would)."""
        if self.proc is None:
            return
        pids = _descendants(self.proc.pid) + [self.proc.pid]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        self.proc = None

    def host_entry(self, alias: str, *, key: Optional[Path] = None, known: bool = True, agent: bool = False,
                   jump: Optional[str] = None, strict: str = "yes", key_alias: Optional[str] = None) -> str:
        """A Host block for an ssh client config; known=False: the host key is not in known_hosts;
        agent=True: no IdentityFile, the keys are the agent's (SSH_AUTH_SOCK); jump: a ProxyJump
        alias; key_alias: the name known_hosts holds the key under (None: the alias; "": the
        address as ssh writes it, `[127.0.0.1]:PORT`, with no HostKeyAlias)."""
        known_file = self.root / ("known_hosts" if known else "known_hosts_empty")
        name = alias if key_alias is None else key_alias
        if known:
            with open(known_file, "a") as f:
                f.write(f"{name or f'[{self.address}]:{self.port}'} {self.host_pub}\n")
        else:
            known_file.touch()
        if agent:  # an IdentityFile that is not there: not the defaults in ~/.ssh either, only the agent's keys
            auth = [f"  IdentityFile {self.root / 'no_such_key'}", "  IdentitiesOnly no"]
        else:
            auth = [f"  IdentityFile {key or self.root / 'client_key'}", "  IdentitiesOnly yes", "  IdentityAgent none"]
        return "\n".join([
            f"Host {alias}", f"  HostName {self.address}", f"  Port {self.port}", f"  User {getpass.getuser()}",
            *auth, *([f"  HostKeyAlias {name}"] if name else []), *([f"  ProxyJump {jump}"] if jump else []),
            f"  UserKnownHostsFile {known_file}", "  GlobalKnownHostsFile /dev/null",
            f"  StrictHostKeyChecking {strict}", ""])


class Agent:
    """A real ssh-agent on its own socket (ssh-agent -D -a SOCK): add() a key, kill() it."""

    def __init__(self) -> None:
        if shutil.which("ssh-agent") is None or shutil.which("ssh-add") is None:
            raise RuntimeError("ssh-agent is not installed")
        self.dir = tempfile.mkdtemp(prefix="agent-", dir="/tmp")  # a socket's path has ~100 bytes at most
        self.sock = os.path.join(self.dir, "sock")
        self.proc = subprocess.Popen(["ssh-agent", "-D", "-a", self.sock], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.sock):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("ssh-agent did not make its socket within 10 s")
            time.sleep(0.01)

    def add(self, key: Path) -> None:
        subprocess.run(["ssh-add", "-q", str(key)], env=dict(os.environ, SSH_AUTH_SOCK=self.sock),
                       check=True, stdin=subprocess.DEVNULL, capture_output=True)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def write_client_config(path: Path, entries: List[str]) -> Path:
    path.write_text("\n".join(entries))
    return path


def _descendants(pid: int) -> List[int]:
    children: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out
