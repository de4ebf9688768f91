"""The console application: wires tail → decode → model → list → panel, and the operator's keys."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re
import signal
import time
from collections import deque
from typing import Callable, Iterable

from textual import work
from textual.actions import SkipAction
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Input

from console.catalogue import Catalogue
from console.decoder import Decoder
from console.event import Event
from console.model import DEFAULT_HISTORY_BYTES, EventModel
from console.safe_text import for_screen
from console.themes_data import DEFAULT_THEME, ThemeData
from console.ui.detail_panel import DetailPanel
from console.ui.event_list import EventList
from console.ui.filter_bar import FilterBar
from console.ui.help_screen import HelpScreen
from console.ui.severity_styles import SeverityStyles
from console.ui.status_bar import StatusBar
from console.ui.theme_bridge import to_textual

_ADDRESS = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+\]?)(?::\d+)?$")
NOTIFY_PER_SECOND = 3
FILTER_SLICE = 0.03  # seconds of filtering at a time before the screen gets its turn
STATUS_EVERY = 0.1  # the counts follow new events this soon, and are drawn at most this often
SEVERITY_GROUP = Binding.Group("severities", compact=True)

BASE_BINDINGS = [
    Binding("q", "quit", "quit", id="quit", tooltip="quit smtp-console"),
    Binding("question_mark", "help", "help", id="help", tooltip="this list of keys"),
    # priority: taken in the order keys arrive, so the keys typed right after it reach the bar
    Binding("slash", "filter", "filter", id="filter", priority=True,
            tooltip="live text or regex filter (lower case matches any case); Esc clears it"),
    Binding("enter", "open_panel", "details", id="details",
            tooltip="open the side panel for the selected event"),
    Binding("escape", "escape", "close/clear", show=False, id="escape"),
    Binding("space", "pause", "pause", id="pause",
            tooltip="pause or follow; while paused new events keep arriving and are counted"),
    Binding("G,end", "follow", "follow", id="follow", key_display="G",
            tooltip="follow the newest event again"),
    Binding("a", "ack", "ack", id="ack", tooltip="acknowledge the selected event"),
    Binding("A", "ack_similar", "ack all", id="ack-similar",
            tooltip="acknowledge every held event with the same name"),
    Binding("o", "only_event", "only event", id="only-event",
            tooltip="show only events with the selected event's name (again: undo)"),
    Binding("h", "only_value", "only caller", id="only-value",
            tooltip="show only events of the selected event's caller address or host (again: undo)"),
    Binding("backspace", "back", "back", show=False, id="back", tooltip="back to the previous filter"),
    Binding("y", "copy", "copy", id="copy", tooltip="copy the raw line to the clipboard"),
]


class ConsoleApp(App[int]):
    TITLE = "smtp-console"
    CSS = """
    Screen { layers: base; }
    #main { height: 1fr; }
    """
    # launch() hands SIGTERM and SIGHUP to the process's ExitGuard (console.ui.exit_wiring) and is
    # told when the app starts to exit; an app driven in-process (the tests) handles them itself
    handle_signals = True
    exit_hook: Callable[[], None] | None = None
    _exit_loop: asyncio.AbstractEventLoop | None = None
    _exit_pending = False

    @classmethod
    def for_catalogue(cls, catalogue: Catalogue) -> type["ConsoleApp"]:
        """Severity keys come from the catalogue (severities.yaml), so the bindings are built from it."""
        sev_bindings = [
            Binding(s.key, f"toggle_severity('{s.name}')", f"{s.name}", group=SEVERITY_GROUP,
                    id=f"toggle-{s.name}")
            for s in catalogue.severities if s.key
        ]
        ranks = sorted({s.rank for s in catalogue.severities if not s.unknown})
        rank_bindings = [
            Binding(str(i), f"show_rank({rank})", f"rank ≤{rank}", show=False, id=f"rank-{i}")
            for i, rank in enumerate(ranks[:9], 1)
        ]
        return type(cls.__name__, (cls,), {"BINDINGS": BASE_BINDINGS + sev_bindings + rank_bindings})

    def __init__(self, *, catalogue: Catalogue, themes: dict[str, ThemeData], theme: str = DEFAULT_THEME,
                 source=None, history: int = 100_000, history_bytes: int = DEFAULT_HISTORY_BYTES,
                 title: str = "smtp-console",
                 decoder: Decoder | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        """clock: seconds for the ev/s rate and notification limits; tests pass a fixed one."""
        super().__init__()
        self._clock = clock
        self.catalogue = catalogue
        self.decoder = decoder or Decoder(catalogue)
        self.model = EventModel(catalogue, history, history_bytes)
        self.model.filter_budget = FILTER_SLICE
        self.theme_data = themes
        self.source = source
        self.console_title = title
        for data in themes.values():
            self.register_theme(to_textual(data))
        self.styles_by_theme: SeverityStyles = self._styles_for(theme)
        self.event_list = EventList(self.model, self.styles_by_theme, id="events")
        self.panel = DetailPanel(catalogue, self.styles_by_theme, id="panel")
        self.status = StatusBar(id="status")
        self.filter_bar = FilterBar(id="filter")
        self._filter_stack: list = []
        self._filter_note = ""
        self._new_while_paused = 0
        self._rates: deque[tuple[float, int]] = deque()
        self._sources: dict[str, tuple[str, str]] = {}
        self._notified: deque[float] = deque()
        self._suppressed = 0
        self._status_timer = None
        self._status_drawn_at = 0.0
        self.backfilling = source is not None
        # set before the first paint: switching theme after mount restyles every widget again
        self.theme = theme

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield self.status
        with Horizontal(id="main"):
            yield self.event_list
            yield self.panel
        yield self.filter_bar

    def on_mount(self) -> None:
        # 100,000 held events make full collections slow; collect young objects less often
        gc.set_threshold(10_000, 10, 10)
        if self.source is not None:
            self._feed()  # first: the history is read while the screen is being built
        self.event_list.focus()
        # the footer styles one widget per key (~0.1 s): mounted after the first paint of the events
        self.call_after_refresh(lambda: self.mount(Footer()))
        self.set_interval(0.25, self._tick)
        loop = self._exit_loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP) if self.handle_signals else ():
            try:
                loop.add_signal_handler(sig, self.exit, 0)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
        self._refresh_status()
        if self._exit_pending:  # asked to exit (a signal, a lost terminal) before it could
            self.exit(0)

    def exit(self, result: int | None = None, return_code: int = 0, message=None) -> None:
        self._exit_pending = True
        if self.exit_hook is not None:
            self.exit_hook()
        super().exit(result, return_code, message)

    def exit_soon(self) -> None:
        """Ask the app to exit, from a signal handler or any thread; before it runs: once it does."""
        if self._exit_pending:  # exiting already, or will as soon as it is mounted
            return
        self._exit_pending = True
        loop = self._exit_loop
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self.exit, 0)
            except RuntimeError:  # the loop is closed: the app has ended already
                pass

    # -- themes ---------------------------------------------------------------------------
    def _styles_for(self, name: str) -> SeverityStyles:
        data = self.theme_data.get(name)
        if data is None:  # a built-in Textual theme: borrow our dark or light severity colours
            dark = self.available_themes.get(name).dark if name in self.available_themes else True
            data = next((t for t in self.theme_data.values() if t.dark == dark),
                        next(iter(self.theme_data.values())))
        return SeverityStyles(self.catalogue, data, no_color=self.no_color)

    def watch_theme(self, name: str) -> None:
        if not hasattr(self, "event_list"):
            return
        self.styles_by_theme = self._styles_for(name)
        self.event_list.set_styles(self.styles_by_theme)
        self.panel.severity_styles = self.styles_by_theme
        self._refresh_status()

    # -- feeding --------------------------------------------------------------------------
    @work(exclusive=True, group="feed")
    async def _feed(self) -> None:
        async with contextlib.aclosing(self.source.batches()) as batches:
            async for batch in batches:
                self.ingest_batch(batch)
        self.backfilling = False

    def ingest_batch(self, batch) -> None:
        if batch.states:
            self._read_states(batch.states)
        if self.backfilling and not batch.backfill:
            self.backfilling = False
            # the history read at start lives long: keep the collector from walking it again and
            # again (events hold no cycles, so dropping them later still frees them)
            gc.freeze()
        decode = self.decoder.decode
        events = [decode(r.data, r.source, r.lineno, cut=r.cut) for r in batch.lines]
        for ev, r in zip(events, batch.lines):
            if r.partial or r.completes:  # a last line shown before its newline, or its rest
                ev.partial, ev.completes = r.partial, r.completes
        if events:
            self.ingest(events, live=not batch.backfill)
        self._status_soon()

    def ingest(self, events: list[Event], *, live: bool = True) -> None:
        """One batch: model first, then one list update and (rate-limited) notifications."""
        result = self.model.add(events)
        self._rates.append((self._clock(), len(events) - len(result.replaced)))  # a completion is no new event
        if not self.event_list.following:
            self._new_while_paused += result.visible
        self.event_list.events_added(result.visible, result.dropped_visible, events)
        if result.replaced:
            self._partial_replaced(result.replaced, result.reshaped)
        if live and result.notify:
            self._notify_severe(result.notify)
        self._status_soon()

    def _partial_replaced(self, replaced: list[Event], reshaped: bool) -> None:
        """A partial event was completed in place: redraw its row, and the panel if it shows it."""
        self.event_list.rows_changed(replaced)
        if reshaped:  # it entered or left the filtered view: rows moved, the cursor stays on its event
            self.event_list.view_rebuilt()
        if self.panel.is_open:
            ev = self.event_list.current
            self.panel.show(ev, acked=bool(ev and self.model.is_acked(ev)))

    def _notify_severe(self, events: list[Event]) -> None:
        """Critical and fatal always reach the operator, filtered or paused; bursts are summarised."""
        now = self._clock()
        while self._notified and now - self._notified[0] > 1.0:
            self._notified.popleft()
        for ev in events:
            if len(self._notified) >= NOTIFY_PER_SECOND:
                self._suppressed += 1
                continue
            self._notified.append(now)
            name = ev.full_name or "unparsed"
            self.notify(for_screen(f"{name}: {ev.message}")[:300], title=for_screen(f"{ev.sev.name.upper()}"),
                        severity="error", timeout=12, markup=False)
        if self._suppressed and len(self._notified) < NOTIFY_PER_SECOND:
            self.notify(f"and {self._suppressed} more critical/fatal events", severity="error",
                        timeout=12, markup=False)
            self._suppressed = 0

    def _tick(self) -> None:
        if self._suppressed:
            self._notify_severe([])
        self._read_states()
        self._refresh_status()

    def _read_states(self, changed=()) -> None:
        """Shown by the file being read now; the follower keys a stream by a name without its date."""
        states = self.source.states().values() if hasattr(self.source, "states") else changed
        self._sources = {st.path: (st.state, st.detail) for st in states}

    def _rate(self) -> float:
        now = self._clock()
        while self._rates and now - self._rates[0][0] > 5.0:
            self._rates.popleft()
        if not self._rates:
            return 0.0
        return sum(n for _, n in self._rates) / 5.0

    @property
    def status_pending(self) -> bool:
        """True while the status bar has not caught up with the events taken in."""
        return self._status_timer is not None

    def _status_soon(self) -> None:
        """The counts must agree with the list a moment after a batch, but a burst of batches
        redraws them once per STATUS_EVERY, not once per batch."""
        if self._status_timer is None:
            # never 0: Textual's Timer divides by its interval when it runs late
            delay = max(0.01, self._status_drawn_at + STATUS_EVERY - time.monotonic())
            self._status_timer = self.set_timer(delay, self._status_due, name="status")

    def _status_due(self) -> None:
        self._status_timer = None  # this timer has fired: nothing to stop
        self._refresh_status()

    def _refresh_status(self) -> None:
        if self._status_timer is not None:
            self._status_timer.stop()
            self._status_timer = None
        self._status_drawn_at = time.monotonic()
        note = self._filter_note
        if self.backfilling:
            note = (note + "  " if note else "") + f"loading history… {len(self.model.held):,} events"
        progress = self.model.filtering
        if progress is not None:
            note = (note + "  " if note else "") + f"filtering… {progress:.0%}"
        self.status.render_status(model=self.model, styles=self.styles_by_theme,
                                  following=self.event_list.following,
                                  new_while_paused=self._new_while_paused, rate=self._rate(),
                                  sources=self._sources, filter_note=note, title=self.console_title)

    # -- list and panel -------------------------------------------------------------------
    def on_event_list_cursor_moved(self, message: EventList.CursorMoved) -> None:
        if self.panel.is_open:
            ev = message.event
            self.panel.show(ev, acked=bool(ev and self.model.is_acked(ev)))

    def on_event_list_follow_changed(self, message: EventList.FollowChanged) -> None:
        if message.following:
            self._new_while_paused = 0
        self._refresh_status()

    def action_open_panel(self) -> None:
        ev = self.event_list.current
        self.panel.add_class("open")
        self.panel.show(ev, acked=bool(ev and self.model.is_acked(ev)))

    def action_escape(self) -> None:
        if self.panel.is_open:
            self.panel.remove_class("open")
            self.event_list.focus()
        elif self.model.filter.narrowed:
            self._push_filter()
            self.model.clear_narrowing()
            self._filter_note = ""
            self.filter_bar.value = ""
            self._filter_changed()

    # -- severities -----------------------------------------------------------------------
    def action_toggle_severity(self, name: str) -> None:
        self.model.toggle_severity(name)
        self._filter_changed()

    def action_show_rank(self, rank: int) -> None:
        self.model.show_up_to_rank(rank)
        self._filter_changed()

    def _filter_changed(self) -> None:
        if self.model.filtering is not None:  # a slow filter: finish it in slices, screen alive
            self._refresh_status()
            self._finish_filter()
            return
        self.event_list.view_rebuilt()
        if self.panel.is_open:
            ev = self.event_list.current
            self.panel.show(ev, acked=bool(ev and self.model.is_acked(ev)))
        self._refresh_status()

    @work(exclusive=True, group="filter")
    async def _finish_filter(self) -> None:
        while not self.model.continue_filter(FILTER_SLICE):
            self._refresh_status()
            await asyncio.sleep(0.005)  # keys and new events get their turn between slices
        self._filter_changed()

    # -- narrowing --------------------------------------------------------------------------
    def _push_filter(self) -> None:
        self._filter_stack.append(self.model.filter)
        del self._filter_stack[:-50]

    def action_filter(self) -> None:
        if self.focused is self.filter_bar or self.screen is not self.event_list.screen:
            raise SkipAction()  # `/` is text in the bar, and nothing behind the help screen
        self.filter_bar.open(self.model.filter.text.text, return_to=self.event_list)
        self._push_filter()

    def on_input_changed(self, message: Input.Changed) -> None:
        if message.input is not self.filter_bar:
            return
        tf = self.model.set_text(message.value)
        self._filter_note = tf.note
        self._filter_changed()

    def on_filter_bar_cancelled(self, message: FilterBar.Cancelled) -> None:
        self.model.set_text("")
        self._filter_note = ""
        self._filter_changed()

    def action_only_event(self) -> None:
        ev = self.event_list.current
        if ev is None or not ev.parsed:
            self.notify("No event name to filter on here.", markup=False)
            return
        self._push_filter()
        if self.model.filter.event == (ev.facility, ev.event):
            self.model.only_event(None)
        else:
            self.model.only_event(ev)
        self._filter_changed()

    def action_only_value(self) -> None:
        """Correlate one connection: the caller's address (a parameter that looks like one), else host."""
        ev = self.event_list.current
        if ev is None:
            return
        value = next((v for v in ev.params.values() if _ADDRESS.match(v.strip())), None) or ev.host
        if not value:
            self.notify("This event names no caller address or host.", markup=False)
            return
        self._push_filter()
        self.model.only_value(None if self.model.filter.value == value else value)
        self._filter_changed()

    def action_back(self) -> None:
        if not self._filter_stack:
            return
        self.model.set_filter(self._filter_stack.pop())
        self._filter_note = self.model.filter.text.note
        self._filter_changed()

    # -- follow / pause -------------------------------------------------------------------
    def action_pause(self) -> None:
        self.event_list.set_following(not self.event_list.following)

    def action_follow(self) -> None:
        self.event_list.set_following(True)

    # -- acknowledging, copying -----------------------------------------------------------
    def action_ack(self) -> None:
        ev = self.event_list.current
        if ev is not None and self.model.ack(ev):
            self.event_list.refresh()
            self._show_panel_ack()
            self._refresh_status()

    def _show_panel_ack(self) -> None:
        """The open panel says whether its event is acknowledged, so it must follow an ack."""
        ev = self.event_list.current
        if self.panel.is_open and ev is not None:
            self.panel.show(ev, acked=self.model.is_acked(ev))

    def action_ack_similar(self) -> None:
        ev = self.event_list.current
        if ev is None:
            return
        n = self.model.ack_similar(ev)
        name = ev.full_name or "unparsed lines"
        self.notify(for_screen(f"Acknowledged {n} × {name}"), markup=False)
        self.event_list.refresh()
        self._show_panel_ack()
        self._refresh_status()

    def action_copy(self) -> None:
        ev = self.event_list.current
        if ev is None:
            return
        self.copy_to_clipboard(ev.raw)  # sent base64-encoded (OSC 52): inert on the terminal
        self.notify(f"Copied line {ev.line} of {for_screen(ev.source)}", markup=False)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_rows()))

    def _describe(self, binding: Binding) -> str:
        """What a key does, in words: severity keys are built from the catalogue, so are these."""
        bid = binding.id or ""
        if bid.startswith("toggle-"):
            return f"show or hide {binding.description} events"
        if bid.startswith("rank-"):
            rank = int(binding.action.split("(")[1].rstrip(")"))
            return "show only " + ", ".join(s.name for s in self.catalogue.severities if s.rank <= rank)
        return binding.tooltip or binding.description

    @staticmethod
    def _keys(binding: Binding) -> str:
        """Every key of a binding as a person types it (the footer shows only the first)."""
        names = {"question_mark": "?", "slash": "/", "escape": "Esc", "enter": "Enter",
                 "space": "Space", "backspace": "Backspace", "end": "End", "home": "Home",
                 "up": "Up", "down": "Down", "pageup": "PgUp", "pagedown": "PgDn"}
        return ", ".join(names.get(k.strip(), k.strip()) for k in binding.key.split(","))

    def help_rows(self) -> list[tuple[str, str]]:
        rows = [(self._keys(b), self._describe(b)) for b in [*self.BINDINGS, *EventList.BINDINGS]
                if isinstance(b, Binding) and b.id != "escape"]
        rows += [("Esc", "close the panel, or clear the filters"),
                 ("Ctrl+P", "command palette: every action and theme")]
        return rows

    # -- command palette ---------------------------------------------------------------------
    def get_system_commands(self, screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                yield SystemCommand(self._describe(binding).capitalize(), f"key: {self._keys(binding)}",
                                    lambda a=binding.action: self.call_next(self.run_action, a))
        for name in self.theme_data:
            yield SystemCommand(f"Theme: {name}", self.theme_data[name].description,
                                lambda n=name: setattr(self, "theme", n))
