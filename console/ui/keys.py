"""The console's keys: the fixed ones, and one per severity made from the catalogue when the app
starts. Each key has the words the help screen and the command palette say for it.

The catalogue only says which key a site chose for a severity (severities.yaml `key:`, plain data);
what the key does, how it is grouped in the footer and how it is described is decided here."""

from __future__ import annotations

from typing import Callable, Dict, Iterator, List

from textual.app import SystemCommand
from textual.binding import Binding, BindingsMap

from console.catalog.catalog import Catalog

SEVERITY_GROUP = Binding.Group("severities", compact=True)
MAX_RANK_KEYS = 9  # 1 … 9: show that severity and everything more severe

BASE_BINDINGS = [
    Binding("q", "quit", "quit", id="quit", tooltip="quit smtp-console"),
    # priority: before Textual's own ctrl+c ("press ctrl+q to quit")
    Binding("ctrl+c", "quit", "quit", show=False, priority=True, id="quit-ctrl-c",
            tooltip="quit smtp-console, as in any terminal program"),
    Binding("ctrl+z", "suspend_process", "suspend", show=False, id="suspend",
            tooltip="suspend to the shell; fg brings the console back"),
    Binding("question_mark", "help", "help", id="help", tooltip="this list of keys"),
    # priority: taken in the order keys arrive, so the keys typed right after it reach the bar
    Binding("slash", "filter", "filter", id="filter", priority=True,
            tooltip="live text or regex filter (lower case matches any case); Esc clears it"),
    Binding("enter", "open_panel", "details", id="details",
            tooltip="open the panel for the selected event (again: full screen, Esc returns)"),
    Binding("escape", "escape", "close/clear", show=False, id="escape"),
    Binding("space", "pause", "pause", id="pause",
            tooltip="pause or follow; while paused new events keep arriving and are counted"),
    Binding("G,end", "follow", "follow", id="follow", key_display="G",
            tooltip="follow the newest event again"),
    Binding("a", "ack", "ack", id="ack", tooltip="acknowledge the selected event (again: take it back)"),
    Binding("A", "ack_similar", "ack all", id="ack-similar",
            tooltip="acknowledge every held event with the same name (all acknowledged: take it back)"),
    Binding("U", "only_unacked", "unacked", id="only-unacked",
            tooltip="show only alerts not acknowledged yet (again: every event)"),
    Binding("m", "mute", "mute", id="mute",
            tooltip="don't alert: mute the selected event's name, not counted or notified (again: undo)"),
    Binding("exclamation_mark", "go_to_alert", "alert", id="go-to-alert",
            tooltip="go to the newest critical/fatal alert (the alert line)"),
    Binding("x", "dismiss_alert", "dismiss", id="dismiss-alert", show=False,
            tooltip="dismiss the alert line until the next alert"),
    Binding("o", "only_event", "only event", id="only-event",
            tooltip="show only events with the selected event's name (again: undo)"),
    Binding("h", "only_value", "only caller", id="only-value",
            tooltip="show only events of the selected event's caller address or host (again: undo)"),
    Binding("backspace", "back", "back", show=False, id="back", tooltip="back to the previous filter"),
    Binding("y", "copy", "copy", id="copy",
            tooltip="send the raw line to the terminal's clipboard (OSC 52; a terminal may refuse it)"),
    Binding("d", "wide", "wide", id="wide", show=False,
            tooltip="show the date, host and program[pid] columns even when the screen is narrow (again: undo)"),
]
# looking back (console.ui.history_actions): after the severity keys in the help; not in the footer,
# where they would push `q quit` and `? help` off an 80-column screen
HISTORY_BINDINGS = [
    Binding("T", "timeline", "timeline", id="timeline", show=False,
            tooltip="events per time bucket by severity, over what the filters show; Enter goes there"),
    Binding("colon", "go_to_time", "go to time", id="go-to-time", key_display=":", show=False,
            tooltip="go to a time: HH:MM[:SS], YYYY-MM-DD HH:MM[:SS] or -15m / -2h (pauses)"),
    Binding("S", "summary", "summary", id="summary", show=False,
            tooltip="counts by severity, event, caller and host of what the filters show; Enter shows only one"),
]
HISTORY_KEYS = tuple(b.key for b in HISTORY_BINDINGS)

KEY_NAMES = {"question_mark": "?", "colon": ":", "slash": "/", "escape": "Esc", "enter": "Enter",
             "exclamation_mark": "!", "ctrl+c": "Ctrl+C", "ctrl+z": "Ctrl+Z", "ctrl+f": "Ctrl+F",
             "ctrl+b": "Ctrl+B", "ctrl+d": "Ctrl+D", "ctrl+u": "Ctrl+U", "left": "Left", "right": "Right",
             "space": "Space", "backspace": "Backspace", "end": "End", "home": "Home",
             "up": "Up", "down": "Down", "pageup": "PgUp", "pagedown": "PgDn"}


def keys_text(binding: Binding) -> str:
    """Every key of a binding as a person types it (the footer shows only the first)."""
    return ", ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(","))


class ConsoleKeys:
    """The bindings of one console: BASE_BINDINGS, then a show/hide key per severity that has one,
    then 1 … 9 for "this rank and more severe", then HISTORY_BINDINGS. Built from the catalogue's
    data, with their words."""

    def __init__(self, catalog: Catalog) -> None:
        self._words: Dict[str, str] = {}  # binding id -> what the key does
        self.by_severity: Dict[str, str] = {}  # severity name -> its key
        self.severity_bindings: List[Binding] = []
        for sev in catalog.severities:
            if not sev.key:
                continue
            bid = f"toggle-{sev.name}"
            self.severity_bindings.append(Binding(sev.key, f"toggle_severity('{sev.name}')", sev.name,
                                                  group=SEVERITY_GROUP, id=bid))
            self._words[bid] = f"show or hide {sev.name} events"
            self.by_severity[sev.name] = sev.key
        ranks = sorted({s.rank for s in catalog.severities if not s.unknown})
        for i, rank in enumerate(ranks[:MAX_RANK_KEYS], 1):
            bid = f"rank-{i}"
            self.severity_bindings.append(Binding(str(i), f"show_rank({rank})", f"rank ≤{rank}",
                                                  show=False, id=bid))
            self._words[bid] = "show only " + ", ".join(
                s.name for s in catalog.severities if s.rank <= rank)
        taken = {k.strip() for b in self.severity_bindings for k in b.key.split(",")}
        # a site's severity key wins over a fixed key (its `d` over `d` for wide rows)
        self.shadowed = [b for b in [*BASE_BINDINGS, *HISTORY_BINDINGS]
                         if {k.strip() for k in b.key.split(",")} & taken]
        self.history_bindings = [b for b in HISTORY_BINDINGS if b not in self.shadowed]
        self.bindings: List[Binding] = [*(b for b in BASE_BINDINGS if b not in self.shadowed),
                                        *self.severity_bindings, *self.history_bindings]

    def describe(self, binding: Binding) -> str:
        """What a key does, in words."""
        return self._words.get(binding.id or "") or binding.tooltip or binding.description

    def commands(self, run: Callable[[str], None]) -> Iterator[SystemCommand]:
        """The command palette's entry for every key with a description: titled by what it does."""
        for binding in self.bindings:
            if binding.description:
                yield SystemCommand(self.describe(binding).capitalize(), f"key: {keys_text(binding)}",
                                    lambda a=binding.action: run(a))

    def add_to(self, node) -> None:
        """Adds the severity and history keys to a node (the app) whose class binds BASE_BINDINGS:
        Textual copies a class's bindings into each instance, and these differ with the catalogue."""
        # first: for a key bound twice Textual runs the first binding it finds
        node._bindings = BindingsMap.merge([BindingsMap([*self.severity_bindings, *self.history_bindings]),
                                            node._bindings])
