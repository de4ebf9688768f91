"""Whether the live console can draw here: it needs a terminal that can place the cursor. Drawn
into a file (`smtp-console --demo > file`) or on TERM=dumb it would write screenfuls of escape
sequences; the headless `decode` is what fits there."""

from __future__ import annotations

import os
from typing import Mapping, Optional, TextIO


def console_refusal(stdout: TextIO, environ: Mapping[str, str] = os.environ,
                    stderr: Optional[TextIO] = None) -> Optional[str]:
    """One line saying why the console will not start and what to run instead, or None. The screen
    is drawn on standard error (Textual's way), so both must be the terminal."""
    hint = "for events as lines use `smtp-console decode` (-f to follow, -n N for the last N)"
    if environ.get("TERM", "") == "dumb":
        return f"TERM=dumb: this terminal cannot draw the console; {hint}"
    if not _tty(stdout):
        return f"standard output is not a terminal: the console draws a screen; {hint}"
    if stderr is not None and not _tty(stderr):
        return f"standard error is not a terminal: the console draws its screen there; {hint}"
    return None


def _tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
