"""`:`: a prompt for a time (console.model.timespec's forms). Enter finds the first event shown at
or after it (console.live.goto) and closes with its seq: the list goes there, paused. A time the
prompt cannot read, or one outside what is held, is said in the prompt, which stays open to fix it.
Relative times and a bare HH:MM count from the newest event shown: the log's own clock."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from console.live.goto import find_time, newest_time
from console.model.events import EventModel
from console.model.timespec import TimeSpecError, parse_time_spec
from console.safe_text import for_screen

FORMS = "HH:MM[:SS]  YYYY-MM-DD HH:MM[:SS]  -15m  -2h"
_SHOWN = "%Y-%m-%d %H:%M:%S"


def _when(when: Optional[datetime]) -> str:
    return when.strftime(_SHOWN) if when is not None else "?"


class GotoPrompt(ModalScreen[Optional[int]]):
    DEFAULT_CSS = """
    GotoPrompt { align: center bottom; background: $background 40%; }
    GotoPrompt > Vertical { height: auto; width: 100%; background: $panel; border: tall $accent;
                            padding: 0 1; }
    GotoPrompt Input, GotoPrompt Input:focus { border: none; height: 1; padding: 0; background: $panel; }
    GotoPrompt #goto-says { height: auto; }
    """
    BINDINGS = [Binding("escape", "close", "cancel", id="goto-cancel")]

    def __init__(self, model: EventModel) -> None:
        super().__init__()
        self.model = model
        self.now = newest_time(model)
        self.input = Input(placeholder=FORMS, id="goto-input")
        self.says = Static(id="goto-says")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = ": go to a time"
            box.border_subtitle = "Enter goes  Esc cancels"
            yield self.input
            yield self.says

    def on_mount(self) -> None:
        self.input.focus()
        if self.now is None:
            self.say("No event shown has a time to go to.", problem=True)
        else:
            self.say(f"{FORMS}   (now = the newest event shown, {_when(self.now)})")

    def say(self, text: str, *, problem: bool = False) -> None:
        self.says.update(Text(for_screen(text), style="bold" if problem else "dim"))

    def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        if self.now is None:
            self.say("No event shown has a time to go to.", problem=True)
            return
        try:
            when = parse_time_spec(message.value, self.now)
        except TimeSpecError as exc:
            self.say(str(exc), problem=True)
            return
        place = find_time(self.model, when)
        if place.before or place.after:
            which = "before the first" if place.before else "after the newest"
            self.say(f"{_when(when)} is {which} event shown: the list holds "
                     f"{_when(place.first)} to {_when(place.last)}.", problem=True)
            return
        if place.seq is None:
            self.say("No event shown has a time to go to.", problem=True)
            return
        self.dismiss(place.seq)

    def action_close(self) -> None:
        self.dismiss(None)
