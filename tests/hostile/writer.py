"""A real log writer, run as its own process: it holds the log open like M-Switch and does what the
test tells it on standard input, one command per line, answering "ok" when the bytes are written.

    line TEXT      append TEXT and a newline          partial TEXT  append TEXT, no newline (disk full mid-line)
    burst N        append N numbered lines in one write
    big N          append one line of N bytes, in 1 MiB writes, then a newline
    reopen         close and reopen the path (after a rotation or deletion)
    truncate       truncate the file to 0 (copytruncate) and keep writing at the new end
    exit
Text is unescaped with unicode_escape on the test side's request ("line:esc ..."), so hostile bytes pass.
"""

from __future__ import annotations

import os
import sys


def main(path: str) -> int:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    out = sys.stdout
    for raw in sys.stdin.buffer:
        cmd, _, arg = raw.rstrip(b"\n").partition(b" ")
        if cmd.endswith(b":esc"):
            cmd, arg = cmd[:-4], arg.decode("ascii").encode("latin-1").decode("unicode_escape").encode("latin-1")
        if cmd == b"line":
            os.write(fd, arg + b"\n")
        elif cmd == b"partial":
            os.write(fd, arg)
        elif cmd == b"burst":
            n = int(arg)
            os.write(fd, b"".join(b"2026-11-24 10:00:00.000 smtpsrvr[7] I-MTA_SMTP-Connection: "
                                  b"connection from 192.0.2.%d (burst %07d)\n" % (i % 250, i) for i in range(n)))
        elif cmd == b"big":
            left = int(arg)
            os.write(fd, b"2026-11-24 10:00:00.000 smtpsrvr[7] W-MTA_SMTP-DNSBLfailed: ")
            block = b"A" * (1 << 20)
            while left > 0:
                left -= os.write(fd, block[:left])
            os.write(fd, b"\n")
        elif cmd == b"reopen":
            os.close(fd)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        elif cmd == b"truncate":
            os.ftruncate(fd, 0)
        elif cmd == b"exit":
            break
        out.write("ok\n")
        out.flush()
    os.close(fd)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
