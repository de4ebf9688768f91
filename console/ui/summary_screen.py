"""`S`: what the filters show, summed up (console.live.summary): severities, events, the top
callers and hosts, each with its count, worst severity, first and last seen. Enter on a row closes
the summary with that row: the list then shows only it (console.ui.history_actions), and Backspace
goes back. Counted in slices with progress; `r` counts again (what arrived since included)."""

from __future__ import annotations

import asyncio
from typing import Dict, Optional

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from console.live.facts import from_wall_seconds
from console.live.summary import TOP, Row, Summary, SummaryJob
from console.model.events import EventModel
from console.safe_text import for_screen
from console.ui.severity_styles import SeverityStyles

SLICE = 0.03
SECTIONS = (("severity", "Severities", None), ("event", "Events", None),
            ("caller", f"Callers (top {TOP})", TOP), ("host", f"Hosts (top {TOP})", TOP))


class SummaryScreen(Screen[Optional[Row]]):
    DEFAULT_CSS = """
    SummaryScreen { background: $surface; }
    SummaryScreen > .sm-row { height: 1; background: $panel; padding: 0 1; }
    SummaryScreen > DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,S", "close", "back to the list", id="summary-close"),
        Binding("r", "recount", "count again", id="summary-recount"),
    ]

    def __init__(self, model: EventModel, styles: SeverityStyles) -> None:
        super().__init__()
        self.model = model
        self.sev_styles = styles
        self.letters = {s.name: s.letter for s in model.catalog.severities}
        self.job = SummaryJob(model)
        self._filter = model.filter
        self.rows_by_key: Dict[str, Row] = {}
        self.title_row = Static(classes="sm-row", id="sm-title")
        self.table: DataTable = DataTable(cursor_type="row", zebra_stripes=False, id="sm-table")
        self.hint_row = Static(Text("↑↓ row  Enter show only it (Backspace returns)  r count again  Esc back",
                                    style="dim", no_wrap=True), classes="sm-row", id="sm-hint")

    @property
    def summary(self) -> Summary:
        return self.job.summary

    @property
    def done(self) -> bool:
        return self.job.done

    def compose(self) -> ComposeResult:
        yield self.title_row
        yield self.table
        yield self.hint_row

    def on_mount(self) -> None:
        self.table.add_columns("", "what", "count", "worst", "first seen", "last seen")
        self.table.focus()
        self._draw_title()
        self._count()
        self.set_interval(0.5, self._watch_filter)

    @work(exclusive=True, group="summary")
    async def _count(self) -> None:
        while not self.job.step(SLICE):
            self._draw_title()
            await asyncio.sleep(0.005)  # keys and new events get their turn between slices
        self._fill()

    def _watch_filter(self) -> None:
        """The filters changed behind the summary (a severity key): it sums up the new view."""
        if self.model.filter is not self._filter and self.model.filtering is None:
            self.action_recount()

    def action_recount(self) -> None:
        self._filter = self.model.filter
        self.job = SummaryJob(self.model)
        self._draw_title()
        self._count()

    # -- drawing ----------------------------------------------------------------------------
    def _draw_title(self) -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append("Summary", style="bold")
        out.append(f"  {self.job.size:,} events shown")
        span = self.summary.span() if self.done else None
        if span is not None:
            out.append(f"  {self._when(span[0], span)} – {self._when(span[1], span)}")
        if self.model.filter.narrowed or len(self.model.filter.severities) < len(self.letters):
            out.append("  (filtered)", style="bold")
        if not self.done:
            out.append(f"  counting… {self.job.progress:.0%}", style="bold")
        self.title_row.update(out)

    @staticmethod
    def _when(seconds: Optional[float], span) -> str:
        if seconds is None:
            return ""
        form = "%H:%M:%S" if span[0] // 86400 == span[1] // 86400 else "%m-%d %H:%M:%S"
        return from_wall_seconds(seconds).strftime(form)

    def _fill(self) -> None:
        table = self.table
        table.clear()
        self.rows_by_key.clear()
        span = self.summary.span() or (0, 0)
        for kind, title, top in SECTIONS:
            rows = self.summary.rows(kind, top)
            table.add_row(Text(""), Text(f"{title}", style="bold underline"), Text(""), Text(""), Text(""),
                          Text(""), key=f"head:{kind}")
            for i, row in enumerate(rows):
                key = f"{kind}:{i}"
                self.rows_by_key[key] = row
                worst = row.worst or ""
                table.add_row(Text(for_screen(self.letters.get(worst, "?")), style=self.sev_styles.for_badge(worst)),
                              Text(for_screen(row.label), style=self.sev_styles.for_line(worst)),
                              Text(f"{row.count:,}", justify="right"),
                              Text(worst, style=self.sev_styles.for_badge(worst)),
                              Text(self._when(row.first, span)), Text(self._when(row.last, span)), key=key)
            if not rows:
                table.add_row(Text(""), Text("(none)", style=Style(dim=True)), Text(""), Text(""), Text(""),
                              Text(""), key=f"none:{kind}")
        if self.rows_by_key:  # the cursor on the first row that can be chosen
            table.move_cursor(row=1, animate=False)
        self._draw_title()

    # -- keys ---------------------------------------------------------------------------------
    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        row = self.rows_by_key.get(message.row_key.value)
        if row is not None:
            self.dismiss(row)

    def action_close(self) -> None:
        self.dismiss(None)
