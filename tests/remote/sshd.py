"""A real OpenSSH server on 127.0.0.1 for the remote-follow tests: its own host key, an
authorized key, and an ssh client config (Host aliases) that the code under test is pointed at
with SMTP_CONSOLE_SSH_CONFIG. Everything lives in one temporary directory."""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path: Path) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(path)], check=True)
    return (path.parent / (path.name + ".pub")).read_text().strip()


class Sshd:
    """One server. start()/kill() as often as a test likes; kill() ends its sessions too."""

    def __init__(self, root: Path, *, env_path: Optional[str] = None) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.host_pub = keygen(root / "host_key")
        self.client_pub = keygen(root / "client_key")
        (root / "authorized_keys").write_text(self.client_pub + "\n")
        lines = [f"Port {self.port}", "ListenAddress 127.0.0.1", f"HostKey {root / 'host_key'}",
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
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
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

    def host_entry(self, alias: str, *, key: Optional[Path] = None, known: bool = True) -> str:
        """A Host block for an ssh client config; known=False: the host key is not in known_hosts."""
        known_file = self.root / ("known_hosts" if known else "known_hosts_empty")
        if known:
            with open(known_file, "a") as f:
                f.write(f"{alias} {self.host_pub}\n")
        else:
            known_file.touch()
        return "\n".join([
            f"Host {alias}", "  HostName 127.0.0.1", f"  Port {self.port}", f"  User {getpass.getuser()}",
            f"  IdentityFile {key or self.root / 'client_key'}", "  IdentitiesOnly yes", f"  HostKeyAlias {alias}",
            f"  UserKnownHostsFile {known_file}", "  GlobalKnownHostsFile /dev/null", "  StrictHostKeyChecking yes",
            "  IdentityAgent none", ""])


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
