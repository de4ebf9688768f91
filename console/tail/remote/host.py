"""One remote host: its SSH session kept up (reconnecting with backoff), the frames it sends turned
back into Batches of RawLines, and its state. After each batch the far end's checkpoint is kept
with it, so the next session starts exactly after the last line delivered."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import math
import os
import signal
import time
from typing import Awaitable, Callable, Dict, List, Optional, Tuple

from console.tail.checkpoint import empty, merge
from console.tail.contract import CONNECTING, DISCONNECTED, NO_PYTHON, Batch, RawLine, Renumbered, SourceState
from console.tail.remote.agent import COMPLETES, CUT, PARTIAL
from console.tail.remote.bundle import first_input
from console.tail.remote.replay import WholeReplay
from console.tail.remote.spec import SEP, Target
from console.tail.remote.ssh import Failure, classify, ssh_argv, ssh_env

BACKOFF = (1.0, 30.0)  # first and longest wait before connecting again
_TOKENS = itertools.count(1 << 40)  # renumbering tokens of every remote follower, apart from local ones
_STDERR_KEPT = 8192
_FRAME_MAX = 256 << 20
_JUNK_MAX = 1 << 20
_PIPES_WAIT = 2.0  # seconds ssh's pipes may stay open after it ended before its group is killed


class ProtocolError(Exception):
    """The far end sent something that is not a frame: it is not our agent talking."""


class RemoteHost:
    """Follows `paths` on `target`; `put(batch, history_end)` hands each Batch on (awaited: a slow
    consumer slows the host, never the other way round); history_end marks the batch that ends the
    host's history (its first live one, or its first failure). `settings`: lines, from_start, max_line, rotate_grace, once."""

    def __init__(self, target: Target, paths: List[str], put: Callable[..., Awaitable[None]],
                 settings: dict, backoff: Tuple[float, float] = BACKOFF) -> None:
        self.target = target
        self.paths = paths
        self._put = put
        self._settings = settings
        self._backoff = backoff
        self._total: Optional[dict] = None  # the checkpoint after the last batch delivered
        self._remote: Dict[str, SourceState] = {}  # the far end's states, names labelled
        self._conn: Optional[tuple] = (CONNECTING, "", None)  # (state, detail, retry at); None: following
        self._tokens: Dict[Tuple[int, int], int] = {}
        self._session_no = 0
        self.history_done = False  # the first live batch came (or the host failed): history is over
        self.ended = False  # once-mode: the far end said it read everything
        self._whole = bool(settings.get("from_start"))
        self._held: List[Batch] = []  # this session's history, until it is complete (console.tail.remote.replay)
        self._replay = WholeReplay()

    # -- states ---------------------------------------------------------------------------------

    def _name(self, path: str) -> str:
        return f"{self.target.label}{SEP}{path}"

    def states(self) -> Dict[str, SourceState]:
        if self._conn is None:
            return dict(self._remote)
        state, detail = self._conn[0], self._said()
        if self._remote:
            return {k: SourceState(v.path, state, detail) for k, v in self._remote.items()}
        return {self._name(p): SourceState(self._name(p), state, detail) for p in self.paths}

    def _said(self) -> str:
        """The connection's detail, with the time left before the next try (counted when asked)."""
        assert self._conn is not None
        _, detail, retry_at = self._conn
        if retry_at is None:
            return detail
        left = max(1, math.ceil(retry_at - time.monotonic()))
        return f"{detail}; retrying in {left} s" if detail else f"retrying in {left} s"

    async def _set_conn(self, state: Optional[str], detail: str = "", retry_at: Optional[float] = None) -> None:
        conn = None if state is None else (state, detail, retry_at)
        if conn == self._conn:
            return
        self._conn = conn
        await self._put(Batch([], list(self.states().values())))

    # -- the session loop ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Until cancelled, or (once-mode) until the far end read everything."""
        delay = self._backoff[0]
        while True:
            await self._set_conn(CONNECTING, f"ssh {self.target.destination}")
            failure, hello = await self._session()
            if self.ended:
                return
            if not self.history_done:
                self.history_done = True
                await self._put(Batch([], [], backfill=False), True)  # the history waits for this host no more
            if self._settings.get("once"):
                await self._set_conn(failure.state, failure.detail)
                return
            if hello:
                delay = self._backoff[0]
            # a refusal is tried again too, slowly: the operator may be putting it right meanwhile
            wait = delay if failure.retry else self._backoff[1]
            delay = min(delay * 2, self._backoff[1])
            await self._set_conn(failure.state, failure.detail, time.monotonic() + wait)
            await asyncio.sleep(wait)

    async def _session(self) -> Tuple[Failure, bool]:
        """One ssh session to its end: (why it ended, whether the agent started)."""
        self._session_no += 1
        self._held = []  # a history cut off is sent again whole
        self._replay.new_session()
        try:
            proc = await asyncio.create_subprocess_exec(
                *ssh_argv(self.target), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, env=ssh_env(),
                start_new_session=True)  # no terminal: ssh can ask nothing; its group is its jump host's ssh too
        except OSError as exc:
            return Failure(DISCONNECTED, f"cannot run ssh: {exc.strerror or exc}", retry=False), False
        errors = bytearray()
        drain = asyncio.ensure_future(_keep_tail(proc.stderr, errors))
        hello = False
        failure: Optional[Failure] = None
        try:
            config = dict(self._settings, paths=self.paths, resume=self._total)
            proc.stdin.write(first_input(config))
            with contextlib.suppress(ConnectionError):
                await proc.stdin.drain()
            hello, failure = await self._read_frames(proc.stdout)
        except (ProtocolError, ValueError) as exc:
            failure = Failure(DISCONNECTED, f"not our follower talking: {exc}")
        finally:
            await _end(proc, drain)
            drain.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await drain
        if failure is None:
            failure = classify(proc.returncode, errors.decode("utf-8", "replace"), self.target.destination)
        return failure, hello

    async def _read_frames(self, stdout: asyncio.StreamReader) -> Tuple[bool, Optional[Failure]]:
        hello, junk = False, 0
        while True:
            head = await stdout.readline()
            if not head:
                return hello, None
            if not hello and not head.strip().isdigit():
                junk += len(head)  # a remote shell's start-up files that print: not ours, passed over
                if junk > _JUNK_MAX:
                    raise ProtocolError("the remote shell prints too much before the follower starts")
                continue
            size, raw = _sizes(head)
            try:
                body = await stdout.readexactly(size + raw)
            except asyncio.IncompleteReadError:
                return hello, None  # cut off mid-frame: that batch was never delivered
            msg = json.loads((body[:size] if raw else body).decode("utf-8"))  # str: no guessing its encoding
            kind = msg.get("t")
            if kind == "hello":
                hello = True
                await self._set_conn(None)
            elif kind == "old":
                return hello, Failure(NO_PYTHON, f"its python3 is {msg.get('py')}: 3.7 or newer is needed", retry=False)
            elif kind == "b":
                await self._deliver(msg, body[size:])
            elif kind == "end":
                self.ended = True
                return hello, None

    # -- frames into batches ------------------------------------------------------------------------

    def _token(self, token: int) -> int:
        if not token:
            return 0
        key = (self._session_no, token)
        if key not in self._tokens:
            self._tokens[key] = next(_TOKENS)
        return self._tokens[key]

    def _lines(self, msg: dict, data: bytes) -> List[RawLine]:
        """The frame's lines: raw bytes joined by newlines, described by runs (console.tail.remote.agent.encode);
        else each line base64 in the JSON."""
        name = self._name
        if "runs" not in msg:
            return [RawLine(name(src), lineno, base64.b64decode(text), cut=bool(flags & CUT),
                            partial=bool(flags & PARTIAL), completes=bool(flags & COMPLETES),
                            numbering=self._token(num))
                    for src, lineno, text, flags, num in msg.get("l", [])]
        runs = msg["runs"]
        if not runs:
            return []
        parts = data.split(b"\n")
        sources, token = msg["src"], self._token
        out: List[RawLine] = []
        at = 0
        for index, first, count, flags, num in runs:
            source, numbering = name(sources[index]), token(num)
            cut, partial, completes = bool(flags & CUT), bool(flags & PARTIAL), bool(flags & COMPLETES)
            out += [RawLine(source, lineno, line, cut, partial, completes, numbering)
                    for lineno, line in zip(range(first, first + count), parts[at:at + count])]
            at += count
        if at != len(parts):
            raise ProtocolError(f"{len(parts)} lines in a frame that describes {at}")
        return out

    async def _deliver(self, msg: dict, data: bytes = b"") -> None:
        name = self._name
        lines = self._lines(msg, data)
        renumbered = [Renumbered(self._token(t), name(src), off) for t, src, off in msg.get("r", [])]
        states: List[SourceState] = []
        if "s" in msg:
            new = {name(k): SourceState(name(p), st, det) for k, (p, st, det) in msg["s"].items()}
            states = [v for k, v in new.items() if self._remote.get(k) != v]
            self._remote = new
        backfill = bool(msg.get("bf")) and self._total is None
        if backfill:
            lines, renumbered = self._history(lines, renumbered)
        if "cp" in msg:
            if self._total is None:
                self._total = empty()
                self._replay.done()
            merge(self._total, msg["cp"])
        if not backfill and self._held:  # the history is complete: what was held goes first
            for held in self._held:
                await self._put(held, False)
            self._held = []
        live_start = not backfill and not self.history_done
        if live_start:
            self.history_done = True
        if lines or states or renumbered or live_start:
            await self._put(Batch(lines, states, backfill=backfill, renumbered=renumbered), live_start)

    def _history(self, lines: List[RawLine], renumbered: List[Renumbered]) -> Tuple[List[RawLine], List[Renumbered]]:
        """What of a history batch goes on now: whole files, what no earlier session delivered;
        the last N lines, nothing until the history is complete (held)."""
        if self._whole:
            return self._replay.keep(lines), renumbered
        if lines or renumbered:
            self._held.append(Batch(lines, [], backfill=True, renumbered=renumbered))
        return [], []


async def _end(proc: asyncio.subprocess.Process, drain: asyncio.Future) -> None:
    """ssh ended, and its process group with it: a jump host's ssh (ssh's ProxyJump child) is not left
    behind, stuck or not. ssh's standard error closing (`drain` done) says every process holding it
    has ended; while one still does after ssh itself ended (ssh killed from outside, say), the group
    is alive, so its id is still ssh's, and it is killed. Nothing here waits without end."""
    if proc.returncode is None:
        _kill_group(proc)
    for _ in range(2):
        done, _pending = await asyncio.wait([drain], timeout=_PIPES_WAIT)
        if done:
            break
        _kill_group(proc)
    with contextlib.suppress(asyncio.TimeoutError):  # its status (waiting for its pipes too, if not yet seen)
        await asyncio.wait_for(proc.wait(), _PIPES_WAIT)


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # start_new_session: the group's id is ssh's pid
    except OSError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()


def _sizes(head: bytes) -> Tuple[int, int]:
    """A frame's first line: the JSON's length, and for a batch the length of the raw lines after it."""
    parts = head.split()
    if not (1 <= len(parts) <= 2 and parts[0].isdigit() and parts[-1].isdigit()):
        raise ProtocolError(f"a frame that starts {head[:40]!r}")
    size, raw = int(parts[0]), int(parts[1]) if len(parts) == 2 else 0
    if not 0 < size < _FRAME_MAX or raw >= _FRAME_MAX:
        raise ProtocolError(f"a frame of {size} + {raw} bytes")
    return size, raw


async def _keep_tail(stream: asyncio.StreamReader, into: bytearray) -> None:
    """ssh's standard error, its last few KB: the reason a session ended is in its last lines."""
    while True:
        chunk = await stream.read(4096)
        if not chunk:
            return
        into += chunk
        del into[:-_STDERR_KEPT]


