"""Compressed rotations (`mta-event.log.1.gz`, `.bz2`, `.xz`): recognised by their first bytes, read decompressed.

The one place that knows compressed logs, for the headless commands and the tail engine's history
alike (standard library only: gzip, bz2, lzma). A file's content decides, never its name: a `.1`
that is gzip is read decompressed, a `.gz` holding plain text is read as it is.

    kind = compression_of(path)            # "gzip", "bzip2", "xz", another format's name, or None
    with open_decompressed(path) as f:     # decompressed bytes (the file itself when plain)
        data = f.read(1 << 20)
        ...
    if f.damage:                           # reading stopped at damaged or truncated data
        report(str(f.damage))              # "PATH: gzip data truncated (...)": one line, names the file

A reader never raises for damaged data: everything that could be decompressed is delivered, then it
reads as ended, and `damage` says why (like zcat, which prints what it can and then complains).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import zlib
from typing import BinaryIO, Optional, Union

HEAD = 10  # bytes of a file's start that compression_of looks at

GZIP, BZIP2, XZ = "gzip", "bzip2", "xz"
READABLE = frozenset({GZIP, BZIP2, XZ})
# Formats recognised so that they are reported, not shown as binary garbage; not readable here.
_UNREADABLE_HOW = {"zstd": "zstd -d", "lz4": "lz4 -d", "compress": "uncompress"}

_BZ_BLOCK = b"\x31\x41\x59\x26\x53\x59"   # pi: the first block
_BZ_END = b"\x17\x72\x45\x38\x50\x90"     # sqrt(pi): end of stream (an empty file)


class CompressedFileError(OSError):
    """A compressed file that cannot be read (an unsupported format) or stops early (damage).

    str() is one line naming the file and the problem.
    """

    def __init__(self, path: str, compression: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.compression = compression
        self.problem = problem

    def __str__(self) -> str:
        return self.args[0]


def compression_of(source: Union[str, "os.PathLike[str]", bytes]) -> Optional[str]:
    """The compression of a file (a path) or of data (its first HEAD bytes): "gzip", "bzip2", "xz",
    "zstd", "lz4", "compress", or None for anything else (plain text, or too short to tell).

    Raises OSError when a path cannot be read."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        head = bytes(source[:HEAD])
    else:
        with open(source, "rb") as f:
            head = f.read(HEAD)
    if head[:3] == b"\x1f\x8b\x08":
        return GZIP
    if head[:3] == b"BZh" and head[3:4] in b"123456789" and len(head) >= 10 \
            and head[4:10] in (_BZ_BLOCK, _BZ_END):
        return BZIP2
    if head[:6] == b"\xfd7zXZ\x00":
        return XZ
    if head[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    if head[:4] == b"\x04\x22\x4d\x18":
        return "lz4"
    if head[:2] == b"\x1f\x9d":
        return "compress"
    return None


def open_decompressed(path: Union[str, "os.PathLike[str]"]) -> "DecompressedReader":
    """The file's content, decompressed if it is gzip, bzip2 or xz, as it is otherwise.

    Raises OSError when the file cannot be opened, CompressedFileError when it is compressed in a
    format this module cannot read (zstd, lz4, compress)."""
    raw = open(path, "rb")
    try:
        head = raw.read(HEAD)
        raw.seek(0)
    except BaseException:
        raw.close()
        raise
    return _reader(raw, head, os.fspath(path))


def decompress_stream(stream: BinaryIO, name: str = "-") -> "DecompressedReader":
    """Like open_decompressed for a stream that cannot seek (standard input). Reads its first
    HEAD bytes at once (blocking until they come or the stream ends)."""
    head = b""
    while len(head) < HEAD:
        more = stream.read(HEAD - len(head))
        if not more:
            break
        head += more
    return _reader(_Prefixed(head, stream), head, name)


def _reader(raw, head: bytes, name: str) -> "DecompressedReader":
    kind = compression_of(head)
    if kind is not None and kind not in READABLE:
        raw.close()
        raise CompressedFileError(name, kind, f"{kind}-compressed, which smtp-console cannot read"
                                              f" (decompress it first: {_UNREADABLE_HOW[kind]})")
    return DecompressedReader(raw, kind, name)


class DecompressedReader(io.RawIOBase):
    """Decompressed bytes of one file (or its plain bytes). `compression` is None for a plain file.
    After damaged or truncated data it reads as ended and `damage` holds a CompressedFileError."""

    def __init__(self, raw, compression: Optional[str], name: str) -> None:
        super().__init__()
        self.name = name
        self.compression = compression
        self.damage: Optional[CompressedFileError] = None
        self._raw = raw
        if compression == GZIP:
            self._inner = gzip.GzipFile(fileobj=raw, mode="rb")
        elif compression == BZIP2:
            self._inner = bz2.BZ2File(raw, mode="rb")
        elif compression == XZ:
            self._inner = lzma.LZMAFile(raw, mode="rb")
        else:
            self._inner = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.damage is not None:
            return 0
        try:
            if self.compression is None:
                return self._inner.readinto(buffer) or 0
            # one step of decompression at a time: a multi-step read that meets damage would lose
            # the data of its earlier steps
            data = self._inner.read1(len(buffer))
            buffer[:len(data)] = data
            return len(data)
        except (EOFError, OSError, zlib.error, lzma.LZMAError) as exc:
            return self._damaged(exc, 0)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        if self.damage is not None:
            return b""
        try:
            return self._inner.read(size) if self.compression is None else self._inner.read1(size)
        except (EOFError, OSError, zlib.error, lzma.LZMAError) as exc:
            return self._damaged(exc, b"")

    def _damaged(self, exc: BaseException, nothing):
        if self.compression is None:
            raise exc    # a plain file's read error is the caller's, as with open()
        self.damage = CompressedFileError(self.name, self.compression, _problem(self.compression, exc))
        return nothing

    def readall(self) -> bytes:
        chunks = []
        while True:
            chunk = self.read(1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def close(self) -> None:
        if not self.closed:
            try:
                if self._inner is not self._raw:
                    self._inner.close()
            finally:
                self._raw.close()
                super().close()


def _problem(compression: str, exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return f"truncated {compression} data (the file ends before its end marker); read up to there"
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"cannot read: {exc.strerror or exc}"
    detail = str(exc) or type(exc).__name__
    return f"damaged {compression} data ({detail}); read up to there"


class _Prefixed(io.RawIOBase):
    """Bytes already read from a stream, then the rest of the stream."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        super().__init__()
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        readinto = getattr(self._stream, "readinto", None)
        if readinto is not None:
            return readinto(buffer) or 0
        data = self._stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        super().close()   # the stream (standard input) stays open: it is not ours
