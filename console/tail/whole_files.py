"""Reads whole files line by line with a cap on line length, for the batch commands."""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator

BLOCK = 1 << 20
DEFAULT_MAX_LINE = 64 * 1024
PROBE = 8192        # the first block looked at to tell a log from a binary file
BINARY_RUNS = 4     # NUL runs in it that make a file binary
_NUL_RUN = re.compile(rb"\0+")


def looks_binary(head: bytes) -> bool:
    """Binary (an executable, an image, an archive): NUL bytes in BINARY_RUNS or more separate places
    of the first PROBE bytes. grep's NUL test, made tolerant: a log with a few stray bytes is still a
    log (other control bytes never count, nor one to three runs of NULs: a crash leaves a hole of
    NULs where the writer stopped, a file that is all hole among them)."""
    head = head[:PROBE]
    return b"\0" in head and len(_NUL_RUN.findall(head)) >= BINARY_RUNS


def iter_lines(stream: BinaryIO, max_line: int = DEFAULT_MAX_LINE) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, bytes without the newline, cut). A line longer than max_line yields its first
    max_line bytes marked cut; the rest is skipped without being held in memory."""
    lineno = 0
    pending = b""
    skipping = False  # inside the tail of a line that was cut
    while True:
        block = stream.read(BLOCK)
        if not block:
            break
        start = 0
        while True:
            nl = block.find(b"\n", start)
            if nl < 0:
                if not skipping:
                    pending += block[start:]
                    if len(pending) > max_line:
                        lineno += 1
                        yield lineno, pending[:max_line], True
                        pending = b""
                        skipping = True
                break
            if skipping:
                skipping = False
            else:
                piece = block[start:nl]
                if pending:
                    piece = pending + piece
                    pending = b""
                lineno += 1
                if len(piece) > max_line:
                    yield lineno, piece[:max_line], True
                else:
                    yield lineno, piece, False
            start = nl + 1
    if pending and not skipping:
        lineno += 1
        yield lineno, pending, False
