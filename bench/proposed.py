#!/usr/bin/env python3
"""The installed console with the proposed console/ui changes applied as monkeypatches, so their
gain can be measured with bench/live.py before anyone edits console/ui:

    python bench/live.py --console-cmd "/tmp/benchvenv/bin/python bench/proposed.py"
    SMTP_CONSOLE_PROPOSED=skip,scroll python bench/live.py --only latency \\
        --console-cmd "/tmp/benchvenv/bin/python bench/proposed.py"

Run it with the venv's python (it imports the installed console). SMTP_CONSOLE_PROPOSED picks
the changes (comma-separated; default: all of them):

  skip    EventList.events_added returns early when the batch changed nothing on screen (no
          visible event added or dropped, no column widened): no cursor message, no repaint.
  scroll  EventList.events_added scrolls to the bottom at once (scroll_to(max_scroll_y,
          immediate=True, force=True)) instead of after the next refresh (_scroll_bottom /
          call_after_refresh): the new row is in the first frame drawn after the batch.
  force   only the force=True part: EventList._do_scroll_bottom scrolls with force=True.
  status  StatusBar: no update when the text is unchanged; layout=False unless the number of
          lines changed (an update otherwise re-lays out and repaints the whole screen).
  gc      after the backfill: gc.freeze(), and gc.set_threshold(10_000, 10, 10).
  fast    Follower(min_interval=0.005) (the default is 0.02), as launch.py would pass it.

The patches mirror the proposals in bench/README.md ("Proposed changes in console/ui"); they
are a measuring aid, not the implementation.
"""

from __future__ import annotations

import gc
import os
import sys

CHOSEN = set(filter(None, os.environ.get("SMTP_CONSOLE_PROPOSED",
                                         "skip,scroll,status,gc,fast").split(",")))


def _apply() -> None:
    from textual.geometry import Size
    from textual.widgets import Static

    from console.ui import app as app_mod
    from console.ui import event_list as el
    from console.ui import status_bar as sb

    if CHOSEN & {"skip", "scroll"}:
        def events_added(self, added_visible, dropped_visible, batch):
            widths = list(self._widths)
            for ev in batch[-200:]:
                self._grow_columns(ev)
            if ("skip" in CHOSEN and not added_visible and not dropped_visible
                    and widths == self._widths):
                return
            n = len(self.model.view)
            self.virtual_size = Size(self.size.width, n)
            if self.following:
                self._set_cursor(n - 1, scroll=False)
                if "scroll" in CHOSEN:
                    self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
                else:
                    self._scroll_bottom()
            elif dropped_visible:
                self._set_cursor(max(0, self.cursor - dropped_visible), scroll=False)
                self.scroll_to(y=max(0, self.scroll_offset.y - dropped_visible), animate=False,
                               immediate=True)
            self.refresh()
        el.EventList.events_added = events_added

    if CHOSEN & {"force", "scroll"}:
        def _do_scroll_bottom(self):
            self._bottom_pending = False
            if self.following:
                self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        el.EventList._do_scroll_bottom = _do_scroll_bottom

    if "status" in CHOSEN:
        def update(self, content="", *, layout=True):
            if getattr(self, "_last_content", None) == content:
                return
            lines = str(content).count("\n") + 1
            relayout = lines != getattr(self, "_last_lines", None)
            self._last_content, self._last_lines = content, lines
            Static.update(self, content, layout=relayout)
        sb.StatusBar.update = update

    if "gc" in CHOSEN:
        gc.set_threshold(10_000, 10, 10)
        ingest_batch = app_mod.ConsoleApp.ingest_batch

        def ingest_batch_then_freeze(self, batch):
            was = self.backfilling
            ingest_batch(self, batch)
            if was and not self.backfilling:
                gc.freeze()
        app_mod.ConsoleApp.ingest_batch = ingest_batch_then_freeze

    if "fast" in CHOSEN:
        from console.tail import follower
        follower.Follower.__init__.__kwdefaults__["min_interval"] = 0.005


def main() -> int:
    _apply()
    from console.cli import main as cli_main
    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
