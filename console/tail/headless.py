"""The engine without a screen: what `decode --follow` and `decode -n` call, handing lines and states
to the CLI's printers. A printed line number is final (a pipe into grep cannot take one back): lines
of a history read from the end of a big file wait, and the lines after them with them, until the
lines before the history are counted (console.tail.renumber); that takes about a second a GB."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from console.tail.remote.choose import open_source
from console.tail.contract import RawLine, Renumbered, SourceState
from console.compat import aclosing


class InOrderExact:
    """Lines in order, held back while any of them has a provisional line number."""

    def __init__(self) -> None:
        self._held: list[RawLine] = []
        self._waiting: set[int] = set()   # tokens whose count is under way
        self._given_up: set[int] = set()  # tokens whose count failed: their numbers stay relative

    @property
    def waiting(self) -> bool:
        return bool(self._waiting)

    def fix(self, fix: Renumbered) -> None:
        self._waiting.discard(fix.token)
        if fix.offset is None:
            self._given_up.add(fix.token)
            return
        for line in self._held:
            if line.numbering == fix.token:
                line.lineno += fix.offset
                line.numbering = 0

    def take(self, lines: list[RawLine]) -> list[RawLine]:
        """`lines` join the held ones; returns the lines that may be printed now."""
        for line in lines:
            if line.numbering and line.numbering not in self._given_up:
                self._waiting.add(line.numbering)
        self._held.extend(lines)
        if self._waiting:
            return []
        out, self._held = self._held, []
        return out


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
    history_only: bool = False,
    emit_uncounted: Callable[[str], None] = lambda source: None,
    once: bool = False,
) -> None:
    """Follows until cancelled, or returns when the only source is stdin and it ended.

    history_only: the last `lines` lines of all the logs together (tail -n), then return; nothing
    written after the start is printed. States of a batch are emitted before its lines.
    emit_uncounted(source): the lines before a history of `source` could not be counted (its numbers
    are relative). Cancelling closes every file and the inotify fd before CancelledError propagates.
    Logs on other hosts (host:PATH): a history waits for every host; once: whole files, then return.
    """
    extra = {} if rotate_grace is None else {"rotate_grace": rotate_grace}
    follower = open_source(paths, lines=lines, from_start=from_start or once, max_line=max_line, sort_key=sort_key,
                           stdin=stdin, once=once, history_wait=None if history_only or once else "default", **extra)
    exact = InOrderExact()
    history: deque = deque(maxlen=max(lines, 1) if lines else 0)
    live = False
    try:
        async with aclosing(follower.batches()) as batches:
            async for batch in batches:
                for state in batch.states:
                    emit_state(state)
                for fix in batch.renumbered:
                    exact.fix(fix)
                    if fix.offset is None:
                        emit_uncounted(fix.source)
                live = live or not batch.backfill
                ready = exact.take(batch.lines if not (history_only and live) else [])
                if history_only:
                    history.extend(ready)
                    if live and not exact.waiting:
                        if history:
                            emit_lines(list(history))
                        return
                elif ready:
                    emit_lines(ready)
    finally:
        await follower.aclose()
