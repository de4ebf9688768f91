"""One followed log (a plain path, or one stream of a glob): notices rotation, loss and recovery of its file."""

from __future__ import annotations

import os
import stat
from collections import OrderedDict
from collections.abc import Callable

from console.tail.cursor import FileCursor
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
from console.tail.reading import FileReader, NotAFile, describe_error, describe_mode

_MISSING = (FileNotFoundError, NotADirectoryError)
_KNOWN_LIMIT = 256


class Shared:
    """What all streams of one Follower share: the reader, settings, and which inodes are already being read.

    Remembering inodes means a file renamed to a name that also matches (mta-event* catching
    mta-event.log.1) is recognised as the one already read, not followed a second time from its start.
    """

    def __init__(self, reader: FileReader, max_line: int, grace: float, report: Callable[[str, SourceState], None]):
        self.reader = reader
        self.max_line = max_line
        self.grace = grace
        self.report = report
        self.open_files: dict[tuple[int, int], FileCursor] = {}
        self.known: OrderedDict[tuple[int, int], tuple[int, int, bytes]] = OrderedDict()

    def opened(self, cursor: FileCursor) -> None:
        self.open_files[(cursor.file.dev, cursor.file.ino)] = cursor

    def closing(self, cursor: FileCursor) -> None:
        ident = (cursor.file.dev, cursor.file.ino)
        if self.open_files.get(ident) is cursor:
            del self.open_files[ident]
        try:
            still_linked = cursor.file.fstat().st_nlink > 0
        except OSError:
            still_linked = False
        if still_linked:
            self.known[ident] = cursor.position()
            self.known.move_to_end(ident)
            while len(self.known) > _KNOWN_LIMIT:
                self.known.popitem(last=False)
        else:
            self.known.pop(ident, None)


class Stream:
    """Reads its files strictly one after another: retired files are drained before the live one is read.

    A retired file (renamed away, superseded by a newer dated file, unlinked) stays open for a grace
    period after it stops growing: a writer that has not reopened its log yet is still appending to it.
    """

    def __init__(self, key: str, path: str, shared: Shared) -> None:
        self.key = key
        self.path = path  # the path whose file is (or will be) the live one
        self.order: tuple = ()  # newness of path, for glob streams
        self.shared = shared
        self.cursors: list[FileCursor] = []  # retired ones first, the live one last
        self.live: FileCursor | None = None
        self.history: list[str] = []  # older members seen at start, offered to backfill
        self.state: SourceState | None = None
        self._seen = False  # something existed at path once: gone now means "deleted", not "waiting"

    # -- state ---------------------------------------------------------------------------------

    def set(self, state: str, detail: str = "") -> None:
        new = SourceState(self.path, state, detail)
        if new != self.state:
            self.state = new
            self.shared.report(self.key, new)

    # -- following the path ----------------------------------------------------------------------

    def _retire_live(self, now: float) -> None:
        live = self.live
        if live is not None:
            live.retired_at = now
            live.last_growth = now
            self.live = None

    def _drop_all(self) -> None:
        for c in self.cursors:
            self.shared.closing(c)
            c.close()
        self.cursors.clear()
        self.live = None

    def refresh(self, now: float) -> None:
        """Looks at the path again: appeared, replaced, renamed away, removed, turned into a directory..."""
        path = self.path
        live = self.live
        try:
            st = os.stat(path)
        except _MISSING:
            if live is not None:
                try:
                    linked = live.file.fstat().st_nlink > 0
                except OSError:
                    linked = False
                if not linked:
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
        self._open(now, rotated=live is not None)

    def _open(self, now: float, *, rotated: bool, detail: str = "") -> FileCursor | None:
        sh = self.shared
        live = self.live
        try:
            f = sh.reader.open(self.path)
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
        ident = (f.dev, f.ino)
        other = sh.open_files.get(ident)
        if other is not None:
            f.close()
            if other.retired:
                # Our own previous file came back under this name (renamed back, or a rotated copy
                # that also matches): resume it once it is released, rather than read it twice.
                return None
            self.set(WAITING, f"same file as {other.source}")
            return None
        if live is not None:
            try:
                linked = live.file.fstat().st_nlink > 0
            except OSError:
                linked = False
            self._retire_live(now)
            detail = detail or ("reopened after rename" if linked else "replaced by a new file")
        cursor = FileCursor(sh.reader, f, sh.max_line)
        known = sh.known.pop(ident, None)
        if known is not None:
            cursor.resume(*known)
        sh.opened(cursor)
        self.cursors.append(cursor)
        self.live = cursor
        self.set(ROTATED if rotated else FOLLOWING, detail)
        return cursor

    def advance(self, newer: list[tuple[tuple, str]], now: float) -> None:
        """Newer dated files appeared: finish the current one, read any skipped-over ones whole, follow the newest."""
        rotated = self.state is not None
        self._retire_live(now)
        for order, path in newer:
            detail = f"rolled over from {os.path.basename(self.path)}" if rotated else ""
            self.path, self.order = path, order
            self._open(now, rotated=rotated, detail=detail)
            if self.live is not None and path != newer[-1][1]:
                self._retire_live(now)
        if self.live is None:
            self.refresh(now)

    # -- reading -----------------------------------------------------------------------------------

    async def step(self, now: float) -> tuple[list[RawLine], bool]:
        """Reads one block from the oldest file with unread bytes. Returns (lines, made_progress)."""
        for c in list(self.cursors):
            try:
                lines, eof, truncated = await c.read_block(now)
            except OSError as exc:
                self.cursors.remove(c)
                self.shared.closing(c)
                c.close()
                if c is self.live:
                    self.live = None
                    self.set(UNREADABLE, describe_error(exc))
                return [], True
            if truncated and c is self.live:
                self.set(TRUNCATED, "file shrank; reading again from the start")
            if lines or not eof:
                return lines, True
            if c.retired_at is not None:
                if c.exhausted or now - c.last_growth >= self.shared.grace:
                    self.cursors.remove(c)
                    self.shared.closing(c)
                    tail = c.finish()
                    if tail:
                        return tail, True
                continue
            return [], False
        return [], False

    def next_deadline(self) -> float | None:
        """When a lingering retired file may be closed, so the follower wakes for it."""
        times = [c.last_growth + self.shared.grace for c in self.cursors if c.retired_at is not None]
        return min(times) if times else None

    def close(self) -> None:
        self._drop_all()
