"""The side panel: everything known about the event under the cursor, from the line and the catalogue."""

from __future__ import annotations

from typing import Callable, Optional

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from console.catalog.catalog import Catalog
from console.decode.event import Event
from console.safe_text import for_screen
from console.ui.severity_styles import SeverityStyles


def _t(value) -> Text:
    """Log text as a Text object: never parsed as markup, control characters made visible."""
    return Text(for_screen("" if value is None else str(value)))


INCOMPLETE = "incomplete: its newline has not been written yet; the rest of the line will replace this"


def describe(ev: Event, catalog: Catalog, *, acked: bool = False,
             styles: SeverityStyles | None = None) -> Group:
    """styles: the theme's, for the marks (an incomplete line); without them the mark is plain."""
    head = Table.grid(padding=(0, 1))
    head.add_column(style="bold", no_wrap=True)
    head.add_column(overflow="fold")  # values wrap, never cut (an address, a path)
    time = ev.time.isoformat(sep=" ", timespec="milliseconds") if ev.time else (ev.timestamp or "-")
    sev = ev.sev
    head.add_row("Time", _t(time))
    letter = ev.letter or sev.letter
    head.add_row("Severity", _t(f"{sev.name} ({letter})" + (" - acknowledged" if acked else "")))
    if ev.parsed:
        head.add_row("Facility", _t(ev.facility))
        head.add_row("Event", _t(f"{ev.event}" + (f"  ID {ev.id}" if ev.id is not None else "")))
    if ev.host:
        head.add_row("Host", _t(ev.host))
    if ev.program:
        head.add_row("Program", _t(ev.program + (f"  pid {ev.pid}" if ev.pid is not None else "")))
    head.add_row("Source", _t(f"{ev.source}:{ev.line_text}" + ("  (line cut at the length limit)" if ev.cut else "")))
    if ev.partial:
        head.add_row("Line", Text(INCOMPLETE, style=styles.mark("incomplete")[1] if styles else ""))

    parts: list = [head, Text("")]
    if not ev.parsed:
        parts.append(Text("Unparsed line: no L-FACILITY-Event token was found, so nothing is known"
                          " about it beyond its text.", style="italic"))
    elif ev.entry is None:
        parts.append(Text(f"Unknown event: {for_screen(ev.facility)}-{for_screen(ev.event)} is not in the catalogue"
                          f" (severity from the letter {for_screen(letter)}). Add it with --catalog DIR.",
                          style="italic"))
    else:
        parts += _entry_parts(ev)
    parts += [Text(""), Text("Message", style="bold"), _t(ev.message or "-"),
              Text(""), Text("Raw line", style="bold"), _t(ev.raw)]
    return Group(*parts)


def _entry_parts(ev: Event) -> list:
    """What the catalogue says: the parameters by name, the description and the operator's action."""
    entry, sev, parts = ev.entry, ev.sev, []
    params = Table(title="Parameters", title_justify="left", title_style="bold",
                   show_header=True, header_style="bold", expand=True, box=None, padding=(0, 1))
    params.add_column("name", ratio=1, overflow="fold")
    params.add_column("value", ratio=2, overflow="fold")
    if entry.parameters:
        values = ev.params
        if ev.params_split is False:
            parts.append(Text("The message does not fit the catalogue template, so the parameters"
                              " could not be split; the whole text is the message.", style="italic"))
        for i, name in enumerate(entry.parameters, 1):
            params.add_row(Text(f"%{i} {name}"), _t(values.get(name, "")) if values else Text("-"))
        parts.append(params)
    else:
        parts.append(Text("No parameters documented for this event.", style="italic"))
    parts += [Text(""), Text("Description", style="bold"), _t(entry.description or "-"),
              Text(""), Text("Operator action", style="bold"),
              _t(entry.action or "No action given in the catalogue."),
              Text(f"Severity {sev.name}: {sev.meaning} {sev.operator}".strip(), style="dim")]
    if entry.release and entry.release != "seed":
        parts.append(Text(f"Catalogue: {entry.release} release", style="dim"))
    return parts


class DetailPanel(VerticalScroll):
    ALLOW_MAXIMIZE = True  # Enter on the open panel: full screen, Esc returns
    DEFAULT_CSS = """
    DetailPanel {
        width: 45%; min-width: 40; height: 1fr;
        border: round $primary; border-title-style: bold; background: $panel; padding: 0 1; display: none;
    }
    DetailPanel.open { display: block; }
    """

    def __init__(self, catalog: Catalog, styles: SeverityStyles | None = None, *,
                 is_acked: Optional[Callable[[Event], bool]] = None, **kwargs) -> None:
        """is_acked: whether an event is acknowledged (the model knows), for show() without acked."""
        super().__init__(**kwargs)
        self.catalog = catalog
        self._is_acked = is_acked
        self.severity_styles = styles  # the theme's: the app sets them again when the theme changes
        self.body = Static("", id="detail-body")
        self._shown: Optional[Event] = None  # the event shown, to start another one at its top
        self.border_title = "Event"

    def compose(self):
        yield self.body

    @property
    def is_open(self) -> bool:
        return self.has_class("open")

    def follow(self, ev: Event | None) -> None:
        """The open panel shows the selected event (and whether it is acknowledged); a closed one waits."""
        if self.is_open:
            self.show(ev)

    def show(self, ev: Event | None, *, acked: bool | None = None) -> None:
        if acked is None:
            acked = bool(ev and self._is_acked and self._is_acked(ev))
        if ev is None:
            self.body.update(Text("No event selected.", style="italic"))
            return
        shown = self._shown
        same = shown is not None and (ev is shown or ev.seq and (ev.seq, ev.source) == (shown.seq, shown.source))
        if not same:  # another event: read from its top (the same row, built again from its line or
            self.scroll_home(animate=False)  # completed, keeps its place)
        self._shown = ev
        # Content, not str: a str border title is parsed as markup, and a site layout may let any name in
        self.border_title = Content(for_screen(ev.full_name or "Unparsed line"))
        self.body.update(describe(ev, self.catalog, acked=acked, styles=self.severity_styles))
