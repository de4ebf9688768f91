"""The `/` filter line: applies as the operator types, Enter keeps it, Escape clears it."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input


class FilterBar(Input):
    DEFAULT_CSS = """
    FilterBar { dock: bottom; display: none; border: tall $accent; height: 3; }
    FilterBar.open { display: block; }
    """
    # shown in the footer; the key itself is taken in _on_key, in the order keys arrive
    BINDINGS = [Binding("escape", "cancel", "clear filter", show=True)]

    class Cancelled(Message):
        pass

    def __init__(self, **kwargs) -> None:
        super().__init__(placeholder="filter: text or regex (lower case matches any case)", **kwargs)
        self._return_to: Widget | None = None
        self.border_title = "/ filter"

    @property
    def is_open(self) -> bool:
        return self.has_class("open")

    def open(self, text: str, *, return_to: Widget) -> None:
        """Focus moves here at once (Widget.focus() would wait until the keys already queued had gone
        to the old widget), and back to return_to at once on close."""
        self._return_to = return_to
        self.value = text
        self.cursor_position = len(text)
        self.add_class("open")
        self.screen.set_focus(self, scroll_visible=False)

    def close(self) -> None:
        self.remove_class("open")
        if self.has_focus:
            self.screen.set_focus(self._return_to, scroll_visible=False)

    async def _on_key(self, event: events.Key) -> None:
        """Enter and Escape close the bar here, in key order: a burst like `spf⏎p` is already queued
        at this widget, and the `p` after Enter is a key for the list, not more text."""
        if not self.is_open:  # queued before the app moved the focus: not ours, let it bubble
            event.prevent_default()
        elif event.key == "enter":
            event.stop()
            event.prevent_default()
            self.close()
            self.post_message(self.Submitted(self, self.value))
        elif event.key == "escape":
            event.stop()
            event.prevent_default()
            self.action_cancel()

    def action_cancel(self) -> None:
        self.close()
        self.value = ""
        self.post_message(self.Cancelled())
