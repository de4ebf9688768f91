"""Linux inotify through ctypes: the kernel tells us when a followed directory changes, so idle costs no CPU."""

from __future__ import annotations

import ctypes
import errno
import os
import struct
import sys

IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000

# A superseded file watched by itself (wherever it was renamed to): its writes wake us.
FILE_MASK = IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF

# Changes to a directory's entries (or to a file's permissions): the set of files to follow may differ.
STRUCTURAL = IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
DIR_MASK = STRUCTURAL | IN_MODIFY | IN_CLOSE_WRITE | IN_ONLYDIR

_EVENT = struct.Struct("iIII")


class Inotify:
    """A non-blocking inotify fd watching directories; read_events() drains what the kernel queued."""

    def __init__(self, libc: ctypes.CDLL, fd: int) -> None:
        self._libc = libc
        self._fd = fd
        self._dirs: dict[int, str] = {}
        self._wds: dict[str, int] = {}
        self._files: set[int] = set()

    @classmethod
    def create(cls) -> Inotify | None:
        """None where inotify is not available (not Linux, no libc symbol, instance limit reached)."""
        if not sys.platform.startswith("linux"):
            return None
        try:
            # the symbols of the running process: find_library would run ldconfig (or gcc) to look
            libc = ctypes.CDLL(None, use_errno=True)
            init1 = libc.inotify_init1
            libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
            libc.inotify_rm_watch.argtypes = [ctypes.c_int, ctypes.c_int]
        except (OSError, AttributeError):
            return None
        init1.argtypes = [ctypes.c_int]
        fd = init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            return None
        return cls(libc, fd)

    def fileno(self) -> int:
        return self._fd

    @property
    def watched(self) -> set[str]:
        return set(self._wds)

    def add(self, directory: str) -> bool:
        if directory in self._wds:
            return True
        wd = self._libc.inotify_add_watch(self._fd, os.fsencode(directory), DIR_MASK)
        if wd < 0:
            return False
        self._wds[directory] = wd
        self._dirs[wd] = directory
        return True

    def add_file(self, fd: int) -> int | None:
        """Watches the file an fd is open on, by itself: a renamed or moved log still wakes us."""
        wd = self._libc.inotify_add_watch(self._fd, os.fsencode(f"/proc/self/fd/{fd}"), FILE_MASK)
        if wd < 0:
            return None
        self._files.add(wd)
        return wd

    def remove_file(self, wd: int) -> None:
        if wd in self._files and wd not in self._dirs:
            self._files.discard(wd)
            self._libc.inotify_rm_watch(self._fd, wd)

    def forget(self, directory: str) -> None:
        """The directory under this name is gone or moved: its watch no longer stands for the name."""
        wd = self._wds.pop(directory, None)
        if wd is not None:
            self._dirs.pop(wd, None)
            if wd not in self._files:
                self._libc.inotify_rm_watch(self._fd, wd)

    def remove(self, directory: str) -> None:
        wd = self._wds.pop(directory, None)
        if wd is not None:
            self._dirs.pop(wd, None)
            self._libc.inotify_rm_watch(self._fd, wd)

    def read_events(self) -> list[tuple[str | None, str, int]]:
        """(directory, name, mask) for each queued event; directory None means the queue overflowed."""
        events: list[tuple[str | None, str, int]] = []
        while True:
            try:
                buf = os.read(self._fd, 65536)
            except BlockingIOError:
                break
            except OSError as exc:
                if exc.errno == errno.EINTR:
                    continue
                break
            if not buf:
                break
            off = 0
            while off + _EVENT.size <= len(buf):
                wd, mask, _cookie, length = _EVENT.unpack_from(buf, off)
                off += _EVENT.size
                name = buf[off : off + length].rstrip(b"\0")
                off += length
                if mask & IN_Q_OVERFLOW:
                    events.append((None, "", mask))
                    continue
                directory = self._dirs.get(wd)
                if directory is None:
                    if wd in self._files:
                        if mask & IN_IGNORED:
                            self._files.discard(wd)
                        events.append(("", "", mask | IN_MODIFY))  # a lingering file changed
                    continue
                if mask & IN_IGNORED:  # the directory went away; the next rescan watches it again
                    self._dirs.pop(wd, None)
                    self._wds.pop(directory, None)
                events.append((directory, os.fsdecode(name), mask))
        return events

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
            self._dirs.clear()
            self._wds.clear()
            self._files.clear()
