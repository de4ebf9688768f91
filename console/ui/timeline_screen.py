"""`T`: events per time bucket, stacked by severity, over what the filters show, updated live.

The counting is console.live.tally's (in slices: a large history never freezes the screen); the
bucket size console.live.buckets chooses to fit the rows, or the operator zooms with + and -.
Enter on a bucket closes the timeline with the seq of the bucket's first event: the list goes
there, paused (console.ui.history_actions)."""

from __future__ import annotations

import asyncio
from typing import Callable, Optional

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from console.live.buckets import (bucket_of, bucket_size, buckets, coarser, finer, label, label_form,
                                  size_text)
from console.live.facts import from_wall_seconds
from console.live.goto import find_time
from console.live.tally import TallyFeeder
from console.model.events import EventModel
from console.ui.severity_styles import SeverityStyles
from console.ui.timeline_chart import TimelineChart, sev_glyph

SLICE = 0.03        # seconds of counting at a time before the screen gets its turn
LIVE_EVERY = 1.0    # new events are counted and drawn this often at most while the timeline is open
MAX_BUCKETS = 20_000  # zooming in further than this many rows is refused
_PLACED = object()


class TimelineScreen(Screen[Optional[int]]):
    DEFAULT_CSS = """
    TimelineScreen { background: $surface; }
    TimelineScreen > .tl-row { height: 1; background: $panel; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,T", "close", "back to the list", id="timeline-close"),
        Binding("plus,equals_sign", "zoom(-1)", "finer", id="timeline-finer", key_display="+"),
        Binding("minus", "zoom(1)", "coarser", id="timeline-coarser", key_display="-"),
        Binding("0", "fit", "fit", id="timeline-fit", show=False),
    ]

    def __init__(self, model: EventModel, styles: SeverityStyles, *,
                 cursor_time: Callable[[], Optional[float]] = lambda: None) -> None:
        """cursor_time: the wall time (console.live.facts) of the list's selected event, marked; asked
        again at every redraw, as a following list's cursor moves on."""
        super().__init__()
        self.model = model
        self.severities = list(model.catalog.severities)
        self.sev_styles = styles
        self.cursor_time = cursor_time
        self.cursor_seconds = cursor_time()
        self.feeder = TallyFeeder(model, [s.name for s in self.severities])
        self.zoom: Optional[int] = None  # a bucket size the operator chose; None: fit the rows
        self.size_now = 1
        self._drawn = -1  # the tally's version last drawn
        self._aim: object = self.cursor_seconds  # the time the cursor goes to once counted (None: the end)
        self.title_row = Static(classes="tl-row", id="tl-title")
        self.legend_row = Static(classes="tl-row", id="tl-legend")
        self.hint_row = Static(classes="tl-row", id="tl-hint")
        self.chart = TimelineChart(self.severities, styles, id="tl-chart")

    def compose(self) -> ComposeResult:
        yield self.title_row
        yield self.legend_row
        yield self.chart
        yield self.hint_row

    def on_mount(self) -> None:
        self.chart.focus()
        self._draw()
        self._count()
        self.set_interval(LIVE_EVERY, self._live)

    @work(exclusive=True, group="timeline")
    async def _count(self) -> None:
        while not self.feeder.step(SLICE):
            self._draw_hint()
            await asyncio.sleep(0.005)  # keys and new events get their turn between slices
        self._draw()

    def _live(self) -> None:
        """New events counted, the oldest forgotten, a filter change counted again; drawn if changed."""
        if self.feeder.recounting:
            return  # the worker is at it
        if not self.feeder.step(SLICE):
            self._count()
        if self.feeder.tally.version != self._drawn:
            self._draw()

    def on_resize(self, event) -> None:
        self._drawn = -1
        self._draw()

    # -- drawing ----------------------------------------------------------------------------
    def _draw(self) -> None:
        self.cursor_seconds = self.cursor_time()
        tally = self.feeder.tally
        self._drawn = tally.version
        span = tally.span()
        self._draw_legend()
        if span is None:
            self.chart.show([], "%H:%M:%S", None)
            self._draw_title(None, 0)
            self._draw_hint()
            return
        rows = max(1, self.chart.size.height or (self.size.height - 3))
        self.size_now = self.zoom or bucket_size(span, rows)
        shown = buckets(tally.per_second, self.size_now, len(self.severities))
        mark = bucket_of(shown, self.size_now, self.cursor_seconds) if self.cursor_seconds is not None else None
        cursor = None
        if self._aim is not _PLACED and not self.feeder.recounting:
            cursor = bucket_of(shown, self.size_now, self._aim) if self._aim is not None else None
            cursor = len(shown) - 1 if cursor is None else cursor
            self._aim = _PLACED
        self.chart.show(shown, label_form(self.size_now, span), mark, cursor=cursor)
        self._draw_title(span, len(tally))
        self._draw_hint()

    def _draw_title(self, span, counted: int) -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append("Timeline", style="bold")
        out.append(f"  {counted:,} events")
        if span is not None:
            form = "%Y-%m-%d %H:%M:%S" if span[0] // 86400 != span[1] // 86400 else "%H:%M:%S"
            out.append(f"  {label(span[0], form)} – {label(span[1], form)}")
            out.append(f"  {size_text(self.size_now)} a row" + (" (zoomed)" if self.zoom else ""), style="bold")
        if self.cursor_seconds is not None:
            out.append(f"  ▶ list {from_wall_seconds(self.cursor_seconds):%H:%M:%S}", style="dim")
        self.title_row.update(out)

    def _draw_legend(self) -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
        shown = self.model.filter.severities
        hidden = []
        for sev in self.severities:
            if sev.name not in shown:
                hidden.append(sev.name)
                continue
            char, style = sev_glyph(sev, self.sev_styles)
            out.append(char, style=style)
            out.append(f" {sev.name}  ")
        if hidden:
            out.append("hidden: " + " ".join(hidden), style="bold")
        if self.model.filter.narrowed:
            out.append("  (filtered)", style="bold")
        self.legend_row.update(out)

    def _draw_hint(self) -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
        if self.feeder.recounting or self.model.filtering is not None:
            out.append(f"counting… {self.feeder.progress:.0%}  ", style="bold")
        untimed = sum(self.feeder.tally.untimed)
        if untimed:
            out.append(f"{untimed:,} line{'s' if untimed > 1 else ''} without a time not charted  ", style="dim")
        out.append("↑↓ bucket  Enter go there (paused)  + - zoom  0 fit  Esc back", style="dim")
        self.hint_row.update(out)

    # -- keys ---------------------------------------------------------------------------------
    def action_zoom(self, step: int) -> None:
        size = coarser(self.size_now) if step > 0 else finer(self.size_now)
        span = self.feeder.tally.span()
        if span is not None and span[1] // size - span[0] // size + 1 > MAX_BUCKETS:
            self.app.notify(f"Buckets of {size_text(size)} would be too many rows.", markup=False)
            return
        self.zoom = size
        self._redraw_here()

    def action_fit(self) -> None:
        self.zoom = None
        self._redraw_here()

    def _redraw_here(self) -> None:
        """Drawn in the new size, the cursor on the bucket that holds the time it was on."""
        here = self.chart.current
        self._aim = here.start if here is not None else None
        self._draw()

    def action_close(self) -> None:
        self.dismiss(None)

    def on_timeline_chart_chosen(self, message: TimelineChart.Chosen) -> None:
        place = find_time(self.model, from_wall_seconds(message.bucket.start))
        if place.seq is None:
            self.app.notify("No event shown from that time on.", markup=False)
            return
        self.dismiss(place.seq)
