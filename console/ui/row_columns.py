"""The event list's columns (console.live.columns decides which), the time and date as shown,
horizontal scrolling of the message, and the filter's matches marked in it."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from console.decode.event import Event
from console.live.columns import ISO_DATE, SHORT_DATE, choose
from console.safe_text import for_screen


def _cells(text: str, width: int) -> str:
    """Cut or pad to a number of terminal cells: wide and combining characters keep columns aligned."""
    return set_cell_size(text, width)


def _time_text(ev: Event) -> tuple[str, str]:
    """(YYYY-MM-DD, HH:MM:SS.mmm); a site layout may capture anything as a timestamp, so both are
    made inert too. The date is ISO: `12-02` would not say December 2 from February 12."""
    ts = ev.timestamp
    if not ts:
        return "", ""
    if ts[:1].isdigit() and len(ts) >= 19:  # ISO
        frac = ts[20:23] if len(ts) > 19 and ts[19] in ".," else "000"
        return for_screen(ts[:10]), for_screen(f"{ts[11:19]}.{frac.ljust(3, '0')}")
    t = ev.time
    if t is None:
        return "", for_screen(ts)
    return t.strftime("%Y-%m-%d"), t.strftime("%H:%M:%S.") + f"{t.microsecond // 1000:03d}"


def _date_text(date: str, form: str) -> str:
    """`2026-12-02`, or `Dec 02` where the room is short; "" for no date column."""
    if not form:
        return ""
    if form == "short":
        month = date[5:7]
        name = _MONTHS[int(month) - 1] if month.isdigit() and 1 <= int(month) <= 12 else month
        return _cells(f"{name} {date[8:10]}", SHORT_DATE - 1) + " "
    return _cells(date, ISO_DATE - 1) + " "


_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


class RowColumns:
    """Mixed into EventList, which has the model, its size, `_widths`, `_facilities`, `_days`,
    `wide`, `shift`, `columns` and the row cache; with the half-page keys of less and vim."""

    def action_half_page_up(self) -> None:
        self.set_following(False)
        self._set_cursor(self.cursor - max(1, self.size.height // 2))

    def action_half_page_down(self) -> None:
        self._set_cursor(self.cursor + max(1, self.size.height // 2))

    def _grow_columns(self, ev: Event) -> bool:
        """Notes a longer name, host or program, another facility or day; True when a column changed."""
        w = self._widths
        before = (list(w), len(self._facilities), len(self._days), len(self._hosts))
        if ev.parsed:
            w[0] = max(w[0], min(40, cell_len(for_screen(ev.event or ""))))
            w[1] = max(w[1], min(40, cell_len(for_screen(ev.full_name))))
            if len(self._facilities) < 2:
                self._facilities.add(ev.facility)
        if ev.host:
            w[2] = max(w[2], cell_len(for_screen(ev.host)))
            if len(self._hosts) < 2:
                self._hosts.add(ev.host)
        if ev.program:
            prog = cell_len(for_screen(ev.program)) + (len(str(ev.pid)) + 2 if ev.pid is not None else 0)
            w[3] = max(w[3], min(24, prog))
        if len(self._days) < 2 and ev.timestamp:
            self._days.add(_time_text(ev)[0])
        changed = before != (w, len(self._facilities), len(self._days), len(self._hosts))
        if changed:
            self._relayout()
        return changed

    def _relayout(self) -> None:
        w = self._widths
        columns = choose(self.size.width, facilities=len(self._facilities), days=len(self._days),
                         name=w[0], full_name=w[1], host=w[2], program=w[3], wide=self.wide,
                         hosts=len(self._hosts))
        if columns != self.columns:
            self.columns = columns
            self._cache.clear()
            self.refresh()

    def toggle_wide(self) -> bool:
        self.wide = not self.wide
        self._relayout()
        return self.wide

    def scroll_message(self, cells: int) -> None:
        """Horizontal scrolling of the message column (the rest of the row stays put)."""
        shift = max(0, self.shift + cells)
        if shift != self.shift:
            self.shift = shift
            self._cache.clear()
            self.refresh()

    def action_shift_message(self, direction: int) -> None:
        """A third of the message column at a time."""
        room = max(8, self.size.width - self.columns.message_at())
        self.scroll_message(direction * max(4, room // 3))

    def _message(self, ev: Event, style: Style, width: int) -> list[Segment]:
        """The message from the scrolled-to cell, the filter's matches underlined and reversed."""
        message = for_screen(ev.message)
        if self.shift:
            message = message[self.shift:] if len(message) > self.shift else ""
            message = "…" + message if message else ""
        message = message[: 4 * width]  # only what can show: a 64 KiB line costs no more than a short one
        spans = self.model.filter.text.spans(message)
        out, at = [], 0
        mark = style + Style(reverse=True, underline=True)
        for start, end in spans:
            out.append(Segment(message[at:start], style))
            out.append(Segment(message[start:end], mark))
            at = end
        out.append(Segment(message[at:], style))
        return out
