"""How the event list puts new rows on the terminal: a few frames a second while lines flow
(console.live.frames), and rows the terminal can move moved rather than drawn again
(console.ui.terminal_scroll). Mixed into EventList, which keeps the cursor and draws the rows."""

from __future__ import annotations

from typing import List

from textual.geometry import Region, Size

from console.decode.event import Event
from console.live.frames import FrameBudget
from console.ui.terminal_scroll import TerminalScroll, scroll_region_wanted


class ListFrames:
    """The list's frames. EventList provides model, following, cursor, _set_cursor, _scroll_bottom,
    _grow_columns and the ScrollView it is."""

    def _init_frames(self) -> None:
        self._added = self._dropped = 0  # rows added and dropped since the last frame
        self._grew = False
        self._budget = FrameBudget()
        self._frame_timer = None
        self.terminal_scroll = TerminalScroll(scroll_region_wanted())
        self._moving = False  # inside a move the terminal makes: only the rows it cannot move are drawn
        self._redraw_pending = False  # a redraw asked for and not drawn yet: what is on screen is stale

    def events_added(self, added_visible: int, dropped_visible: int, batch: List[Event]) -> None:
        """Called once per batch; the rows are drawn with the next frame.

        A batch with nothing to show (an errors-only view, 2,000 info lines a second) changes
        nothing on screen and costs no repaint. Rows that only left the top of a list wait for
        the next new row (a second at most).
        """
        view = self.model.view
        n = len(view)
        grew = False
        for i in range(max(0, n - min(added_visible, 200)), n):
            grew = self._grow_columns(view[i]) or grew
        if not (added_visible or dropped_visible or grew):
            return
        self._added += added_visible
        self._dropped += dropped_visible
        self._grew = self._grew or grew
        delay = self._budget.ask(new_rows=bool(added_visible or grew))
        if delay is not None:
            if self._frame_timer is not None:
                self._frame_timer.stop()
            self._frame_timer = self.set_timer(max(delay, 0.001), self._frame_due, name="list frame")

    @property
    def draw_pending(self) -> bool:
        """Rows were added that the list has not drawn yet."""
        return self._budget.pending

    def draw_now(self) -> None:
        """Draws rows added and not drawn yet at once."""
        if self._budget.pending:
            if self._frame_timer is not None:
                self._frame_timer.stop()
            self._frame_due()

    def _frame_due(self) -> None:
        self._frame_timer = None
        added, dropped, grew = self._added, self._dropped, self._grew
        self._added = self._dropped = 0
        self._grew = False
        n = len(self.model.view)
        height = max(1, self.size.height)
        old_y = self.scroll_offset.y
        if not self.following:
            self._budget.drawn(0, height)
            self._set_rows(n)
            if dropped:  # the oldest rows left: shift so the operator's place stays put on screen
                self._set_cursor(max(0, self.cursor - dropped), scroll=False)
                self.scroll_to(y=max(0, old_y - dropped), animate=False, immediate=True)
            self.refresh()
            return
        new_y = max(0, n - height)
        moved = new_y - old_y + dropped  # rows the list's content moves up on screen
        self._budget.drawn(moved, height)
        # rows move as a block only in a full list (a short one grows downwards, blank rows below it)
        full = n >= height and n - added + dropped >= height
        if grew or not full or not self._can_move() or not self._request_move(moved):
            self._set_rows(n)
            self._set_cursor(n - 1, scroll=False)
            self._scroll_bottom()
            self.refresh()
            return
        self._moving = True
        try:
            self._set_rows(n)
            self._set_cursor(n - 1, scroll=False)
            self._scroll_bottom()
            rows = self.terminal_scroll.rows  # this move and any not drawn yet
            # the new rows, and the row the cursor left
            self.refresh(Region(0, max(0, height - rows - 1), self.size.width, rows + 1))
        finally:
            self._moving = False

    def _set_rows(self, n: int) -> None:
        """The list's length changes inside a move: no layout of the whole screen (~45 ms at
        160x45, every frame) unless a scrollbar comes or goes (Textual 8.2's virtual_size reactive
        asks for one each time)."""
        size = Size(self.size.width, n)
        if size == self.virtual_size:
            return
        bars = (self.show_vertical_scrollbar, self.show_horizontal_scrollbar)
        self.set_reactive(type(self).virtual_size, size)
        self._scroll_update(size)
        if (self.show_vertical_scrollbar, self.show_horizontal_scrollbar) != bars:
            super().refresh(layout=True)

    def _can_move(self) -> bool:
        """The terminal shows exactly this list's rows, nothing over or beside them, nothing stale."""
        if self._redraw_pending or self.app.screen is not self.screen or not self.region:
            return False
        if self.region.x != 0 or self.region.width != self.screen.size.width:
            return False  # the panel beside it: a terminal moves whole rows
        return not self.screen.query("Toast")

    def _request_move(self, rows: int) -> bool:
        region = self.region
        return rows > 0 and self.terminal_scroll.request(region.y, region.y + region.height - 1, rows)

    def refresh(self, *regions: Region, **kwargs):
        """Every redraw but a move's own rows makes what the terminal shows stale until drawn."""
        if getattr(self, "_moving", False):
            if regions:  # a move's own rows; rows above them are served moved, not from before
                self._styles_cache.clear()
                return super().refresh(*regions, **kwargs)
            # the cursor's or the size's own redraw inside a move: the move draws its rows
            if kwargs.get("layout"):
                super().refresh(repaint=False, layout=True)
            return self
        if hasattr(self, "_moving"):
            self._redraw_pending = True
            if self.terminal_scroll.pending is not None and not regions:
                self.terminal_scroll.cancel()  # the whole list is drawn: moving it first is wasted
        return super().refresh(*regions, **kwargs)

    def frame_drawn(self) -> None:
        """The app wrote a frame: every redraw asked for is on the terminal now."""
        self._redraw_pending = False

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if self._moving:  # the terminal moves the rows: only the new ones are drawn
            if self.show_vertical_scrollbar:
                self.vertical_scrollbar.position = new_value
            return
        super().watch_scroll_y(old_value, new_value)
