"""One followed log (a plain path, or one stream of a glob): its files, read strictly one after another.

Files are told apart by identity (device, inode, the bytes they start with), not by name: a file
met after start-up starts where what we already read of its content ends (Registry.place), a
truncated file's unread rest is read from its copy, and rotated files we never saw (several
rotations while we were stalled) are read whole before the new one.
"""

from __future__ import annotations

import os
import stat
from typing import List, Optional, Tuple

from console.tail.cursor import FileCursor
from console.tail.copies import take_rest_from_copy
from console.tail.identity import Registry
from console.tail.model import (
    DELETED,
    FOLLOWING,
    NOT_A_FILE,
    ROTATED,
    TRUNCATED,
    UNREADABLE,
    WAITING,
    RawLine,
    SourceState,
)
from console.tail.reading import NotAFile, describe_error, describe_mode

_MISSING = (FileNotFoundError, NotADirectoryError)
MAX_LINGERING = 32  # superseded files kept open per log, however many rotations came in a burst


class Stream:
    """Reads its files strictly one after another: retired files are drained before the next is read.

    A retired file (renamed away, superseded by a newer file) stays open while its writer may still
    append to it: for the registry's grace period after it last grew, unless it is deleted.
    """

    def __init__(self, key: str, path: str, reg: Registry) -> None:
        self.key = key
        self.path = path  # the path whose file is (or will be) the live one
        self.order: tuple = ()  # newness of path at start-up, for glob streams
        self.reg = reg
        self.cursors: List[FileCursor] = []  # retired ones first, the live one last
        self.live: Optional[FileCursor] = None
        self.history: List[str] = []  # older members seen at start, offered to backfill
        self.state: Optional[SourceState] = None
        self.started = False  # past start-up: every file met from now on is placed by identity
        self._seen = False  # something existed at path once: gone now means "deleted", not "waiting"
        self._looked_beside = False  # looked for unseen rotations since the name went away

    # -- state ---------------------------------------------------------------------------------

    def set(self, state: str, detail: str = "") -> None:
        new = SourceState(self.path, state, detail)
        if new != self.state:
            self.state = new
            self.reg.report(self.key, new)

    # -- following the path ----------------------------------------------------------------------

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

    def refresh(self, now: float) -> None:
        """Looks at the path again: appeared, replaced, renamed away, removed, turned into a directory..."""
        path = self.path
        live = self.live
        try:
            st = os.stat(path)
        except _MISSING:
            if live is not None:
                if not self._looked_beside:
                    # The name is gone: a file that stood under it since our last look (replaced,
                    # then renamed away while we were stalled) may be among the rotated ones.
                    self._looked_beside = True
                    unseen = self._unseen_rotations(None)
                    if unseen:
                        self._retire_live(now)
                        self._adopt(unseen, now)
                        live = None
                if live is not None and not live.file.linked():
                    self._retire_live(now)
                    self.set(DELETED, "file removed")
                # Still linked: renamed away (logrotate's first step). Keep reading it until a new file shows up.
            elif self._seen:
                self.set(DELETED, "file removed")
            else:
                self.set(WAITING, "does not exist yet")
            return
        except OSError as exc:
            if live is None:
                self.set(UNREADABLE, describe_error(exc))
            return
        self._seen = True
        if not stat.S_ISREG(st.st_mode):
            self._retire_live(now)
            self.set(NOT_A_FILE, describe_mode(st.st_mode))
            return
        if live is not None and live.file.same_file(st):
            return
        if live is None:
            self._open(now, rotated=False)
            return
        detail = "reopened after rename" if live.file.linked() else "replaced by a new file"
        self._retire_live(now)
        self._adopt(self._unseen_rotations((st.st_dev, st.st_ino)), now)
        self._open(now, rotated=True, detail=detail)

    def look_beside(self, now: float) -> None:
        """A rotated copy we never read may have appeared beside the live file without the file
        changing (truncated twice while we were stalled, before we read anything of it)."""
        # With no live file too: a log made and rotated away while we were stalled (or waiting).
        self._adopt(self._unseen_rotations(self.live.ident if self.live is not None else None), now)

    def _open(self, now: float, *, rotated: bool, detail: str = "", path: Optional[str] = None) -> Optional[FileCursor]:
        reg = self.reg
        path = path or self.path
        try:
            f = reg.reader.open(path)
        except _MISSING:
            return None  # raced with a rename; the next look sorts it out
        except NotAFile as exc:
            self._retire_live(now)
            self.set(NOT_A_FILE, exc.kind)
            return None
        except OSError as exc:
            self._retire_live(now)
            self.set(UNREADABLE, describe_error(exc))
            return None
        other = reg.open_files.get((f.dev, f.ino))
        if other is not None:
            f.close()
            if not other.retired:
                self.set(WAITING, f"same file as {other.source}")
            # else: our own earlier file came back under this name; it is read where it is.
            return None
        if self.live is not None:
            linked = self.live.file.linked()
            self._retire_live(now)
            detail = detail or ("reopened after rename" if linked else "replaced by a new file")
        cursor = FileCursor(reg.reader, f, reg.max_line)
        cursor.last_growth = now
        if self.started:
            cursor.placed = False  # where it starts is decided when the files before it are drained
        else:
            known = reg.known.pop(cursor.ident, None)
            if known is not None:
                cursor.resume(known.pos, known.lineno, known.overlap)
                cursor.shown = known.shown
                cursor.source = known.source or cursor.source
        reg.opened(cursor)
        self.cursors.append(cursor)
        self.live = cursor
        self._looked_beside = False
        self.set(ROTATED if rotated else FOLLOWING, detail)
        return cursor

    def _unseen_rotations(self, new_live: Optional[Tuple[int, int]]) -> List[str]:
        return self.reg.unseen_rotations(self.path, new_live)

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

    def advance(self, newer: List[Tuple[tuple, str]], now: float, *, old: List[str] = ()) -> None:
        """Files met in a glob scan: old ones that grew are read as retired; new ones appeared after
        the current file, so the last of them is followed from now on, whatever its name."""
        self._adopt(list(old), now)
        if not newer:
            return
        rotated = self.state is not None
        for order, path in newer:
            detail = f"rolled over from {os.path.basename(self.path)}" if rotated else ""
            prev = self.path
            self.path, self.order = path, order
            if self._open(now, rotated=rotated, detail=detail) is None:
                self.path = prev if self.live is not None else path
            elif path != newer[-1][1]:
                self._retire_live(now)
        if self.live is None:
            self.refresh(now)

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
            if not c.placed:
                try:
                    p = reg.place(c)
                except OSError:
                    p = None
                if p is None or p.skip:
                    self._drop(c)
                    return [], True
                c.resume(p.pos, p.lineno, p.overlap)
                c.shown = p.shown
                c.source = p.source or c.source  # taken up again: its lines keep their name
                c.placed = True
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
