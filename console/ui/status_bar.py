"""The header: counts per severity (which also shows what is visible), alerts, rate, follow state,
the state of every source and the active filters. Rebuilt a few times a second, never per line."""

from __future__ import annotations

import os

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from console.model import EventModel
from console.safe_text import visible
from console.tail.model import ENDED, FOLLOWING, ROTATED, TRUNCATED
from console.ui.severity_styles import SeverityStyles


HEALTHY = (FOLLOWING, ROTATED, TRUNCATED, ENDED)
MAX_NAMED_HEALTHY = 3


def _n(value: int) -> str:
    return f"{value:,}"


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
            src.append(visible(os.path.basename(path) or path),
                       style="bold" if healthy else Style(bold=True, reverse=True))
            src.append(" " + visible(state + (f" ({detail})" if detail and not healthy else "")))
        if len(good) > MAX_NAMED_HEALTHY:
            src.append((" · " if bad else "") + f"{len(good)} logs following")
        if not sources:
            src.append("none yet")

        lines = [top, sev_line, src]
        f = model.filter
        if f.narrowed or filter_note:
            flt = Text("filter: ", style="bold", no_wrap=True, overflow="ellipsis")
            if f.text.text:
                flt.append(f"/{visible(f.text.text)}/ ")
            if f.event:
                flt.append(f"only {visible(f.event[0])}-{visible(f.event[1])} ")
            if f.value is not None:
                flt.append(f"only {visible(f.value)} ")
            if filter_note:
                flt.append(visible(filter_note), style="italic")
            flt.append("  (backspace: back, esc: clear)", style="dim")
            lines.append(flt)
        out = Text("\n", no_wrap=True, overflow="ellipsis").join(lines)
        out.no_wrap = True
        if out == self._last:  # four times a second while idle: an unchanged header costs nothing
            return
        # a layout pass only when the header gains or loses a line
        self.update(out, layout=self._last is None or len(lines) != self._last_lines)
        self._last, self._last_lines = out, len(lines)
