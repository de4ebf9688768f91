"""Which arguments name a log on another host: `[user@]host:PATH_OR_GLOB` (as scp and rsync write
it) and `ssh://[user@]host[:port]/PATH_OR_GLOB`. A local path that exists is local, whatever its
characters, and so is anything with a slash before its first colon (`./a:b`, `/x/a:b`). An IPv6
address goes in brackets, as scp and URLs want it (`[::1]:/x`, `ssh://[fe80::1%eth0]:2222/x`): a
bare one (`::1:/x`) cannot be told from host `::1` or host `:` and is refused, saying so."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from console.errors import DataError

_HOST = r"[A-Za-z0-9_.%-]+|\[[^\[\]/@\s]+\]"  # a name or an IPv4 address; in brackets, an IPv6 one
_SCP = re.compile(rf"(?:(?P<user>[^@/:\s]+)@)?(?P<host>{_HOST}):(?P<path>.*)\Z", re.DOTALL)
_URL = re.compile(rf"ssh://(?:(?P<user>[^@/:\s]+)@)?(?P<host>{_HOST})(?::(?P<port>[0-9]+))?(?P<path>/.*)?\Z",
                  re.DOTALL)
_PORT_IN_PATH = re.compile(r"[0-9]{1,5}:/")
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
        return _parse_url(text)
    if _exists(text):
        return None
    colon, slash = text.find(":"), text.find("/")
    if colon < 0 or (0 <= slash < colon):
        return None
    addr = _bare_ipv6(text)
    if addr:
        raise SpecError(f"{text}: an IPv6 address goes in brackets: {text.replace(addr, f'[{addr}]', 1)}")
    m = _SCP.match(text) if colon > 0 else None
    if m is None:
        return None
    host, path = _host(text, m.group("host")), m.group("path")
    if not path:
        raise SpecError(f"{text}: give the log's path on the host after the colon ({text}/var/isode/log/mta-event*.log)")
    if _PORT_IN_PATH.match(path):
        port = path.split(":", 1)[0]
        raise SpecError(f"{text}: a port goes in the URL form: ssh://{_user(m)}{host}:{port}/{path.split(':/', 1)[1]}")
    return RemoteSpec(Target(host, m.group("user")), path)


def _parse_url(text: str) -> RemoteSpec:
    m = _URL.match(text)
    if m is None or not m.group("path") or m.group("path") == "/":
        authority = text[6:].split("/", 1)[0].rsplit("@", 1)[-1]
        if authority.count(":") > 1 and "[" not in authority:
            raise SpecError(f"{text}: an IPv6 address goes in brackets: ssh://[user@][ADDRESS]:PORT/PATH")
        raise SpecError(f"{text}: expected ssh://[user@]host[:port]/PATH")
    digits = m.group("port")
    port = (int(digits) if len(digits) < 6 else 0) if digits else None
    if port is not None and not 0 < port < 65536:
        raise SpecError(f"{text}: port {digits} is out of range (1-65535)")
    host = _host(text, m.group("host").replace("%25", "%"))  # a URL writes an IPv6 zone's % as %25
    return RemoteSpec(Target(host, m.group("user"), port), m.group("path"))


def _host(text: str, host: str) -> str:
    """`host` as given, once a bracketed one is checked to be an IPv6 address (ssh is given it
    without the brackets; the label keeps them, so its port or path can be told from it)."""
    if host.startswith("[") and not _ipv6(host[1:-1]):
        raise SpecError(f"{text}: {host} is not an IPv6 address (brackets are for those)")
    return host


def _bare_ipv6(text: str) -> Optional[str]:
    """The IPv6 address `[user@]ADDRESS:PATH` starts with, if it does (it wants brackets)."""
    head = text.split("/", 1)[0].rsplit("@", 1)[-1]
    for i, c in enumerate(head):
        if c == ":" and _ipv6(head[:i]):
            return head[:i]
    return None


def _ipv6(text: str) -> bool:
    addr, _, zone = text.partition("%")
    if "%" in text and not re.fullmatch(r"[A-Za-z0-9_.-]+", zone):
        return False
    try:
        return isinstance(ipaddress.ip_address(addr), ipaddress.IPv6Address)
    except ValueError:
        return False


def _exists(text: str) -> bool:
    try:
        return os.path.lexists(text) or os.path.lexists(os.path.expanduser(text))
    except (ValueError, OSError):  # a NUL in a ~user name, say: no such local file
        return False


def _user(m: "re.Match") -> str:
    return f"{m.group('user')}@" if m.group("user") else ""


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
