"""The event list: draws only the rows on screen (Line API), from the model's filtered view."""

from __future__ import annotations

from rich.cells import cell_len
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
from console.live.columns import TIME, Columns
from console.live.header_fit import shortened
from console.safe_text import for_screen
from console.ui.row_columns import RowColumns, _cells, _date_text, _time_text
from console.ui.severity_styles import SeverityStyles
from console.ui.list_frames import ListFrames

_CACHE_MAX = 2000


class EventList(ListFrames, RowColumns, ScrollView, can_focus=True):
    """Cursor and follow state live here; the events themselves live in the model."""

    DEFAULT_CSS = """
    EventList { height: 1fr; background: $surface; overflow-x: hidden; scrollbar-size-vertical: 1; }
    EventList:focus { background-tint: $foreground 2%; }
    EventList.-following { scrollbar-size-vertical: 0; }
    """

    BINDINGS = [
        Binding("up,k", "cursor_up", "up", show=False),
        Binding("down,j", "cursor_down", "down", show=False),
        Binding("pageup,ctrl+b", "page_up", "page up", show=False),
        Binding("pagedown,ctrl+f", "page_down", "page down", show=False),
        Binding("ctrl+u", "half_page_up", "half a page up", show=False),
        Binding("ctrl+d", "half_page_down", "half a page down", show=False),
        Binding("home,g", "first", "first", show=False),
        Binding("left", "shift_message(-1)", "scroll the messages left", show=False),
        Binding("right", "shift_message(1)", "scroll the messages right (long lines)", show=False),
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
        # what the events need, for console.live.columns: widest name (short, full), host, program
        self._widths = [0, 0, 0, 0]
        self._facilities: set = set()
        self._days: set = set()
        self._hosts: set = set()  # up to two: more than one host earns the host column at any width
        self.wide = False   # the date, host and program[pid] whatever the width (the `d` key)
        self.shift = 0      # cells of the message scrolled off to the left (Left/Right)
        self.columns = Columns()
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

    # -- cursor ---------------------------------------------------------------------------
    @property
    def current(self) -> Event | None:
        view = self.model.view
        if 0 <= self.cursor < len(view):
            return view[self.cursor]
        return None

    def select_seq(self, seq: int) -> bool:
        """The cursor onto the event with this seq (pausing the list); False when it is not in view."""
        index = self.model.view.index_of_seq(seq)
        if index is None:
            return False
        self.set_following(False)
        self._set_cursor(index)
        return True

    def refresh_rows(self) -> None:
        """Something drawn in the rows changed (acknowledged, muted): draw them again."""
        self._cache.clear()
        self.refresh()

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
        self._relayout()
        self.virtual_size = Size(self.size.width, len(self.model.view))
        self._scroll_to_cursor()

    def _on_mouse_scroll_up(self, event) -> None:
        self.set_following(False)

    # -- drawing --------------------------------------------------------------------------
    def _base_style(self) -> Style:
        """The widget's own style (Textual works it out from the whole DOM, ~0.25 ms a call):
        kept until the styles change (notify_style_update: theme, focus, CSS)."""
        style = getattr(self, "_rich_style", None)
        if style is None:
            style = self._rich_style = self.rich_style
        return style

    def notify_style_update(self) -> None:
        self._rich_style = None
        if hasattr(self, "_cache"):
            self._cache.clear()
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = self.scroll_offset.y + y
        view = self.model.view
        if not 0 <= index < len(view):
            return Strip.blank(width, self._base_style())
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
        base = self._base_style()
        line_style = base + styles.for_line(ev.sev.name)
        badge = base + styles.for_badge(ev.sev.name)
        if acked:
            line_style += Style(dim=True)
            badge += Style(dim=True)
        col = self.columns
        date, clock = _time_text(ev)
        name = (ev.full_name if col.prefix else ev.event) if ev.parsed else "(unparsed)"
        segments = [
            Segment(_date_text(date, col.date) + _cells(clock, TIME) + " ", line_style),
            Segment(_cells(for_screen(ev.letter or "?"), 1), badge),
            Segment(" " + _cells(for_screen(name or ""), col.name) + " ", line_style + Style(bold=True)),
        ]
        if col.host:
            host = shortened(for_screen(ev.host or ""), col.host, cell_len)  # cut: marked, never mistaken
            segments.append(Segment(_cells(host, col.host) + " ", line_style))
        if col.program:
            program = for_screen(f"{ev.program}[{ev.pid}]" if ev.pid is not None else (ev.program or ""))
            segments.append(Segment(_cells(program, col.program) + " ", line_style))
        if ev.cut:  # before the text: at the end of a line cut at 64 KiB it would never be on screen
            segments.append(Segment("[cut] ", line_style + Style(italic=True, reverse=True)))
        if ev.partial:  # the rest of the line has not come yet: it will replace this row
            text, style = styles.mark("incomplete")
            segments.append(Segment(for_screen(text), line_style + style))
            segments.append(Segment(" ", line_style))
        segments += self._message(ev, line_style, width)
        # padding takes the line's colour (no weight, no underline), so the reversed cursor bar is one colour
        strip = Strip(segments).crop_extend(0, width, base + Style(color=line_style.color)).simplify()
        if selected:
            # reverse reads in every theme and with NO_COLOR; the row keeps its severity colour
            strip = strip.apply_style(Style(reverse=True, bold=self.has_focus))
        return strip
