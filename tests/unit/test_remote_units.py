"""The parts of following over SSH that need no server: which arguments are remote, what ssh's
last words mean, and the checkpoint's round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

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


@given(st.text(max_size=40))
def test_parse_remote_never_fails_but_with_spec_error(text):
    try:
        spec = parse_remote(text)
    except SpecError:
        return
    if spec is not None:
        assert spec.path and spec.target.host
        if not text.startswith("ssh://"):
            assert "/" not in text.split(":", 1)[0]


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
