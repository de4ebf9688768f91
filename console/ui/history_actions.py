"""The operator's look back: the timeline (T), the summary (S) and going to a time (:). Each opens
its own screen; what the operator chooses there comes back here, and the list moves to it (paused)
or is filtered to it (Backspace returns). The counting is console.live's."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from textual.actions import SkipAction

from console.live.facts import wall_seconds
from console.live.summary import Row
from console.safe_text import for_screen
from console.ui.goto_prompt import GotoPrompt
from console.ui.summary_screen import SummaryScreen
from console.ui.timeline_screen import TimelineScreen


class HistoryActions:
    """Mixed into ConsoleApp, which has the model, the event list, the panel, the header and
    _filter_changed (console.ui.filter_actions)."""

    def _on_the_list(self) -> bool:
        return self.screen is self.event_list.screen and self.focused is not self.filter_bar

    def action_timeline(self) -> None:
        if not self._on_the_list():
            raise SkipAction()
        self.push_screen(TimelineScreen(self.model, self.styles_by_theme, cursor_time=self._cursor_time),
                         self.go_to_seq)

    def _cursor_time(self) -> Optional[float]:
        """The wall time of the list's selected event (console.live.facts), for the timeline's mark."""
        ev = self.event_list.current
        when = ev.time if ev is not None else None
        return wall_seconds(when) if when is not None else None

    def action_summary(self) -> None:
        if not self._on_the_list():
            raise SkipAction()
        self.push_screen(SummaryScreen(self.model, self.styles_by_theme), self.show_only_row)

    def action_go_to_time(self) -> None:
        if not self._on_the_list():
            raise SkipAction()
        self.push_screen(GotoPrompt(self.model), self.go_to_seq)

    def go_to_seq(self, seq: Optional[int]) -> None:
        """The list onto this event, paused (None: nothing chosen)."""
        if seq is None:
            return
        if not self.event_list.select_seq(seq):
            self.notify("That event is no longer shown.", markup=False)
        self.header.now()

    def show_only_row(self, row: Optional[Row]) -> None:
        """Only the events of a summary row; the filter before is remembered for Backspace."""
        if row is None:
            return
        f = self.model.filter
        if row.kind == "severity":
            new = replace(f, severities=frozenset({row.key}))
        elif row.kind == "event":
            if row.key is None:
                self.notify("Lines with no event name cannot be shown alone.", markup=False)
                return
            new = replace(f, event=row.key)
        else:  # a caller or a host: the model's value filter matches either
            new = replace(f, value=row.key)
        self.model.remember_filter()
        self.model.set_filter(new)
        self._filter_changed()
        self.notify(for_screen(f"Showing only {row.kind} {row.label} (Backspace returns)"), markup=False)
