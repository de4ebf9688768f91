"""A follower taken up from a checkpoint (a new SSH session after a drop) may find the file it was
reading gone: renamed and compressed meanwhile (logrotate's `compress` without `delaycompress`,
which deletes the plain copy). A follower that kept running would have read on through its open
file; this one reads the unread rest from the compressed copy instead. The copy is known as the
file was: it starts with the same bytes and holds, where we stopped, the bytes we read last."""

from __future__ import annotations

import os
from typing import BinaryIO, List, Optional, Tuple

from console.tail.compressed import CompressedFileError, open_decompressed
from console.tail.contract import RawLine
from console.tail.identity import Generation, head_matches, rotation_siblings
from console.tail.whole_files import iter_lines

_BLOCK = 1 << 20


def compressed_rotations(path: str) -> List[str]:
    """Compressed files beside `path` named as its rotations (log.1.gz, log-20261124.xz), newest first."""
    found = []
    for p in rotation_siblings(path, compressed=True):
        try:
            found.append((os.stat(p).st_mtime_ns, p))
        except OSError:
            continue
    return [p for _, p in sorted(found, reverse=True)]


def read_rest(gen: Generation, max_line: int) -> Tuple[Optional[str], List[RawLine]]:
    """(the compressed copy, the lines after gen.pos) for a content no longer on disk; (None, [])
    when no copy holds it. Blocking: run it in the reader's thread."""
    if not gen.source or not gen.head:
        return None, []
    for path in compressed_rotations(gen.source):
        try:
            with open_decompressed(path) as f:
                lines = _rest(f, gen, max_line)
        except (OSError, CompressedFileError, EOFError):
            continue
        if lines is not None:
            return path, lines
    return None, []


def _rest(f: BinaryIO, gen: Generation, max_line: int) -> Optional[List[RawLine]]:
    start = f.read(max(len(gen.head), min(gen.pos, _BLOCK)))
    if not head_matches(gen.head, start[:len(gen.head)]):
        return None
    have, tail = len(start), start[-max(1, len(gen.overlap)):]
    while have < gen.pos:  # read on to where we stopped, keeping the bytes before it
        block = f.read(min(_BLOCK, gen.pos - have))
        if not block:
            return None  # shorter than what we read: not our content
        have += len(block)
        tail = (tail + block)[-max(1, len(gen.overlap)):]
    before = start[:gen.pos] if have == len(start) and gen.pos <= len(start) else tail
    if gen.overlap and not before.endswith(gen.overlap):
        return None
    out = []
    for n, data, cut in iter_lines(_Chain(start[gen.pos:] if gen.pos < len(start) else b"", f), max_line):
        out.append(RawLine(gen.source, gen.lineno + n, data, cut=cut, numbering=gen.numbering,
                           completes=(n == 1 and gen.shown >= 0)))
    return out


class _Chain:
    """What was read past the offset already, then the rest of the stream."""

    def __init__(self, first: bytes, rest: BinaryIO) -> None:
        self._first, self._rest = first, rest

    def read(self, n: int = -1) -> bytes:
        if self._first:
            out, self._first = self._first, b""
            return out
        return self._rest.read(n)


async def recover_gone(gone: dict, reg, streams: dict, max_line: int) -> List[RawLine]:
    """`gone`: the files the checkpoint was reading, by identity. Those not met again (not being
    read, not found by name) are read on from a compressed copy; the stream they belonged to says
    so (rotated, with where the rest came from, or that it was not found)."""
    import asyncio
    from console.tail.contract import ROTATED
    out: List[RawLine] = []
    loop = asyncio.get_running_loop()
    for ident, gen in gone.items():
        met = reg.open_files.get(ident)
        if met is not None and met.head and head_matches(gen.head, met.head):
            continue  # met again: read on as usual (a recycled inode starts otherwise)
        reg.known.pop(ident, None)
        copy, lines = await loop.run_in_executor(reg.reader.executor, read_rest, gen, max_line)
        name = os.path.basename(gen.source)
        if copy is not None:
            detail = f"the rest of {name} read from {os.path.basename(copy)} (rotated and compressed while away)"
        else:
            detail = f"{name} was rotated away while away, past line {gen.lineno}; no copy found: its last lines are not read"
        for stream in streams.values():
            if os.path.dirname(stream.path) == os.path.dirname(gen.source):
                stream.set(ROTATED, detail)
                break
        out.extend(lines)
    return out
