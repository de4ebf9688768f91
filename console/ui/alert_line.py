"""Two one-row lines above the footer that never cover the list: the alert line (the newest
critical or fatal event, console.live.alerts) and one transient note at a time (what App.notify
would have shown as a stack of toasts over the rows)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from console.live.alerts import AlertState
from console.safe_text import for_screen

NOTE_SECONDS = 6.0


class AlertLine(Static):
    DEFAULT_CSS = """
    AlertLine { height: 1; display: none; padding: 0 1; background: $error 30%; color: $foreground; }
    AlertLine.on { display: block; }
    """

    def show_state(self, state: AlertState, style: Style) -> None:
        """style: the theme's badge for the newest alert's severity."""
        self.set_class(state.showing, "on")
        if not state.showing:
            return
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(for_screen(state.text()), style=style)
        tail = state.tail()
        hint = "  ! go · x dismiss"
        if tail:
            line.append("  " + tail, style="bold")
        line.append(hint, style="dim")
        # the keys and the count stay at the right edge: the message gives way
        width = max(10, self.size.width - 2 if self.size.width else 78)
        over = line.cell_len - width
        if over > 0:
            keep = len(for_screen(state.text())) - over - 1
            head = Text(for_screen(state.text())[:max(8, keep)] + "…", style=style, no_wrap=True)
            if tail:
                head.append("  " + tail, style="bold")
            head.append(hint, style="dim")
            line = head
        self.update(line, layout=False)  # one row whatever it says: no layout of the screen


class NoteLine(Static):
    """At most one transient notification: a new one takes the old one's place."""

    DEFAULT_CSS = """
    NoteLine { height: 1; display: none; padding: 0 1; background: $boost; }
    NoteLine.on { display: block; }
    NoteLine.error { color: $text-error; text-style: bold; }
    """
    _timer = None
    text = ""

    def say(self, message: str, *, title: str = "", severity: str = "information",
            timeout: float | None = None, markup: bool = True) -> None:
        body = Text.from_markup(message) if markup else Text(message)
        line = Text(no_wrap=True, overflow="ellipsis")
        if title:
            line.append(title + " ", style="bold")
        line.append(body)
        self.text = line.plain
        self.update(line, layout=False)  # one row whatever it says: no layout of the screen
        self.set_class(severity == "error", "error")
        self.add_class("on")
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(timeout or NOTE_SECONDS, self.clear)

    def clear(self) -> None:
        self._timer = None
        self.text = ""
        self.remove_class("on")
