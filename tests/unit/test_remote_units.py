"""The parts of following over SSH that need no server: which arguments are remote, what ssh's
last words mean, and the checkpoint's round trip."""

from __future__ import annotations

import pytest
from hypothesis import example, given, strategies as st

from console.tail.contract import AUTH_FAILED, DISCONNECTED, HOST_KEY, NO_PYTHON
from console.tail.remote.spec import SpecError, Target, host_of, parse_remote, short_name, split_sources
from console.tail.remote.ssh import classify


@pytest.mark.parametrize("text, target, path", [
    ("mail1:/var/isode/log/mta-event*.log", Target("mail1"), "/var/isode/log/mta-event*.log"),
    ("ops@mail1:/x.log", Target("mail1", "ops"), "/x.log"),
    ("mail1:logs/x.log", Target("mail1"), "logs/x.log"),
    ("ssh://mail1/var/log/x.log", Target("mail1"), "/var/log/x.log"),
    ("ssh://ops@mail1:2222/var/log/*.log", Target("mail1", "ops", 2222), "/var/log/*.log"),
    ("ssh://[::1]:22/x.log", Target("[::1]", None, 22), "/x.log"),
    ("ssh://ops@[2001:db8::1]/x.log", Target("[2001:db8::1]", "ops"), "/x.log"),
    ("ssh://[fe80::1%25eth0]:2222/x.log", Target("[fe80::1%eth0]", None, 2222), "/x.log"),  # a URL's zone: %25
    ("[::1]:/var/log/x.log", Target("[::1]"), "/var/log/x.log"),
    ("ops@[::1]:logs/x.log", Target("[::1]", "ops"), "logs/x.log"),
    ("[fe80::1%Eth0]:/x.log", Target("[fe80::1%Eth0]"), "/x.log"),
    ("[::ffff:192.0.2.1]:/x.log", Target("[::ffff:192.0.2.1]"), "/x.log"),
    ("192.0.2.1:/x.log", Target("192.0.2.1"), "/x.log"),
    ("mail1:a:b.log", Target("mail1"), "a:b.log"),  # a colon in a relative remote path
])
def test_remote_forms(text, target, path):
    spec = parse_remote(text)
    assert spec is not None and spec.target == target and spec.path == path


@pytest.mark.parametrize("text", ["-", "/var/log/a:b.log", "./a:b", "x.log", "logs/a:b.log", ":x", "a b:/x"])
def test_local_forms(text):
    assert parse_remote(text) is None


def test_an_existing_local_path_wins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mail1:x.log").write_text("")
    assert parse_remote("mail1:x.log") is None


@pytest.mark.parametrize("text", ["mail1:", "ssh://mail1", "ssh://mail1/", "ssh://mail1:0/x", "ssh://mail1:70000/x"])
def test_unusable_remote_forms_say_so(text):
    with pytest.raises(SpecError, match="mail1"):
        parse_remote(text)


@pytest.mark.parametrize("text, words", [
    ("::1:/x.log", "[::1]:/x.log"),  # host `::1` or host `:`? scp wants brackets, and so do we
    ("fe80::1%eth0:/x.log", "[fe80::1%eth0]:/x.log"),
    ("ops@2001:db8::1:/var/log/x.log", "ops@[2001:db8::1]:/var/log/x.log"),
    ("ssh://::1/x.log", "brackets"),
    ("ssh://ops@fe80::1:22/x.log", "brackets"),
    ("[mail1]:/x.log", "not an IPv6 address"),
    ("[fe80::1%]:/x.log", "not an IPv6 address"),
    ("ssh://[1.2.3.4]/x.log", "not an IPv6 address"),
    ("mail1:2222:/x.log", "ssh://mail1:2222/x.log"),  # scp's form has no port: the URL's has
    ("ops@[::1]:22:/x.log", "ssh://ops@[::1]:22/x.log"),
    ("ssh://mail1:1234567/x", "out of range"),
])
def test_ipv6_and_ports_written_as_scp_cannot_take_them_say_how(text, words):
    with pytest.raises(SpecError, match="IPv6|port|out of range") as raised:
        parse_remote(text)
    assert words in str(raised.value) and str(raised.value).startswith(text[:30])


def _check_parse(text):
    """parse_remote's contract: None, a usable RemoteSpec whose name reads back its host, or SpecError."""
    try:
        spec = parse_remote(text)
    except SpecError:
        return
    if spec is not None:
        assert spec.path and spec.target.host
        if not text.startswith("ssh://"):
            assert "/" not in text.split(":", 1)[0]
        if spec.path.startswith("/"):
            name = f"{spec.target.label}:{spec.path}"
            assert host_of(name) == spec.target.host, name


@given(st.text(max_size=40))
def test_parse_remote_never_fails_but_with_spec_error(text):
    _check_parse(text)


_PIECES = st.sampled_from(["ssh://", "[", "]", ":", "::", "::1", "fe80", "%", "%25", "eth0", "@", "ops", "/", "/x",
                           "~", "\x00", "2222", "99999", "0", ".", "1.2.3.4", "mail1", " ", "-", "*"])


@given(st.lists(_PIECES, max_size=12).map("".join))
@example("~\x00:x")  # expanduser's ValueError, once
@example("ssh://h:" + "9" * 5000 + "/x")  # int()'s ValueError past 4,300 digits, once
def test_parse_remote_never_fails_on_address_like_text(text):
    _check_parse(text)


def test_split_keeps_order_and_drops_repeats():
    local, remote = split_sources(["/a.log", "h:/b.log", "h:/b.log", "h:/c.log"])
    assert local == ["/a.log"] and [r.path for r in remote] == ["/b.log", "/c.log"]


def test_names_of_remote_sources():
    assert host_of("mail1:/var/log/x.log") == "mail1" and host_of("/var/log/x.log") is None
    assert host_of("mail1:2222:/x.log") == "mail1" and short_name("mail1:2222:/v/x.log") == "mail1:2222:x.log"
    assert short_name("/var/log/x.log") == "x.log" and host_of("x.log") is None


@pytest.mark.parametrize("rc, stderr, state, words", [
    (255, "root@h: Permission denied (publickey).\r\n", AUTH_FAILED, "Permission denied (publickey)"),
    (255, "No ED25519 host key is known for h and you have requested strict checking.\r\n"
          "Host key verification failed.\r\n", HOST_KEY, "`ssh h` once"),
    (255, "@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n", HOST_KEY, "ssh-keygen -R h"),
    (127, "bash: line 1: python3: command not found\n", NO_PYTHON, "PATH"),
    (255, "sh: 1: python3: not found\n", NO_PYTHON, "PATH"),
    (255, "ssh: connect to host h port 22: Connection refused\r\n", DISCONNECTED, "Connection refused"),
    (255, "ssh: Could not resolve hostname h: Name or service not known\r\n", DISCONNECTED, "Could not resolve"),
    (255, "", DISCONNECTED, "exit 255"),
])
def test_what_ssh_said(rc, stderr, state, words):
    failure = classify(rc, stderr, "h")
    assert failure.state == state and words in failure.detail
    assert failure.retry == (state == DISCONNECTED)


# ssh 9.2's words through `ProxyJump jump`: the jump's ssh speaks first, then the main ssh gives up
_GAVE_UP = "kex_exchange_identification: Connection closed by remote host\nConnection closed by UNKNOWN port 65535\n"


@pytest.mark.parametrize("stderr, state, detail", [
    ("ssh: connect to host 10.0.0.9 port 22: Connection refused\n" + _GAVE_UP, DISCONNECTED,
     "jump host 10.0.0.9 port 22: Connection refused"),
    ("channel 0: open failed: connect failed: Connection refused\nstdio forwarding failed\n" + _GAVE_UP, DISCONNECTED,
     "from the jump host: Connection refused"),
    ("Connection timed out during banner exchange\nConnection to UNKNOWN port 65535 timed out\n", DISCONNECTED,
     "Connection timed out during banner exchange"),
    ("No ED25519 host key is known for jump and you have requested strict checking.\n"
     "Host key verification failed.\n" + _GAVE_UP, HOST_KEY, "jump host jump: unknown: run `ssh h` once"),
    ("@@@\n@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @\nHost key for jump has changed and you have "
     "requested strict checking.\nHost key verification failed.\n" + _GAVE_UP, HOST_KEY,
     "jump host jump: CHANGED: check it, then `ssh-keygen -R jump`"),
    ("ops@10.0.0.9: Permission denied (publickey).\n" + _GAVE_UP, AUTH_FAILED, "jump host: Permission denied"),
    ("ops@h: Permission denied (publickey).\n", AUTH_FAILED, "Permission denied"),  # the target's own: no jump
])
def test_what_ssh_said_through_a_jump_host(stderr, state, detail):
    failure = classify(255, stderr, "h")
    assert failure.state == state and failure.detail.startswith(detail), failure.detail
