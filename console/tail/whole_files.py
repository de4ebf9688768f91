"""Reads whole files line by line with a cap on line length, for the batch commands."""

from __future__ import annotations

from typing import BinaryIO, Iterator

BLOCK = 1 << 20
DEFAULT_MAX_LINE = 64 * 1024


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
