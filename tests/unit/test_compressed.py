"""console.tail.compressed: compressed rotations recognised by content and read decompressed, damage
reported after everything readable was delivered."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma

import pytest

from console.tail.compressed import (
    CompressedFileError,
    compression_of,
    decompress_stream,
    open_decompressed,
)

DATA = b"".join(b"2026-11-24 10:15:03.%03d smtpsrvr[1] I-MTA_SMTP-Connection: line %d\n" % (i % 1000, i)
                for i in range(50_000))
PACK = {"gzip": gzip.compress, "bzip2": bz2.compress, "xz": lzma.compress}


@pytest.mark.parametrize("kind", sorted(PACK))
def test_recognised_by_content_whatever_the_name(tmp_path, kind):
    path = tmp_path / "mta-event.log.1"
    path.write_bytes(PACK[kind](DATA))
    assert compression_of(path) == kind
    assert compression_of(path.read_bytes()[:16]) == kind
    with open_decompressed(path) as f:
        assert f.compression == kind
        assert f.read() == DATA
    assert f.damage is None


@pytest.mark.parametrize("head", [b"", b"BZ", b"BZh9 is how a line may start",
                                  b"2026-11-24 10:15:03 x", b"\x1f\x8b", b"\xfd7zX"])
def test_plain_or_too_short_to_tell_is_not_compressed(tmp_path, head):
    assert compression_of(head) is None
    path = tmp_path / "x.gz"
    path.write_bytes(head)
    with open_decompressed(path) as f:
        assert f.compression is None and f.read() == head


@pytest.mark.parametrize("kind", sorted(PACK))
def test_truncated_data_delivers_everything_readable_then_says_so(tmp_path, kind):
    packed = PACK[kind](DATA)
    path = tmp_path / "cut.gz"
    path.write_bytes(packed[:len(packed) * 3 // 4])
    with open_decompressed(path) as f:
        got = b""
        while True:
            chunk = f.read(1 << 16)
            if not chunk:
                break
            got += chunk
        assert f.read(10) == b""   # stays ended
    assert DATA.startswith(got) and len(got) > 0
    assert isinstance(f.damage, CompressedFileError)
    assert str(f.damage).startswith(f"{path}: ") and kind in str(f.damage) and "\n" not in str(f.damage)


@pytest.mark.parametrize("kind", sorted(PACK))
def test_readinto_stops_at_damage_too(tmp_path, kind):
    packed = bytearray(PACK[kind](DATA))
    packed[len(packed) // 2:len(packed) // 2 + 32] = bytes(32)
    path = tmp_path / "bad"
    path.write_bytes(bytes(packed))
    buf = bytearray(1 << 20)
    total = 0
    with open_decompressed(path) as f:
        with memoryview(buf) as view:
            while True:
                n = f.readinto(view)
                if not n:
                    break
                total += n
    assert f.damage is not None and total < len(DATA) + (1 << 20)


@pytest.mark.parametrize("magic, name", [(b"\x28\xb5\x2f\xfd", "zstd"), (b"\x04\x22\x4d\x18", "lz4"),
                                         (b"\x1f\x9d\x90", "compress")])
def test_formats_it_cannot_read_are_refused_by_name(tmp_path, magic, name):
    path = tmp_path / "x.1"
    path.write_bytes(magic + bytes(64))
    assert compression_of(path) == name
    with pytest.raises(CompressedFileError) as caught:
        open_decompressed(path)
    assert str(caught.value).startswith(f"{path}: ") and name in str(caught.value)


@pytest.mark.parametrize("kind", [*sorted(PACK), None])
def test_a_stream_that_cannot_seek(kind):
    data = DATA if kind is None else PACK[kind](DATA)
    f = decompress_stream(io.BufferedReader(io.BytesIO(data)), "-")
    assert f.compression == kind and f.read() == DATA and f.damage is None
