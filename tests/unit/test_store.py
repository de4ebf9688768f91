"""The compact store against a plain list of Events: whatever is appended, replaced, dropped and
renumbered, every held row reads back as the Event the decoder made of its line."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from console.catalog.loader import load_catalog
from console.decode.decoder import Decoder
from console.model.store import EventStore
from console.model.wall import NO_SECOND, wall_seconds

CATALOG = load_catalog()
DECODER = Decoder(CATALOG)
LINES = st.one_of(
    st.sampled_from([
        "2026-11-24 00:00:00.037 smtpsrvr[5402] N-MTA_SMTP-Listen: listening on 0.0.0.0:25",
        "2026-11-24 00:00:01.000 smtpsrvr[5402] E-MTA_SMTP-Error: it failed",
        "Nov 24 00:00:02 mail1 smtpsrvr[77]: C-MTA_SMTP-Crit: disk gone",
        "2026-12-02T05:16:09.837380+00:00 vm smtpsrvr[2817]: E-MTA_SMTP-SPFfail: a@example.com from 192.0.2.1",
        "2026-12-02T05:16:09.2+01:00 vm smtpsrvr[2817]: E-MTA_SMTP-SPFfail: a@example.com from 192.0.2.1",
        "no event here at all",
        "",
        "2026-11-24 00:00:03.000 smtpsrvr[5402] W-MTA_SMTP-Long: " + "x" * 3000,  # not cached
    ]),
    st.text(max_size=300),  # anything, surrogates and all
)


def _same(a, b) -> bool:
    return ((a.raw, a.source, a.line, a.cut, a.partial, a.numbering, a.seq, a.sev.name, a.facility,
             a.event, a.host, a.program, a.pid, a.message, a.timestamp)
            == (b.raw, b.source, b.line, b.cut, b.partial, b.numbering, b.seq, b.sev.name, b.facility,
                b.event, b.host, b.program, b.pid, b.message, b.timestamp))


class StoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = EventStore(DECODER, cache=3, chunk=200)  # tiny: chunks fill, seal, compress
        self.rows: list = []  # what the store must read back, oldest first
        self.line = 0

    def _event(self, text: str, source: str, token: int, partial: bool, cut: bool):
        self.line += 1
        ev = DECODER.decode_text(text, source, self.line, cut=cut)
        ev.partial, ev.numbering = partial, token
        return ev

    @rule(text=LINES, source=st.sampled_from(["a.log", "b.log"]), token=st.sampled_from([0, 0, 7]),
          partial=st.booleans(), cut=st.booleans())
    def append(self, text, source, token, partial, cut):
        ev = self._event(text, source, token, partial, cut)
        seq = self.store.append(ev)
        assert seq == (self.rows[-1].seq + 1 if self.rows else self.store.first)
        self.rows.append(ev)

    @precondition(lambda self: self.rows)
    @rule(i=st.integers(0, 10_000), text=LINES)
    def replace(self, i, text):
        old = self.rows[i % len(self.rows)]
        new = self._event(text, old.source, old.numbering, False, False)
        self.store.replace(old.seq, new)
        self.rows[i % len(self.rows)] = new

    @precondition(lambda self: self.rows)
    @rule(n=st.integers(1, 5))
    def drop(self, n):
        for _ in range(min(n, len(self.rows))):
            assert self.store.pop_first() == self.rows.pop(0).seq

    @rule(offset=st.integers(0, 1000))
    def renumber(self, offset):
        changed = [ev for ev in self.rows if ev.numbering == 7]
        n, _moved = self.store.renumber(7, offset)
        assert n == len(changed)
        for ev in changed:
            if ev.numbering == 7:  # not one of the store's cached events (those it renumbers itself)
                ev.renumber(offset)

    @invariant()
    def reads_back(self):
        store = self.store
        assert len(store) == len(self.rows)
        assert store.text_bytes == sum(len(ev.raw.encode("utf-8", "surrogatepass")) for ev in self.rows)
        for ev in self.rows:
            assert store.raw(ev.seq) == ev.raw
            assert _same(store.event(ev.seq), ev)
        assert list(store.lines([ev.seq for ev in self.rows])) == [ev.raw for ev in self.rows]
        seconds = [sec for _seq, sec, _sev, _name in store.facts([ev.seq for ev in self.rows])]
        assert seconds == [int(wall_seconds(ev.time) // 1) if ev.time else NO_SECOND for ev in self.rows]


TestStore = StoreMachine.TestCase
TestStore.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)


def test_line_numbers_past_four_billion_are_kept():
    store = EventStore(DECODER, cache=1)  # big is built again from the row, not taken from the cache
    for line in (7, 5_000_000_000, 5_000_000_001):
        store.append(DECODER.decode_text("no event here", "a.log", line))
    store.pop_first()
    assert [store.event(seq).line for seq in (store.first, store.last)] == [5_000_000_000, 5_000_000_001]
