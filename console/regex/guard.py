"""A site's regexes (line layouts, the generic token and timestamps) are refused when they load if
they can backtrack catastrophically: they run on every line, up to --max-line (64 KiB) long, and one
`re` call on such a line cannot be interrupted (it holds the interpreter: no key, no signal handler).

Two checks, the cheap one first:
  1. static (console.regex.cost, the estimate the `/` filter uses): nested repeats like (a+)+
     are refused outright; patterns that are linear for sure pass;
  2. a timed probe for the rest (repeats in a row that may trade characters, like (.*) (.*)\\[):
     the regex is run, in a child process that is killed at a deadline, against test lines built
     from the pattern itself (a prefix that reaches each repeat, a long run of what the repeat takes,
     then an ending that fails), and refused when one line takes more than a few milliseconds of CPU.
The estimate is conservative, so it alone would refuse fair layouts (a `\\S+` before `\\|[^|]*\\|`);
the probe measures what really happens, so it alone might miss a pattern it did not think of."""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass

from console.regex.cost import (Cost, Hopeless, Unsure, compile_items, estimate, parse, unbounded,
                                without_sure_tail)

LINE = 65536  # the line length a layout must cope with (--max-line's default)
LINEAR_FACTOR = 64  # a linear pattern may still try this many ways per character
PROBE_LENGTH = 8192  # characters of each test line
PROBE_LIMIT = 0.03  # CPU seconds one test line may take: a linear regex needs well under a millisecond
# tried first, each stage only when the one before was quick: a quartic regex shows on 64 characters at
# once, where on 8,192 it would not end for ages; a quadratic one shows on 2,048 in a few milliseconds
SHORT_STAGES = ((64, 0.005), (256, 0.005), (2048, 0.005))
START_DEADLINE = 30.0  # seconds for the probe process to start (a loaded host)
REGEX_DEADLINE = 3.0  # seconds for each regex: a fair one needs well under 0.1 s
_PREFERRED = "a0A -_.:|/\t,;=@[]()<>\"'#é"  # tried as a repeat's character when it takes them
_MAX_PUMPS = 8
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")

REFUSE_NESTED = ("nested repetition like (a+)+ can backtrack for ever on some lines;"
                 " repeat something that can match only one way")


@dataclass(frozen=True)
class RegexUse:
    where: str  # names the file and the entry, for the one-line error
    regex: re.Pattern
    search: bool  # tried at every position (the generic rule) rather than at the start (a layout)


def screen(use: RegexUse) -> tuple[str, str]:
    """("ok", ""), ("refuse", why) or ("probe", ""): the static check."""
    try:
        parsed = parse(use.regex.pattern, use.regex.flags)
        poly, factor = estimate(parsed, without_sure_tail(parsed.data), window=LINE, search=use.search)
    except Unsure:  # the probe tells
        return "probe", ""
    except Hopeless:
        return "refuse", REFUSE_NESTED
    except (re.error, RecursionError, OverflowError, ValueError):  # pragma: no cover - it compiled
        return "probe", ""
    if poly <= 1 and factor <= LINEAR_FACTOR:
        return "ok", ""
    return "probe", ""


def check(uses: list[RegexUse]) -> list[str]:
    """Why each regex is refused ("" when it is fine), static check then the timed probe."""
    reasons = [""] * len(uses)
    suspects = []
    for i, use in enumerate(uses):
        verdict, why = screen(use)
        if verdict == "refuse":
            reasons[i] = why
        elif verdict == "probe":
            suspects.append(i)
    for i, why in zip(suspects, probe([uses[i] for i in suspects])):
        reasons[i] = why
    return reasons


# -- the timed probe ------------------------------------------------------------------------------

class _Witness:
    """Texts a pattern matches (best effort), with one repeat pumped: the classic attack string."""

    _MARK = object()

    def __init__(self, regex: re.Pattern) -> None:
        self.parsed = parse(regex.pattern, regex.flags)
        self.cost = Cost(self.parsed.state, self.parsed.state.flags)
        self.groups: dict[int, str] = {}
        self.literals = "".join(dict.fromkeys(self._literals(self.parsed.data)))

    def _literals(self, items):
        for op, av in items:
            name = str(op)
            if name == "LITERAL" and 0 < av < 0x110000:
                yield chr(av)
            elif name in ("SUBPATTERN", "ASSERT", "ASSERT_NOT"):
                yield from self._literals(av[-1])
            elif name == "ATOMIC_GROUP":
                yield from self._literals(av)
            elif name in _REPEATS:
                yield from self._literals(av[2])
            elif name == "BRANCH":
                for alt in av[1]:
                    yield from self._literals(alt)

    def char(self, node) -> str:
        op, av = node
        name = str(op)
        if name == "LITERAL":
            return chr(av)
        if name == "NOT_LITERAL":
            return "b" if av == ord("a") else "a"
        takes = self.cost.chars(node)
        return next((c for c in _PREFERRED if c in takes), min(takes) if takes else "a")

    def contains(self, items, target) -> bool:
        for node in items:
            if node is target:
                return True
            op, av = node
            name = str(op)
            if name == "SUBPATTERN" and self.contains(av[-1], target):
                return True
            if name == "ATOMIC_GROUP" and self.contains(av, target):
                return True
            if name in _REPEATS and self.contains(av[2], target):
                return True
            if name == "BRANCH" and any(self.contains(alt, target) for alt in av[1]):
                return True
        return False

    def emit(self, items, target, out: list) -> None:
        for node in items:
            if node is target:
                out.append(self._MARK)
                continue
            op, av = node
            name = str(op)
            if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
                out.append(self.char(node))
            elif name == "SUBPATTERN":
                start = len(out)
                self.emit(av[-1], target, out)
                if av[0] is not None:
                    self.groups[av[0]] = "".join(p for p in out[start:] if p is not self._MARK)
            elif name == "ATOMIC_GROUP":
                self.emit(av, target, out)
            elif name in _REPEATS:
                lo, _hi, body = av
                inside = target is not None and self.contains(body, target)
                for n in range(min(max(lo, 1 if inside else 0), 100)):
                    self.emit(body, target if inside and n == 0 else None, out)
            elif name == "BRANCH":
                alts = av[1]
                self.emit(next((a for a in alts if target is not None and self.contains(a, target)), alts[0]),
                          target, out)
            elif name == "GROUPREF":
                out.append(self.groups.get(av, ""))
            # AT, lookarounds, conditionals: nothing

    def text(self, items) -> str:
        out: list = []
        self.emit(items, None, out)
        return "".join(out)

    def repeats(self, items):
        for node in items:
            op, av = node
            name = str(op)
            if name in _REPEATS:
                if unbounded(av[1]) or av[1] >= 16:
                    yield node
                yield from self.repeats(av[2])
            elif name == "SUBPATTERN":
                yield from self.repeats(av[-1])
            elif name == "ATOMIC_GROUP":
                yield from self.repeats(av)
            elif name in ("ASSERT", "ASSERT_NOT"):
                yield from self.repeats(av[1])
            elif name == "BRANCH":
                for alt in av[1]:
                    yield from self.repeats(alt)

    def pumps(self, node) -> list[str]:
        _lo, _hi, body = node[1]
        candidates = dict.fromkeys(self.literals + _PREFERRED)
        if len(body) == 1 and str(body[0][0]) in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            takes = self.cost.chars(body[0])
            found = [c for c in candidates if c in takes]
            return found[:_MAX_PUMPS] or [self.char(body[0])]
        found = [self.text(body)]
        for alts in self._branches(body):  # (a|b|ab)*: "ab" is both one alternative and two
            texts = [self.text(alt) for alt in alts]
            found += texts + ["".join(texts)]
        try:
            whole = compile_items(self.parsed, body)
            found += [c for c in candidates if whole.fullmatch(c)]
        except Exception:  # pragma: no cover - a body that does not compile alone
            pass
        return [p for p in dict.fromkeys(found) if p][:_MAX_PUMPS]

    def _branches(self, items):
        for op, av in items:
            name = str(op)
            if name == "BRANCH":
                yield av[1]
            elif name == "SUBPATTERN":
                yield from self._branches(av[-1])
            elif name == "ATOMIC_GROUP":
                yield from self._branches(av)

    def probes(self) -> list[tuple[str, str, int, str]]:
        """(prefix, pump, most, ending): a test line is prefix + pump * count + ending, with count as
        many as the line's length allows, at most `most` (a bounded repeat; -1: unbounded)."""
        found: dict[tuple, None] = {}
        data = self.parsed.data
        for node in self.repeats(data):
            out: list = []
            self.emit(data, node, out)
            if self._MARK not in out:  # pragma: no cover
                continue
            at = out.index(self._MARK)
            prefix = "".join(p for p in out[:at] if p is not self._MARK)
            rest = "".join(p for p in out[at + 1:] if p is not self._MARK)
            most = -1 if unbounded(node[1][1]) else node[1][1]
            takes = self.cost.chars(node[1][2][0]) if len(node[1][2]) == 1 else frozenset()
            for pump in self.pumps(node):
                for ending in ("", "\x00", "\n", rest + "\x00", rest[:-1]):
                    found[(prefix, pump, most, ending)] = None
                # the run between two other characters the repeat takes: what precedes it cannot
                # swallow the run, what follows cannot end the match (`^\s*(.*?)\s*$` on "a   b")
                breaker = next((c for c in _PREFERRED if c in takes and c not in pump), None)
                if breaker is not None:
                    found[(prefix + breaker, pump, most, breaker)] = None
        return list(found)


# Runs in a child (python -I -S: no site, no environment): a regex that never returns is killed there.
_CHILD = r"""
import json, os, re, sys, time
parent, cpu = int(sys.argv[1]), int(sys.argv[2])
try:  # never outlive the console, even stuck in a regex: killed with it (Linux), and CPU-bounded anyway
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
except Exception:
    pass
try:
    import resource
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
except Exception:
    pass
if os.getppid() != parent:
    sys.exit(0)
jobs = json.loads(sys.stdin.buffer.read().decode("utf-8", "surrogatepass"))
sys.stdout.write("ready\n")
sys.stdout.flush()
for i, (pattern, flags, search, probes, stages) in enumerate(jobs):
    rx = re.compile(pattern, flags)
    run = rx.search if search else rx.match
    worst, worst_len, slow = 0.0, 0, False
    # short lines first: a cubic regex shows on them at once, where on long ones it would never end
    for length, limit in stages:
        for prefix, pump, most, ending in probes:
            count = max(1, length // len(pump))
            text = prefix + pump * (count if most < 0 else min(count, most)) + ending
            t = time.thread_time()  # CPU time: a busy machine does not make a fair regex look slow
            run(text)
            t = time.thread_time() - t
            if t > limit:
                worst, worst_len, slow = t, len(text), True
                break
            if t > worst:
                worst, worst_len = t, len(text)
        if slow:
            break
    sys.stdout.write("%d %d %r %d\n" % (i, slow, worst, worst_len))
    sys.stdout.flush()
"""


def probe(uses: list[RegexUse], *, length: int = PROBE_LENGTH, limit: float = PROBE_LIMIT) -> list[str]:
    """Why each regex is refused by the timed probe ("" when every test line was quick)."""
    if not uses:
        return []
    jobs, unwalkable = [], {}
    for i, use in enumerate(uses):
        try:
            probes = _Witness(use.regex).probes()
        except Exception as exc:  # pragma: no cover - a pattern the test lines cannot be built for
            unwalkable[i] = f"cannot be checked for backtracking ({type(exc).__name__})"
            probes = []
        jobs.append([use.regex.pattern, use.regex.flags, use.search, probes,
                     [list(stage) for stage in SHORT_STAGES] + [[length, limit]]])
    data = json.dumps(jobs).encode("utf-8", "surrogatepass")
    try:
        cpu = int(REGEX_DEADLINE * len(uses)) + 2
        proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", _CHILD, str(os.getpid()), str(cpu)],
                                stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as exc:
        return [f"cannot be checked for backtracking (no Python to run it: {exc.strerror or exc})"] * len(uses)
    results: dict[int, tuple[bool, float, int]] = {}
    timed_out = False
    try:
        try:
            proc.stdin.write(data)
            proc.stdin.close()
        except OSError:
            pass
        results, timed_out = _read_results(proc, len(uses))
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
    timed_out = timed_out or proc.returncode < 0  # killed at its CPU limit: one regex never ended
    return _reasons(len(uses), results, unwalkable, timed_out)


def _reasons(n: int, results: dict[int, tuple[bool, float, int]], unwalkable: dict[int, str],
             timed_out: bool) -> list[str]:
    """Each regex's refusal from what the child reported ("" for a quick one)."""
    reasons = []
    missing = min(set(range(n)) - set(results), default=None)
    for i in range(n):
        if i in unwalkable:
            reasons.append(unwalkable[i])
        elif i == missing:  # the regex the child was running when it was stopped (or died)
            reasons.append(f"can backtrack for ever: a test line did not finish matching in {REGEX_DEADLINE:g} s;"
                           " bound the repeats (e.g. [^ ]* rather than .*)" if timed_out else
                           "cannot be checked for backtracking (the checking process failed)")
        elif i not in results:
            reasons.append("")  # not reached: the one before is refused first
        elif results[i][0]:
            _slow, worst, worst_len = results[i]
            reasons.append(f"backtracks: a {worst_len}-character test line took {worst * 1000:.0f} ms"
                           f" of CPU (a {LINE // 1024} KiB line would hold the console far longer, deaf to"
                           " keys and signals); bound the repeats (e.g. [^ ]* rather than .*)")
        else:
            reasons.append("")
    return reasons


def _read_results(proc, n: int) -> tuple[dict[int, tuple[bool, float, int]], bool]:
    """Each regex: (too slow, CPU seconds and length of its worst test line); and whether the child
    was stopped at a deadline."""
    results: dict[int, tuple[bool, float, int]] = {}
    buf = b""
    deadline = time.monotonic() + START_DEADLINE
    fd = proc.stdout.fileno()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while len(results) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return results, True
            chunk = os.read(fd, 65536)
            if not chunk:
                break  # the child ended (or crashed) before answering for every regex
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if line == b"ready":
                    deadline = time.monotonic() + REGEX_DEADLINE
                    continue
                try:
                    i, slow, worst, worst_len = line.split()
                    results[int(i)] = (slow == b"1", float(worst), int(worst_len))
                except ValueError:  # pragma: no cover
                    continue
                deadline = time.monotonic() + REGEX_DEADLINE
    return results, False
