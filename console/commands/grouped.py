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

# Each shipped layout's timestamp in the bytes prefixes of console.commands.stats._FAST, in three
# parts (to the minute, the seconds, the offset), its time kind, and a stand-in timestamp of the
# same form, which the layout's str regex reads the same way.
_STAMPS = (
    (rb"[0-9]{4}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]", rb":[0-9][0-9](?:\.[0-9]{R})?", b"",
     "iso", b"2000-01-01 00:00:00"),
    (rb"[0-9]{4}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]", rb":[0-9][0-9](?:\.[0-9]{R})?",
     rb"(?:Z|[+-][0-9][0-9]:?[0-9][0-9])?", "iso", b"2000-01-01T00:00:00"),
    (rb"[A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]", rb":[0-9][0-9]", b"",
     "syslog", b"Jan 01 00:00:00"),
)
# A fast line is at most this long up to the end of its token (timestamp <= 154 bytes, the rest of
# the prefix <= 390, the token <= 259): what follows is bounded by max_line minus this, so that a
# line deduplicated is never one the decoder would cut.
_PREFIX_ROOM = 1024
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
    mode: str              # "decoded", "dedup" (no time, no text) or "time" (the key is the time)
    layouts: tuple         # (one of _STAMPS, the rest of its prefix) for the leading shipped layouts


def _plan(catalog: Catalog, by: str, query: Query, max_line: int) -> _Plan:
    if by not in KEYS:
        raise DataError(f"--by: no key {by!r} (one of {', '.join(BY)})")
    layouts = []
    if max_line >= stats.FAST_MIN_LINE:
        for prefix, stamp in zip(stats._spec(catalog, max_line).fast, _STAMPS):
            whole = stamp[0] + stamp[1] + stamp[2]
            if not prefix.startswith(whole):
                break
            layouts.append((stamp, prefix[len(whole):]))
    mode = "decoded"
    if layouts and not query.needs_line:
        if by not in TIME_KEYS:
            mode = "dedup"
        elif query.value is None:
            mode = "time"
    return _Plan(catalog, by, query, max_line, mode, tuple(layouts))


def _regex(plan: _Plan) -> re.Pattern[bytes]:
    r"""dedup: per layout, (the line without its timestamp); time: per layout, (to the minute,
    offset, token); then (\n[^\n]*), "\n" and the line, for every other line (and for every line,
    decoded). A --severity filter leaves out, with all groups empty, the lines of a shipped layout
    whose letter it does not keep: they are never decoded."""
    bound = rb"[^\n]{0,%d}(?![^\n])" % max(0, plan.max_line - _PREFIX_ROOM)
    letters = _letters(plan)
    token = _TOKEN if letters is None else _TOKEN.replace(b"[A-Z]", letters, 1)
    alts, skips = [], []
    for (minute, seconds, offset, _, _), prefix in plan.layouts:
        if plan.mode == "dedup":
            alts.append(stats._fill(minute + seconds + offset) + b"(" + stats._fill(prefix) + token
                        + bound + b")")
        elif plan.mode == "time":
            alts.append(b"(" + minute + b")" + stats._fill(seconds) + b"(" + offset + b")"
                        + stats._fill(prefix) + b"(" + token + b")" + bound)
        skips.append(stats._fill(minute + seconds + offset + prefix) + _TOKEN + bound)
    if letters is not None and alts:
        alts.append(b"(?:" + b"|".join(skips) + b")")
    return re.compile(b"\n(?:" + b"|".join(alts) + b")|(\n[^\n]*)" if alts else b"(\n[^\n]*)")


def _letters(plan: _Plan):
    """The letters the --severity filter keeps, as a bytes class; None: no such filter, or one that
    keeps unknown letters."""
    names = plan.query.severities
    if names is None or plan.catalog.unknown.name in names:
        return None
    letters = sorted(s.letter for s in plan.catalog.severities if s.name in names and not s.unknown
                     and re.fullmatch("[A-Z]", s.letter))
    return b"[" + "".join(letters).encode("ascii") + b"]" if letters else b"(?!)"


class _Tallier:
    """Tallies the lines of one stream or piece (stats.feed hands it the lines)."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.decoder = Decoder(plan.catalog)
        self.key = KEYS[plan.by]
        self.tally = Tally()
        self.cache = _cache_for(plan)
        self.regex = _regex(plan)
        self.resolve = {"dedup": self._dedup, "time": self._timed}.get(plan.mode)

    def scan(self, data, start: int, end: int) -> None:
        self.tally.lines += data.count(b"\n", start, end)
        found = self.regex.findall(data, start, end)
        rows, cache, resolve = self.tally.rows, self.cache, self.resolve
        if resolve is None:
            for line in found:
                got = self._decide(line[1:])
                if got is not None:
                    rows[got] += 1
            return
        for groups, n in Counter(found).items():
            try:
                got = cache[groups]
            except KeyError:
                if len(cache) >= CACHE:
                    cache.clear()
                got = cache[groups] = resolve(groups)
            if got is not None:
                rows[got] += n

    def _dedup(self, groups: tuple):
        for ((_, _, _, _, stand_in), _), rest in zip(self.plan.layouts, groups):
            if rest:
                return self._decide(stand_in + rest)
        return self._decide(groups[-1][1:]) if groups[-1] else None

    def _timed(self, groups: tuple):
        """The token says the severity and the event, the timestamp to the minute the key."""
        for i, ((_, _, _, kind, _), _) in enumerate(self.plan.layouts):
            minute, offset, token = groups[3 * i:3 * i + 3]
            if token:
                letter, facility, event = token.decode("ascii").split("-", 2)
                stamp = minute.decode("ascii") + ":00" + offset.decode("ascii")
                ev = Event("", "", 0, timestamp=stamp, time_kind=kind, letter=letter,
                           facility=facility, event=event,
                           sev=self.plan.catalog.severity_for_letter(letter))
                return (self.key(ev), ev.sev.name) if self.plan.query.matches(ev) else None
        return self._decide(groups[-1][1:]) if groups[-1] else None

    def _decide(self, line: bytes):
        """(key, severity name) for a line the filters keep, else None."""
        if len(line) > self.plan.max_line:
            line = line[:self.plan.max_line]
        ev = self.decoder.decode(line)
        if not self.plan.query.matches(ev):
            return None
        return self.key(ev), ev.sev.name


_CACHES: list = []    # [(plan, cache)]: the jobs of one run in a worker process share what they resolved


def _cache_for(plan: _Plan) -> dict:
    if _CACHES and _CACHES[0][0] == plan:
        return _CACHES[0][1]
    _CACHES[:] = [(plan, {})]
    return _CACHES[0][1]


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
