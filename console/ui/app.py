"""The console application: wires tail → decode → model → list → panel, and routes the operator's keys.

The parts do the work: console.live.intake takes each batch from the source (decoded by console.decode.pipeline)
into console.model.events, which holds and filters the events (and remembers filters for Backspace), and
says which notifications are due; console.live.throttle paces the header; console.ui.keys makes the keys
from the catalogue; the widgets draw."""

from __future__ import annotations

import gc
import time
from typing import Callable, Iterable

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal

from console.catalog.catalog import Catalog
from console.decode.decoder import Decoder
from console.decode.pipeline import BatchDecoder
from console.decode.event import Event
from console.live.intake import Intake, Notices
from console.model.events import DEFAULT_HISTORY_BYTES, EventModel
from console.safe_text import for_screen, visible
from console.tail.source import LineSource
from console.tail.contract import Batch
from console.themes_data import DEFAULT_THEME, ThemeData
from console.live.places import screenshot_dir
from console.ui.alert_actions import AlertActions
from console.ui.alert_line import AlertLine, NoteLine
from console.ui.detail_panel import DetailPanel
from console.ui.event_list import EventList
from console.ui.exit_wiring import ExitOnRequest
from console.ui.filter_actions import FILTER_SLICE, FilterActions
from console.ui.filter_bar import FilterBar
from console.ui.fitting_footer import FittingFooter
from console.ui.help_screen import HelpScreen, help_rows
from console.ui.history_actions import HistoryActions
from console.ui.keys import BASE_BINDINGS, ConsoleKeys
from console.ui.severity_styles import SeverityStyles
from console.ui.status_bar import Pacer, StatusBar, progress_note
from console.ui.theme_bridge import ansi_colour, to_textual
from console.compat import aclosing

STATUS_EVERY = 2.0  # while lines flow the header's counts are drawn this often (at once after a quiet spell)


NARROW = 120  # below this many columns the panel is a bottom pane, not a side one


class ConsoleApp(FilterActions, AlertActions, HistoryActions, ExitOnRequest, App[int]):
    TITLE = "smtp-console"
    CSS = """
    Screen { layers: base; }
    #main { height: 1fr; }
    #main.narrow { layout: vertical; }
    #main.narrow DetailPanel { width: 100%; min-width: 0; height: 60%; }
    Screen.-maximized-view DetailPanel.-maximized { width: 100% !important; height: 100% !important; }
    """
    BINDINGS = BASE_BINDINGS  # and, per instance, the catalogue's severity keys (ConsoleKeys)

    def __init__(self, *, catalog: Catalog, themes: dict[str, ThemeData], theme: str = DEFAULT_THEME,
                 source: LineSource | None = None, history: int = 100_000,
                 history_bytes: int = DEFAULT_HISTORY_BYTES, title: str = "smtp-console",
                 decoder: Decoder | None = None, clock: Callable[[], float] = time.monotonic,
                 notify: bool = True) -> None:
        """clock: seconds for the ev/s rate and notification limits; tests pass a fixed one.
        notify: False for no transient notification of critical/fatal events (the alert line stays)."""
        super().__init__(ansi_color=ansi_colour())
        self.catalog = catalog
        self.keys = ConsoleKeys(catalog)
        self.keys.add_to(self)
        self.BINDINGS = self.keys.bindings  # what this console binds, for the help and the palette
        self.model = EventModel(catalog, history, history_bytes)
        self.model.filter_budget = FILTER_SLICE
        self.decoder = decoder or Decoder(catalog)
        self.intake = Intake(self.model, BatchDecoder(self.decoder), source, clock)
        self.intake.notifying = notify
        self.theme_data = themes
        self.source = source
        self.console_title = title
        for data in themes.values():
            self.register_theme(to_textual(data))
        self.styles_by_theme: SeverityStyles = self._styles_for(theme)
        self.event_list = EventList(self.model, self.styles_by_theme, id="events")
        self.panel = DetailPanel(catalog, self.styles_by_theme, is_acked=self.model.is_acked, id="panel")
        self.status = StatusBar(id="status")
        self.filter_bar = FilterBar(id="filter")
        self._follow_after_panel = False  # the panel paused following: Esc goes on following
        self.alert_line = AlertLine(id="alert")
        self.note_line = NoteLine(id="note")
        # the counts agree with the list a moment after a batch, but a flow of batches redraws
        # them once per STATUS_EVERY, not once per batch; the operator's keys redraw it at once
        self.header = Pacer(self, STATUS_EVERY, self._draw_status)
        # set before the first paint: switching theme after mount restyles every widget again
        self.theme = theme

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield self.status
        with Horizontal(id="main"):
            yield self.event_list
            yield self.panel
        yield self.alert_line
        yield self.note_line
        yield self.filter_bar

    def on_mount(self) -> None:
        # 100,000 held events make full collections slow; collect young objects less often
        gc.set_threshold(10_000, 10, 10)
        if self.source is not None:
            self._feed()  # first: the history is read while the screen is being built
        self.event_list.focus()
        # the footer styles one widget per key (~0.1 s): mounted after the first paint of the events
        self.call_after_refresh(lambda: self.mount(FittingFooter()))
        self.set_interval(0.25, self._tick)
        self._listen_for_exit()
        self.header.now()
        self._exit_if_asked()

    # -- themes ---------------------------------------------------------------------------
    def _styles_for(self, name: str) -> SeverityStyles:
        return SeverityStyles.for_theme(self.catalog, self.theme_data, self.available_themes.get(name),
                                        no_color=self.no_color)

    def watch_theme(self, name: str) -> None:
        if not hasattr(self, "event_list"):  # App.__init__ sets its default theme: no widgets yet
            return
        self.styles_by_theme = self._styles_for(name)
        self.event_list.set_styles(self.styles_by_theme)
        self.panel.severity_styles = self.styles_by_theme
        self.header.now()

    # -- feeding --------------------------------------------------------------------------
    @work(exclusive=True, group="feed")
    async def _feed(self) -> None:
        async with aclosing(self.source.batches()) as batches:
            async for batch in batches:
                self.ingest_batch(batch)
        self.intake.backfilling = False

    def ingest_batch(self, batch: Batch) -> None:
        """One batch from the source: decoded, then taken in."""
        sources = self.intake.sources
        decoded = self.intake.decode(batch)
        if decoded.renumbered:  # line numbers became absolute: the panel shows them
            self.panel.follow(self.event_list.current)
        if decoded.events:
            self.ingest(decoded.events, live=not decoded.backfill)
        self._header_after(sources)

    def ingest(self, events: list[Event], *, live: bool = True) -> None:
        """One batch: model first, then one list update and (rate-limited) notifications."""
        result, notices = self.intake.add(events, following=self.event_list.following, live=live)
        self.event_list.events_added(result.visible, result.dropped_visible, events)
        if result.replaced:  # partial events completed in place: their rows, maybe the panel
            self.event_list.rows_changed(result.replaced)
            if result.reshaped:  # it entered or left the view: rows moved, the cursor stays on its event
                self.event_list.view_rebuilt()
            self.panel.follow(self.event_list.current)
        if result.notify:  # the history's alerts too: an operator opens the console because of them
            self.draw_alert()
        self._notify(notices)
        self.header.soon()

    def _notify(self, notices: Notices) -> None:
        """Critical and fatal always reach the operator, filtered or paused; bursts are summarised."""
        for title, text in notices.texts():
            self.notify(text, title=title, severity="error", timeout=12, markup=False)

    def notify(self, message: str, *, title: str = "", severity: str = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """One line above the footer, the newest only: never a stack of toasts over the list."""
        self.note_line.say(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def draw_alert(self) -> None:
        alerts = self.intake.alerts
        style = self.styles_by_theme.for_badge(alerts.newest.sev.name) if alerts.newest else None
        self.alert_line.show_state(alerts, style)

    def _tick(self) -> None:
        sources = self.intake.sources
        self._notify(self.intake.tick())
        self._header_after(sources)

    def _header_after(self, sources: dict) -> None:
        """A source's new state (a host down, a rotation) is said at once; counts are paced."""
        (self.header.now if self.intake.sources != sources else self.header.soon)()

    backfilling = property(lambda self: self.intake.backfilling, doc="The history is still being read.")

    # -- the header -------------------------------------------------------------------------
    @property
    def status_pending(self) -> bool:
        """True while the status bar or the list has not caught up with the events taken in."""
        return self.header.pending or self.event_list.draw_pending

    def catch_up(self) -> None:
        """Draws at once what is paced (the list's new rows, the header's counts): a test's settle."""
        self.event_list.draw_now()
        if self.header.pending:
            self.header.now()

    # -- writing frames ------------------------------------------------------------------------
    def _begin_update(self) -> None:
        """A frame starts: the list's rows that the terminal can move are moved first (Textual 8.2's
        hook before a frame's text; console.ui.terminal_scroll says why)."""
        super()._begin_update()
        move = self.event_list.terminal_scroll.take()
        if move and self._driver is not None:
            self._driver.write(move)

    def _end_update(self) -> None:
        super()._end_update()
        self.event_list.frame_drawn()

    def _draw_status(self) -> None:
        self.status.render_status(model=self.model, styles=self.styles_by_theme,
                                  following=self.event_list.following,
                                  new_while_paused=self.intake.new_while_paused, rate=self.intake.rate.rate(),
                                  sources=self.intake.sources, title=self.console_title, keys=self.keys.by_severity,
                                  history_note=self.intake.coverage.text(), trend=self.intake.trend.counts(),
                                  filter_note=progress_note(self.model, backfilling=self.backfilling))

    # -- list and panel -------------------------------------------------------------------
    def on_event_list_cursor_moved(self, message: EventList.CursorMoved) -> None:
        self.panel.follow(message.event)

    def on_event_list_follow_changed(self, message: EventList.FollowChanged) -> None:
        if message.following:
            self.intake.following_again()
        self.header.now()

    def on_resize(self, event) -> None:
        self.query_one("#main").set_class(event.size.width < NARROW, "narrow")

    def action_open_panel(self) -> None:
        """Enter opens the panel; on an open one, it fills the screen (Esc returns)."""
        if self.panel.is_open and self.screen.maximized is None:
            self.screen.maximize(self.panel, container=False)
            return
        # the event being read stays put: following pauses while the panel is open, and goes on
        # when Esc closes it
        self._follow_after_panel = self.event_list.following
        self.event_list.set_following(False)
        self.panel.add_class("open")
        self.panel.show(self.event_list.current)

    def action_escape(self) -> None:
        if self.screen.maximized is not None:
            self.screen.minimize()
            self.event_list.focus()
        elif self.panel.is_open:
            self.panel.remove_class("open")
            self.event_list.focus()
            if self._follow_after_panel:
                self._follow_after_panel = False
                self.event_list.set_following(True)
        elif self.model.filter.narrowed:
            self.model.remember_filter()
            self.model.clear_narrowing()
            self.filter_bar.value = ""
            self._filter_changed()

    # -- follow / pause -------------------------------------------------------------------
    def action_pause(self) -> None:
        self.event_list.set_following(not self.event_list.following)

    def action_follow(self) -> None:
        self.event_list.set_following(True)

    # -- copying, screenshots, the terminal -------------------------------------------------
    def action_copy(self) -> None:
        ev = self.event_list.current
        if ev is None:
            return
        # controls escaped: the line is partly a stranger's, and a paste into a shell must not run it
        self.copy_to_clipboard(visible(ev.raw))  # sent base64-encoded (OSC 52): inert on the terminal
        self.notify(f"Line {ev.line_text} sent to the terminal's clipboard (OSC 52; a terminal may"
                    f" refuse it): {for_screen(ev.source)}", markup=False)

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """Into the current directory (or the XDG state one), and the operator is told where."""
        try:
            saved = self.save_screenshot(filename, path or str(screenshot_dir()), time_format)
        except OSError as exc:
            self.notify(for_screen(f"Screenshot not saved: {exc}"), severity="error", markup=False)
            return None
        self.notify(for_screen(f"Screenshot saved to {saved}"), markup=False)
        return saved

    def action_wide(self) -> None:
        """The date, host and program[pid] columns whatever the width, or only where there is room."""
        self.event_list.toggle_wide()

    # -- help and command palette -------------------------------------------------------------
    def action_help(self) -> None:
        muted = sorted(f"{f}-{e}" for f, e in self.model.acks.muted)
        self.push_screen(HelpScreen(help_rows([*self.BINDINGS, *EventList.BINDINGS], self.keys.describe),
                                    muted=[for_screen(m) for m in muted]))

    def get_system_commands(self, screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from self.keys.commands(lambda action: self.call_next(self.run_action, action))
        for name in self.theme_data:
            yield SystemCommand(f"Theme: {name}", self.theme_data[name].description,
                                lambda n=name: setattr(self, "theme", n))
