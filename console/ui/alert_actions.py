"""The operator's answers to alerts: acknowledge (and take it back), mute a name, show only what
waits, go to the newest alert, dismiss it. The model (console.model.events, console.model.acks) and
the alert line's state (console.live.alerts) decide; these actions ask them and redraw."""

from __future__ import annotations

from textual.actions import SkipAction

from console.safe_text import for_screen


class AlertActions:
    """Mixed into ConsoleApp, which has the model, the intake, the event list, the panel and the header."""

    def action_ack(self) -> None:
        ev = self.event_list.current
        if ev is None:
            return
        acked = self.model.toggle_ack(ev)
        # said either way: the note line keeps the newest word, and a stale "taken back" would mislead
        self.notify("Acknowledged (a again takes it back)" if acked else "Acknowledgement taken back",
                    markup=False)
        self._acked()

    def action_ack_similar(self) -> None:
        ev = self.event_list.current
        if ev is None:
            return
        n = self.model.toggle_ack_similar(ev)
        name = ev.full_name or "unparsed lines"
        if n >= 0:
            self.notify(for_screen(f"Acknowledged {n} × {name}"), markup=False)
        else:
            self.notify(for_screen(f"Acknowledgement taken back from {-n} × {name}"), markup=False)
        self._acked()

    def _acked(self) -> None:
        """Rows, the open panel and the header say what is acknowledged; a view of only what
        waits loses what was just acknowledged."""
        if self.model.filter.pending is not None:
            self.model.set_filter(self.model.filter)
            self._filter_changed()
        self.event_list.refresh_rows()
        self.panel.follow(self.event_list.current)
        self.header.now()

    def action_mute(self) -> None:
        ev = self.event_list.current
        if ev is None:
            return
        muted = self.model.toggle_mute(ev)
        if muted is None:
            self.notify("A line with no event name cannot be muted.", markup=False)
            return
        newest = self.intake.alerts.newest
        if muted and newest is not None and newest.full_name == ev.full_name:
            self.intake.alerts.dismiss()  # a muted name raises nothing, so its alert line goes too
            self.draw_alert()
        said = "Muted" if muted else "No longer muted"
        self.notify(for_screen(f"{said}: {ev.full_name} (m again undoes it)"), markup=False)
        self._acked()

    def action_only_unacked(self) -> None:
        self.model.toggle_pending_only()
        self._filter_changed()

    def action_go_to_alert(self) -> None:
        """The newest alert under the cursor; when the filters hide it, they are cleared first
        (Backspace goes back to them)."""
        ev = self.intake.alerts.newest
        if ev is None:
            self.notify("No alert to go to.", markup=False)
            return
        cleared = self.model.view.index_of_seq(ev.seq) is None
        if cleared:
            self.model.remember_filter()
            self.model.show_everything()
            self.event_list.view_rebuilt()
        if not self.event_list.select_seq(ev.seq):
            self.notify("The alert is no longer held.", markup=False)
        elif cleared:  # never silently: the operator's filters are gone from the header
            self.notify("Filters cleared to show the alert: Backspace restores them", markup=False)
        self.header.now()

    def action_dismiss_alert(self) -> None:
        if not self.intake.alerts.dismiss():
            raise SkipAction()
        self.draw_alert()
