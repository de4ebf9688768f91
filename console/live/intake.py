"""What the console does with each batch from its source, without a screen: decode it, add its
events to the model, count the rate and the events that arrived while the list was paused, choose
the notifications to raise, read the sources' states and notice when the history read at start
is over. The UI then draws what changed (console.ui.app)."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

from console.decode.pipeline import BatchDecoder, EventBatch
from console.decode.event import Event
from console.model.events import AddResult, EventModel
from console.live.alerts import AlertState
from console.live.notify_limit import NotifyLimiter
from console.live.coverage import Coverage, CoverageMeter
from console.live.rate import RateMeter
from console.live.source_news import SourceNews
from console.safe_text import for_screen
from console.tail.source import LineSource
from console.tail.contract import Batch

RATE_WINDOW = 5.0  # seconds the ev/s rate is the mean over


@dataclass
class Notices:
    """Notifications due now: these events, then "and N more" when more > 0."""
    events: List[Event] = field(default_factory=list)
    more: int = 0

    def texts(self) -> List[Tuple[str, str]]:
        """(title, message) of each notification, inert on a screen; the summary has no title."""
        texts = [(for_screen(ev.sev.name.upper()),
                  for_screen(f"{ev.full_name or 'unparsed'}: {ev.message}")[:300]) for ev in self.events]
        if self.more:
            texts.append(("", f"and {self.more} more critical/fatal events"))
        return texts


class Intake:
    def __init__(self, model: EventModel, decoding: BatchDecoder, source: Optional[LineSource] = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """clock: seconds for the rate and the notification limit."""
        self.model = model
        self.decoding = decoding
        self.source = source
        self.rate = RateMeter(RATE_WINDOW, clock)
        self.limiter = NotifyLimiter(clock=clock)
        self.alerts = AlertState()  # the alert line: the newest critical/fatal, never a stack
        self.notifying = True  # --no-notify: no transient notification for critical/fatal events
        self.backfilling = source is not None  # the history is being read
        self.new_while_paused = 0  # events that joined the view since the list stopped following
        self.sources: Dict[str, Tuple[str, str]] = {}  # file read now -> (state, detail)
        self._news = SourceNews(clock)  # "rotated" for a while, then "following" again
        self._coverage = CoverageMeter(model)

    def decode(self, batch: Batch) -> EventBatch:
        """A batch from the source, decoded; the sources' states read again if they changed."""
        decoded = self.decoding.batch(batch)
        for fix in decoded.renumbered:  # the lines before a history were counted
            if fix.offset is not None:
                self.model.renumber(fix.token, fix.offset)
                self._coverage.renumber(fix.token, fix.offset)
            else:
                self._coverage.uncounted(fix.token)
        if decoded.states_changed:
            self.read_states()
        if self.backfilling and not decoded.backfill:
            self.backfilling = False
            # the history read at start lives long: keep the collector from walking it again and
            # again (events hold no cycles, so dropping them later still frees them)
            gc.freeze()
        return decoded

    def add(self, events: List[Event], *, following: bool, live: bool = True) -> Tuple[AddResult, Notices]:
        """Events into the model. The alert line takes the history's alerts too; notes only live ones."""
        result = self.model.add(events)
        self._coverage.saw(events)
        if live:  # the history read at start is no rate: 100,000 lines in a second are not 100,000 ev/s
            self.rate.add(len(events) - len(result.replaced))  # a completion is no new event
        if not following:
            self.new_while_paused += result.visible
        notices = Notices()
        if result.notify:  # the alert line says the history's alerts too; a note is for live ones
            self.alerts.add(result.notify)
            if live and self.notifying:
                notices = Notices(*self.limiter.admit(result.notify))
        return result, notices

    @property
    def coverage(self) -> Coverage:
        """How much of the logs the history holds (say it when not all: Coverage.text())."""
        return self._coverage.coverage()

    def following_again(self) -> None:
        self.new_while_paused = 0

    def tick(self) -> Notices:
        """Now and then: the summary of notifications held back, and the states read again."""
        notices = Notices(*self.limiter.admit([])) if self.limiter.held_back and self.notifying else Notices()
        self.read_states()
        return notices

    def read_states(self) -> None:
        """By the file being read now; the source keys a stream by a name without its date."""
        if self.source is not None:
            self.sources = self._news.shown({st.path: (st.state, st.detail)
                                             for st in self.source.states().values()})
