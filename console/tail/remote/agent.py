"""The follower's far end: runs on the remote host under its own python3, streamed over the SSH
session (console.tail.remote.bundle: nothing is installed there). It follows what it is told to
with console.tail's Follower, so remote logs keep every local guarantee, and writes each batch,
with the checkpoint taken after it, as one frame on standard output. Standard input closing (the
session is gone) ends it at once."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import threading

from console.compat import aclosing
from console.tail.contract import Batch
from console.tail.follower import Follower

CUT, PARTIAL, COMPLETES = 1, 2, 4
MAX_BATCH = 2000  # lines a frame: a frame is parsed whole on the other side


def frame(obj: dict, data: bytes = b"") -> bytes:
    """A frame: its length in decimal and a newline, then that many bytes of JSON. A batch frame's
    first line has a second number, the length of the lines' raw bytes that follow the JSON."""
    meta = json.dumps(obj, separators=(",", ":")).encode("utf-8")
    if obj.get("t") == "b":
        return b"%d %d\n" % (len(meta), len(data)) + meta + data
    return str(len(meta)).encode("ascii") + b"\n" + meta


def _runs(lines: list) -> tuple:
    """(the sources, [source index, first line number, count, flags, numbering] for each run of
    lines of one source numbered one after another, with the same flags and numbering)."""
    sources: dict = {}
    runs: list = []
    run: list = [None, None, 0, None, None]
    src = None
    for ln in lines:
        flags = (CUT if ln.cut else 0) | (PARTIAL if ln.partial else 0) | (COMPLETES if ln.completes else 0)
        if ln.source == src and ln.lineno == run[1] + run[2] and flags == run[3] and ln.numbering == run[4]:
            run[2] += 1
            continue
        src = ln.source
        run = [sources.setdefault(src, len(sources)), ln.lineno, 1, flags, ln.numbering]
        runs.append(run)
    return list(sources), runs


def encode(batch: Batch, states: object, cp: object) -> tuple:
    """(the frame's JSON, the lines' bytes). The lines travel raw, joined by newlines, and their
    sources, numbers and flags as runs ("src", "runs"): no base64 and no JSON string per line, so
    the near end splits them in C. A line holding a newline itself (never read from a file, which
    is cut at newlines) would make that ambiguous: then every line goes base64 in the JSON ("l")."""
    data = b"\n".join([ln.data for ln in batch.lines])
    out: dict = {"t": "b", "bf": batch.backfill}
    if data.count(b"\n") == max(0, len(batch.lines) - 1):
        out["src"], out["runs"] = _runs(batch.lines)
    else:
        out["l"] = [[ln.source, ln.lineno, base64.b64encode(ln.data).decode("ascii"),
                     (CUT if ln.cut else 0) | (PARTIAL if ln.partial else 0) | (COMPLETES if ln.completes else 0),
                     ln.numbering] for ln in batch.lines]
        data = b""
    if batch.renumbered:
        out["r"] = [[r.token, r.source, r.offset] for r in batch.renumbered]
    if states is not None:
        out["s"] = states
    if cp is not None:
        out["cp"] = cp
    return out, data


async def serve(config: dict, out) -> None:
    once = config.get("once", False)
    # once: read what the logs hold, an unfinished last line too (it is part of the file as it is)
    follower = Follower(config["paths"], lines=config.get("lines", 1000), from_start=config.get("from_start", False),
                        max_line=config.get("max_line", 65536), rotate_grace=config.get("rotate_grace", 300.0),
                        resume=config.get("resume"), max_batch=MAX_BATCH, min_interval=0.02,
                        partial_after=0.0 if once else 1.0)
    async with aclosing(follower.batches()) as batches:
        async for batch in batches:
            if once and not batch.backfill:
                for ln in batch.lines:
                    ln.partial = False
            states = None
            if batch.states:
                states = {k: [s.path, s.state, s.detail] for k, s in follower.states().items()}
            cp = None if batch.backfill else follower.checkpoints.take()
            out.write(frame(*encode(batch, states, cp)))
            out.flush()
            if once and not batch.backfill:
                out.write(frame({"t": "end"}))
                out.flush()
                return


def _end_with_input(stdin) -> None:
    """The session's standard input closes when the session goes: nothing is left running here."""
    try:
        while stdin.read1(65536):
            pass
    finally:
        os._exit(0)


def main(config: dict, stdin=None, stdout=None) -> None:
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    threading.Thread(target=_end_with_input, args=(stdin,), daemon=True).start()
    stdout.write(frame({"t": "hello", "py": "%d.%d.%d" % sys.version_info[:3], "pid": os.getpid()}))
    stdout.flush()
    try:
        asyncio.run(serve(config, stdout))
    except BrokenPipeError:
        os._exit(0)
    stdout.flush()
    os._exit(0)
