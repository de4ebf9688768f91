"""Two one-row lines above the footer that never cover the list: the alert line (the newest
critical or fatal event, console.live.alerts) and one transient note at a time (what App.notify
would have shown as a stack of toasts over the rows)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from console.live.alerts import AlertState
from console.safe_text import for_screen

NOTE_SECONDS = 6.0
HINTS = ("! go · x dismiss", "! go · x", "! go")  # the alert line's keys, longest first


class AlertLine(Static):
    DEFAULT_CSS = """
    AlertLine { height: 1; display: none; padding: 0 1; background: $error 30%; color: $foreground;
                text-wrap: nowrap; text-overflow: ellipsis; }
    AlertLine.on { display: block; }
    """

    _state: AlertState | None = None
    _style: Style | None = None

    def show_state(self, state: AlertState, style: Style) -> None:
        """style: the theme's badge for the newest alert's severity. Fitted to the width
        (AlertState.fitted): what happened and the keys always show, whole words."""
        self._state, self._style = state, style
        self.set_class(state.showing, "on")
        if not state.showing:
            return
        width = max(10, self.size.width - 2 if self.size.width else 78)
        words, tail, hint = state.fitted(width, HINTS, lambda t: cell_len(for_screen(t)))
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(for_screen(words), style=style)
        if tail:
            line.append("  " + tail, style="bold")
        line.append("  " + hint, style="dim")
        self.update(line, layout=False)  # one row whatever it says: no layout of the screen

    def on_resize(self, event) -> None:
        if self._state is not None:  # drawn before the layout knew the width: fitted again
            self.show_state(self._state, self._style)


class NoteLine(Static):
    """At most one transient notification: a new one takes the old one's place."""

    DEFAULT_CSS = """
    NoteLine { height: 1; display: none; padding: 0 1; background: $boost;
               text-wrap: nowrap; text-overflow: ellipsis; }
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
