"""Issue 9, cases 1-8: following logs by identity, not by name. Real writer processes that keep their
descriptor until they reopen (follow_procs.Daemon), and real stalls: a `decode --follow` process
stopped with SIGSTOP while the rotations happen.

Every line carries a unique id (follow_model.line_text) and most lines have the same length and
end alike, so that the bytes before an offset prove nothing. Each test checks that every line
written is delivered exactly once and, within each file, in the order written.

Against the follower before the rewrite (1757578) 14 of these 24 failed: cases 1, 2, 3, 5, 7 and
8 (continuing content); the rewrite passes them all.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest
from follow_model import line_id, line_text
from follow_procs import Daemon, DecodeFollow
from tail_helpers import Collector, append, open_fds_under, wait_for

from console.tail import Follower

_PARAMS = inspect.signature(Follower).parameters
PARTIALS = "partial_after" in _PARAMS


def kw(**kwargs) -> dict:
    """Follower keywords, without those the follower under test does not know yet."""
    if any(p.kind is p.VAR_KEYWORD for p in _PARAMS.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in _PARAMS}


class Ids:
    """Makes lines with unique ids and remembers which ids went to which file, in order."""

    def __init__(self) -> None:
        self.n = 0
        self.files: dict[str, list[int]] = {}

    def lines(self, k: int, file: str = "log", tag: bytes = b"w0") -> bytes:
        out = []
        for _ in range(k):
            self.n += 1
            self.files.setdefault(file, []).append(self.n)
            out.append(line_text(self.n, tag) + b"\n")
        return b"".join(out)

    def all(self) -> list[int]:
        return sorted(i for ids in self.files.values() for i in ids)


def check_once_in_order(got: list[bytes], ids: Ids, optional: set[int] = frozenset()) -> None:
    found = [line_id(d) for d in got]
    junk = [d[:40] for d, i in zip(got, found) if i is None]
    counts = Counter(i for i in found if i is not None)
    repeated = sorted(i for i, n in counts.items() if n > 1)
    expected = set(ids.all())
    missing = sorted(expected - set(counts) - set(optional))
    unexpected = sorted(set(counts) - expected)
    disorder = []
    for file, written in ids.files.items():
        mine = set(written)
        seq = [i for i in found if i in mine]
        if seq != sorted(seq):
            disorder.append(file)
    problems = []
    if missing:
        problems.append(f"LOST {len(missing)} of {len(expected)}: {missing[:20]}")
    if repeated:
        problems.append(f"REPEATED {len(repeated)}: {repeated[:20]}")
    if unexpected or junk:
        problems.append(f"never written (history or garbage): {unexpected[:10]} {junk[:5]}")
    if disorder:
        problems.append(f"OUT OF ORDER within {disorder}")
    assert not problems, "; ".join(problems)


@pytest.fixture
def logs(tmp_path) -> Path:
    d = tmp_path / "logs"
    d.mkdir()
    return d


@pytest.fixture
def procs():
    """Processes started by a test (Daemon, DecodeFollow), all ended at teardown."""
    started: list = []
    yield started.append
    for p in reversed(started):
        p.close()


def follow_proc(procs, *paths) -> DecodeFollow:
    f = DecodeFollow(*paths)
    procs(f)
    f.wait_following()
    return f


def daemon(procs, path) -> Daemon:
    d = Daemon(path)
    procs(d)
    return d


def settle(f: DecodeFollow, ids: Ids, optional=frozenset(), timeout: float = 15.0) -> None:
    """Waits for every line (the checks then say what is wrong), and a moment more for repeats."""
    want = set(ids.all()) - set(optional)
    try:
        f.wait_for(lambda: want <= {line_id(d) for d in f.raws()}, timeout, "every line")
    except AssertionError:
        pass  # check_once_in_order says which are missing
    n = -1
    while n != len(f.raws()):  # and nothing more for a moment (repeats)
        n = len(f.raws())
        time.sleep(0.5)
    check_once_in_order(f.raws(), ids, set(optional))


def copytruncate(log: Path, copy: Path) -> None:
    shutil.copyfile(log, copy)
    os.truncate(log, 0)


def rename_rotate(log: Path, keep: int = 5) -> None:
    for n in range(keep, 0, -1):
        p = log.with_name(f"{log.name}.{n}")
        if p.exists():
            p.rename(log.with_name(f"{log.name}.{n + 1}"))
    log.rename(log.with_name(f"{log.name}.1"))


# -- 1. copytruncate, seen by more than the bytes before the offset, even while stalled ---------------


@pytest.mark.parametrize("copy_name", ["mta-event.log.1", "mta-event.log-20261124", "mta-event.log-20261124.log"])
def test_1_copytruncate_while_the_follower_is_stopped(logs, procs, copy_name):
    """A follower stopped with SIGSTOP misses a copytruncate and a regrowth past its offset: the lines
    it had not read come from the copy, found by its content, and the truncated file from 0."""
    log = logs / "mta-event.log"
    w = daemon(procs, log)
    f = follow_proc(procs, log)
    ids = Ids()
    w.write(ids.lines(20, "log"))
    f.wait_for(lambda: len(f.raws()) >= 20, what="the first 20 lines")
    f.stop()
    w.write(ids.lines(30, "log"))  # never read before the truncate: only the copy has them
    copytruncate(log, logs / copy_name)
    w.write(ids.lines(80, "log"))  # the same line length and ends: past the old offset
    f.cont()
    settle(f, ids)


async def test_1_copytruncate_regrown_past_the_offset_with_lines_that_end_alike(logs):
    """No stall: the truncate and the regrowth happen between two reads. 32 equal bytes before the
    old offset prove nothing: the file is recognised as rewritten by its start."""
    log = logs / "mta-event.log"
    log.write_bytes(b"")
    ids = Ids()
    c = await _collector([log])
    try:
        append(log, ids.lines(10, "log"))
        await c.wait_lines(10)
        shutil.copyfile(log, logs / "mta-event.log.1")
        os.truncate(log, 0)
        append(log, ids.lines(15, "log"))  # 15 equal-length lines: the bytes before offset 10 lines look the same
        await _settle(c, ids)
        await _stop(c, logs.parent)
    finally:
        await _stop(c)


# -- 2. a rotated copy that the glob matches is not new content ------------------------------------------


@pytest.mark.parametrize(
    "pattern,rotation",
    [
        ("mta-event*.log", "copytruncate mta-event.log-20261124.log"),
        ("mta-event.log*", "copytruncate mta-event.log.1"),
        ("mta-event.log*", "rename mta-event.log.1"),
    ],
)
async def test_2_a_rotated_copy_the_glob_matches_is_not_new_content(logs, pattern, rotation):
    log = logs / "mta-event.log"
    log.write_bytes(b"")
    ids = Ids()
    c = await _collector([logs / pattern])
    try:
        append(log, ids.lines(25, "log"))
        await c.wait_lines(25)
        how, name = rotation.split()
        if how == "copytruncate":
            copytruncate(log, logs / name)
        else:
            log.rename(logs / name)
            log.write_bytes(b"")
        append(log, ids.lines(5, "new"))
        await _settle(c, ids, quiet=1.0)  # long enough for a re-scan to find the copy
        await _stop(c, logs.parent)
    finally:
        await _stop(c)


def test_2_dateext_copy_matched_by_the_glob_while_stalled(logs, procs):
    """The copy is matched by the glob and appears while the follower is stopped: deliver only
    what was not read (from the copy), then the truncated file from 0."""
    log = logs / "mta-event.log"
    w = daemon(procs, log)
    f = follow_proc(procs, logs / "mta-event*.log")
    ids = Ids()
    w.write(ids.lines(20, "log"))
    f.wait_for(lambda: len(f.raws()) >= 20, what="the first 20 lines")
    f.stop()
    w.write(ids.lines(10, "log"))
    copytruncate(log, logs / "mta-event.log-20261124.log")
    w.write(ids.lines(5, "log"))
    f.cont()
    settle(f, ids)


# -- 3. new files by appearance, not only by name --------------------------------------------------------


async def test_3_a_dated_file_that_appears_later_is_followed_even_if_its_name_sorts_earlier(logs, procs):
    ten = logs / "mta-event.2026-11-24-10-00.log"
    w = daemon(procs, ten)
    ids = Ids()
    c = await _collector([logs / "mta-event*.log"])
    try:
        w.write(ids.lines(3, "10-00"))
        await c.wait_lines(3)
        w.reopen(logs / "mta-event.2026-11-24-09-30.log")  # the clock stepped back
        w.write(ids.lines(4, "09-30"))
        await _settle(c, ids)
        w.reopen(logs / "mta-event.2026-11-24-10-30.log")  # and forward again
        w.write(ids.lines(2, "10-30"))
        await _settle(c, ids)
        await _stop(c, logs.parent)
    finally:
        await _stop(c)


# -- 4. a superseded file is still read while its writer may write to it ----------------------------------


@pytest.mark.parametrize("rotation", ["rename", "create", "dated"])
async def test_4_late_writes_to_a_superseded_file_within_its_grace_are_read(logs, procs, rotation):
    """Two writer processes: one reopens at once, the other writes to its old descriptor a while
    after the follower has moved to the new file, within rotate_grace."""
    dated = rotation == "dated"
    log = logs / ("mta-event.2026-11-24-10-00.log" if dated else "mta-event.log")
    late, prompt = daemon(procs, log), daemon(procs, log)
    ids = Ids()
    c = await _collector([logs / ("mta-event*.log" if dated else "mta-event.log")], rotate_grace=3.0)
    try:
        late.write(ids.lines(2, "old", b"w1"))
        await c.wait_lines(2)
        if dated:
            prompt.reopen(logs / "mta-event.2026-11-24-11-00.log")
        else:
            log.rename(logs / "mta-event.log.1")
            if rotation == "create":
                log.write_bytes(b"")
            prompt.reopen()
        prompt.write(ids.lines(2, "new", b"w0"))
        await c.wait_lines(4)  # the follower is on the new file now
        await asyncio.sleep(1.0)  # the scenario: a quiet writer, a while later (grace is 3 s)
        late.write(ids.lines(2, "old", b"w1"))
        await _settle(c, ids)
        await _stop(c, logs.parent)
    finally:
        await _stop(c)


async def test_4_300_renames_out_of_the_glob_do_not_keep_300_descriptors(logs, tmp_path):
    log = logs / "mta-event.log"
    ids = Ids()
    c = await _collector([logs / "mta-event*.log"], rotate_grace=0.5)
    try:
        for gen in range(300):
            append(log, ids.lines(1, f"gen{gen}"))
            await c.wait_lines(gen + 1)  # the follower opened this generation
            log.rename(logs / f"mta-event.log.{gen + 1}")  # out of the glob
        append(log, ids.lines(1, "last"))
        await _settle(c, ids)
        # After the grace, only the live file stays open (none at all is fine too).
        await wait_for(lambda: len(open_fds_under(tmp_path)) <= 1, 10,
                       f"superseded files closed (open: {len(open_fds_under(tmp_path))})")
        await _stop(c, logs.parent)
    finally:
        await _stop(c)


# -- 5. several rotations between two reads ---------------------------------------------------------------


@pytest.mark.parametrize("target", ["path", "glob"])
@pytest.mark.parametrize("naming", ["numbered", "dateext"])
def test_5_several_rotations_while_the_follower_is_stopped(logs, procs, target, naming):
    """Three rename rotations (logrotate create) while the follower is stopped: the middle files are
    read too, each in order, found by their rotation names."""
    log = logs / "mta-event.log"
    w = daemon(procs, log)
    f = follow_proc(procs, log if target == "path" else logs / "mta-event*.log")
    ids = Ids()
    w.write(ids.lines(5, "gen0"))
    f.wait_for(lambda: len(f.raws()) >= 5, what="the first lines")
    f.stop()
    for gen in range(1, 4):
        w.write(ids.lines(7, f"gen{gen - 1}"))
        if naming == "numbered":
            rename_rotate(log)
        else:
            log.rename(logs / f"mta-event.log-2026112{gen}")
        log.write_bytes(b"")
        w.reopen()
        w.write(ids.lines(3, f"gen{gen}"))
    f.cont()
    settle(f, ids)


# -- 6. the directory goes away ----------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["path", "glob"])
@pytest.mark.parametrize("how", ["delete", "move"])
async def test_6_the_log_directory_deleted_or_moved_and_made_again(logs, target, how):
    """Watches are set again at once (a long rescan interval: no help from polling), and a file that
    lives only a moment in the new directory is not missed."""
    log = logs / "mta-event.log"
    log.write_bytes(b"")
    ids = Ids()
    c = await _collector([log if target == "path" else logs / "mta-event*.log"], rescan_interval=60.0,
                         poll_interval=60.0)
    try:
        append(log, ids.lines(2, "first"))
        await c.wait_lines(2)
        for round_ in range(2):
            if how == "delete":
                shutil.rmtree(logs)
            else:
                logs.rename(logs.with_name(f"logs.old{round_}"))
            logs.mkdir()
            append(log, ids.lines(2, f"dir{round_}"))
            await _settle(c, ids, timeout=3.0)
        # A short-lived file: written and renamed to .1 before the follower can look; a new log after it.
        append(log, ids.lines(2, "short"))
        log.rename(logs / "mta-event.log.1")
        append(log, ids.lines(2, "after"))
        await _settle(c, ids, timeout=3.0)
        await _stop(c, logs.parent)
    finally:
        await _stop(c)


# -- 7. a last line with no newline -------------------------------------------------------------------------


def resolve(lines) -> list:
    """RawLines with partial/completes resolved: [source, lineno, data, partial, first delivery index]."""
    out, at = [], {}
    for i, ln in enumerate(lines):
        key = (ln.source, ln.lineno)
        if getattr(ln, "completes", False):
            assert key in at, f"completes=True for {key} with no partial line before it"
            at[key][2:4] = [ln.data, ln.partial]
            continue
        e = [ln.source, ln.lineno, ln.data, getattr(ln, "partial", False), i]
        out.append(e)
        if e[3]:
            at[key] = e
    return out


async def test_7_an_unterminated_last_line_is_shown_then_completed_and_never_lost_across_a_rollover(logs, procs):
    d10 = logs / "mta-event.2026-11-24-10-00.log"
    w = daemon(procs, d10)
    c = await _collector([logs / "mta-event*.log"], partial_after=0.2, rotate_grace=0.5)
    try:
        one, two, three, four = (line_text(i) for i in range(1, 5))
        w.write(one + b"\n" + two[:30])
        await wait_for(lambda: any(ln.data == two[:30] and getattr(ln, "partial", False) for ln in c.lines), 5,
                       "the unterminated line shown after a quiet time, marked partial")
        w.write(two[30:] + b"\n")
        await wait_for(lambda: [e[2] for e in resolve(c.lines)] == [one, two], 5, "the line completed")
        got = resolve(c.lines)
        assert [e[3] for e in got] == [False, False], "completed, not partial"
        # The writer leaves a line unterminated and rolls over: it is delivered once, before the next file's.
        w.write(three[:40])
        w.reopen(logs / "mta-event.2026-11-24-11-00.log")
        w.write(four + b"\n")
        await wait_for(lambda: len(resolve(c.lines)) >= 4, 5, "the next file's line")
        await asyncio.sleep(1.0)  # past the grace: the old file is finished
        got = resolve(c.lines)
        assert [e[2] for e in got] == [one, two, three[:40], four]
        assert got[2][4] < got[3][4], "the unterminated line came after the next file's"
        await _stop(c, logs.parent)
    finally:
        await _stop(c)


# -- 8. atomic replace ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["continues", "other"])
async def test_8_atomic_replace_continues_or_starts_over(logs, content):
    log = logs / "mta-event.log"
    log.write_bytes(b"")
    ids = Ids()
    c = await _collector([log])
    try:
        append(log, ids.lines(12, "old"))
        await c.wait_lines(12)
        new = logs / ".mta-event.log.new"
        if content == "continues":
            shutil.copyfile(log, new)  # what was read, then more
            append(new, ids.lines(3, "old"))
        else:
            new.write_bytes(ids.lines(14, "new"))  # other lines, as long as and ending like the old ones
        new.rename(log)
        append(log, ids.lines(2, "old" if content == "continues" else "new"))
        await _settle(c, ids)
        await _stop(c, logs.parent)
    finally:
        await _stop(c)


# -- in-process followers -----------------------------------------------------------------------------------


async def _collector(paths, **kwargs) -> Collector:
    kwargs.setdefault("rotate_grace", 1.0)
    kwargs.setdefault("lines", 0)
    c = Collector([os.fspath(p) for p in paths], **kw(**kwargs))
    await c.start()
    return c


async def _stop(c: Collector, tmp_path: Path | None = None) -> None:
    """Stops the follower (once); with tmp_path, checks it closed every file under it."""
    if not getattr(c, "stopped", False):
        c.stopped = True
        await c.stop()
    if tmp_path is not None:
        assert open_fds_under(tmp_path) == [], "files left open after the follower was closed"


async def _settle(c, ids: Ids, timeout: float = 10.0, quiet: float = 0.3) -> None:
    want = set(ids.all())
    try:
        await wait_for(lambda: want <= {line_id(d) for d in c.data()}, timeout, "every line")
    except AssertionError:
        pass  # check_once_in_order says which are missing
    n = -1
    while n != len(c.lines):  # and nothing more for a moment (repeats)
        n = len(c.lines)
        await asyncio.sleep(quiet)
    check_once_in_order(c.data(), ids)
