"""Which arguments name a log on another host: `[user@]host:PATH_OR_GLOB` (as scp and rsync write
it) and `ssh://[user@]host[:port]/PATH_OR_GLOB`. A local path that exists is local, whatever its
characters, and so is anything with a slash before its first colon (`./a:b`, `/x/a:b`)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from console.errors import DataError

_HOST = r"[A-Za-z0-9_.%-]+|\[[0-9A-Fa-f:.%a-z]+\]"
_SCP = re.compile(rf"(?:(?P<user>[^@/:\s]+)@)?(?P<host>{_HOST}):(?P<path>.*)\Z", re.DOTALL)
_URL = re.compile(rf"ssh://(?:(?P<user>[^@/:\s]+)@)?(?P<host>{_HOST})(?::(?P<port>\d+))?(?P<path>/.*)?\Z",
                  re.DOTALL)
SEP = ":"  # between a host's label and a remote file in the names lines and states carry


@dataclass(frozen=True)
class Target:
    """One SSH destination: what `ssh` is given, and the label its lines and states carry."""

    host: str
    user: Optional[str] = None
    port: Optional[int] = None

    @property
    def label(self) -> str:
        return self.host if self.port is None else f"{self.host}:{self.port}"

    @property
    def destination(self) -> str:
        host = self.host[1:-1] if self.host.startswith("[") else self.host
        return f"{self.user}@{host}" if self.user else host


@dataclass(frozen=True)
class RemoteSpec:
    target: Target
    path: str  # a path or glob on the remote host, as given


class SpecError(DataError, ValueError):
    """An argument that looks remote but cannot be used: the message names it (bad input: the
    command line says it in one line and exits 2)."""


def parse_remote(text: str) -> Optional[RemoteSpec]:
    """The remote log `text` names, or None when it is a local path (or "-")."""
    if not isinstance(text, str) or text == "-":
        return None
    if text.startswith("ssh://"):
        m = _URL.match(text)
        if m is None or not m.group("path") or m.group("path") == "/":
            raise SpecError(f"{text}: expected ssh://[user@]host[:port]/PATH")
        port = int(m.group("port")) if m.group("port") else None
        if port is not None and not 0 < port < 65536:
            raise SpecError(f"{text}: port {port} is out of range")
        return RemoteSpec(Target(m.group("host"), m.group("user"), port), m.group("path"))
    if os.path.lexists(text) or os.path.lexists(os.path.expanduser(text)):
        return None
    colon, slash = text.find(":"), text.find("/")
    if colon <= 0 or (0 <= slash < colon):
        return None
    m = _SCP.match(text)
    if m is None:
        return None
    if not m.group("path"):
        raise SpecError(f"{text}: give the log's path on the host after the colon ({text}/var/isode/log/mta-event*.log)")
    return RemoteSpec(Target(m.group("host"), m.group("user")), m.group("path"))


def split_sources(paths: List[str]) -> Tuple[List[str], List[RemoteSpec]]:
    """The local paths, and the remote ones, each in the order given."""
    local: List[str] = []
    remote: List[RemoteSpec] = []
    for p in paths:
        spec = parse_remote(os.fspath(p) if not isinstance(p, str) else p)
        if spec is None:
            local.append(p)
        elif spec not in remote:
            remote.append(spec)
    return local, remote


def is_remote(text: str) -> bool:
    try:
        return parse_remote(text) is not None
    except SpecError:
        return True


def label_of(source: str) -> Optional[str]:
    """The host label in a remote line's source name (`mail1:/var/isode/log/x.log` -> mail1), else None."""
    if not source or source[0] == "/" or SEP not in source:
        return None
    label, _, rest = source.partition(SEP + "/")
    if not rest or "/" in label or not label:
        return None
    return label


def host_of(source: str) -> Optional[str]:
    """The host a remote line's source name names (its label without a port), else None."""
    label = label_of(source)
    if label is None:
        return None
    return label.rsplit(SEP, 1)[0] if re.search(r":\d+\Z", label) else label


def short_name(path: str) -> str:
    """A source's name for a narrow place: the file name, with its host when it has one."""
    label = label_of(path)
    base = os.path.basename(path) or path
    return f"{label}{SEP}{base}" if label else base
