"""The engine without a screen: what `decode --follow` calls, handing lines and states to the CLI's printers."""

from __future__ import annotations

from collections.abc import Callable

from console.tail.follower import Follower
from console.tail.contract import RawLine, SourceState
from console.compat import aclosing


async def follow_print(
    paths: list[str],
    *,
    lines: int = 1000,
    from_start: bool = False,
    max_line: int = 65536,
    emit_lines: Callable[[list[RawLine]], None],
    emit_state: Callable[[SourceState], None],
    sort_key: Callable[[bytes], object] | None = None,
    stdin: int = 0,
    rotate_grace: float | None = None,
) -> None:
    """Follows until cancelled, or returns when the only source is stdin and it ended.

    States of a batch are emitted before its lines. Cancelling the task closes every file and
    the inotify fd before the CancelledError propagates.
    """
    extra = {} if rotate_grace is None else {"rotate_grace": rotate_grace}
    follower = Follower(paths, lines=lines, from_start=from_start, max_line=max_line, sort_key=sort_key,
                        stdin=stdin, **extra)
    try:
        async with aclosing(follower.batches()) as batches:
            async for batch in batches:
                for state in batch.states:
                    emit_state(state)
                if batch.lines:
                    emit_lines(batch.lines)
    finally:
        await follower.aclose()
