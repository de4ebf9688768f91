"""The header: counts per severity (which also shows what is visible), alerts, rate, follow state,
the state of every source and the active filters. Rebuilt a few times a second, never per line."""

from __future__ import annotations

import os

from typing import Callable

from rich.style import Style
from rich.text import Text
from textual.message_pump import MessagePump
from textual.widgets import Static

from console.model.events import EventModel
from console.live.throttle import Throttle
from console.safe_text import for_screen
from console.tail.contract import ENDED, FOLLOWING, ROTATED, TRUNCATED
from console.ui.severity_styles import SeverityStyles


HEALTHY = (FOLLOWING, ROTATED, TRUNCATED, ENDED)
MAX_NAMED_HEALTHY = 3


def _n(value: int) -> str:
    return f"{value:,}"


def _sizes(held: int, budget: int) -> str:
    """`250/256 MB`, `0.9/1.0 GB`: both in the budget's unit, a decimal when the numbers are small."""
    unit, name = (1 << 30, "GB") if budget >= 1 << 30 else (1 << 20, "MB")
    digits = 1 if budget < 10 * unit else 0
    return f"{held / unit:,.{digits}f}/{budget / unit:,.{digits}f} {name}"


class Pacer:
    """Runs a job (drawing the header) soon after it is asked for, but once per `every` seconds at
    most however often it is asked for (console.live.throttle), on a timer of `owner`."""

    def __init__(self, owner: MessagePump, every: float, job: Callable[[], None]) -> None:
        self._owner, self._job = owner, job
        self._throttle = Throttle(every)  # the real clock: it paces drawing
        self._timer = None

    @property
    def pending(self) -> bool:
        """Asked for and not run yet."""
        return self._throttle.pending

    def soon(self) -> None:
        delay = self._throttle.request()
        if delay is not None:
            self._timer = self._owner.set_timer(delay, self._due, name="status")

    def now(self) -> None:
        """Run the job at once (a pending run is done by this one)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._throttle.ran()
        self._job()

    def _due(self) -> None:
        self._timer = None  # this timer has fired: nothing to stop
        self.now()


def progress_note(model: EventModel, *, backfilling: bool) -> str:
    """The filter's own note (why a pattern is matched as text), and what is still under way."""
    note = model.filter.text.note
    if backfilling:
        note = (note + "  " if note else "") + f"loading history… {len(model.held):,} events"
    progress = model.filtering
    if progress is not None:
        note = (note + "  " if note else "") + f"filtering… {progress:.0%}"
    return note


class StatusBar(Static):
    _last: Text | None = None
    _last_lines = 0

    DEFAULT_CSS = """
    StatusBar { height: auto; max-height: 6; background: $panel; color: $foreground; padding: 0 1; }
    """

    def render_status(self, *, model: EventModel, styles: SeverityStyles, following: bool,
                      new_while_paused: int, rate: float, sources: dict[str, tuple[str, str]],
                      filter_note: str = "", title: str = "smtp-console",
                      keys: dict[str, str] | None = None, history_note: str = "") -> None:
        """keys: the key that shows or hides each severity (by name), shown before it."""
        lines = [_top_line(model, title, following, new_while_paused, rate),
                 _severity_line(model, styles, keys or {}), _sources_line(sources)]
        if history_note:  # the history holds only the newest lines: say so beside the sources
            lines[2].append(f"  {history_note}", style="bold" if model.dropped else "")
        if model.filter.narrowed or filter_note:
            lines.append(_filter_line(model, filter_note))
        out = Text("\n", no_wrap=True, overflow="ellipsis").join(lines)
        out.no_wrap = True
        if out == self._last:  # four times a second while idle: an unchanged header costs nothing
            return
        # a layout pass only when the header gains or loses a line
        self.update(out, layout=self._last is None or len(lines) != self._last_lines)
        self._last, self._last_lines = out, len(lines)


def _top_line(model: EventModel, title: str, following: bool, new_while_paused: int, rate: float) -> Text:
    top = Text(no_wrap=True, overflow="ellipsis")
    top.append(f"{title} ", style="bold")
    if following:
        top.append(" ● FOLLOWING ", style="bold reverse")
    else:
        top.append(" ‖ PAUSED ", style="bold reverse")
        if new_while_paused:
            top.append(f" +{_n(new_while_paused)} new (G to follow)", style="bold")
    top.append("  ")
    if model.unacked:
        top.append(f" {_n(model.unacked)} unacknowledged ", style=Style(bold=True, reverse=True))
    else:
        top.append("0 unacknowledged", style="dim")
    top.append(f"  {rate:,.1f} ev/s")
    top.append(f"  held {_n(len(model.held))}/{_n(model.history)}")
    if model.bytes_binding:  # the memory budget, not the count, limits the history
        top.append(f" {_sizes(model.held_bytes, model.history_bytes)}",
                   style="bold" if model.dropped_for_bytes else "")
    top.append(f"  dropped {_n(model.dropped)}", style="bold" if model.dropped else "dim")
    top.append(f"  shown {_n(len(model.view))}")
    return top


def _severity_line(model: EventModel, styles: SeverityStyles, keys: dict[str, str]) -> Text:
    """Each severity with its key and count; a hidden one struck out."""
    sev_line = Text(no_wrap=True, overflow="ellipsis")
    shown = model.filter.severities
    for sev in model.catalog.severities:
        on = sev.name in shown
        style = styles.for_badge(sev.name) if on else Style(dim=True, strike=True)
        sev_line.append(f"{keys.get(sev.name) or '·'}", style=Style(bold=True, underline=True))
        sev_line.append(f" {sev.letter} {sev.name} {_n(model.counts.get(sev.name, 0))}", style=style)
        sev_line.append("  ")
    return sev_line


def _sources_line(sources: dict[str, tuple[str, str]]) -> Text:
    src = Text("sources: ", style="dim", no_wrap=True, overflow="ellipsis")
    # the line is cut at the screen's edge: sources in trouble first, and many healthy ones counted
    bad = sorted((p, sd) for p, sd in sources.items() if sd[0] not in HEALTHY)
    good = sorted((p, sd) for p, sd in sources.items() if sd[0] in HEALTHY)
    shown = bad + (good if len(good) <= MAX_NAMED_HEALTHY else [])
    for i, (path, (state, detail)) in enumerate(shown):
        if i:
            src.append(" · ", style="dim")
        healthy = state in HEALTHY
        src.append(for_screen(os.path.basename(path) or path),
                   style="bold" if healthy else Style(bold=True, reverse=True))
        src.append(" " + for_screen(state + (f" ({detail})" if detail and not healthy else "")))
    if len(good) > MAX_NAMED_HEALTHY:
        src.append((" · " if bad else "") + f"{len(good)} logs following")
    if not sources:
        src.append("none yet")
    return src


def _filter_line(model: EventModel, filter_note: str) -> Text:
    f = model.filter
    flt = Text("filter: ", style="bold", no_wrap=True, overflow="ellipsis")
    if f.text.text:
        flt.append(f"/{for_screen(f.text.text)}/ ")
    if f.event:
        flt.append(f"only {for_screen(f.event[0])}-{for_screen(f.event[1])} ")
    if f.value is not None:
        flt.append(f"only {for_screen(f.value)} ")
    if filter_note:
        flt.append(for_screen(filter_note), style="italic")
    flt.append("  (backspace: back, esc: clear)", style="dim")
    return flt
