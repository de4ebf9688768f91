"""The timeline's rows: one bucket a row, oldest at the top like the list, a bar stacked by
severity (console.live.buckets.stack), the count at the right, the list cursor's bucket marked.

A severity's part of a bar is a run of full blocks in its theme colour; with no colour (NO_COLOR,
or a theme style without one) it is a run of its letter in its NO_COLOR weight, so the stack still
reads. Only the rows on screen are drawn (Line API)."""

from __future__ import annotations

from typing import List, Optional, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from console.catalog.catalog import Severity
from console.live.buckets import Bucket, label, stack
from console.safe_text import for_screen
from console.ui.severity_styles import SeverityStyles

BLOCK = "█"
MARK = "▶"


def sev_glyph(sev: Severity, styles: SeverityStyles) -> tuple:
    """(character, style) that draws a severity's part of a bar."""
    colour = styles.for_line(sev.name).color
    if colour is not None:
        return BLOCK, Style(color=colour)
    return for_screen(sev.letter or "?")[:1] or "?", styles.for_badge(sev.name)


class TimelineChart(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    TimelineChart { height: 1fr; background: $surface; overflow-x: hidden; scrollbar-size-vertical: 1; }
    """
    BINDINGS = [
        Binding("up,k", "move(-1)", "earlier", show=False),
        Binding("down,j", "move(1)", "later", show=False),
        Binding("pageup,ctrl+b", "page(-1)", "page up", show=False),
        Binding("pagedown,ctrl+f", "page(1)", "page down", show=False),
        Binding("home,g", "move(-1000000000)", "first", show=False),
        Binding("end,G", "move(1000000000)", "last", show=False),
        Binding("enter", "choose", "go there", id="timeline-go"),
    ]

    cursor: reactive[int] = reactive(0, repaint=False)

    class Chosen(Message):
        """Enter on a bucket: the list goes to its first event."""

        def __init__(self, bucket: Bucket) -> None:
            self.bucket = bucket
            super().__init__()

    def __init__(self, severities: Sequence[Severity], styles: SeverityStyles, **kwargs) -> None:
        super().__init__(**kwargs)
        self.severities = list(severities)
        self.sev_styles = styles
        self.rows: List[Bucket] = []
        self.form = "%H:%M:%S"
        self.mark: Optional[int] = None
        self.most = 1
        self.glyphs = [sev_glyph(s, styles) for s in self.severities]

    def show(self, rows: List[Bucket], form: str, mark: Optional[int], *, cursor: Optional[int] = None) -> None:
        """New buckets; the cursor moves to `cursor` if given, else stays on the last row when it was
        there (the newest bucket grows live), else keeps its place."""
        at_end = not self.rows or self.cursor >= len(self.rows) - 1
        self.rows, self.form, self.mark = rows, form, mark
        self.most = max((b.total for b in rows), default=0) or 1  # the longest bar fills the width
        self.virtual_size = Size(self.size.width, len(rows))
        if cursor is None:
            cursor = len(rows) - 1 if at_end else self.cursor
        self._set_cursor(cursor)
        self.refresh()

    @property
    def current(self) -> Optional[Bucket]:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def _set_cursor(self, index: int) -> None:
        self.cursor = max(0, min(index, len(self.rows) - 1))
        height = max(1, self.size.height)
        y = self.scroll_offset.y
        if self.cursor < y:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor >= y + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True, force=True)
        self.refresh()

    def action_move(self, by: int) -> None:
        self._set_cursor(self.cursor + by)

    def action_page(self, pages: int) -> None:
        self._set_cursor(self.cursor + pages * max(1, self.size.height - 1))

    def action_choose(self) -> None:
        if self.current is not None:
            self.post_message(self.Chosen(self.current))

    def on_click(self, event) -> None:
        row = self.scroll_offset.y + event.y
        if 0 <= row < len(self.rows):
            self._set_cursor(row)

    def on_resize(self, event) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))
        self._set_cursor(self.cursor)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = self.scroll_offset.y + y
        base = self.rich_style
        if not 0 <= index < len(self.rows):
            return Strip.blank(width, base)
        bucket = self.rows[index]
        most = self.most
        count_w = len(f"{most:,}")
        text = label(bucket.start, self.form)
        cells = max(1, width - len(text) - count_w - 4)
        here = index == self.cursor
        mark = MARK if index == self.mark else " "
        head = Style(reverse=True, bold=True) if here else Style(bold=index == self.mark)
        segments = [Segment(mark, base + Style(bold=True)), Segment(text, base + head), Segment(" ", base)]
        used = 0
        for part, (char, style) in zip(stack(bucket.counts, most, cells), self.glyphs):
            if part:
                segments.append(Segment(char * part, base + style))
                used += part
        segments.append(Segment(" " * (cells - used + 1), base))
        count = f"{bucket.total:,}" if bucket.total else "·"
        segments.append(Segment(count.rjust(count_w), base + (head if here else Style(dim=not bucket.total))))
        return Strip(segments).crop_extend(0, width, base)
