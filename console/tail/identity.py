"""Who a file is: device, inode and the bytes it starts with.

A name says nothing about content: logrotate renames, copies and truncates, and inodes are
recycled. The follower decides where to start reading any file it meets after start-up from what
it has already read of the same content, never from the file's name.
"""

from __future__ import annotations

import os
import re
import stat
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Deque, Dict, List, Optional, Tuple

from console.tail.compressed import compression_of
from console.tail.disk import FileReader, read_start

if TYPE_CHECKING:
    from console.tail.cursor import FileCursor
    from console.tail.contract import SourceState

FP_LEN = 1024  # bytes of a file's start that stand for its content
_KNOWN_LIMIT = 4096  # closed files remembered (a head each: a few MB at most)
_PAST_LIMIT = 64

Ident = Tuple[int, int]


SURE_PREFIX = 48  # bytes of an unfinished first line that tell contents apart (a timestamp and more)


def head_matches(a: bytes, b: bytes) -> bool:
    """Two starts are one content: equal over their common length, and that length holds a whole
    line, or enough of one (a log line starts with its time to the millisecond). A few bytes in
    common prove nothing."""
    n = min(len(a), len(b))
    if n == 0 or a[:n] != b[:n]:
        return False
    return n >= SURE_PREFIX or b"\n" in a[:n]


@dataclass
class Generation:
    """What was read of one content: its start, how far, at which line, and the bytes before that offset."""

    head: bytes
    pos: int
    lineno: int
    overlap: bytes = b""
    stamp: Tuple[int, int] = (-1, -1)  # (size, mtime) when recorded: unchanged means nothing new
    shown: int = -1  # bytes of the line at pos already delivered as partial
    source: str = ""  # the name its lines were delivered under
    numbering: int = 0  # lineno counts from where a history began (console.tail.renumber)


@dataclass
class Placement:
    """Where a newly met file starts: at pos (with its line number), or nowhere (already being read)."""

    pos: int = 0
    lineno: int = 0
    overlap: bytes = b""
    skip: bool = False
    shown: int = -1
    source: str = ""
    numbering: int = 0  # lineno counts from where a history began (console.tail.renumber)


_COMPRESSED_SUFFIX = (".gz", ".bz2", ".xz", ".zst", ".Z", ".lz4")


def looks_compressed(name: str, head: bytes = b"") -> bool:
    """A compressed rotation, by its name or its first bytes: history only, never followed."""
    return name.endswith(_COMPRESSED_SUFFIX) or (bool(head) and compression_of(head) is not None)


def rotation_pattern(path: str) -> re.Pattern:
    """Names logrotate and M-Switch give a rotated copy of `path`: log.1, log.2, log-20261124,
    log-20261124.log, log.20261124, and with `extension .log` root-20261124.log."""
    base = os.path.basename(path)
    root, ext = os.path.splitext(base)
    b, r, e = re.escape(base), re.escape(root), re.escape(ext)
    stamp = r"\d[\d._-]*\d|\d"
    alts = [rf"{b}[._-](?:{stamp})(?:{e})?"]
    if ext:
        alts.append(rf"{r}[_-](?:{stamp}){e}")  # not ".": M-Switch's own dated files are root.DATE.log
    return re.compile("(?:" + "|".join(alts) + r")\Z")


_ROTATED = re.compile(r"(?P<base>.+?)[._-](?:\d[\d._-]*\d|\d)(?P<ext>\.[A-Za-z]\w*)?\Z")


def rotated_from(name: str) -> List[str]:
    """The names a rotated file may have had: mta-event.log.1 -> mta-event.log; log-20261124.log ->
    log.log and log (so a glob can tell a rotation of one of its matches)."""
    m = _ROTATED.match(name)
    if m is None:
        return []
    base, ext = m.group("base"), m.group("ext") or ""
    return [base + ext, base] if ext else [base]


def rotation_siblings(path: str, *, compressed: bool = False) -> List[str]:
    """Plain (uncompressed) files beside `path` whose names are rotation names of it; compressed:
    the compressed ones instead (log.1.gz), named so once their suffix is taken off."""
    directory = os.path.dirname(path) or "."
    pattern = rotation_pattern(path)
    out = []
    try:
        with os.scandir(directory) as it:
            for entry in it:
                packed = looks_compressed(entry.name)
                if packed == compressed and pattern.match(os.path.splitext(entry.name)[0] if packed else entry.name):
                    out.append(os.path.join(directory, entry.name))
    except OSError:
        return []
    return out


class Registry:
    """What all streams of one Follower share: the reader, settings, and every content already met.

    open_files: the files being read now, by (dev, ino). known: closed files still linked somewhere,
    with where we stopped. past: contents that were truncated away (copytruncate), so a copy that
    turns up later is read only past what we had. seen: files that were there at start-up (history,
    not new content), with their start and size then.
    """

    def __init__(
        self,
        reader: FileReader,
        max_line: int,
        grace: float,
        partial_after: float,
        report: Callable[[str, SourceState], None],
    ) -> None:
        self.reader = reader
        self.max_line = max_line
        self.grace = grace
        self.partial_after = partial_after
        self.report = report
        self.forget_state: Callable[[str], None] = lambda key: None
        self.open_files: Dict[Ident, FileCursor] = {}
        self.known: OrderedDict[Ident, Generation] = OrderedDict()
        self.past: Deque[Generation] = deque(maxlen=_PAST_LIMIT)
        self.seen: Dict[Ident, Generation] = {}
        self.watch_file: Callable[[FileCursor], None] = lambda c: None
        self.unwatch_file: Callable[[FileCursor], None] = lambda c: None

    # -- bookkeeping -------------------------------------------------------------------------------

    def opened(self, cursor: FileCursor) -> None:
        self.open_files[cursor.ident] = cursor

    def closing(self, cursor: FileCursor) -> None:
        ident = cursor.ident
        if self.open_files.get(ident) is cursor:
            del self.open_files[ident]
        self.unwatch_file(cursor)
        if cursor.file.linked():
            gen = cursor.resume_point()
            gen.stamp = _stamp(cursor.file.fd)
            self.known[ident] = gen
            self.known.move_to_end(ident)
            while len(self.known) > _KNOWN_LIMIT:
                self.known.popitem(last=False)
        else:
            self.known.pop(ident, None)
            self.forget_content(cursor.generation())  # a replacement may carry the same content on

    def read_to_end(self, cursor: FileCursor) -> Generation:
        """A copy that will be read to its end: remembered as read, by its inode and its content."""
        f = cursor.file
        st = f.fstat()
        n = min(st.st_size, 32)
        try:
            tail = os.pread(f.fd, n, st.st_size - n) if n else b""
        except OSError:
            tail = b""
        gen = Generation(cursor.head, st.st_size, 0, tail, stamp=(st.st_size, st.st_mtime_ns))
        if cursor.ident not in self.open_files:
            self.known[cursor.ident] = gen
        return gen

    def forget_content(self, gen: Generation) -> None:
        """A content that was truncated away: remember how far we read it, for a copy met later."""
        if gen.head:
            self.past.append(gen)

    def remember_start(self, path: str) -> None:
        """A file present at start-up is history: met again later (renamed), it is not new content."""
        try:
            f = self.reader.open(path)
        except Exception:  # noqa: BLE001 - missing, unreadable or not a file: nothing to remember
            return
        try:
            head = os.pread(f.fd, FP_LEN, 0)
            stamp = _stamp(f.fd)
            self.seen[(f.dev, f.ino)] = Generation(head, stamp[0], 0, stamp=stamp)
        except OSError:
            pass
        finally:
            f.close()

    def unseen_rotations(self, path: str, exclude: Optional[Ident]) -> List[str]:
        """Rotated files beside path that we never read (rotations while we were stalled), oldest first."""
        found = []
        for p in rotation_siblings(path):
            try:
                st = os.stat(p)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) != exclude and self.worth_reading(p, st):
                found.append((st.st_mtime_ns, p))
        return [p for _, p in sorted(found)]

    def worth_reading(self, path: str, st: os.stat_result) -> bool:
        """A file met beside a followed one: not being read, and not a content we finished (or saw at
        start-up) that has not grown since. A recycled inode is caught by its different start."""
        ident = (st.st_dev, st.st_ino)
        if ident in self.open_files:
            return False
        rec = self.known.get(ident) or self.seen.get(ident)
        if rec is None:
            return True
        if rec.stamp == (st.st_size, st.st_mtime_ns):
            return False
        if st.st_size > rec.pos:
            return True
        head = read_start(path, FP_LEN)
        return bool(head) and not head_matches(rec.head, head)

    # -- deciding where a file starts --------------------------------------------------------------

    def place(self, cursor: FileCursor) -> Placement:
        """Where a file met after start-up starts. Called when every file before it in its stream is
        drained, so what they hold has been read and can be recognised."""
        ident = cursor.ident
        f = cursor.file
        head = cursor.head
        size = f.fstat().st_size
        other = self.open_files.get(ident)
        if other is not None and other is not cursor:
            return Placement(skip=True)  # the same file, already being read
        known = self.known.pop(ident, None)
        # Same inode: its start only has to agree, to tell a recycled inode (other bytes) apart.
        if (known is not None and _prefix_equal(known.head, head) and size >= known.pos
                and _has_at(f.fd, known.overlap, known.pos)):
            return Placement(known.pos, known.lineno, known.overlap, shown=known.shown, source=known.source,
                             numbering=known.numbering)
        seen = self.seen.pop(ident, None)
        if seen is not None and _prefix_equal(seen.head, head) and size >= seen.pos:
            return Placement(seen.pos, 0)  # there at start-up: what it had then was history
        for o in list(self.open_files.values()):
            if o is cursor or not o.head or not _same_start(o, head, f.fd):
                continue
            if o.rewritten():
                # o was truncated and has not seen it yet: it will read its unread rest from this copy.
                return Placement(size, 0)
            o_size = o.file.fstat().st_size
            start = min(size, o_size)
            if start and not _same_bytes_before(f.fd, start, o.file.fd):
                continue
            if start >= o.pos:  # o's content (a copy, or mv)
                return Placement(start, o.lineno, numbering=o.numbering)
            return Placement(start, 0)
        for gen in reversed(self.past):
            if head_matches(gen.head, head) and (size < gen.pos or _has_at(f.fd, gen.overlap, gen.pos)):
                start = min(size, gen.pos)
                if start == gen.pos:  # a copy of a content read
                    return Placement(start, gen.lineno, numbering=gen.numbering)
                return Placement(start, 0)
        return Placement()

    def find_copy(self, cursor: FileCursor, gen: Generation) -> Optional[Tuple[str, int]]:
        """The copy of a truncated file's old content that still holds what we had not read:
        (path, an fd of its own to read it from). Looked for among the files being read and the
        rotation names. It starts as the old content did and holds the bytes we read last where we
        read them; a start too short to be sure of (a first line still unfinished) is taken only
        from the newest such file: logrotate has just made it."""
        found = []  # (sure, mtime, path, fd)
        for o in self.open_files.values():
            if o is not cursor:
                c = self._copy_candidate(o.file.path, o.file.fd, gen, cursor.ident)
                if c is not None:
                    found.append(c[:3] + (os.dup(o.file.fd),))
        for path in rotation_siblings(cursor.source):
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
            except OSError:
                continue
            c = self._copy_candidate(path, fd, gen, cursor.ident)
            if c is None or any(f[2] == path for f in found):
                os.close(fd)
            else:
                found.append(c[:3] + (fd,))
        found.sort(key=lambda f: (f[0], f[1]))
        best = found.pop() if found else None
        for f in found:
            os.close(f[3])
        return (best[2], best[3]) if best is not None else None

    def _copy_candidate(self, path: str, fd: int, gen: Generation, exclude: Ident):
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) == exclude or st.st_size < gen.pos:
                return None
            head = os.pread(fd, FP_LEN, 0)
        except OSError:
            return None
        n = min(len(head), len(gen.head))
        if not gen.head or head[:n] != gen.head[:n] or not _has_at(fd, gen.overlap, gen.pos):
            return None
        return (head_matches(gen.head, head), st.st_mtime_ns, path)


def _prefix_equal(a: bytes, b: bytes) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _same_start(o: FileCursor, head: bytes, fd: int) -> bool:
    """A file starts as o's content: a sure start, or all that o holds so far (an unfinished
    first line) with o's last bytes read where o read them."""
    if head_matches(o.head, head):
        return True
    n = len(o.head)
    return 0 < n == o.pos <= len(head) and head[:n] == o.head and _has_at(fd, o.generation().overlap, o.pos)


def _has_at(fd: int, overlap: bytes, pos: int) -> bool:
    """The bytes just before pos are the ones we read there: the content did go on from where we were."""
    if not overlap:
        return True
    try:
        return os.pread(fd, len(overlap), pos - len(overlap)) == overlap
    except OSError:
        return False


def _stamp(fd: int) -> Tuple[int, int]:
    try:
        st = os.fstat(fd)
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


def _same_bytes_before(fd_a: int, offset: int, fd_b: int, n: int = 64) -> bool:
    start = max(0, offset - n)
    try:
        return os.pread(fd_a, offset - start, start) == os.pread(fd_b, offset - start, start)
    except OSError:
        return False
