"""The `/` filter line: applies as the operator types, Enter keeps it, Escape clears it."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    DEFAULT_CSS = """
    FilterBar { dock: bottom; display: none; border: tall $accent; height: 3; }
    FilterBar.open { display: block; }
    """
    BINDINGS = [Binding("escape", "cancel", "clear filter", show=True)]

    class Cancelled(Message):
        pass

    def __init__(self, **kwargs) -> None:
        super().__init__(placeholder="filter: text or regex (lower case matches any case)", **kwargs)
        self.border_title = "/ filter"

    def action_cancel(self) -> None:
        self.value = ""
        self.post_message(self.Cancelled())
