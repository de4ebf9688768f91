"""Moves the rows already on the terminal instead of drawing them again, as curses does.

Following a log, the list moves up a few rows a frame. Redrawn, that is every cell of the list
each frame (15 KB at 160×45, over SSH); moved with a scroll region (DECSTBM, then line feeds at
its bottom margin: VT100, so xterm, tmux, screen and the Linux console all have it), only the new
rows are drawn. The terminal keeps what it shows, so the list asks for a move only while its rows
on screen are exactly the list before the move (see EventList); anything else is a full redraw.

SMTP_CONSOLE_SCROLL_REGION=0 turns it off (a terminal that gets it wrong).
"""

from __future__ import annotations

import os
from typing import Optional, Tuple

ENV_SWITCH = "SMTP_CONSOLE_SCROLL_REGION"


def scroll_region_wanted(environ=os.environ) -> bool:
    """Off when the operator says so, or on a terminal that has no cursor addressing."""
    if environ.get(ENV_SWITCH, "").strip().lower() in ("0", "no", "off", "false"):
        return False
    return environ.get("TERM", "") not in ("dumb", "")


class TerminalScroll:
    """One pending move of screen rows top..bottom (0-based, inclusive) up by `rows`, written with
    the next frame (before its rows), then forgotten."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.pending: Optional[Tuple[int, int, int]] = None

    def request(self, top: int, bottom: int, rows: int) -> bool:
        """Adds a move to the one pending. False when it cannot be done by moving (the caller
        redraws instead): turned off, no move at all, or as many rows as the region holds."""
        if not self.enabled or rows <= 0:
            return False
        if self.pending is not None:
            if self.pending[:2] != (top, bottom):
                self.pending = None
                return False
            rows += self.pending[2]
        if rows > bottom - top:
            self.pending = None
            return False
        self.pending = (top, bottom, rows)
        return True

    @property
    def rows(self) -> int:
        """Rows the pending move moves (0: none)."""
        return self.pending[2] if self.pending else 0

    def cancel(self) -> None:
        self.pending = None

    def take(self) -> str:
        """The escape sequence for the pending move (once), or "": set the region, go to its bottom
        row, feed `rows` lines (each scrolls the region up one), reset the region."""
        if self.pending is None:
            return ""
        top, bottom, rows = self.pending
        self.pending = None
        return f"\x1b[{top + 1};{bottom + 1}r\x1b[{bottom + 1};1H" + "\n" * rows + "\x1b[r"
