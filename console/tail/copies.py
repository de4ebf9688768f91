"""copytruncate: the lines not yet read when a file was truncated live on in its copy."""

from __future__ import annotations

import os
from typing import List, Optional, Tuple

from console.tail.cursor import FileCursor
from console.tail.identity import Registry
from console.tail.contract import RawLine


def take_rest_from_copy(reg: Registry, c: FileCursor, now: float) -> Tuple[Optional[FileCursor], List[RawLine], str]:
    """c's file was truncated: a cursor on the copy of its old content, placed where c stopped and
    carrying c's unfinished line on (None when no copy is found: then c hands over that line).
    c is set to read its file again from 0. Returns (copy cursor, lines, what to say)."""
    gen = c.generation()
    found = reg.find_copy(c, gen)
    f = None
    if found is not None:
        try:
            f = reg.reader.adopt(*found)
        except OSError:
            f = None
    if f is None:
        lines = c.restart()
        reg.forget_content(gen)
        return None, lines, "file shrank; reading again from the start (no copy of the old content found)"
    rc = FileCursor(reg.reader, f, reg.max_line)
    rc.resume(gen.pos, gen.lineno, gen.overlap, gen.numbering)
    rc.take_line_state(c)
    rc.final = True  # read to its end, then closed: nobody writes to a copy
    rc.retired_at = now
    c.restart()
    reg.forget_content(reg.read_to_end(rc))
    return rc, [], f"copytruncate: the rest read from {os.path.basename(found[0])}, then from the start"
