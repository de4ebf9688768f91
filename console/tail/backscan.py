"""Finds where the last N lines of a file begin by reading backwards, so a 1 GB log costs what a 1 MB one does."""

from __future__ import annotations

from dataclasses import dataclass

from console.compat import SLOTS

from console.tail.disk import FileReader, LogFile, read_blocks_forward

BACK_BLOCK = 64 * 1024
# A skipped prefix up to this size is counted before reading on (a few ms); past it the count runs
# beside the reading (console.tail.renumber), so a 1 GB log shows its history at once.
EXACT_LINENO_LIMIT = 8 * 1024 * 1024


@dataclass(**SLOTS)
class TailStart:
    start: int  # offset where reading begins
    lines: int  # lines the region [start, size) will yield (a final file's unterminated tail counts)
    inside_long_line: bool = False  # start is in the middle of an overlong line: skip to its newline


async def find_tail_start(reader: FileReader, f: LogFile, size: int, n: int, *,
                          final: bool, max_line: int, block: int = BACK_BLOCK) -> TailStart:
    """Offset of the n-th last line of f[0:size].

    final=False (the live file): an unterminated last line is still being written; it is not
    counted, and reading starts no later than its beginning so it is delivered once complete.
    final=True (an older file that is finished): its unterminated last line counts as a line.
    The scan stops after about n*(max_line+1) bytes: lines longer than max_line are cut anyway,
    and a file that is one endless line must not be read whole.
    """
    if size <= 0:
        return TailStart(0, 0)
    limit = (n + 1) * (max_line + 1) + block
    pos = size
    found = 0
    earliest = -1
    want = -1  # which newline from the end marks the start; known after the first block
    trailing = 0
    while pos > 0:
        take = min(block, pos)
        pos -= take
        data = await reader.read_at(f, pos, take)
        if len(data) < take:  # shrank while we looked: let the live reader sort out the truncation
            return TailStart(0, 0)
        if want < 0:
            trailing = 1 if final and not data.endswith(b"\n") else 0
            if final and n == 0:
                return TailStart(size, 0)
            want = n + 1 - trailing
        i = len(data)
        while True:
            i = data.rfind(b"\n", 0, i)
            if i < 0:
                break
            found += 1
            earliest = pos + i
            if found == want:
                return TailStart(earliest + 1, want - 1 + trailing)
        if size - pos >= limit and pos > 0:
            if earliest < 0:
                return TailStart(size, 0, inside_long_line=not final)
            return TailStart(earliest + 1, found - 1 + trailing)
    return TailStart(0, found + trailing)


async def count_lines_before(reader: FileReader, f: LogFile, offset: int, block: int = 1024 * 1024) -> int | None:
    """Newlines in f[0:offset], or None when that prefix is too big to count cheaply."""
    if offset <= 0:
        return 0
    if offset > EXACT_LINENO_LIMIT:
        return None
    count = 0
    async for data in read_blocks_forward(reader, f, 0, offset, block):
        count += data.count(b"\n")
    return count
