"""Cuts a byte stream into lines while holding at most max_line bytes, however long a line grows."""

from __future__ import annotations

NL = b"\n"


class LineSplitter:
    """Keeps the partial last line between reads; an overlong line is cut and its rest dropped as it streams by.

    feed() returns (lines, cuts): the complete lines found, and the indexes in that list of the
    lines that were cut at max_line. Returning plain bytes keeps the hot path free of per-line objects.
    """

    __slots__ = ("_buf", "_skipping", "max_line")

    def __init__(self, max_line: int) -> None:
        if max_line < 1:
            raise ValueError("max_line must be at least 1")
        self.max_line = max_line
        self._buf = bytearray()
        self._skipping = False

    @property
    def pending(self) -> int:
        """Bytes of the unfinished line being held."""
        return len(self._buf)

    @property
    def skipping(self) -> bool:
        return self._skipping

    def peek(self) -> bytes:
        """The unfinished line held so far, left in place (shown early, marked incomplete)."""
        return bytes(self._buf)

    def skip_current_line(self) -> None:
        """Drop everything up to the next newline: used when reading starts inside an overlong line."""
        self._buf.clear()
        self._skipping = True

    def reset(self) -> None:
        self._buf.clear()
        self._skipping = False

    def flush(self) -> bytes | None:
        """The held partial line, for when its file is finished and no newline will ever come."""
        if self._skipping:
            self._skipping = False
            return None
        if not self._buf:
            return None
        data = bytes(self._buf)
        self._buf.clear()
        return data

    def feed(self, chunk: bytes) -> tuple[list[bytes], list[int]]:
        out: list[bytes] = []
        cuts: list[int] = []
        if not chunk:
            return out, cuts
        max_line = self.max_line
        start = 0
        if self._skipping:
            nl = chunk.find(NL)
            if nl < 0:
                return out, cuts
            self._skipping = False
            start = nl + 1
        buf = self._buf
        if buf:
            start = self._finish_held(chunk, start, out, cuts)
            if start < 0:
                return out, cuts
        if start >= len(chunk):
            return out, cuts
        parts = (chunk[start:] if start else chunk).split(NL)
        tail = parts.pop()
        if parts and max(map(len, parts)) > max_line:
            for part in parts:
                if len(part) > max_line:
                    cuts.append(len(out))
                    out.append(part[:max_line])
                else:
                    out.append(part)
        else:
            out.extend(parts)
        if len(tail) > max_line:
            cuts.append(len(out))
            out.append(tail[:max_line])
            self._skipping = True
        elif tail:
            buf += tail
        return out, cuts

    def _finish_held(self, chunk: bytes, start: int, out: list[bytes], cuts: list[int]) -> int:
        """Ends the line held from earlier chunks with chunk[start:]; returns where the rest of chunk
        begins, or -1 when the whole chunk went into (or past the cut of) that line."""
        buf = self._buf
        nl = chunk.find(NL, start)
        end = nl if nl >= 0 else len(chunk)
        room = self.max_line - len(buf)
        if end - start > room:
            cuts.append(len(out))
            out.append(bytes(buf) + chunk[start : start + room])
            buf.clear()
            if nl < 0:
                self._skipping = True
                return -1
        elif nl < 0:
            buf += chunk[start:]
            return -1
        else:
            out.append(bytes(buf) + chunk[start:nl])
            buf.clear()
        return nl + 1
