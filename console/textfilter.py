"""The operator's `/` filter: a regex that cannot hang the console, or plain text when it is not one."""

from __future__ import annotations

import re
from dataclasses import dataclass

try:  # the parser and compiler behind re.compile; used only to estimate how much a pattern backtracks
    from re import _compiler as _sre_compile  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_compile as _sre_compile  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

MAX_PATTERN = 500
MATCH_WINDOW = 4096  # a filter looks at the first 4 KiB of a line: bounded work per line
# Python's re backtracks and cannot be interrupted, so a regex is used only when its worst case on
# one line is at most this many steps (~0.1 s): `error.*denied` is fine, `.*a.*b` (cubic) is not.
MAX_STEPS = 64 * MATCH_WINDOW ** 2
_BIG_RANGE = 10  # a repeat whose count may vary by more than this costs like + or *
_ONE_CHAR = ("LITERAL", "NOT_LITERAL", "ANY", "IN")
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
_SAMPLE = frozenset(map(chr, range(0x20, 0x7F))) | frozenset("\t\xa0\xe9\xdf\u0416\u4e2d\u0663")


@dataclass(frozen=True)
class TextFilter:
    text: str
    regex: re.Pattern[str] | None
    note: str = ""  # why the text is used literally, for the status line

    def matches(self, line: str) -> bool:
        if self.regex is None:
            return True
        return self.regex.search(line, 0, MATCH_WINDOW) is not None


class _Hopeless(Exception):
    """The pattern can backtrack exponentially: no line is short enough for it."""


class _Cost:
    """Estimates a pattern's worst case on one line as WINDOW ** poly * factor steps.

    Repeats in a row that can trade characters (`.*a.*b`, `\\w+\\w+`, `a?a?a?`) multiply: each
    open-ended one adds a power of the line length, each small range ({1,3}, ?) a constant factor.
    A repeat over something that can itself match in more than one way ((a+)+, (a|aa)+,
    (a{1,10}){1,10}) is exponential. Heuristic, and conservative where unsure."""

    def __init__(self, state, flags: int, work: list | None = None, sets: dict | None = None) -> None:
        self.state, self.flags = state, flags
        self.poly, self.factor = 0, 1  # the worst chain seen
        self.work = work if work is not None else [0]  # shared with the sub-analyses: bounded in all
        self._sets: dict[str, frozenset] = sets if sets is not None else {}

    # -- what one character position can match ---------------------------------------------
    def chars(self, node) -> frozenset:
        key = repr(node)
        found = self._sets.get(key)
        if found is None:
            try:
                rx = _sre_compile.compile(_sre_parse.SubPattern(self.state, [node]), self.flags)
                found = frozenset(c for c in _SAMPLE if rx.fullmatch(c))
            except Exception:  # pragma: no cover - be conservative
                found = _SAMPLE
            self._sets[key] = found
        return found

    def first(self, items) -> frozenset:
        """Characters a sequence can start with; everything when it can be empty or is not simple."""
        for op, av in items:
            name = str(op)
            if name == "AT":
                continue
            if name in _ONE_CHAR:
                return self.chars((op, av))
            if name == "SUBPATTERN":
                return self.first(av[-1])
            if name in _REPEATS and av[0] > 0:
                return self.first(av[2])
            return _SAMPLE
        return _SAMPLE

    # -- walking a sequence, keeping the chain of repeats that can trade characters -------------
    def _note(self, ch: list) -> None:
        if MATCH_WINDOW ** ch[1] * ch[2] > MATCH_WINDOW ** self.poly * self.factor:
            self.poly, self.factor = ch[1], ch[2]

    def _var(self, chars: frozenset, lo: int, open_ended: bool, span: int, ch: list) -> None:
        absorb = ch[0]
        if absorb is None or not (chars & absorb or lo == 0):
            ch[:] = [chars, 0, 1]
        else:
            ch[0] = absorb | chars if lo == 0 else chars
        if open_ended:
            ch[1] += 1
        else:
            ch[2] *= span
        self._note(ch)

    def seq(self, items, ch: list) -> None:
        """ch: [characters the last open repeat can take (None: no chain), poly, factor]."""
        for op, av in items:
            self.work[0] += 1
            if self.work[0] > 20_000:
                raise _Hopeless
            name = str(op)
            if name == "SUBPATTERN":
                self.seq(av[-1], ch)
            elif name == "ATOMIC_GROUP":
                self.seq(av, ch)
            elif name in _REPEATS:
                self.repeat(av, ch)
            elif name == "BRANCH":
                self.branch(av[1], ch)
            elif name in ("ASSERT", "ASSERT_NOT"):
                # zero-width, so our chain goes on; but it runs at every retry of the chain so far
                sub = _Cost(self.state, self.flags, self.work, self._sets)
                sub.seq(av[1], [None, 0, 1])
                self._note([None, ch[1] + sub.poly, ch[2] * sub.factor])
            elif name == "AT":
                continue
            elif name in _ONE_CHAR:
                c = self.chars((op, av))
                if ch[0] is not None and not c <= ch[0]:
                    ch[:] = [None, 0, 1]
            else:  # a back-reference (any length) or a conditional: like .*
                self._var(_SAMPLE, 0, True, 1, ch)

    def branch(self, alternatives, ch: list) -> None:
        ends = []
        for alt in alternatives:
            sub = list(ch)
            self.seq(alt, sub)
            ends.append(sub)
        absorbs = [e[0] for e in ends if e[0] is not None]
        ch[:] = [frozenset().union(*absorbs) if absorbs else None,
                 max(e[1] for e in ends), max(e[2] for e in ends)]

    def ambiguous(self, items) -> bool:
        """A branch whose alternatives can start alike (or be empty) matches one text several ways."""
        for op, av in items:
            name = str(op)
            if name == "BRANCH":
                seen: frozenset = frozenset()
                for alt in av[1]:
                    f = self.first(alt)
                    if f & seen:
                        return True
                    seen |= f
                if any(self.ambiguous(alt) for alt in av[1]):
                    return True
            elif name == "SUBPATTERN" and self.ambiguous(av[-1]):
                return True
            elif name in _REPEATS and self.ambiguous(av[2]):
                return True
        return False

    def repeat(self, av, ch: list) -> None:
        lo, hi, body = av
        unbounded = hi is _sre_parse.MAXREPEAT
        open_ended = unbounded or hi - lo > _BIG_RANGE
        if len(body) == 1 and str(body[0][0]) in _ONE_CHAR:
            c = self.chars(body[0])
            if lo == hi:
                self.seq(list(body) * min(lo, 2), ch)
            else:
                self._var(c, lo, open_ended, hi - lo + 1, ch)
            return
        alone = _Cost(self.state, self.flags, self.work, self._sets)
        alone.seq(body, [None, 0, 1])
        twice = _Cost(self.state, self.flags, self.work, self._sets)
        twice.seq(list(body) * 2, [None, 0, 1])
        varies = (alone.poly, alone.factor) != (0, 1)
        trades = (twice.poly, twice.factor) != (alone.poly, alone.factor)
        if lo == hi:  # a fixed count: the copies in a row
            if trades and lo > 12:
                raise _Hopeless
            self.seq(list(body) * (lo if trades else min(lo, 2)), ch)
        elif trades or self.ambiguous(body):  # (a+)+, (a{1,10}){1,10}, (a|aa)+
            raise _Hopeless
        elif varies:  # (\d+\.)+: the copies cannot trade, but the count still varies
            self.seq(list(body) * 2, ch)
            if open_ended:
                ch[1] += 1
            else:
                ch[2] *= hi - lo + 1
            self._note(ch)
        else:  # a fixed-length body repeated a varying number of times: like one repeat
            self._var(_SAMPLE, lo, open_ended, hi - lo + 1, ch)


def _worst_case(parsed) -> int:
    cost = _Cost(parsed.state, parsed.state.flags)
    cost.seq(parsed.data, [None, 0, 1])
    data = parsed.data
    anchored = bool(data) and str(data[0][0]) == "AT" and str(data[0][1]) in ("AT_BEGINNING",
                                                                           "AT_BEGINNING_STRING")
    search = 0 if anchored else 1  # re.search tries every start position
    return MATCH_WINDOW ** (cost.poly + search) * cost.factor


def compile_filter(text: str) -> TextFilter:
    """Smart case: lower-case text matches any case. A pattern that does not compile, or that
    could backtrack without end, is matched as plain text and the note says why."""
    if not text:
        return TextFilter("", None)
    flags = 0 if any(c.isupper() for c in text) else re.IGNORECASE
    literal = re.compile(re.escape(text[:MAX_PATTERN]), flags)
    if len(text) > MAX_PATTERN:
        return TextFilter(text, literal, f"pattern longer than {MAX_PATTERN} characters: matched as text")
    try:
        parsed = _sre_parse.parse(text, flags)
        try:
            steps = _worst_case(parsed)
        except (_Hopeless, RecursionError, TypeError, ValueError, AttributeError, IndexError):
            return TextFilter(text, literal,
                              "nested repetition like (a+)+ could hang: matched as plain text")
        if steps > MAX_STEPS:
            return TextFilter(text, literal,
                              "repeats in a row like .*a.*b could take minutes on a long line:"
                              " matched as plain text")
        return TextFilter(text, re.compile(text, flags))
    except (re.error, RecursionError, OverflowError, ValueError) as exc:
        msg = getattr(exc, "msg", None) or str(exc)
        return TextFilter(text, literal, f"not a valid regex ({msg}): matched as plain text")
