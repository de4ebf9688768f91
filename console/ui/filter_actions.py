"""The operator's filters: severity keys, `/` text, one event, one caller, and Backspace.

The console's part of filtering is small: the model (console.model.events) filters, in slices when
the history is large; these actions ask it, and then redraw the list, the panel and the header."""

from __future__ import annotations

import asyncio

from textual import work
from textual.actions import SkipAction
from textual.widgets import Input

from console.model.caller import why_no_caller
from console.safe_text import for_screen
from console.ui.filter_bar import FilterBar

FILTER_SLICE = 0.03  # seconds of filtering at a time before the screen gets its turn


class FilterActions:
    """Mixed into ConsoleApp, which has the model, the event list, the panel, the filter bar and the header."""

    def action_toggle_severity(self, name: str) -> None:
        self.model.toggle_severity(name)
        self._filter_changed()

    def action_show_rank(self, rank: int) -> None:
        self.model.show_up_to_rank(rank)
        self._filter_changed()

    def _filter_changed(self) -> None:
        if self.model.filtering is not None:  # a slow filter: finish it in slices, screen alive
            self.header.now()
            self._finish_filter()
            return
        self.event_list.view_rebuilt()
        self.panel.follow(self.event_list.current)
        self.header.now()

    @work(exclusive=True, group="filter")
    async def _finish_filter(self) -> None:
        while not self.model.continue_filter(FILTER_SLICE):
            self.header.now()
            await asyncio.sleep(0.005)  # keys and new events get their turn between slices
        self._filter_changed()

    def action_filter(self) -> None:
        if self.focused is self.filter_bar or self.screen is not self.event_list.screen:
            raise SkipAction()  # `/` is text in the bar, and nothing behind the help screen
        self.filter_bar.open(self.model.filter.text.text, return_to=self.event_list)
        self.model.remember_filter()

    def on_input_changed(self, message: Input.Changed) -> None:
        if message.input is self.filter_bar:
            self.model.set_text(message.value)
            self._filter_changed()

    def on_filter_bar_cancelled(self, message: FilterBar.Cancelled) -> None:
        self.model.set_text("")
        self._filter_changed()

    def action_only_event(self) -> None:
        ev = self.event_list.current
        if ev is None or not self.model.toggle_only_event(ev):
            self.notify("No event name to filter on here.", markup=False)
        else:
            self._filter_changed()

    def action_only_value(self) -> None:
        """Correlate one connection: the caller's address (a parameter that looks like one), else host."""
        ev = self.event_list.current
        if ev is None:
            return
        if not self.model.toggle_only_caller(ev):
            self.notify(for_screen(why_no_caller(ev)), markup=False)
            return
        self._filter_changed()

    def action_back(self) -> None:
        if self.model.back():
            self._filter_changed()
