"""One followed log (a plain path, or one stream of a glob): what its name points at, and when.

Files are told apart by identity (device, inode, the bytes they start with), not by name: a file
met after start-up starts where what we already read of its content ends (Registry.place), a
truncated file's unread rest is read from its copy (FileQueue), and rotated files we never saw
(several rotations while we were stalled) are read whole before the new one.
"""

from __future__ import annotations

import os
import stat
from typing import List, Optional, Tuple

from console.tail.contract import DELETED, FOLLOWING, NOT_A_FILE, ROTATED, UNREADABLE, WAITING
from console.tail.cursor import FileCursor
from console.tail.disk import NotAFile, describe_error, describe_mode
from console.tail.identity import Registry
from console.tail.queue import FileQueue

_MISSING = (FileNotFoundError, NotADirectoryError)


class Stream(FileQueue):
    """Follows a path: a new file under it is read after the ones before it (FileQueue)."""

    def __init__(self, key: str, path: str, reg: Registry) -> None:
        super().__init__(key, path, reg)
        self.order: tuple = ()  # newness of path at start-up, for glob streams
        self.history: List[str] = []  # older members seen at start, offered to backfill
        self.started = False  # past start-up: every file met from now on is placed by identity
        self._seen = False  # something existed at path once: gone now means "deleted", not "waiting"
        self._looked_beside = False  # looked for unseen rotations since the name went away

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
                cursor.resume(known.pos, known.lineno, known.overlap, known.numbering)
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
