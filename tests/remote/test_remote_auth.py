"""Authentication and routes that are the operator's own, against real OpenSSH: a key that only an
ssh-agent holds, a Host alias behind a ProxyJump alias (a second sshd as the jump host), and an
sshd on the IPv6 loopback reached as `ssh://[::1]:PORT/PATH` and `[user@][::1]:PATH`."""

from __future__ import annotations

import asyncio
import getpass
import os
import signal
import socket
import time

import pytest
from sshd import why_no_ipv6

from console.tail.contract import AUTH_FAILED, CONNECTING, DISCONNECTED, FOLLOWING, HOST_KEY
from console.tail.remote.spec import host_of, short_name


def append(path, *lines: str) -> None:
    with open(path, "ab") as f:
        f.write("".join(line + "\n" for line in lines).encode())


def state_of(c, name: str):
    return c.source.states().get(name)


def is_state(c, name: str, state: str) -> bool:
    s = state_of(c, name)
    return s is not None and s.state == state


def processes_naming(marker: str) -> list:
    """Our processes whose command line holds `marker` (a test's own config path)."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    out.append(int(pid))
        except OSError:
            continue
    return out


async def test_a_key_only_in_the_agent_follows_a_log(servers, agent, collect, tmp_path):
    (server,) = servers(1)
    agent.add(server.root / "client_key")
    (server.root / "client_key").unlink()  # the agent holds the only copy; the config names no key
    servers.config.write_text(server.host_entry("host0", agent=True))
    log = tmp_path / "mta-event.log"
    append(log, "one", "two")
    c = collect([f"host0:{log}"], lines=10)
    await c.until(lambda: c.data() == [b"one", b"two"] and is_state(c, f"host0:{log}", FOLLOWING), "the history")
    append(log, "three")
    await c.until(lambda: len(c.data()) == 3, "a new line")
    assert c.data() == [b"one", b"two", b"three"]


async def test_an_agent_without_the_key_is_authentication_failed_with_the_reason(servers, agent, collect):
    (server,) = servers(1)
    servers.config.write_text(server.host_entry("host0", agent=True))
    c = collect(["host0:/var/log/none.log"])
    await c.until(lambda: is_state(c, "host0:/var/log/none.log", AUTH_FAILED), "authentication failed", timeout=10)
    detail = state_of(c, "host0:/var/log/none.log").detail
    assert "Permission denied (publickey)" in detail and "ssh-add -l" in detail


def jump_config(servers, jump, target, **jump_kwargs) -> None:
    """`mail` (the target) reached only through `jump`, both with the agent's keys."""
    servers.config.write_text(jump.host_entry("jump", agent=True, **jump_kwargs) + "\n"
                              + target.host_entry("mail", agent=True, jump="jump"))


async def test_a_log_through_a_jump_host_exactly_once_while_the_jump_host_dies_and_returns(
        servers, agent, collect, tmp_path):
    jump, target = servers(2)
    for server in (jump, target):
        agent.add(server.root / "client_key")
    jump_config(servers, jump, target)
    log = tmp_path / "mta-event.log"
    name = f"mail:{log}"
    append(log, "a1", "a2")
    c = collect([name], lines=10)
    await c.until(lambda: c.data() == [b"a1", b"a2"] and is_state(c, name, FOLLOWING), "the history")
    append(log, "a3")
    await c.until(lambda: len(c.data()) == 3, "a live line")
    jump.kill()  # the target stays up: only the route to it is gone
    await c.until(lambda: not is_state(c, name, FOLLOWING), "the drop to be seen")
    append(log, "b1", "b2")
    await c.until(lambda: "jump host" in state_of(c, name).detail, "the jump host named in the state")
    assert state_of(c, name).state == DISCONNECTED and "Connection refused" in state_of(c, name).detail
    assert c.data() == [b"a1", b"a2", b"a3"]  # nothing reaches past a dead jump host
    jump.start()
    await c.until(lambda: len(c.data()) >= 5, "the lines written while the jump host was down")
    append(log, "b3")
    await c.until(lambda: c.data()[-1:] == [b"b3"], "a line after")
    assert c.data() == [b"a1", b"a2", b"a3", b"b1", b"b2", b"b3"]
    assert {host_of(ln.source) for ln in c.lines} == {"mail"}


async def test_a_dead_jump_host_is_one_clear_state_soon(servers, agent, collect):
    jump, target = servers(2)
    for server in (jump, target):
        agent.add(server.root / "client_key")
    jump_config(servers, jump, target)
    jump.kill()
    name = "mail:/var/log/x.log"
    c = collect([name], history_wait=0.5)
    started = time.monotonic()
    await c.until(lambda: is_state(c, name, DISCONNECTED), "disconnected", timeout=10)
    assert time.monotonic() - started < 5
    detail = state_of(c, name).detail
    assert detail.startswith(f"jump host 127.0.0.1 port {jump.port}: Connection refused"), detail
    assert {s.state for s in c.states} <= {CONNECTING, DISCONNECTED} and c.lines == []


@pytest.fixture
def silent_port():
    """A port that accepts connections and never says a word (a host that hangs before ssh's banner)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]


async def test_a_jump_host_that_never_answers_is_disconnected_within_the_connect_timeout(
        servers, agent, collect, silent_port, monkeypatch):
    jump, target = servers(2)
    agent.add(target.root / "client_key")
    servers.config.write_text(jump.host_entry("jump", agent=True).replace(f"Port {jump.port}", f"Port {silent_port}")
                              + "\n" + target.host_entry("mail", agent=True, jump="jump"))
    monkeypatch.setenv("SMTP_CONSOLE_SSH_OPTIONS", "-o ConnectTimeout=1")  # the jump's ssh is not given it
    name = "mail:/var/log/x.log"
    c = collect([name], history_wait=0.5)
    await c.until(lambda: is_state(c, name, DISCONNECTED), "disconnected", timeout=10)
    assert "timed out during banner exchange" in state_of(c, name).detail


async def test_a_session_stopped_while_its_jump_host_hangs_leaves_no_ssh_behind(
        servers, agent, collect, silent_port):
    jump, target = servers(2)
    servers.config.write_text(jump.host_entry("jump", agent=True).replace(f"Port {jump.port}", f"Port {silent_port}")
                              + "\n" + target.host_entry("mail", agent=True, jump="jump"))
    marker = str(servers.config)
    c = collect(["mail:/var/log/x.log"], history_wait=0.5)
    await c.until(lambda: len(processes_naming(marker)) >= 2, "ssh and the jump host's ssh (-W) running")
    stopping = asyncio.ensure_future(c.stop())  # the session waits for ssh's pipes: a jump's ssh holds them
    deadline = time.monotonic() + 5
    while (not stopping.done() or processes_naming(marker)) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    left = processes_naming(marker)
    for pid in left:  # ours, started by this test's session: so that the teardown can end
        os.kill(pid, signal.SIGKILL)
    await stopping
    assert left == [], f"ssh processes {left} were still running 5 s after the session was stopped"


async def test_an_ssh_whose_child_outlives_it_still_ends_its_session(collect, tmp_path, monkeypatch):
    marker = str(tmp_path / "child-of-ssh")
    fake = tmp_path / "bin" / "ssh"  # an ssh killed from outside: its ProxyJump child holds stderr on
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n"
                    f"python3 -c 'import time; time.sleep(60)' {marker} </dev/null >/dev/null &\n"
                    "echo 'ssh: connect to host 10.0.0.9 port 22: Connection refused' >&2\nexit 255\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    name = "mail:/var/log/x.log"
    c = collect([name], history_wait=0.5, backoff=(30.0, 30.0))
    await c.until(lambda: is_state(c, name, DISCONNECTED), "disconnected", timeout=10)
    assert state_of(c, name).detail.startswith("Connection refused")
    await c.until(lambda: processes_naming(marker) == [], "ssh's child gone", timeout=5)


async def test_the_jump_hosts_ssh_asks_nothing_and_its_unknown_key_is_refused(
        servers, agent, collect, tmp_path, monkeypatch):
    jump, target = servers(2)
    agent.add(jump.root / "client_key")
    jump_config(servers, jump, target, known=False, strict="ask")  # ssh's default: ask, when it can
    asked = tmp_path / "asked"
    askpass = tmp_path / "askpass"
    askpass.write_text(f'#!/bin/sh\necho "$*" >> {asked}\necho yes\n')
    askpass.chmod(0o755)
    for var, value in (("DISPLAY", ":0"), ("SSH_ASKPASS", str(askpass)), ("SSH_ASKPASS_REQUIRE", "prefer")):
        monkeypatch.setenv(var, value)  # a desktop session's askpass: it would answer yes
    name = "mail:/var/log/x.log"
    c = collect([name])
    await c.until(lambda: is_state(c, name, HOST_KEY), "the jump host's key refused", timeout=10)
    assert state_of(c, name).detail.startswith("jump host") and "`ssh mail` once" in state_of(c, name).detail
    assert not asked.exists() and (jump.root / "known_hosts_empty").read_text() == ""


@pytest.fixture
def ipv6_server(servers):
    reason = why_no_ipv6()
    if reason:
        pytest.skip(reason)
    (server,) = servers(1, address="::1")
    servers.config.write_text(server.host_entry("::1", key_alias=""))  # known_hosts: [::1]:PORT, as ssh writes it
    return server


async def test_an_ipv6_host_as_a_url_and_as_scp_writes_it(ipv6_server, collect, tmp_path):
    port = ipv6_server.port
    log = tmp_path / "mta-event.log"
    append(log, "one")
    url, scp = f"ssh://[::1]:{port}{log}", f"{getpass.getuser()}@[::1]:{log}"  # scp's: the config's Port
    c = collect([url, scp], lines=10)
    names = (f"[::1]:{port}:{log}", f"[::1]:{log}")
    await c.until(lambda: all(c.data(n) == [b"one"] for n in names), "both sessions' history")
    await c.until(lambda: all(is_state(c, n, FOLLOWING) for n in names), "both following")
    append(log, "two")
    await c.until(lambda: len(c.data()) == 4, "the new line twice (two sessions)")
    assert sorted({ln.source for ln in c.lines}) == sorted(names)
    assert {host_of(ln.source) for ln in c.lines} == {"[::1]"}
    assert short_name(names[0]) == f"[::1]:{port}:mta-event.log"
