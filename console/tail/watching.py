"""Which directories (and lingering files) the kernel watches for us, and what their events mean.

A directory that does not exist (yet, or any more) is watched through its nearest existing parent,
so its coming back is seen at once, not by polling; a directory deleted or moved aside loses its
watch and the name is watched again.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import os
import re
from typing import Callable, Dict, List, Optional, Set, Tuple

from console.tail.cursor import FileCursor
from console.tail.grouping import is_glob, watch_dirs
from console.tail.identity import rotated_from
from console.tail.inotify import IN_DELETE_SELF, IN_IGNORED, IN_MOVE_SELF, IN_Q_OVERFLOW, STRUCTURAL, Inotify
from console.tail.sources import Sources

Wanted = Dict[str, Tuple[Set[str], List[str]]]


def _static_prefix(pattern: str) -> str:
    """The part of a glob's directory before its first magic component."""
    parts = []
    for part in os.path.dirname(pattern).split(os.sep):
        if is_glob(part):
            break
        parts.append(part)
    return os.sep.join(parts) or ("." if not pattern.startswith(os.sep) else os.sep)


def _matches(name: str, names: Set[str], pattern: Optional[re.Pattern]) -> bool:
    return name in names or (pattern is not None and pattern.match(name) is not None)


class Watcher:
    """Keeps inotify watches in line with the sources; without inotify it says so, and the
    follower polls directory mtimes instead."""

    def __init__(self, inotify: Optional[Inotify]) -> None:
        self.inotify = inotify
        self.unwatched = True  # some directory could not be watched: poll
        self.need_rescan = False
        self._matchers: Dict[str, Tuple[Set[str], Optional[re.Pattern]]] = {}
        self._dir_mtimes: Dict[str, int] = {}

    # -- what to watch -----------------------------------------------------------------------------

    @staticmethod
    def wanted(sources: Sources) -> Wanted:
        """Directory -> (exact names, glob name patterns) whose events matter."""
        wanted: Wanted = {}

        def add(directory: str, name: Optional[str] = None, pattern: Optional[str] = None) -> None:
            directory = os.path.abspath(directory)
            # A missing directory: watch the nearest parent that exists, for the name on the way down.
            while not os.path.isdir(directory):
                parent = os.path.dirname(directory)
                if parent == directory:
                    return
                name, pattern = os.path.basename(directory), None
                directory = parent
            names, patterns = wanted.setdefault(directory, (set(), []))
            if name:
                names.add(name)
            if pattern:
                patterns.append(pattern)

        for spec in sources.specs:
            if spec.kind == "path":
                add(os.path.dirname(spec.text) or ".", name=os.path.basename(spec.text))
            elif spec.kind == "glob":
                head = os.path.dirname(spec.text) or "."
                if is_glob(head):
                    add(_static_prefix(spec.text), pattern="*")
                    for d in watch_dirs(spec.text):
                        add(d, pattern=os.path.basename(spec.text))
                else:
                    add(head, pattern=os.path.basename(spec.text))
        for stream in sources.streams.values():
            for c in stream.cursors:
                real = os.path.realpath(c.source)  # a symlinked log is written in its target's directory
                add(os.path.dirname(real), name=os.path.basename(real))
        return wanted

    def update(self, sources: Sources) -> None:
        wanted = self.wanted(sources)
        self._matchers = {
            d: (names, re.compile("|".join(fnmatch.translate(p) for p in pats)) if pats else None)
            for d, (names, pats) in wanted.items()
        }
        ino = self.inotify
        if ino is None:
            self.unwatched = True
            return
        for d in ino.watched - set(wanted):
            ino.remove(d)
        self.unwatched = not all([ino.add(d) for d in wanted])

    # -- lingering files -----------------------------------------------------------------------------

    def watch_file(self, c: FileCursor) -> None:
        if self.inotify is not None and c.watch is None and not c.file.closed:
            c.watch = self.inotify.add_file(c.file.fd)

    def unwatch_file(self, c: FileCursor) -> None:
        if self.inotify is not None and c.watch is not None:
            self.inotify.remove_file(c.watch)
        c.watch = None

    # -- events ----------------------------------------------------------------------------------

    def on_events(self) -> bool:
        """Drains the kernel's queue; True when something that matters happened."""
        ino = self.inotify
        if ino is None:
            return False
        relevant = False
        for directory, name, mask in ino.read_events():
            if directory is None or mask & IN_Q_OVERFLOW:
                self.need_rescan = relevant = True
                continue
            if directory == "":  # a lingering file's own watch
                relevant = True
                continue
            if not name:
                if mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED):
                    ino.forget(directory)  # the name must be watched again, whatever is there now
                    self.need_rescan = relevant = True
                continue
            names, pattern = self._matchers.get(directory, (set(), None))
            if not _matches(name, names, pattern):
                # A rotated copy of a log we follow (log.1, log-20261124) appeared or went: look again.
                if mask & STRUCTURAL and any(_matches(b, names, pattern) for b in rotated_from(name)):
                    self.need_rescan = relevant = True
                continue
            relevant = True
            if mask & STRUCTURAL:
                self.need_rescan = True
        return relevant

    def dirs_changed(self) -> bool:
        """Polling mode: a glob is re-expanded only when one of its directories changed."""
        changed = False
        for d in self._matchers:
            try:
                m = os.stat(d).st_mtime_ns
            except OSError:
                m = -1
            if self._dir_mtimes.get(d) != m:
                self._dir_mtimes[d] = m
                changed = True
        return changed

    async def sleep(self, wake: asyncio.Event, timeout: float, wakeup: Callable[[], None]) -> None:
        """Until wake is set (by what the kernel says, through wakeup) or timeout seconds pass."""
        loop = asyncio.get_running_loop()
        ino = self.inotify
        if ino is not None:
            loop.add_reader(ino.fileno(), lambda: self.on_events() and wakeup())
        try:
            if not wake.is_set():
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout)
        finally:
            if ino is not None and self.inotify is ino:
                loop.remove_reader(ino.fileno())

    @property
    def polling(self) -> bool:
        return self.inotify is None or self.unwatched
