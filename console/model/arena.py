"""Held lines' text in byte chunks: written once, compressed when old, freed when no row needs it.

A line is addressed by (chunk, offset, size). Log text shrinks 5-8 times under zlib level 1, and
reading a 256 KiB chunk back takes about a millisecond, so all but the newest few chunks are
compressed, and the few read back lately (rows on screen, a filter's pass) are kept open.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from typing import Iterable, Iterator, Tuple

CHUNK = 1 << 18          # bytes a chunk takes before the next begins
OPEN_CHUNKS = 2          # full chunks kept as they are (recent lines are read most)
READ_BACK = 4            # compressed chunks kept decompressed after a read


class TextArena:
    def __init__(self, chunk: int = CHUNK) -> None:
        """chunk: bytes of text per chunk (small in tests, so that chunks fill and compress)."""
        self._size = max(1, chunk)
        self._chunks: dict = {0: bytearray()}  # bytearray: as written; bytes: compressed
        self._open: OrderedDict = OrderedDict()  # compressed chunks read back lately
        self._live = {0: 0}  # held lines in each chunk
        self._cur = 0
        self.text_bytes = 0   # UTF-8 bytes of the held lines
        self.bytes = 0        # what the chunks take: compressed ones as compressed, dead text too

    def put(self, data: bytes) -> Tuple[int, int]:
        """Stores a line's bytes; returns (chunk, offset)."""
        buf = self._chunks[self._cur]
        if buf and len(buf) + len(data) > self._size:
            self._seal(self._cur - OPEN_CHUNKS)
            self._cur += 1
            if not self._live[self._cur - 1]:  # every line in it went while it was being written
                self._free(self._cur - 1)
            buf = self._chunks[self._cur] = bytearray()
            self._live[self._cur] = 0
        off = len(buf)
        buf += data
        self._live[self._cur] += 1
        self.text_bytes += len(data)
        self.bytes += len(data)
        return self._cur, off

    def release(self, chunk: int, size: int) -> None:
        """A line of `size` bytes in `chunk` is no longer held."""
        self.text_bytes -= size
        left = self._live[chunk] = self._live[chunk] - 1
        if not left and chunk != self._cur:
            self._free(chunk)

    def _free(self, chunk: int) -> None:
        self.bytes -= len(self._chunks[chunk])
        del self._chunks[chunk], self._live[chunk]
        self._open.pop(chunk, None)

    def _seal(self, chunk: int) -> None:
        buf = self._chunks.get(chunk)
        if type(buf) is bytearray:
            packed = self._chunks[chunk] = zlib.compress(buf, 1)
            self.bytes += len(packed) - len(buf)

    def chunk(self, chunk: int):
        """A chunk's bytes, decompressed when it was compressed."""
        buf = self._chunks[chunk]
        if type(buf) is bytearray:
            return buf
        data = self._open.get(chunk)
        if data is None:
            data = self._open[chunk] = zlib.decompress(buf)
            if len(self._open) > READ_BACK:
                self._open.popitem(last=False)
        else:
            self._open.move_to_end(chunk)
        return data

    def get(self, chunk: int, off: int, size: int) -> str:
        return self.chunk(chunk)[off:off + size].decode("utf-8", "surrogatepass")

    def lines(self, places: Iterable[Tuple[int, int, int]]) -> Iterator[str]:
        """The lines at those (chunk, offset, size), reading each chunk once per run of it."""
        last, text = -1, b""
        for chunk, off, size in places:
            if chunk != last:
                last, text = chunk, self.chunk(chunk)
            yield text[off:off + size].decode("utf-8", "surrogatepass")
