"""`?`: every key the console answers to, built from the bindings themselves."""

from __future__ import annotations

from typing import Callable, Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.ui.keys import keys_text

EXTRA_ROWS = [("Esc", "close the panel (or its full screen), or clear the filters"),
              ("Ctrl+P", "command palette: every action and theme")]


def help_rows(bindings: Iterable, describe: Callable[[Binding], str]) -> list[tuple[str, str]]:
    """One row per binding (keys as typed, what they do), then Esc's two jobs and the palette."""
    rows = [(keys_text(b), describe(b)) for b in bindings if isinstance(b, Binding) and b.id != "escape"]
    return rows + EXTRA_ROWS


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 84; max-width: 95%; height: 85%; border: thick $primary;
                                  background: $panel; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "close help")]

    def __init__(self, rows: list[tuple[str, str]], muted: list[str] | None = None) -> None:
        """muted: the event names muted with `m` (shown so they are not forgotten)."""
        super().__init__()
        self.rows = rows
        self.muted = muted or []

    def compose(self) -> ComposeResult:
        table = Table(show_header=True, header_style="bold", box=None, expand=True)
        table.add_column("key", no_wrap=True, style="bold")
        table.add_column("what it does")
        for keys, what in self.rows:
            table.add_row(Text(keys), Text(what))
        with VerticalScroll() as scroll:
            scroll.border_title = "smtp-console keys (Esc closes)"
            yield Static(Text("Muted (m on one of them undoes it): " + ", ".join(self.muted) + "\n"
                              if self.muted else "No event names muted (m mutes the selected one).\n",
                              style="bold" if self.muted else "dim"))
            yield Static(table)
            yield Static(Text(
                "\nThe list follows the newest event; moving up or Space pauses it (new events keep"
                " arriving and are counted), G or End follows again. Severity keys hide or show a level;"
                " the header shows which are visible. Ctrl+P opens the command palette with every"
                " action and theme.", style="dim"))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
