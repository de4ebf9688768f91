"""Adversary: the byte cap (--history-bytes at its least, 1M) with long, incompressible lines, partial
lines completed in their own batch, filters run in one-row slices: what is held is always the
newest of what arrived, the view agrees with the filter, counts agree, the cap holds."""

from __future__ import annotations

import base64
import random
from collections import Counter

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from console.catalog.loader import load_catalog
from console.decode.decoder import Decoder
from console.model.events import EventModel
from console.model.filters import Filter
from console.model.textfilter import compile_filter

CAT = load_catalog()
SEVS = [s.name for s in CAT.severities]
DEC = Decoder(CAT)
MB = 1 << 20
HEADS = ["2026-11-24 10:00:01.000 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: 192.0.2.7 listed: ",
         "2026-11-24 10:00:02.000 smtpsrvr[1] E-MTA_SMTP-AuthFailed: user bob ",
         "no token \udcff ", "2026-11-24 10:00:03.000 smtpsrvr[1] I-MTA_SMTP-Connection: 192.0.2.7 "]


def text(k, size, seed):
    fill = base64.b64encode(random.Random(seed).getrandbits(8 * size).to_bytes(size, "big")).decode()
    return HEADS[k % len(HEADS)] + fill[:size]


def fields(ev):
    return (ev.raw, ev.source, ev.line, ev.partial, ev.sev.name, ev.event)


class BytesMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        self.m = EventModel(CAT, history=10 ** 6, history_bytes=MB)
        self.m.filter_budget = 0.0
        self.ref: list = []
        self.line = 1
        self.open = None
        self.seed = 0
        self.completed = False

    @rule(items=st.lists(st.tuples(st.integers(0, 3), st.sampled_from([10, 300, 5000, 60000, 200000])),
                         min_size=1, max_size=8), partial_last=st.booleans())
    def add(self, items, partial_last):
        if self.open is not None:
            return
        batch = []
        for n, (k, size) in enumerate(items):
            self.seed += 1
            ev = DEC.decode_text(text(k, size, self.seed), "a.log", self.line)
            if partial_last and n == len(items) - 1:
                ev.partial = True
                self.open = ev
            else:
                self.line += 1
            batch.append(ev)
        self.ref.extend(DEC.decode_text(e.raw, "a.log", e.line) for e in batch)
        for r, e in zip(self.ref[-len(batch):], batch):
            r.partial = e.partial
        self.m.add(batch)
        self.completed = False

    @rule(k=st.integers(0, 3), size=st.sampled_from([10, 5000, 60000]))
    def complete(self, k, size):
        if self.open is None:
            return
        self.seed += 1
        ev = DEC.decode_text(self.open.raw + text(k, size, self.seed), "a.log", self.line)
        ev.completes = True
        held = self.m.store.holds(self.open.seq)
        copy = DEC.decode_text(ev.raw, "a.log", ev.line)
        if held:
            self.ref[-1] = copy  # the partial is the newest: it is held only if it is the last
        else:
            self.ref.append(copy)
        self.open = None
        self.line += 1
        self.m.add([ev])
        self.completed = True  # test_findings: a completion alone may leave the cap exceeded

    @rule(sevs=st.sets(st.sampled_from(SEVS)), t=st.sampled_from(["", "192.0.2.7", "A", "\udcff"]))
    def set_filter(self, sevs, t):
        self.m.set_filter(Filter(frozenset(sevs), compile_filter(t)))

    @rule()
    def step(self):
        self.m.continue_filter(0.0)

    @invariant()
    def held_is_the_newest(self):
        n = len(self.m.held)
        assert [fields(e) for e in self.m.held] == [fields(e) for e in self.ref[len(self.ref) - n:]]
        assert self.m.held_bytes <= self.m.history_bytes or n == 1 or self.completed
        assert Counter({k: v for k, v in self.m.counts.items() if v}) == Counter(e.sev.name for e in self.m.held)

    @invariant()
    def view_agrees(self):
        if self.m.filtering is None:
            f = self.m.filter
            assert [self.m.view.seq(i) for i in range(len(self.m.view))] == [e.seq for e in self.m.held if f.matches(e)]


BytesMachine.TestCase.settings = settings(max_examples=int(__import__("os").environ.get("ADV_EXAMPLES", "20")),
                                          stateful_step_count=40, deadline=None,
                                          suppress_health_check=list(HealthCheck))
TestBytesMachine = BytesMachine.TestCase
