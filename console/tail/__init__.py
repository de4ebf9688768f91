"""Follows M-Switch event logs as they are written and delivers their raw lines (never imports textual).

    follower = Follower(["/var/isode/log/mta-event*.log"], lines=1000)
    async with aclosing(follower.batches()) as batches:  # console.compat's: contextlib's, on 3.9 too
        async for batch in batches:
            ...  # batch.lines: list[RawLine], batch.states: list[SourceState], batch.backfill

Batch.states carries only the sources whose state changed; Follower.states() is the full picture,
keyed by a stable name (the path given; a glob that matches nothing yet; or, for a glob stream, its
directory + file name with the digits removed), with SourceState.path naming the file read now.
"rotated" and "truncated" are healthy: the source is being followed and the detail says what happened.
Line numbers are exact, except after a backfill that starts more than 8 MiB into a file: counting
the skipped lines would cost reading the whole file, so there they count from the first line read,
and the source's detail says so.
"""

from importlib import import_module
from typing import Any

# Loaded on first use: `decode` and `stats` import console.tail.compressed without paying for the follower.
_WHERE = {
    "Follower": "console.tail.follower",
    "FileReader": "console.tail.disk",
    **{name: "console.tail.contract" for name in (
        "DELETED", "ENDED", "FOLLOWING", "NOT_A_FILE", "ROTATED", "STATES", "TRUNCATED", "UNREADABLE",
        "WAITING", "Batch", "RawLine", "SourceState")},
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'console.tail' has no attribute {name!r}")
    return getattr(import_module(where), name)


__all__ = sorted(_WHERE)
