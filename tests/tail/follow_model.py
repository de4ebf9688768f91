"""What a follower must have delivered, for the stateful test of the follower (test_follow_machine.py)
and the identity tests (test_follow_identity.py).

Every line written carries a unique id at its start (L000123), and most lines end alike (one event
flooding from one caller) and have the same length, so that no check looking only at the bytes
before an offset can tell two lines apart. The Book records each line as it is written (in pieces,
maybe), which file it went to, and which bytes of it a correct follower must deliver; it resolves
the deliveries (a RawLine with completes=True replaces the partial line delivered for the same
source and lineno) and says what went wrong: lines lost, repeated, out of order within their file,
bytes delivered that were never written as a line start.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from console.tail import RawLine

ID = re.compile(rb"^L(\d{6}) ")
ID_LEN = 8  # b"L000123 "
# One caller flooding one event: every line ends with these bytes (far more than 32 of them).
SUFFIX = b" 11-24 10:00:00.000 W MTA_SMTP-DNSBLfailed smtpsrvr[25010] 203.0.113.7 listed: zen.example (127.0.0.2)"


def line_text(lid: int, tag: bytes = b"w0", pad: bytes = b"") -> bytes:
    """A line without its newline: id, writer tag, padding, the common suffix."""
    return b"L%06d %s%s%s" % (lid, tag, pad, SUFFIX)


def line_id(data: bytes) -> int | None:
    m = ID.match(data)
    return int(m.group(1)) if m else None


@dataclass(eq=False)
class MLine:
    lid: int
    lineage: int  # the log it was written to (its file, or the file it continues): order holds within one
    text: bytes  # everything it will hold, without the newline
    written: int = 0  # bytes of text written so far
    complete: bool = False  # its newline was written
    required_len: int = 0  # bytes a correct follower must deliver (written while the file was followable)
    newline_required: bool = False  # the newline was written while followable: must not stay partial
    lost: bool = False  # every copy of it went away before it was delivered: zero or one delivery is fine
    homes: set = field(default_factory=set)  # ids of the reachable files holding it

    @property
    def data(self) -> bytes:
        return self.text[: self.written]


@dataclass(eq=False)
class Entry:
    """One delivered line, after resolving replacements of partial lines."""

    source: str
    lineno: int
    data: bytes
    partial: bool
    seq: int  # delivery order of its first piece


class Book:
    def __init__(self, *, partials: bool) -> None:
        self.partials = partials  # the follower delivers unterminated last lines (partial_after)
        self.lines: dict[int, MLine] = {}
        self.next_id = 1
        self.entries: list[Entry] = []
        self._partial_at: dict[tuple[str, int], Entry] = {}
        self.violations: list[str] = []  # contract breaches seen at delivery time
        self.delivered = 0  # RawLines received

    # -- writing --------------------------------------------------------------------------------

    def new_line(self, lineage: int, tag: bytes, pad: bytes) -> MLine:
        lid = self.next_id
        self.next_id += 1
        line = MLine(lid, lineage, line_text(lid, tag, pad))
        self.lines[lid] = line
        return line

    def wrote(self, line: MLine, n: int, newline: bool, required: bool) -> None:
        """n more bytes of line.text (and maybe its newline) went to a file, followable or not."""
        if required and line.required_len == line.written:
            line.required_len += n
            if newline:
                line.newline_required = True
        line.written += n
        line.complete = newline

    def fully_delivered(self, line: MLine) -> bool:
        e = self.entry_of(line.lid)
        return e is not None and e.data == line.data and (not line.complete or not e.partial)

    def entry_of(self, lid: int) -> Entry | None:
        return self._by_id().get(lid)

    def _by_id(self) -> dict[int, Entry]:
        out = {}
        for e in self.entries:
            lid = line_id(e.data)
            if lid is not None and lid not in out:
                out[lid] = e
        return out

    def unreachable(self, line: MLine, fid: int) -> None:
        """File fid no longer holds line where a follower can find it (deleted, moved away, truncated)."""
        line.homes.discard(fid)
        if not line.homes and not self.fully_delivered(line):
            line.lost = True

    # -- delivery -------------------------------------------------------------------------------

    def deliver(self, ln: RawLine) -> None:
        """Called for every RawLine, in delivery order. Never raises: it runs in the follower's task."""
        self.delivered += 1
        key = (ln.source, ln.lineno)
        if getattr(ln, "completes", False):
            e = self._partial_at.get(key)
            if e is None:
                self.violations.append(
                    f"completes=True for {ln.source}:{ln.lineno} but no partial line was delivered there: {ln.data[:24]!r}"
                )
            else:
                e.data, e.partial = ln.data, bool(ln.partial)
                if not ln.partial:
                    del self._partial_at[key]
                return
        e = Entry(ln.source, ln.lineno, ln.data, bool(getattr(ln, "partial", False)), self.delivered)
        self.entries.append(e)
        if e.partial:
            self._partial_at[key] = e

    # -- checking -------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Repeats, garbage, wrong bytes and per-file order: what is wrong whatever comes later."""
        out = list(self.violations)
        seen: dict[int, Entry] = {}
        last: dict[int, int] = {}
        for e in self.entries:
            lid = line_id(e.data)
            line = self.lines.get(lid) if lid is not None else None
            where = f"{e.source}:{e.lineno}"
            if line is None:
                out.append(f"delivered bytes never written as a line (or old history): {where} {e.data[:40]!r}")
                continue
            if lid in seen:
                first = seen[lid]
                out.append(f"REPEATED L{lid:06d}: first as {first.source}:{first.lineno}, again as {where}")
                continue
            seen[lid] = e
            if not line.data.startswith(e.data):
                out.append(f"WRONG BYTES for L{lid:06d} at {where}: {e.data!r} is not a prefix of {line.data!r}")
            prev = last.get(line.lineage)
            if prev is not None and prev > lid:
                out.append(f"OUT OF ORDER: L{lid:06d} delivered after L{prev:06d} (same file) at {where}")
            last[line.lineage] = max(lid, prev or 0)
        return out

    def missing(self) -> list[str]:
        """Lines (or bytes of lines) a correct follower must have delivered by now."""
        got = self._by_id()
        out = []
        for line in self.lines.values():
            if line.lost or line.required_len == 0:
                continue
            if not line.complete and not self.partials:
                continue  # an old-style follower holds an unterminated line until its newline
            e = got.get(line.lid)
            if e is None:
                out.append(f"LOST L{line.lid:06d}" + ("" if line.complete else " (unterminated)"))
            elif len(e.data) < line.required_len:
                out.append(f"INCOMPLETE L{line.lid:06d}: delivered {len(e.data)} of {line.required_len} bytes")
            elif line.newline_required and line.required_len == line.written and e.partial:
                out.append(f"STILL PARTIAL L{line.lid:06d}: its newline came but it was never completed")
        return out

    def summary(self) -> str:
        by_source = defaultdict(int)
        for e in self.entries:
            by_source[e.source] += 1
        return f"{len(self.lines)} lines written, {len(self.entries)} delivered ({dict(by_source)})"
