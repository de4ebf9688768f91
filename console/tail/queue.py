"""The files of one log, oldest first, read strictly one after another.

A log's files are its live file and the ones before it: renamed away, superseded, copies holding
the rest of a truncated file, rotations met while we were stalled. Each is read to its end before
the next, and is let go when its writer can no longer add to it.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from console.tail.contract import TRUNCATED, UNREADABLE, RawLine, SourceState
from console.tail.copies import take_rest_from_copy
from console.tail.cursor import FileCursor
from console.tail.disk import NotAFile, describe_error
from console.tail.identity import Registry

MAX_LINGERING = 32  # superseded files kept open per log, however many rotations came in a burst


class FileQueue:
    """Reads its files strictly one after another: retired files are drained before the next is read.

    A retired file (renamed away, superseded by a newer file) stays open while its writer may still
    append to it: for the registry's grace period after it last grew, even when deleted.
    """

    def __init__(self, key: str, path: str, reg: Registry) -> None:
        self.key = key
        self.path = path  # the path whose file is (or will be) the live one
        self.reg = reg
        self.cursors: List[FileCursor] = []  # retired ones first, the live one last
        self.live: Optional[FileCursor] = None
        self.state: Optional[SourceState] = None

    def set(self, state: str, detail: str = "") -> None:
        new = SourceState(self.path, state, detail)
        if new != self.state:
            self.state = new
            self.reg.report(self.key, new)

    # -- the queue ----------------------------------------------------------------------------------

    def _retire(self, c: FileCursor, now: float) -> None:
        if c.retired_at is None:
            c.retired_at = now
            c.last_growth = max(c.last_growth, now)
            self.reg.watch_file(c)
        if c is self.live:
            self.live = None

    def _retire_live(self, now: float) -> None:
        if self.live is not None:
            self._retire(self.live, now)

    def _drop(self, c: FileCursor) -> List[RawLine]:
        self.cursors.remove(c)
        linked = c.placed and c.file.linked()
        # Let go while its writer may still finish the last line: show it as it is, and when the
        # file grows again it is taken up at that line's start (the registry's resume point).
        partial = c.partial_line(0.0, 0.0, force=True) if linked and not c.final else []
        if c is self.live:
            self.live = None
        if self.reg.open_files.get(c.ident) is c:
            if c.placed:
                self.reg.closing(c)
            else:  # never read: nothing to remember of it
                del self.reg.open_files[c.ident]
        self.reg.unwatch_file(c)
        if linked and not c.final:
            c.close()
            return partial
        return c.finish()

    def _adopt(self, paths: List[str], now: float, before: Optional[FileCursor] = None) -> None:
        """Files met while live, each placed lazily when its turn comes, read before `before` (by
        default the live file), oldest first among those not read yet."""
        before = before or self.live
        at = self.cursors.index(before) if before is not None else len(self.cursors)
        waiting = []
        for x in self.cursors[:at]:  # met earlier and not read yet: they and the new ones, by age
            # A file read again from 0 after a truncate, of which nothing is read yet, holds what
            # was written after the copies we are about to read: it waits its turn too.
            if not x.placed or (x.restarted and x.pos == 0 and x.lineno == 0 and not x.splitter.pending):
                waiting.append(x)
        for x in waiting:
            self.cursors.remove(x)
        for path in paths:
            c = self._open_extra(path, now)
            if c is not None:
                self._retire(c, now)
                waiting.append(c)
        waiting.sort(key=lambda x: (_mtime(x), x.placed))  # same clock tick: the copy is the older
        at = self.cursors.index(before) if before is not None else len(self.cursors)
        self.cursors[at:at] = waiting

    def _open_extra(self, path: str, now: float) -> Optional[FileCursor]:
        """Opens a file met while live, placed lazily (not yet in the list)."""
        reg = self.reg
        try:
            f = reg.reader.open(path)
        except (OSError, NotAFile):
            return None
        if (f.dev, f.ino) in reg.open_files:
            f.close()
            return None
        c = FileCursor(reg.reader, f, reg.max_line)
        c.placed = False
        c.last_growth = now
        reg.opened(c)
        return c

    # -- reading -----------------------------------------------------------------------------------

    def _recover(self, c: FileCursor, now: float) -> List[RawLine]:
        """c's file was truncated under us (copytruncate): read what we had not yet read of the old
        content from its copy, then copies of contents we never saw (truncated twice while we were
        stalled), then the file again from 0."""
        reg = self.reg
        rc, lines, detail = take_rest_from_copy(reg, c, now)
        if rc is not None:
            # c's unread rest is older than any content met but not read yet (copies of later
            # generations found while we were stalled): it goes before them.
            at = self.cursors.index(c)
            while at > 0 and not self.cursors[at - 1].placed:
                at -= 1
            self.cursors.insert(at, rc)
        # Contents we never saw (truncated again while we were stalled) come before c's new ones.
        later = [x for x in self.cursors[self.cursors.index(c) + 1:] if not x.placed and x is not self.live]
        for x in later:
            self.cursors.remove(x)
        self.cursors[self.cursors.index(c):self.cursors.index(c)] = later
        self._adopt(reg.unseen_rotations(self.path, c.ident), now, before=c)
        if c is self.live:
            self.set(TRUNCATED, detail)
        return lines

    def _place(self, c: FileCursor) -> bool:
        """Decides where a file met while live starts, now that the files before it are read; False
        when it holds nothing new (it is let go)."""
        try:
            p = self.reg.place(c)
        except OSError:
            p = None
        if p is None or p.skip:
            self._drop(c)
            return False
        c.resume(p.pos, p.lineno, p.overlap, p.numbering)
        c.shown = p.shown
        c.source = p.source or c.source  # taken up again: its lines keep their name
        c.placed = True
        return True

    async def step(self, now: float) -> Tuple[List[RawLine], bool]:
        """Reads one block from the oldest file with unread bytes. Returns (lines, made_progress)."""
        reg = self.reg
        if any(not c.placed for c in self.cursors):
            # Files met and not read yet may be copies of one we are reading: if that one was
            # truncated, its rest (in one of them) must be read first, so see to it now.
            for c in list(self.cursors):
                if c.placed and not c.final and c.rewritten():
                    return self._recover(c, now), True
        cursors = list(self.cursors)
        for i, c in enumerate(cursors):
            if not c.placed and not self._place(c):
                return [], True
            try:
                lines, eof, rewritten = await c.read_block(now)
            except OSError as exc:
                self._drop(c)
                if c is self.live or (not self.cursors and self.live is None):
                    self.set(UNREADABLE, describe_error(exc))
                return [], True
            if rewritten:
                if c.final:  # a copy we were reading the rest from, itself truncated: nothing more in it
                    reg.forget_content(c.generation())
                    return self._drop(c), True
                # Truncated (copytruncate), live or renamed away: the writer goes on writing to it.
                return self._recover(c, now), True
            if lines or not eof:
                return lines, True
            later = i + 1 < len(cursors)
            if c.final or c.exhausted:
                return self._drop(c), True
            if c.retired_at is not None:
                if later:  # a newer file is about to be read: its unfinished line goes first
                    partial = c.partial_line(now, reg.partial_after, force=True)
                    if partial:
                        return partial, True
                if self._done_with(c, now):
                    return self._drop(c), True
                continue
            return c.partial_line(now, reg.partial_after), False
        return [], False

    def _done_with(self, c: FileCursor, now: float) -> bool:
        # Deleted too: a daemon writes to it until it reopens (logrotate `rotate 0`), and we are
        # the only reader left. Its disk space is freed when the grace is over.
        if now - c.last_growth >= self.reg.grace:
            return True
        lingering = [x for x in self.cursors if x.retired_at is not None]
        return len(lingering) > MAX_LINGERING and c is lingering[0]

    def next_deadline(self) -> Optional[float]:
        """When a lingering retired file may be closed, or an unfinished line shown, so the follower wakes for it."""
        times = []
        for c in self.cursors:
            if c.retired_at is not None:
                times.append(c.last_growth + self.reg.grace)
            d = c.partial_deadline(self.reg.partial_after)
            if d is not None:
                times.append(d)
        return min(times) if times else None

    def close(self) -> None:
        for c in list(self.cursors):
            if self.reg.open_files.get(c.ident) is c:
                self.reg.closing(c)
            c.close()
        self.cursors.clear()
        self.live = None


def _mtime(c: FileCursor) -> int:
    try:
        return c.file.fstat().st_mtime_ns
    except OSError:
        return 0
