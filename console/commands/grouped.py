"""Counts events by a key (event, caller, host, minute, hour) and severity, with the shell's filters.

`stats` with filters or `--by` comes here; plain `stats` keeps console/commands/stats.py's path.
Every line is given the decoder's own Event (console.decode.decoder), so keys and filters are
exactly the console's. Two ways to get there:

* decoded: every line decoded (after the filters that read the line: time and text).
* deduplicated, when neither the key nor the filters depend on the line's time or text: on lines
  of the shipped layouts the time is the only part that differs from line to line in a way that
  does not matter, so a bytes regex (console.commands.stats' prefixes, the timestamp split off)
  hands back each line without its timestamp, a Counter tallies them in C, and each distinct one
  is decoded once behind a stand-in timestamp of the same form. Other lines are decoded whole.
  Connections from one client repeat the same text: most lines cost a regex match and a count.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Optional

from console.catalog.catalog import Catalog
from console.commands import stats
from console.decode.decoder import Decoder
from console.decode.event import Event
from console.errors import DataError
from console.model.caller import caller_of
from console.model.query import Query

BY = ("event", "caller", "host", "minute", "hour")
TIME_KEYS = ("minute", "hour")
CACHE = 200_000        # distinct deduplicated lines remembered per worker

# The timestamp part of each shipped layout's bytes prefix (console.commands.stats._FAST), and a
# stand-in of the same form that the layout's str regex reads the same way.
_STAMPS = (
    (rb"[0-9]{4}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9](?:\.[0-9]{R})?",
     b"2000-01-01 00:00:00"),
    (rb"[0-9]{4}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9](?:\.[0-9]{R})?"
     rb"(?:Z|[+-][0-9][0-9]:?[0-9][0-9])?", b"2000-01-01T00:00:00"),
    (rb"[A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]", b"Jan 01 00:00:00"),
)
_STAMP_ROOM = 200     # more than any timestamp the prefixes above match
_TOKEN = stats._fill(stats._TOKEN.replace(b"(", b"(?:", 1))   # the token, not captured


def _time_bucket(ev: Event, width: int) -> Optional[str]:
    """Local wall-clock time cut to the minute (width 16) or hour (13); naive times are local."""
    when = ev.time
    if when is None:
        return None
    if when.tzinfo is not None:
        when = when.astimezone()
    text = when.strftime("%Y-%m-%d %H:%M")
    return text if width == 16 else text[:13] + ":00"


KEYS: dict[str, Callable[[Event], Optional[str]]] = {
    "event": lambda ev: ev.full_name,
    "caller": caller_of,
    "host": lambda ev: ev.host,
    "minute": lambda ev: _time_bucket(ev, 16),
    "hour": lambda ev: _time_bucket(ev, 13),
}


@dataclass
class Tally:
    lines: int = 0                                      # lines read
    rows: Counter = field(default_factory=Counter)      # (key, severity name) -> matching lines
    problems: list = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        self.lines += other.lines
        self.rows.update(other.rows)
        self.problems += other.problems


@dataclass(frozen=True)
class _Plan:
    """What a worker needs, picklable."""
    catalog: Catalog
    by: str
    query: Query
    max_line: int
    stamps: tuple          # the (stamp pattern, rest pattern, stand-in) of the deduplicated layouts


def _plan(catalog: Catalog, by: str, query: Query, max_line: int) -> _Plan:
    if by not in KEYS:
        raise DataError(f"--by: no key {by!r} (one of {', '.join(BY)})")
    stamps = []
    if by not in TIME_KEYS and not query.needs_line and max_line >= stats.FAST_MIN_LINE:
        spec = stats._spec(catalog, max_line)
        for prefix, (stamp, stand_in) in zip(spec.fast, _STAMPS):
            if prefix.startswith(stamp):
                stamps.append((stamp, prefix[len(stamp):], stand_in))
            else:
                break
    return _Plan(catalog, by, query, max_line, tuple(stamps))


class _Tallier:
    """Tallies the lines of one stream or piece (stats.feed hands it the lines)."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.decoder = Decoder(plan.catalog)
        self.key = KEYS[plan.by]
        self.tally = Tally()
        self.cache: dict = {}
        self.stand_ins = [s for _, _, s in plan.stamps]
        rest = rb"[^\n]{0,%d}" % max(0, plan.max_line - _STAMP_ROOM)
        alts = [stats._fill(stamp) + b"(" + stats._fill(prefix) + _TOKEN + rest
                + b")(?![^\n])" for stamp, prefix, _ in plan.stamps]
        self.regex = re.compile(b"\n(?:" + b"".join(a + b"|" for a in alts) + b"([^\n]*))")

    def scan(self, data, start: int, end: int) -> None:
        self.tally.lines += data.count(b"\n", start, end)
        found = self.regex.findall(data, start, end)
        resolve, rows = self._resolve, self.tally.rows
        if self.stand_ins:
            for groups, n in Counter(found).items():
                got = resolve(groups)
                if got is not None:
                    rows[got] += n
        else:
            for line in found:
                got = self._decide(line)
                if got is not None:
                    rows[got] += 1

    def _resolve(self, groups: tuple):
        cache = self.cache
        try:
            return cache[groups]
        except KeyError:
            pass
        for stand_in, rest in zip(self.stand_ins, groups):
            if rest:
                got = self._decide(stand_in + rest)
                break
        else:
            got = self._decide(groups[-1])
        if len(cache) >= CACHE:
            cache.clear()
        cache[groups] = got
        return got

    def _decide(self, line: bytes):
        """(key, severity name) for a line the filters keep, else None."""
        if len(line) > self.plan.max_line:
            line = line[:self.plan.max_line]
        ev = self.decoder.decode(line)
        if not self.plan.query.matches(ev):
            return None
        return self.key(ev), ev.sev.name


def _tally_job(path: str, start: Optional[int], end: Optional[int], plan: _Plan) -> Tally:
    from console.tail.compressed import CompressedFileError, open_decompressed
    tallier = _Tallier(plan)
    try:
        if start is None:
            with open_decompressed(path) as f:
                stats.feed(f, plan.max_line, tallier.scan)
            if f.damage is not None:
                tallier.tally.problems.append(str(f.damage))
        else:
            with open(path, "rb", buffering=0) as f:
                f.seek(start)
                stats.feed(f, plan.max_line, tallier.scan, end - start)
    except CompressedFileError as exc:
        raise DataError(str(exc)) from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return tallier.tally


def tally_files(paths: list[str], catalog: Catalog, *, by: str = "event", query: Query = Query(),
                max_line: int = stats.DEFAULT_MAX_LINE, workers: Optional[int] = None) -> Tally:
    """Like stats.count_files (pieces across processes, compressed files whole), by key."""
    plan = _plan(catalog, by, query, max_line)
    workers = workers or stats.cpus()
    return stats.run_jobs(stats.file_jobs(paths, workers), _tally_job, plan, workers, Tally())


def tally_stream(stream, catalog: Catalog, *, by: str = "event", query: Query = Query(),
                 max_line: int = stats.DEFAULT_MAX_LINE, name: str = "-") -> Tally:
    """Standard input, decompressed if it is gzip, bzip2 or xz."""
    from console.tail.compressed import CompressedFileError, decompress_stream
    tallier = _Tallier(_plan(catalog, by, query, max_line))
    try:
        reader = decompress_stream(stream, name)
    except CompressedFileError as exc:
        raise DataError(str(exc)) from None
    stats.feed(reader, max_line, tallier.scan)
    if reader.damage is not None:
        tallier.tally.problems.append(str(reader.damage))
    return tallier.tally
