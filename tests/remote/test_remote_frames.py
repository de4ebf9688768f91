"""The frames a remote follower sends carry every line exactly as the local follower hands it
over: its bytes (empty, CR, invalid UTF-8, cut at max_line), number, flags (cut, partial, completes)
and file, for two files of one host read in one batch, through a real OpenSSH server."""

from __future__ import annotations

from console.compat import aclosing
from console.tail.follower import Follower
from console.tail.remote.spec import SEP

ODD = [b"plain", b"", b"\r", b"bad \xff\xfe utf-8", b"x" * 200, b"tab\there", b"last of the history"]


def fields(ln, prefix: str = ""):
    return (ln.source[len(prefix):] if ln.source.startswith(prefix) else ln.source,
            ln.lineno, ln.data, ln.cut, ln.partial, ln.completes)


async def local_lines(paths, until, **kwargs):
    """What a local Follower hands over, until `until(lines)` holds."""
    got = []
    follower = Follower(paths, **kwargs)
    async with aclosing(follower.batches()) as batches:
        async for batch in batches:
            got.extend(batch.lines)
            if until(got):
                break
    await follower.aclose()
    return got


async def test_remote_lines_are_the_local_lines_byte_for_byte_with_their_flags(servers, collect, tmp_path):
    servers(1)
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    a.write_bytes(b"\n".join(ODD) + b"\n")
    b.write_bytes(b"\n".join(ODD[::-1]) + b"\n")
    glob = str(tmp_path / "*.log")
    c = collect([f"host0:{glob}"], lines=100, max_line=64)
    await c.until(lambda: c.live and len(c.lines) == 2 * len(ODD), "both histories")
    with open(a, "ab") as f:  # then a partial line, completed later, and new lines in both files
        f.write(b"no newline yet")
    await c.until(lambda: any(ln.partial for ln in c.lines), "the partial line (after a quiet second)")
    with open(a, "ab") as f:
        f.write(b" - now complete\n" + b"y" * 100 + b"\n")
    with open(b, "ab") as f:
        f.write(b"\xc3\xa9t\xc3\xa9\n\n")
    await c.until(lambda: len(c.lines) == 2 * len(ODD) + 5, "the completion and the new lines")

    # the local follower reads the files once the partial line is complete: it hands over the same
    # lines but that partial one, and the completed line as a plain one
    local = await local_lines([glob], lambda got: len(got) == len(c.lines) - 1, lines=100, max_line=64)
    prefix = f"host0{SEP}"
    remote = [fields(ln, prefix) for ln in c.lines]
    assert sorted((s, n, d, cut, False, False) for s, n, d, cut, partial, _ in remote if not partial) == \
        sorted(fields(ln) for ln in local)
    assert [ln.data for ln in c.lines if ln.partial] == [b"no newline yet"]
    assert [ln.data for ln in c.lines if ln.completes] == [b"no newline yet - now complete"]
    assert [ln.data for ln in c.lines if ln.cut] == [b"x" * 64, b"x" * 64, b"y" * 64]


def test_a_line_holding_a_newline_goes_base64_so_the_raw_lines_stay_unambiguous():
    from console.tail.contract import Batch, RawLine
    from console.tail.remote.agent import encode

    plain = Batch([RawLine("a.log", 1, b"one"), RawLine("a.log", 2, b""), RawLine("b.log", 7, b"two", cut=True)], [])
    meta, data = encode(plain, None, None)
    assert data == b"one\n\ntwo" and meta["src"] == ["a.log", "b.log"]
    assert meta["runs"] == [[0, 1, 2, 0, 0], [1, 7, 1, 1, 0]] and "l" not in meta
    odd = Batch([RawLine("a.log", 1, b"one"), RawLine("a.log", 2, b"two\nlines")], [])
    meta, data = encode(odd, None, None)
    assert data == b"" and "runs" not in meta and [row[2] for row in meta["l"]] == ["b25l", "dHdvCmxpbmVz"]
