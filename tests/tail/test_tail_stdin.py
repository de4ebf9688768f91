"""Standard input ("-"): lines as they arrive through a pipe, and the end of input."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap

from tail_helpers import wait_for

from console.tail import ENDED, Follower

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FOLLOW_PRINT = textwrap.dedent(
    """
    import asyncio, sys
    from console.tail.headless import follow_print

    def lines(batch):
        for ln in batch:
            sys.stdout.buffer.write(b"%d:%s\\n" % (ln.lineno, ln.data))
        sys.stdout.flush()

    def state(s):
        print(f"{s.path} {s.state} {s.detail}", file=sys.stderr, flush=True)

    asyncio.run(follow_print(["-"], lines=0, from_start=False, max_line=65536,
                             emit_lines=lines, emit_state=state))
    """
)


async def test_stdin_pipe_through_follow_print_line_by_line():
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        FOLLOW_PRINT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        # Each line must come out before the next goes in: delivered as it arrives, not at EOF.
        expected = iter([b"1:first\n", b"2:second\n", b"3:third\r\n"])
        for piece in [b"first\n", b"sec", b"ond\n", b"third\r\n"]:
            proc.stdin.write(piece)
            await proc.stdin.drain()
            if piece.endswith(b"\n"):
                assert await asyncio.wait_for(proc.stdout.readline(), 10) == next(expected)
        proc.stdin.write(b"no newline at the end")
        proc.stdin.close()
        rest = await asyncio.wait_for(proc.stdout.read(), 10)
        assert rest == b"4:no newline at the end\n"
        rc = await asyncio.wait_for(proc.wait(), 10)
        err = (await proc.stderr.read()).decode()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert rc == 0, err
    assert "- following" in err and "- ended end of input" in err
    assert "Traceback" not in err


async def test_stdin_in_process_with_a_pipe_fd():
    r, w = os.pipe()
    try:
        follower = Follower(["-"], stdin=r, lines=0)
        got = []

        async def consume():
            async for batch in follower.batches():
                got.extend(batch.lines)
                if any(s.state == ENDED for s in batch.states):
                    assert batch.states[-1].detail == "end of input"

        task = asyncio.create_task(consume())
        os.write(w, b"a\nb")
        await wait_for(lambda: [ln.data for ln in got] == [b"a"], 5, "first line")
        os.write(w, b"\nc\n")
        await wait_for(lambda: len(got) == 3, 5, "three lines")
        os.close(w)
        w = -1
        await asyncio.wait_for(task, 5)  # stdin-only: batches() ends by itself at EOF
        assert [(ln.source, ln.lineno, ln.data) for ln in got] == [("-", 1, b"a"), ("-", 2, b"b"), ("-", 3, b"c")]
        assert follower.states()["-"].state == ENDED
        await follower.aclose()
        assert os.get_blocking(r)  # the caller's fd is left as it was
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)
