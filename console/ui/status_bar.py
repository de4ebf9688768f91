"""The header: counts per severity (which also shows what is visible), alerts, rate, follow state,
the state of every source and the active filters. Rebuilt a few times a second, never per line."""

from __future__ import annotations

from typing import Callable

from rich.style import Style
from rich.text import Text
from textual.message_pump import MessagePump
from textual.widgets import Static
from rich.cells import cell_len

from console.model.events import EventModel
from console.live.header_fit import GAP, Form, Part, fit, form_of, shortened, shorter_forms
from console.live.throttle import Throttle
from console.live.trouble import Trouble, troubles_by_state
from console.live.trend import sparkline
from console.safe_text import for_screen
from console.tail.contract import ENDED, FOLLOWING, ROTATED, TRUNCATED
from console.tail.remote.spec import short_name
from console.ui.severity_styles import SeverityStyles


HEALTHY = (FOLLOWING, ROTATED, TRUNCATED, ENDED)
MAX_NAMED_HEALTHY = 3
WIDE_HEADER = 120  # from this many columns the healthy sources share the first row


def _n(value: int) -> str:
    return f"{value:,}"


def _sizes(held: int, budget: int) -> str:
    """`250/256 MB`, `0.9/1.0 GB`: both in the budget's unit, a decimal when the numbers are small."""
    unit, name = (1 << 30, "GB") if budget >= 1 << 30 else (1 << 20, "MB")
    digits = 1 if budget < 10 * unit else 0
    return f"{held / unit:,.{digits}f}/{budget / unit:,.{digits}f} {name}"


class Pacer:
    """Runs a job (drawing the header) soon after it is asked for, but once per `every` seconds at
    most however often it is asked for (console.live.throttle), on a timer of `owner`."""

    def __init__(self, owner: MessagePump, every: float, job: Callable[[], None]) -> None:
        self._owner, self._job = owner, job
        self._throttle = Throttle(every)  # the real clock: it paces drawing
        self._timer = None

    @property
    def pending(self) -> bool:
        """Asked for and not run yet."""
        return self._throttle.pending

    @property
    def every(self) -> float:
        return self._throttle.every

    @every.setter
    def every(self, seconds: float) -> None:
        self._throttle.every = seconds

    def soon(self) -> None:
        delay = self._throttle.request()
        if delay is not None:
            self._timer = self._owner.set_timer(delay, self._due, name="status")

    def now(self) -> None:
        """Run the job at once (a pending run is done by this one)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._throttle.ran()
        self._job()

    def _due(self) -> None:
        self._timer = None  # this timer has fired: nothing to stop
        self.now()


def progress_note(model: EventModel, *, backfilling: bool) -> str:
    """The filter's own note (why a pattern is matched as text), and what is still under way."""
    note = model.filter.text.note
    if backfilling:
        note = (note + "  " if note else "") + f"loading history… {len(model.held):,} events"
    progress = model.filtering
    if progress is not None:
        note = (note + "  " if note else "") + f"filtering… {progress:.0%}"
    return note


class StatusBar(Static):
    """Two rows that never wrap (console.live.header_fit): the state of the list, then what is
    shown and the sources. A source in trouble and the follow state are never dropped."""

    _last: Text | None = None
    _args: dict | None = None

    DEFAULT_CSS = """
    StatusBar { height: 2; background: $panel; color: $foreground; padding: 0 1; }
    """

    def render_status(self, **args) -> None:
        """See _rows for the arguments."""
        self._args = args
        width = max(20, self.size.width - 2 if self.size.width else 78)
        rows = [_row(parts, width) for parts in _rows(width=width, **args)]
        out = Text("\n", no_wrap=True, overflow="ellipsis").join(rows)
        out.no_wrap = True
        if out == self._last:  # four times a second while idle: an unchanged header costs nothing
            return
        self.update(out, layout=False)
        self._last = out

    def on_resize(self, event) -> None:
        if self._args is not None:
            self.render_status(**self._args)


def _row(parts: list[Part], width: int) -> Text:
    row = Text(no_wrap=True, overflow="ellipsis")
    for i, form in enumerate(fit(parts, width, cell_len)):
        if i:
            row.append(GAP)
        for text, style in form:
            row.append(text, style=style or "")
    return row


def _rows(*, width: int, model: EventModel, styles: SeverityStyles, following: bool, new_while_paused: int,
          rate: float, sources: dict[str, tuple[str, str]], filter_note: str = "",
          title: str = "smtp-console", keys: dict[str, str] | None = None,
          history_note: str = "", trend: list[int] | None = None) -> list[list[Part]]:
    """keys: the key that shows or hides each severity (by name). Sources in trouble on the first
    row, never dropped; healthy ones where there is room: the first row when wide, else the second.
    trend: alerts per minute over the last hour (console.live.trend), a sparkline at the end of the
    second row when wide (the first is full of sources there)."""
    src = _source_parts(sources)
    trouble = [p for p in src if p.rank == 0]
    healthy = [p for p in src if p.rank != 0]
    wide = width >= WIDE_HEADER
    first = [_follow_part(following, new_while_paused), _unacked_part(model), *trouble,
             *_count_parts(model, rate), *(healthy if wide else []), Part(7, [form_of(title, "bold"), []])]
    second = [*_severity_parts(model, styles, keys or {}), *_filter_parts(model, filter_note),
              *([] if wide else healthy), *_history_parts(model, history_note),
              *(_trend_parts(trend) if wide else [])]
    return [first, second]


def _trend_parts(trend: list[int] | None) -> list[Part]:
    """Alerts per minute over the last hour, else its last half or quarter: the first part to go
    when the row is short (the operator's counts and sources matter more)."""
    if not trend:
        return []
    forms = [[("alerts/min 1h ", "dim"), (sparkline(trend), None)]]
    for part, label in ((2, "30m"), (4, "15m")):
        forms.append([(f"alerts {label} ", "dim"), (sparkline(trend[len(trend) - len(trend) // part:]), None)])
    return [Part(8, forms + [[]])]


def _history_parts(model: EventModel, note: str) -> list[Part]:
    """The history holds only the newest lines (console.live.coverage says which and how to hold
    more): said in full where there is room, shortened, dropped last when events were dropped."""
    if not note:
        return []
    note = for_screen(note)
    short = note.split(" (", 1)[0]
    style = "bold" if model.dropped else "dim"
    return [Part(3 if model.dropped else 6, [form_of(note, style), form_of(short, style), []])]


def _follow_part(following: bool, new: int) -> Part:
    if following:
        return Part(0, [form_of(" ● FOLLOWING ", "bold reverse"), form_of(" ● ", "bold reverse")])
    if not new:
        return Part(0, [form_of(" ‖ PAUSED ", "bold reverse"), form_of(" ‖ ", "bold reverse")])
    return Part(0, [[(" ‖ PAUSED ", "bold reverse"), (f" +{_n(new)} new (G to follow)", "bold")],
                    [(" ‖ PAUSED ", "bold reverse"), (f" +{_n(new)}", "bold")],
                    [(" ‖ ", "bold reverse"), (f"+{_n(new)}", "bold")]])


def _unacked_part(model: EventModel) -> Part:
    n = model.unacked
    if not n:
        return Part(1, [form_of("0 unacknowledged", "dim"), form_of("0 unacked", "dim")])
    loud = Style(bold=True, reverse=True)
    return Part(1, [form_of(f" {_n(n)} unacknowledged ", loud), form_of(f" {_n(n)} unacked ", loud),
                    form_of(f" {_n(n)}! ", loud)])


def _count_parts(model: EventModel, rate: float) -> list[Part]:
    held, cap = _n(len(model.held)), _n(model.history)
    sizes = f" {_sizes(model.held_bytes, model.history_bytes)}" if model.bytes_binding else ""
    parts = [Part(4, [form_of(f"{rate:,.1f} ev/s"), form_of(f"{rate:,.0f}/s")]),
             Part(5, [form_of(f"held {held}/{cap}{sizes}"), form_of(f"held {held}"), []])]
    if model.dropped:
        parts.append(Part(3, [form_of(f"dropped {_n(model.dropped)}", "bold"),
                              form_of(f"-{_n(model.dropped)}", "bold")]))
    else:
        parts.append(Part(7, [form_of("dropped 0", "dim"), []]))
    parts.append(Part(4, [form_of(f"shown {_n(len(model.view))}"), form_of(f"{_n(len(model.view))} shown"),
                          []]))
    if model.acks.muted:
        parts.append(Part(5, [form_of(f"{len(model.acks.muted)} muted", "dim"), []]))
    return parts


def _severity_parts(model: EventModel, styles: SeverityStyles, keys: dict[str, str]) -> list[Part]:
    """The shown severities with their key and count; the hidden ones listed by key, no strike-through
    (a Linux console cannot draw it)."""
    shown = model.filter.severities
    full: Form = []
    short: Form = []
    hidden = []
    for sev in model.catalog.severities:
        key = keys.get(sev.name) or sev.letter
        if sev.name not in shown:
            hidden.append(key)
            continue
        count = _n(model.counts.get(sev.name, 0))
        if full:
            full.append(("  ", None))
            short.append((" ", None))
        full += [(key, Style(bold=True, underline=True)), (f" {sev.letter} {sev.name} {count}",
                                                          styles.for_badge(sev.name))]
        short += [(f"{sev.letter}", styles.for_badge(sev.name)), (f" {count}", None)]
    parts = [Part(2, [full, short])]  # gives way to the filter and its note
    if hidden:
        parts.append(Part(0, [form_of("hidden: " + " ".join(hidden), Style(bold=True)),
                              form_of("-" + "".join(hidden), Style(bold=True))]))
    return parts


def _source_parts(sources: dict[str, tuple[str, str]]) -> list[Part]:
    """Sources in trouble are always there (they may be shortened, never dropped); healthy ones
    are named while there is room, then counted."""
    bad = {p: sd for p, sd in sources.items() if sd[0] not in HEALTHY}
    good = sorted((p, sd) for p, sd in sources.items() if sd[0] in HEALTHY)
    parts = []
    for state, group in troubles_by_state(bad):  # one part a state: "host7, host9 disconnected"
        parts.append(Part(0, _trouble_forms(state, group)))
    if not sources:
        parts.append(Part(6, [form_of("no sources yet", "dim"), []]))
    elif good:
        names = " · ".join(for_screen(short_name(p)) + " " + for_screen(sd[0]) for p, sd in good)
        n = len(good)
        parts.append(Part(6, [form_of(names, "dim") if n <= MAX_NAMED_HEALTHY else [],
                              form_of(f"{n} log{'s' if n > 1 else ''} following", "dim"), []]))
        if not parts[-1].forms[0]:
            parts[-1].forms.pop(0)
    return parts


def _trouble_forms(state: str, group: list[Trouble]) -> list[Form]:
    """Each source with its reason; then their names ever shorter, the state said once; then a count."""
    loud, said = Style(bold=True, reverse=True), for_screen(state)
    forms: list[Form] = []
    full: Form = []
    for t in group:
        full += ([(GAP, None)] if full else []) + [(for_screen(t.names[0]), loud)]
        full.append((" " + for_screen(state + (f" ({t.detail})" if t.detail else "")), "bold"))
    forms.append(full)
    for depth in range(max(len(t.names) for t in group)):
        names = ", ".join(for_screen(t.names[min(depth, len(t.names) - 1)]) for t in group)
        forms.append([(names, loud), (" " + said, "bold")])
    if len(group) > 1:
        what = "hosts" if all(t.host for t in group) else "sources"
        forms.append([(f"{len(group)} {what}", loud), (" " + said, "bold")])
    return forms


def _filter_parts(model: EventModel, filter_note: str) -> list[Part]:
    """The active filters, never dropped: a long `/` text gives way by ellipsis ("/connection-re…/"),
    so the row always says a text filter is on (console.live.header_fit.shorter_forms)."""
    f = model.filter
    if not (f.narrowed or filter_note):
        return []
    others = []
    if f.event:
        others.append(f"only {for_screen(f.event[0] or '')}-{for_screen(f.event[1] or '')}")
    if f.value is not None:
        others.append(f"only {for_screen(f.value)}")
    if f.pending is not None:
        others.append("only unacknowledged")
    texts = shorter_forms(for_screen(f.text.text), 1, cell_len) if f.text.text else [""]
    whats = [" ".join(([f"/{t}/"] if t else []) + others) for t in texts]
    parts = []
    if whats[0]:
        forms = [[("filter: ", "bold"), (whats[0], None), ("  (⌫ back, Esc clears)", "dim")]]
        forms += [[("filter: ", "bold"), (what, None)] for what in whats]
        # the narrowest: the shortest text, and each other filter shortened too
        short = " ".join(([f"/{texts[-1]}/"] if texts[-1] else []) + [shortened(o, 12, cell_len) for o in others])
        forms.append(form_of(short, "bold"))
        parts.append(Part(1, forms))
    if filter_note:
        parts.append(Part(0, [form_of(for_screen(filter_note), "italic"),
                              form_of(shortened(for_screen(filter_note), 25, cell_len), "italic")]))
    return parts
