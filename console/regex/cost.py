"""How much a regex can backtrack on one line: a static estimate from Python's own regex parser.

Python's re backtracks and cannot be interrupted (a match runs in C, holding the interpreter), so a
regex that strangers' text is matched against must be judged before it is used: the operator's `/`
filter (console.model.textfilter) and a site's line layouts (console.regex.guard) both ask here."""

from __future__ import annotations

try:  # the parser and compiler behind re.compile; used only to estimate how much a pattern backtracks
    from re import _compiler as _sre_compile  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_compile as _sre_compile  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

DEFAULT_WINDOW = 4096
_BIG_RANGE = 10  # a repeat whose count may vary by more than this costs like + or *
_ONE_CHAR = ("LITERAL", "NOT_LITERAL", "ANY", "IN")
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
SAMPLE = frozenset(map(chr, range(0x20, 0x7F))) | frozenset("\t\xa0\xe9\xdf\u0416\u4e2d\u0663")
# what the estimate itself may raise on a pattern it does not understand: treated as hopeless
ESTIMATE_ERRORS = (RecursionError, TypeError, ValueError, AttributeError, IndexError)


def parse(pattern: str, flags: int = 0):
    """Python's own parse tree of a pattern (raises re.error like re.compile)."""
    return _sre_parse.parse(pattern, flags)


class Hopeless(Exception):
    """The pattern can backtrack exponentially: no line is short enough for it."""


class Unsure(Hopeless):
    """The pattern may backtrack exponentially, or may not: alternatives that start alike under a
    repeat ((a|aa)+ is exponential, (?:Tue|Thu)+ is not), or a pattern too big to follow."""


class Cost:
    """Estimates a pattern's worst case on one line as WINDOW ** poly * factor steps.

    Repeats in a row that can trade characters (`.*a.*b`, `\\w+\\w+`, `a?a?a?`) multiply: each
    open-ended one adds a power of the line length, each small range ({1,3}, ?) a constant factor.
    A repeat over something that can itself match in more than one way ((a+)+, (a|aa)+,
    (a{1,10}){1,10}) is exponential. Heuristic, and conservative where unsure."""

    def __init__(self, state, flags: int, work: list | None = None, sets: dict | None = None,
                 window: int = DEFAULT_WINDOW) -> None:
        self.state, self.flags, self.window = state, flags, window
        self.poly, self.factor = 0, 1  # the worst chain seen
        self.work = work if work is not None else [0]  # shared with the sub-analyses: bounded in all
        self._sets: dict[str, frozenset] = sets if sets is not None else {}

    def _sub(self) -> "Cost":
        return Cost(self.state, self.flags, self.work, self._sets, self.window)

    # -- what one character position can match ---------------------------------------------
    def chars(self, node) -> frozenset:
        key = repr(node)
        found = self._sets.get(key)
        if found is None:
            try:
                rx = _sre_compile.compile(_sre_parse.SubPattern(self.state, [node]), self.flags)
                found = frozenset(c for c in SAMPLE if rx.fullmatch(c))
            except Exception:  # pragma: no cover - be conservative
                found = SAMPLE
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
            return SAMPLE
        return SAMPLE

    # -- walking a sequence, keeping the chain of repeats that can trade characters -------------
    def _note(self, ch: list) -> None:
        if self.window ** ch[1] * ch[2] > self.window ** self.poly * self.factor:
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
                raise Unsure
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
                sub = self._sub()
                sub.seq(av[1], [None, 0, 1])
                self._note([None, ch[1] + sub.poly, ch[2] * sub.factor])
            elif name == "AT":
                continue
            elif name in _ONE_CHAR:
                c = self.chars((op, av))
                if ch[0] is not None and not c <= ch[0]:
                    ch[:] = [None, 0, 1]
            else:  # a back-reference (any length) or a conditional: like .*
                self._var(SAMPLE, 0, True, 1, ch)

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
        alone = self._sub()
        alone.seq(body, [None, 0, 1])
        twice = self._sub()
        twice.seq(list(body) * 2, [None, 0, 1])
        varies = (alone.poly, alone.factor) != (0, 1)
        trades = (twice.poly, twice.factor) != (alone.poly, alone.factor)
        if lo == hi:  # a fixed count: the copies in a row
            if trades and lo > 12:
                raise Hopeless
            self.seq(list(body) * (lo if trades else min(lo, 2)), ch)
        elif trades:  # (a+)+, (a{1,10}){1,10}
            raise Hopeless
        elif self.ambiguous(body):  # (a|aa)+
            raise Unsure
        elif varies:  # (\d+\.)+: the copies cannot trade, but the count still varies
            self.seq(list(body) * 2, ch)
            if open_ended:
                ch[1] += 1
            else:
                ch[2] *= hi - lo + 1
            self._note(ch)
        else:  # a fixed-length body repeated a varying number of times: like one repeat
            self._var(SAMPLE, lo, open_ended, hi - lo + 1, ch)


def anchored(data) -> bool:
    """The pattern starts with ^ or \\A: re.search tries one start position, not every one."""
    return bool(data) and str(data[0][0]) == "AT" and str(data[0][1]) in ("AT_BEGINNING",
                                                                        "AT_BEGINNING_STRING")


def estimate(parsed, data=None, *, window: int = DEFAULT_WINDOW, search: bool = True) -> tuple[int, int]:
    """(poly, factor): the worst case on a window-long line is about window ** poly * factor steps.
    search: the pattern is tried at every start position (re.search) unless it is anchored.
    Raises Hopeless when it can backtrack exponentially, Unsure (a Hopeless) when it may."""
    data = parsed.data if data is None else data
    cost = Cost(parsed.state, parsed.state.flags, window=window)
    try:
        cost.seq(data, [None, 0, 1])
    except ESTIMATE_ERRORS:
        raise Unsure from None
    return cost.poly + (1 if search and not anchored(parsed.data) else 0), cost.factor


def worst_case(parsed, window: int = DEFAULT_WINDOW) -> int:
    """Steps re.search may take on one window-long line, at worst (estimated)."""
    poly, factor = estimate(parsed, window=window)
    return window ** poly * factor


def without_sure_tail(data) -> list:
    """The pattern less a tail that matches whatever follows, so never makes what precedes it retry:
    `(?P<message>.*)$` at the end of a layout (`.` takes all but a newline, and a line has none)."""
    items = list(data)
    while items:
        op, av = items[-1]
        name = str(op)
        if name == "AT" and str(av) in ("AT_END", "AT_END_STRING"):
            items.pop()
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] == 0 \
                and av[1] is _sre_parse.MAXREPEAT and len(av[2]) == 1 \
                and str(av[2][0][0]) in ("ANY", "ANY_ALL"):
            items.pop()
        elif name == "SUBPATTERN":
            inner = without_sure_tail(av[-1])
            if len(inner) == len(av[-1]):
                break
            items.pop()
            items.extend(inner)  # the group's own start stays; its end is a sure tail
        else:
            break
    return items


def compile_items(parsed, items):
    """A compiled regex for part of a parsed pattern (a repeat's body, one character class)."""
    return _sre_compile.compile(_sre_parse.SubPattern(parsed.state, list(items)), parsed.state.flags)


def unbounded(hi) -> bool:
    return hi is _sre_parse.MAXREPEAT
