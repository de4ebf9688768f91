"""Counts events by severity and name over whole files: the batch path, built for speed.

Instead of decoding each line, one bytes regex finds the first event token of
every line in large blocks, and big files are split across processes.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
import multiprocessing

from console.catalogue import Catalogue
from console.errors import DataError
from console.linereader import DEFAULT_MAX_LINE

BLOCK = 16 << 20
SPLIT_AT = 32 << 20  # files larger than this are counted in pieces, one per core


@dataclass
class Counts:
    lines: int = 0
    letters: Counter = field(default_factory=Counter)   # letter (bytes) -> n
    events: Counter = field(default_factory=Counter)    # (facility, event) (bytes) -> n

    def add(self, other: "Counts") -> None:
        self.lines += other.lines
        self.letters.update(other.letters)
        self.events.update(other.events)


def _token_body(catalogue: Catalogue) -> bytes:
    token = catalogue.generic.token
    try:
        body = token.pattern.encode("ascii")
        inner = re.compile(body)
        if not {"letter", "facility", "event"} <= set(inner.groupindex):
            raise ValueError
    except (UnicodeEncodeError, re.error, ValueError):
        raise DataError("the generic token regex must be ASCII for `stats`") from None
    for name in (b"letter", b"facility", b"event"):
        body = body.replace(b"?P<" + name + b">", b"")
    return body


def _line_regex(catalogue: Catalogue) -> re.Pattern[bytes]:
    """Fast: the token at the start of one of the first seven fields (every shipped layout);
    any other line is captured whole, to be searched by the slow rule."""
    body = _token_body(catalogue)
    return re.compile(b"(?m)^(?:(?:[^ \\n]* ){0,6}?" + body + b"|([^\\n]*))")


def _slow_regex(catalogue: Catalogue) -> re.Pattern[bytes]:
    """The first token anywhere in the line, as the decoder's generic rule finds it."""
    return re.compile(_token_body(catalogue))


def _count_range(path: str, start: int, end: int, patterns: tuple[bytes, bytes],
                 max_line: int) -> Counts:
    rx = (re.compile(patterns[0]), re.compile(patterns[1]))
    counts = Counts()
    letters: Counter = counts.letters
    events: Counter = counts.events
    with open(path, "rb") as f:
        f.seek(start)
        pos = start
        leftover = b""
        skipping = False
        while pos < end:
            block = f.read(min(BLOCK, end - pos))
            if not block:
                break
            pos += len(block)
            if skipping:
                nl = block.find(b"\n")
                if nl < 0:
                    continue
                block = block[nl + 1:]
                skipping = False
            data = leftover + block if leftover else block
            cut = data.rfind(b"\n") + 1
            body, leftover = data[:cut], data[cut:]
            if len(leftover) > max_line:
                body += leftover[:max_line] + b"\n"
                leftover = b""
                skipping = True
            if body:
                _count_block(body, rx, counts, letters, events)
        if leftover and not skipping:
            _count_block(leftover[:max_line] + b"\n", rx, counts, letters, events)
    return counts


def _count_block(body: bytes, rx, counts: Counts, letters: Counter, events: Counter) -> None:
    counts.lines += body.count(b"\n")
    fast, slow = rx
    # Counting whole tuples keeps the per-line work in C; few distinct keys remain.
    for (letter, facility, event, other), n in Counter(fast.findall(body)).items():
        if letter:
            letters[letter] += n
            events[(facility, event)] += n
        elif other:
            m = slow.search(other)
            if m:
                letters[m.group(1)] += n
                events[(m.group(2), m.group(3))] += n


def _ranges(path: str, size: int, pieces: int) -> list[tuple[int, int]]:
    if size < SPLIT_AT or pieces < 2:
        return [(0, size)]
    bounds = [0]
    with open(path, "rb") as f:
        for i in range(1, pieces):
            f.seek(size * i // pieces)
            f.readline()
            bounds.append(max(f.tell(), bounds[-1]))
    bounds.append(size)
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def count_files(paths: list[str], catalogue: Catalogue, *, max_line: int = DEFAULT_MAX_LINE,
                workers: int | None = None) -> Counts:
    """Reads each file whole. Raises DataError for a file that cannot be read."""
    pattern = (_line_regex(catalogue).pattern, _slow_regex(catalogue).pattern)
    workers = workers or os.cpu_count() or 1
    jobs = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError as exc:
            raise DataError(f"{path}: {exc.strerror or exc}") from None
        if not os.path.isfile(path):
            raise DataError(f"{path}: not a regular file")
        if not os.access(path, os.R_OK):
            raise DataError(f"{path}: permission denied")
        jobs += [(path, a, b) for a, b in _ranges(path, st.st_size, workers)]
    total = Counts()
    if len(jobs) > 1 and workers > 1:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx) as pool:
            futures = [pool.submit(_count_range, p, a, b, pattern, max_line) for p, a, b in jobs]
            for fut in futures:
                total.add(fut.result())
    else:
        for p, a, b in jobs:
            total.add(_count_range(p, a, b, pattern, max_line))
    return total


def count_stream(stream, catalogue: Catalogue, *, max_line: int = DEFAULT_MAX_LINE) -> Counts:
    """Standard input: one pass, no splitting."""
    rx = (_line_regex(catalogue), _slow_regex(catalogue))
    counts = Counts()
    leftover = b""
    skipping = False
    while True:
        block = stream.read(BLOCK)
        if not block:
            break
        if skipping:
            nl = block.find(b"\n")
            if nl < 0:
                continue
            block, skipping = block[nl + 1:], False
        data = leftover + block
        cut = data.rfind(b"\n") + 1
        body, leftover = data[:cut], data[cut:]
        if len(leftover) > max_line:
            body += leftover[:max_line] + b"\n"
            leftover, skipping = b"", True
        _count_block(body, rx, counts, counts.letters, counts.events)
    if leftover and not skipping:
        _count_block(leftover[:max_line] + b"\n", rx, counts, counts.letters, counts.events)
    return counts


def summarise(counts: Counts, catalogue: Catalogue) -> dict:
    """The `stats --json` document. Every line counts once in by_severity (unparsed as unknown)."""
    by_severity: Counter = Counter()
    for letter, n in counts.letters.items():
        by_severity[catalogue.severity_for_letter(letter.decode("ascii", "replace")).name] += n
    parsed = sum(counts.letters.values())
    unparsed = counts.lines - parsed
    if unparsed:
        by_severity[catalogue.unknown.name] += unparsed
    order = {s.name: s.rank for s in catalogue.severities}
    by_event = Counter()
    for (fac, ev), n in counts.events.items():
        by_event[f"{fac.decode('utf-8', 'replace')}-{ev.decode('utf-8', 'replace')}"] += n
    return {
        "lines": counts.lines,
        "by_severity": dict(sorted(by_severity.items(), key=lambda kv: order.get(kv[0], 999))),
        "by_event": dict(by_event.most_common()),
        "unparsed": unparsed,
    }
