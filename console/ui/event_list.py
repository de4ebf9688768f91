"""The event list: draws only the rows on screen (Line API), from the model's filtered view."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from console.decode.event import Event
from console.model.events import EventModel
from console.safe_text import for_screen
from console.ui.severity_styles import SeverityStyles
from console.ui.status_bar import Pacer
from console.ui.terminal_scroll import TerminalScroll, scroll_region_wanted

_CACHE_MAX = 2000
FRAME_EVERY = 0.25  # s between list frames while lines flow: a reader reads a few a second, not 60
FRAME_EVERY_FULL = 0.5  # when a frame moves most of the list (drawn nearly whole): bytes per second stay low


def _cells(text: str, width: int) -> str:
    """Cut or pad to a number of terminal cells: wide and combining characters keep columns aligned."""
    return set_cell_size(text, width)


def _time_text(ev: Event) -> str:
    """MM-DD HH:MM:SS.mmm; a site layout may capture anything as a timestamp, so it is made inert too."""
    ts = ev.timestamp
    if not ts:
        return " " * 18
    if ts[:1].isdigit() and len(ts) >= 19:  # ISO
        frac = ts[20:23] if len(ts) > 19 and ts[19] in ".," else "000"
        text = f"{ts[5:10]} {ts[11:19]}.{frac.ljust(3, '0')}"
    else:
        t = ev.time
        text = t.strftime("%m-%d %H:%M:%S.") + f"{t.microsecond // 1000:03d}" if t else ts
    return _cells(for_screen(text), 18)


class EventList(ScrollView, can_focus=True):
    """Cursor and follow state live here; the events themselves live in the model."""

    DEFAULT_CSS = """
    EventList { height: 1fr; background: $surface; overflow-x: hidden; }
    EventList:focus { background-tint: $foreground 2%; }
    EventList.-following { scrollbar-size-vertical: 0; }
    """

    BINDINGS = [
        Binding("up,k", "cursor_up", "up", show=False),
        Binding("down,j", "cursor_down", "down", show=False),
        Binding("pageup", "page_up", "page up", show=False),
        Binding("pagedown", "page_down", "page down", show=False),
        Binding("home,g", "first", "first", show=False),
        # ScrollableContainer binds End to scroll_end, which would shadow the app's G/End follow
        Binding("end", "follow", "follow", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class CursorMoved(Message):
        def __init__(self, event: Event | None) -> None:
            self.event = event
            super().__init__()

    class FollowChanged(Message):
        def __init__(self, following: bool) -> None:
            self.following = following
            super().__init__()

    def __init__(self, model: EventModel, styles: SeverityStyles, **kwargs) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.sev_styles = styles
        self.following = True
        self._cursor_seq = 0
        self._cache: dict[tuple, Strip] = {}
        self._widths = [18, 1, 22, 0, 14]  # time, letter, event, host, program
        # rows added since the last frame, drawn FRAME_EVERY at most (at once after a quiet spell)
        self._added = self._dropped = 0
        self._grew = False
        self._frames = Pacer(self, FRAME_EVERY, self._draw_added)
        self.terminal_scroll = TerminalScroll(scroll_region_wanted())
        self._moving = False  # inside a move the terminal makes: only the rows it cannot move are drawn
        self._redraw_pending = False  # a redraw asked for and not drawn yet: what is on screen is stale
        self.set_class(True, "-following")

    # -- data changes ---------------------------------------------------------------------
    def set_styles(self, styles: SeverityStyles) -> None:
        self.sev_styles = styles
        self._cache.clear()
        self.refresh()

    def events_added(self, added_visible: int, dropped_visible: int, batch: list[Event]) -> None:
        """Called once per batch: the rows are drawn with the next frame (FRAME_EVERY at most).

        A batch with nothing to show (an errors-only view, 2,000 info lines a second) changes
        nothing on screen and costs no repaint.
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
        self._frames.soon()

    def draw_now(self) -> None:
        """Draws rows added and not drawn yet at once."""
        if self._frames.pending:
            self._frames.now()

    @property
    def draw_pending(self) -> bool:
        """Rows were added that the list has not drawn yet."""
        return self._frames.pending

    def _draw_added(self) -> None:
        """Keep the cursor on its event, or follow the newest: moved on the terminal when it can be."""
        added, dropped, grew = self._added, self._dropped, self._grew
        self._added = self._dropped = 0
        self._grew = False
        n = len(self.model.view)
        height = max(1, self.size.height)
        old_y = self.scroll_offset.y
        if not self.following:
            self.virtual_size = Size(self.size.width, n)
            if dropped:  # the oldest rows left: shift so the operator's place stays put on screen
                self._set_cursor(max(0, self.cursor - dropped), scroll=False)
                self.scroll_to(y=max(0, old_y - dropped), animate=False, immediate=True)
            self.refresh()
            return
        new_y = max(0, n - height)
        moved = new_y - old_y + dropped  # rows the list's content moves up on screen
        self._frames.every = FRAME_EVERY_FULL if 2 * moved >= height else FRAME_EVERY
        if grew or not self._can_move() or not self._request_move(moved):
            self.virtual_size = Size(self.size.width, n)
            self._set_cursor(n - 1, scroll=False)
            self._scroll_bottom()
            self.refresh()
            return
        self._moving = True
        try:
            self.virtual_size = Size(self.size.width, n)
            self._set_cursor(n - 1, scroll=False)
            self._scroll_bottom()
            rows = self.terminal_scroll.rows  # this move and any not drawn yet
            # the new rows, and the row the cursor left
            self.refresh(Region(0, max(0, height - rows - 1), self.size.width, rows + 1))
        finally:
            self._moving = False

    def _can_move(self) -> bool:
        """The terminal shows exactly this list's rows, nothing over or beside them, nothing stale."""
        if self._redraw_pending or self.app.screen is not self.screen or not self.region:
            return False
        if self.region.x != 0 or self.region.width != self.screen.size.width:
            return False  # the panel beside it: a terminal moves whole rows
        return not self.screen.query("Toast")

    def _request_move(self, rows: int) -> bool:
        region = self.region
        if rows <= 0:
            return False
        if self.terminal_scroll.request(region.y, region.y + region.height - 1, rows):
            return True
        return False

    def refresh(self, *regions: Region, **kwargs) -> "EventList":
        """Every redraw but a move's own rows makes what the terminal shows stale until drawn."""
        if getattr(self, "_moving", False) and not regions:
            # the cursor's or the size's own redraw inside a move: the move draws its rows
            if kwargs.get("layout"):
                super().refresh(repaint=False, layout=True)
            return self
        if not getattr(self, "_moving", True):
            self._redraw_pending = True
            scroll = getattr(self, "terminal_scroll", None)
            if scroll is not None and scroll.pending is not None and not regions:
                scroll.cancel()  # the whole list is drawn: moving it first is wasted
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

    def rows_changed(self, events: list[Event]) -> None:
        """Events were replaced in place (a partial line completed): same rows, new text."""
        for ev in events:
            self._grow_columns(ev)
        self._cache.clear()
        self.refresh()

    def view_rebuilt(self) -> None:
        """After a filter change: stay on the same event, or the nearest one after it."""
        n = len(self.model.view)
        self._cache.clear()
        self.virtual_size = Size(self.size.width, n)
        if self.following:
            self._set_cursor(max(0, n - 1))
        else:
            # the operator's event stays the anchor while filters hide it (a live filter often passes
            # through no match at all), so widening again returns to it rather than to a neighbour
            anchor = self._cursor_seq
            self._set_cursor(self.model.view.nearest_index(anchor))
            self._cursor_seq = anchor
        self.refresh()

    def _grow_columns(self, ev: Event) -> bool:
        """Widens a column for a longer name, host or program; True when one grew."""
        w = self._widths
        before = list(w)
        name = cell_len(for_screen(ev.full_name)) if ev.parsed else 10
        if name > w[2] and name <= 40:
            w[2] = name
            self._cache.clear()
        host = cell_len(for_screen(ev.host)) if ev.host else 0
        if host > w[3] and host <= 24:
            w[3] = host
            self._cache.clear()
        if ev.program:
            prog = cell_len(for_screen(ev.program)) + (len(str(ev.pid)) + 2 if ev.pid is not None else 0)
            if prog > w[4] and prog <= 24:
                w[4] = prog
                self._cache.clear()
        return w != before

    # -- cursor ---------------------------------------------------------------------------
    @property
    def current(self) -> Event | None:
        view = self.model.view
        if 0 <= self.cursor < len(view):
            return view[self.cursor]
        return None

    def _set_cursor(self, index: int, *, scroll: bool = True) -> None:
        n = len(self.model.view)
        index = max(0, min(index, n - 1)) if n else 0
        old = self.cursor
        self.cursor = index
        ev = self.current
        self._cursor_seq = ev.seq if ev else 0
        if scroll:
            self._scroll_to_cursor()
        if old != index:
            self.refresh()
        self.post_message(self.CursorMoved(ev))

    def _scroll_to_cursor(self) -> None:
        """force: after a filter widens the view the scrollbar is not shown until the next layout,
        and without it Textual ignores the scroll, leaving the cursor off screen."""
        height = max(1, self.size.height)
        y = self.scroll_offset.y
        if self.cursor < y:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor >= y + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True, force=True)

    def set_following(self, following: bool) -> None:
        if following == self.following:
            return
        self.following = following
        self.set_class(following, "-following")
        self.post_message(self.FollowChanged(following))
        if following:
            self.action_last()

    def action_cursor_up(self) -> None:
        self.set_following(False)
        self._set_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._set_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self.set_following(False)
        self._set_cursor(self.cursor - max(1, self.size.height - 1))

    def action_page_down(self) -> None:
        self._set_cursor(self.cursor + max(1, self.size.height - 1))

    def action_first(self) -> None:
        self.set_following(False)
        self._set_cursor(0)

    def action_follow(self) -> None:
        self.set_following(True)

    def action_last(self) -> None:
        self._set_cursor(len(self.model.view) - 1, scroll=False)
        self._scroll_bottom()

    def _scroll_bottom(self) -> None:
        """At once, so the newest row is in the very next frame (force: before the scrollbar exists
        Textual would ignore the scroll and leave the list mid-history under "FOLLOWING")."""
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)

    def on_click(self, event) -> None:
        row = self.scroll_offset.y + event.y
        if 0 <= row < len(self.model.view):
            self.set_following(False)
            self._set_cursor(row)

    def on_resize(self, event) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self.model.view))
        self._scroll_to_cursor()

    def _on_mouse_scroll_up(self, event) -> None:
        self.set_following(False)

    # -- drawing --------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = self.scroll_offset.y + y
        view = self.model.view
        if not 0 <= index < len(view):
            return Strip.blank(width, self.rich_style)
        ev = view[index]
        selected = index == self.cursor
        acked = self.model.is_acked(ev)
        key = (ev.seq, selected, acked, width, selected and self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._build(ev, selected, acked, width)
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[key] = strip
        return strip

    def _build(self, ev: Event, selected: bool, acked: bool, width: int) -> Strip:
        """Every piece of log text goes through for_screen(): nothing in a line can act on the terminal."""
        styles = self.sev_styles
        base = self.rich_style
        line_style = base + styles.for_line(ev.sev.name)
        badge = base + styles.for_badge(ev.sev.name)
        if acked:
            line_style += Style(dim=True)
            badge += Style(dim=True)
        w = self._widths
        name = ev.full_name or "(unparsed)"
        who = ""
        if w[3]:
            who = _cells(for_screen(ev.host or ""), w[3]) + " "
        program = for_screen(f"{ev.program}[{ev.pid}]" if ev.pid is not None else (ev.program or ""))
        message = ev.message
        if len(message) > 4 * width:  # only what can show: a 64 KiB line costs no more than a short one
            message = message[: 4 * width]
        segments = [
            Segment(_time_text(ev) + " ", line_style),
            Segment(_cells(for_screen(ev.letter or "?"), 1), badge),
            Segment(" " + _cells(for_screen(name), w[2]) + " ", line_style + Style(bold=True)),
            Segment(who + _cells(program, w[4]) + " ", line_style),
        ]
        if ev.cut:  # before the text: at the end of a line cut at 64 KiB it would never be on screen
            segments.append(Segment("[cut] ", line_style + Style(italic=True, reverse=True)))
        if ev.partial:  # the rest of the line has not come yet: it will replace this row
            text, style = styles.mark("incomplete")
            segments.append(Segment(for_screen(text), line_style + style))
            segments.append(Segment(" ", line_style))
        segments.append(Segment(for_screen(message), line_style))
        # padding takes the line's colour (no weight, no underline), so the reversed cursor bar is one colour
        strip = Strip(segments).crop_extend(0, width, base + Style(color=line_style.color)).simplify()
        if selected:
            # reverse reads in every theme and with NO_COLOR; the row keeps its severity colour
            strip = strip.apply_style(Style(reverse=True, bold=self.has_focus))
        return strip
