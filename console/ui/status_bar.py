"""The header: counts per severity (which also shows what is visible), alerts, rate, follow state,
the state of every source and the active filters. Rebuilt a few times a second, never per line."""

from __future__ import annotations

import os

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from console.model import EventModel
from console.safe_text import for_screen
from console.tail.model import ENDED, FOLLOWING, ROTATED, TRUNCATED
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


class StatusBar(Static):
    _last: Text | None = None
    _last_lines = 0

    DEFAULT_CSS = """
    StatusBar { height: auto; max-height: 6; background: $panel; color: $foreground; padding: 0 1; }
    """

    def render_status(self, *, model: EventModel, styles: SeverityStyles, following: bool,
                      new_while_paused: int, rate: float, sources: dict[str, tuple[str, str]],
                      filter_note: str = "", title: str = "smtp-console") -> None:
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

        sev_line = Text(no_wrap=True, overflow="ellipsis")
        shown = model.filter.severities
        for sev in model.catalogue.severities:
            on = sev.name in shown
            style = styles.for_badge(sev.name) if on else Style(dim=True, strike=True)
            key = sev.key or "·"
            sev_line.append(f"{key}", style=Style(bold=True, underline=True))
            sev_line.append(f" {sev.letter} {sev.name} {_n(model.counts.get(sev.name, 0))}", style=style)
            sev_line.append("  ")

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

        lines = [top, sev_line, src]
        f = model.filter
        if f.narrowed or filter_note:
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
            lines.append(flt)
        out = Text("\n", no_wrap=True, overflow="ellipsis").join(lines)
        out.no_wrap = True
        if out == self._last:  # four times a second while idle: an unchanged header costs nothing
            return
        # a layout pass only when the header gains or loses a line
        self.update(out, layout=self._last is None or len(lines) != self._last_lines)
        self._last, self._last_lines = out, len(lines)
