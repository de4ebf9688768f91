"""The event list: draws only the rows on screen (Line API), from the model's filtered view."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from console.decode.event import Event
from console.model.events import EventModel
from console.safe_text import for_screen
from console.ui.severity_styles import SeverityStyles
from console.ui.list_frames import ListFrames

_CACHE_MAX = 2000


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


class EventList(ListFrames, ScrollView, can_focus=True):
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
        self._init_frames()
        self.set_class(True, "-following")

    # -- data changes ---------------------------------------------------------------------
    def set_styles(self, styles: SeverityStyles) -> None:
        self.sev_styles = styles
        self._cache.clear()
        self.refresh()

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
