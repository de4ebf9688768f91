"""Following logs over SSH against a real OpenSSH server on 127.0.0.1: the same lines, exactly
once, through roll-overs, rotations and a server that dies and comes back."""

from __future__ import annotations

import os

from console.tail.contract import AUTH_FAILED, FOLLOWING, HOST_KEY, NO_PYTHON
from console.tail.remote.spec import host_of


def append(path, *lines: str) -> None:
    with open(path, "ab") as f:
        f.write("".join(line + "\n" for line in lines).encode())


def following(c, n: int) -> bool:
    states = c.source.states()
    return len(states) >= n and all(s.state == FOLLOWING for s in states.values())


async def test_glob_over_ssh_through_a_dated_roll_over_and_a_rename_rotation_exactly_once(servers, collect, tmp_path):
    servers(1)
    dated, renamed = tmp_path / "dated", tmp_path / "renamed"
    dated.mkdir()
    renamed.mkdir()
    day1, live = dated / "mta-event.2026-12-01.log", renamed / "mta-event.log"
    append(day1, "d1", "d2")
    append(live, "r1")
    c = collect([f"host0:{dated}/mta-event*.log", f"host0:{live}"], lines=10)
    await c.until(lambda: c.live and following(c, 2), "both logs followed")
    assert c.data("dated") == [b"d1", b"d2"] and c.data("renamed") == [b"r1"]
    append(day1, "d3")
    append(live, "r2")
    await c.until(lambda: len(c.data()) == 5, "the appended lines")
    append(dated / "mta-event.2026-12-02.log", "d4", "d5")  # the day rolls over
    os.rename(live, renamed / "mta-event.log.1")  # logrotate's rename, then the writer's last line
    append(renamed / "mta-event.log.1", "r3")
    append(live, "r4")
    await c.until(lambda: len(c.data()) == 9, "the lines after the roll-over and the rotation")
    append(dated / "mta-event.2026-12-02.log", "d6")
    append(live, "r5")
    await c.until(lambda: len(c.data()) == 11, "the last lines")
    assert c.data("dated") == [b"d1", b"d2", b"d3", b"d4", b"d5", b"d6"]
    assert c.data("renamed") == [b"r1", b"r2", b"r3", b"r4", b"r5"]
    assert {host_of(ln.source) for ln in c.lines} == {"host0"}


async def test_a_server_killed_mid_stream_and_started_again_loses_and_repeats_nothing(servers, collect, tmp_path):
    (server,) = servers(1)
    log = tmp_path / "mta-event.log"
    append(log, *[f"a{i}" for i in range(50)])
    c = collect([f"host0:{log}"], lines=1000)
    await c.until(lambda: len(c.data()) == 50 and c.live, "the history")
    sent = [f"a{i}" for i in range(50)]
    for burst in range(3):
        more = [f"b{burst}-{i}" for i in range(200)]
        append(log, *more)
        sent += more
        await c.until(lambda: len(c.data()) > len(sent) - 150, "part of a burst")
        server.kill()  # mid-stream: more lines are written while it is down, and a rotation
        await c.until(lambda: c.source.states()[f"host0:{log}"].state != FOLLOWING, "the drop to be seen")
        down = [f"c{burst}-{i}" for i in range(100)]
        append(log, *down[:50])
        os.rename(log, f"{log}.{burst + 1}")
        append(f"{log}.{burst + 1}", *down[50:60])
        append(log, *down[60:])
        sent += down
        server.start()
        await c.until(lambda: len(c.data()) >= len(sent), "everything written")
    append(log, "last")
    sent.append("last")
    await c.until(lambda: c.data()[-1:] == [b"last"], "the last line")
    assert c.data() == [s.encode() for s in sent]


async def test_a_wrong_key_is_authentication_failed_with_the_reason(servers, collect, tmp_path):
    (server,) = servers(1)
    from sshd import keygen
    keygen(tmp_path / "other_key")
    servers.config.write_text(server.host_entry("host0", key=tmp_path / "other_key"))
    c = collect(["host0:/var/log/none.log"])
    await c.until(lambda: any(s.state == AUTH_FAILED for s in c.source.states().values()), "authentication failed")
    (state,) = c.source.states().values()
    assert "Permission denied" in state.detail and state.path == "host0:/var/log/none.log"


async def test_an_unknown_host_key_is_refused_and_says_what_to_do(servers, collect):
    (server,) = servers(1)
    servers.config.write_text(server.host_entry("host0", known=False))
    c = collect(["host0:/var/log/none.log"])
    await c.until(lambda: any(s.state == HOST_KEY for s in c.source.states().values()), "the host key refused")
    (state,) = c.source.states().values()
    assert "unknown" in state.detail and "`ssh host0`" in state.detail


async def test_a_changed_host_key_is_refused(servers, collect, tmp_path):
    (server,) = servers(1)
    from sshd import keygen
    other = keygen(tmp_path / "other_host_key")
    entry = server.host_entry("host0")
    (server.root / "known_hosts").write_text(f"host0 {other}\n")
    servers.config.write_text(entry)
    c = collect(["host0:/var/log/none.log"])
    await c.until(lambda: any(s.state == HOST_KEY for s in c.source.states().values()), "the host key refused")
    (state,) = c.source.states().values()
    assert "CHANGED" in state.detail and "ssh-keygen -R host0" in state.detail


async def test_a_host_without_python3_says_so(servers, collect):
    servers(1, env_path="/nonexistent")
    c = collect(["host0:/var/log/none.log"])
    await c.until(lambda: any(s.state == NO_PYTHON for s in c.source.states().values()), "no python3")
    (state,) = c.source.states().values()
    assert "PATH" in state.detail and state.state == "no python3"


async def test_a_dead_host_does_not_hold_up_a_live_one(servers, collect, tmp_path):
    (a, b) = servers(2)
    b.kill()
    log = tmp_path / "x.log"
    append(log, "one")
    c = collect([f"host0:{log}", f"host1:{log}"], lines=10, history_wait=0.5)
    await c.until(lambda: c.data("host0") == [b"one"], "the live host's history")
    append(log, "two")
    await c.until(lambda: c.data("host0") == [b"one", b"two"], "the live host's new line")
    assert c.source.states()[f"host1:{log}"].state != FOLLOWING and c.data("host1") == []
    b.start()
    await c.until(lambda: c.data("host1") == [b"one", b"two"], "the second host once it is back")


async def down_after_two_lines(servers, collect, tmp_path):
    """A log of two lines followed on host0, then the server killed and the drop seen."""
    (server,) = servers(1)
    log = tmp_path / "mta-event.log"
    append(log, "a1", "a2")
    c = collect([f"host0:{log}"], lines=10)
    await c.until(lambda: len(c.data()) == 2 and c.live, "the history")
    server.kill()
    await c.until(lambda: c.source.states()[f"host0:{log}"].state != FOLLOWING, "the drop to be seen")
    return server, log, c


async def test_a_copytruncate_while_the_server_is_down_loses_and_repeats_nothing(servers, collect, tmp_path):
    server, log, c = await down_after_two_lines(servers, collect, tmp_path)
    append(log, "a3", "a4")  # never read before the copy is taken
    with open(log, "rb") as src, open(f"{log}.1", "wb") as dst:
        dst.write(src.read())
    with open(log, "r+b") as f:
        f.truncate(0)
    append(log, "b1", "b2")
    server.start()
    await c.until(lambda: len(c.data()) >= 6, "the rest of the old content and the new one")
    append(log, "b3")
    await c.until(lambda: c.data()[-1:] == [b"b3"], "a line after")
    assert c.data() == [b"a1", b"a2", b"a3", b"a4", b"b1", b"b2", b"b3"]


async def test_the_hosts_histories_come_merged_by_time(servers, collect, tmp_path):
    servers(2)
    stamp = "2026-11-24 10:00:{:02d}.000 smtpsrvr[1] N-MTA_SMTP-Notice: {}"
    for host, seconds in (("host0", (1, 3, 5)), ("host1", (2, 4, 6))):
        append(tmp_path / f"{host}.log", *[stamp.format(s, f"{host} {s}") for s in seconds])
    from console.catalog.loader import load_catalog
    from console.decode.decoder import Decoder
    c = collect([f"host0:{tmp_path}/host0.log", f"host1:{tmp_path}/host1.log"], lines=10,
                sort_key=Decoder(load_catalog()).sort_key)
    await c.until(lambda: c.live and len(c.data()) == 6, "both histories")
    assert [d.decode()[-1] for d in c.data()] == list("123456")


async def test_a_remote_shell_that_prints_at_start_does_not_stop_the_follower(servers, collect, tmp_path, monkeypatch):
    servers(1)
    log = tmp_path / "x.log"
    append(log, "one")
    from console.tail.remote import ssh
    command = ssh.remote_command
    monkeypatch.setattr(ssh, "remote_command", lambda python: "echo welcome to this host; " + command(python))
    c = collect([f"host0:{log}"], lines=10)
    await c.until(lambda: c.data() == [b"one"], "the history")


def frame_bytes(path, line: str, n: int = 2000) -> int:
    """About what a frame of n such lines of `path` takes (the lines raw, after a short JSON)."""
    return n * (len(line.encode()) + 1) + len(str(path)) + 200


def cut_first_session(monkeypatch, tmp_path, after_bytes: int) -> None:
    """The first session's output stops after `after_bytes` (mid-history), as if it dropped."""
    from console.tail.remote import ssh
    command = ssh.remote_command
    mark = tmp_path / "cut-once"
    monkeypatch.setattr(ssh, "remote_command", lambda python: (
        f"if [ -e {mark} ]; then {command(python)}; else touch {mark}; {command(python)} | head -c {after_bytes}; fi"))


async def test_a_session_dropped_during_the_history_repeats_none_of_it(servers, collect, tmp_path, monkeypatch):
    servers(1)
    log = tmp_path / "mta-event.log"
    sent = [f"h{i:05d} " + "x" * 100 for i in range(5000)]  # several frames of history
    append(log, *sent)
    cut_first_session(monkeypatch, tmp_path, frame_bytes(log, sent[0]) * 3 // 2)  # a frame arrives, then the drop
    c = collect([f"host0:{log}"], lines=10_000)
    await c.until(lambda: c.live and len(c.data()) >= len(sent), "the history, from the second session")
    append(log, "after")
    await c.until(lambda: c.data()[-1:] == [b"after"], "a live line")
    assert (tmp_path / "cut-once").exists()
    assert c.data() == [s.encode() for s in sent] + [b"after"]


async def test_whole_files_cut_off_mid_history_are_taken_up_where_they_stopped(servers, collect, tmp_path, monkeypatch):
    servers(1)
    log = tmp_path / "mta-event.log"
    old = [f"2026-12-01 00:00:{i % 60:02d}.000 old {i:05d} " + "y" * 100 for i in range(3000)]
    sent = [f"2026-12-02 00:00:{i % 60:02d}.000 new {i:05d} " + "x" * 100 for i in range(3000)]
    append(f"{log}.1", *old)
    append(log, *sent[:-1])
    with open(log, "ab") as f:
        f.write(sent[-1].encode())  # an unfinished last line, finished once the session is back
    cut_first_session(monkeypatch, tmp_path, frame_bytes(log, sent[0]) * 3 // 2)
    c = collect([f"host0:{log}*"], from_start=True)
    await c.until(lambda: c.live and len(c.data()) >= len(old) + len(sent) - 1, "the whole files, from the second session")
    append(log, "", "after")
    await c.until(lambda: c.data()[-1:] == [b"after"], "a live line")
    assert (tmp_path / "cut-once").exists()
    assert c.data() == [s.encode() for s in old + sent] + [b"after"]


async def test_the_hosts_states_are_said_while_their_histories_are_awaited(servers, collect, tmp_path):
    import socket
    (a,) = servers(1)
    silent = socket.socket()  # takes the connection and never speaks: ssh waits, "connecting"
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    port = silent.getsockname()[1]
    servers.config.write_text(a.host_entry("host0") + a.host_entry("host1").replace(f"Port {a.port}", f"Port {port}"))
    log = tmp_path / "x.log"
    append(log, "one")
    try:
        c = collect([f"host0:{log}", f"host1:{log}"], lines=10, history_wait=30)
        await c.until(lambda: any(s.path.startswith("host1:") for s in c.states) and
                      any(s.path.startswith("host0:") and s.state == FOLLOWING for s in c.states),
                      "both hosts' states", timeout=10)
        assert not c.live  # host1's history is awaited; the states came first
    finally:
        silent.close()


async def test_a_log_rotated_and_compressed_while_the_server_is_down_is_read_from_its_copy(servers, collect, tmp_path):
    import gzip
    import shutil
    server, log, c = await down_after_two_lines(servers, collect, tmp_path)
    append(log, "a3", "a4")  # written while the session is down
    os.rename(log, f"{log}.1")  # logrotate: rename, then compress (no delaycompress)
    with open(f"{log}.1", "rb") as src, gzip.open(f"{log}.1.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    os.unlink(f"{log}.1")
    append(log, "b1")
    server.start()
    await c.until(lambda: b"b1" in c.data(), "the new file")
    append(log, "b2")
    await c.until(lambda: c.data()[-1:] == [b"b2"], "a line after")
    assert c.data() == [b"a1", b"a2", b"a3", b"a4", b"b1", b"b2"]
    assert any("mta-event.log.1.gz" in s.detail for s in c.states)
