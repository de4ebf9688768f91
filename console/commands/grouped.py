"""Counts events by a key (event, caller, host, minute, hour) and severity, with the shell's filters.

`stats` with filters or `--by` comes here; plain `stats` keeps console/commands/stats.py's path.
Every line counts as the decoder's own Event (console.decode.decoder) would, so keys and filters are
exactly the console's (console.model.query). Lines of the shipped layouts are matched by bytes
regexes built from console.commands.stats' prefixes with the timestamp split off; any other line is
decoded whole. By the filters and the key (the plan's mode):

* dedup (no time filter, no --grep, a key that is not a time): each line without its timestamp is
  tallied by a Counter in C, and each distinct one decoded once behind a stand-in timestamp of the
  same form. Connections from one client repeat the same text: most lines cost a match and a count.
* time (--by minute/hour, no time filter, no --grep, no --host): the token and the timestamp to
  the minute are all that is needed; nothing is decoded.
* window (--since/--until, no --grep): a minute wholly inside or outside the window decides for
  its lines, the minutes at its edges go line by line; the rest as dedup.
* decoded (--grep): each line's text is matched first, the lines that match are decoded; plain
  ASCII text is looked for in the bytes, so only the lines that contain it are looked at.

Logs on other hosts come in blocks that name their log (tally_remote): each host's lines go to a
tallier of its own, whose decoder gives a line that names no host that host, as the console's does.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Optional

from console.catalog.catalog import Catalog
from console.catalog.timestamps import parse_time
from console.commands import stats
from console.decode.decoder import Decoder
from console.decode.event import Event
from console.errors import DataError
from console.model.caller import caller_of
from console.model.query import Query
from console.model.textfilter import TextFilter
from console.model.timespec import instant
from console.regex.cost import parse
from console.tail.remote.spec import host_of

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
_TOKEN = stats.fill_runs(stats.TOKEN.replace(b"(", b"(?:", 1))   # the token, not captured


def _time_bucket(ev: Event, width: int) -> Optional[str]:
    """Local wall-clock time cut to the minute (width 16) or hour (13); naive times are local."""
    return _bucket(ev.time, width)


def _bucket(when: Optional[datetime], width: int) -> Optional[str]:
    if when is None:
        return None
    if when.tzinfo is not None:
        try:
            when = when.astimezone()
        except (OverflowError, ValueError, OSError):  # 0001-01-01+01:00: keeps its own clock
            pass
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
    mode: str              # "decoded", "dedup", "time" or "window" (the module's docstring)
    layouts: tuple         # (one of _STAMPS, the rest of its prefix) for the leading shipped layouts
    source: str = ""       # the lines' log: a remote one's (host:PATH) is the host of lines naming none


def _plan(catalog: Catalog, by: str, query: Query, max_line: int, source: str = "") -> _Plan:
    if by not in KEYS:
        raise DataError(f"--by: no key {by!r} (one of {', '.join(BY)})")
    layouts = []
    if max_line >= stats.FAST_MIN_LINE:
        for prefix, stamp in zip(stats.line_spec(catalog, max_line).fast, _STAMPS):
            whole = stamp[0] + stamp[1] + stamp[2]
            if not prefix.startswith(whole):
                break
            layouts.append((stamp, prefix[len(whole):]))
    if not layouts or query.text is not None:
        mode = "decoded"
    elif query.since is not None or query.until is not None or (by in TIME_KEYS and query.value):
        mode = "window"
    else:
        mode = "time" if by in TIME_KEYS else "dedup"
    return _Plan(catalog, by, query, max_line, mode, tuple(layouts), source)


def _regex(plan: _Plan, mode: Optional[str] = None) -> re.Pattern[bytes]:
    r"""The groups per layout: dedup (the line without its timestamp); time (to the minute,
    offset, token); window (to the minute, seconds, offset, the rest); minutes (to the minute,
    offset: window's first look at a slice). Then (\n[^\n]*), "\n" and
    the line, for every other line (for every line when decoded). A --severity filter leaves out,
    with all groups empty, the lines of a shipped layout whose letter it does not keep: they are
    never decoded."""
    bound = rb"[^\n]{0,%d}(?![^\n])" % max(0, plan.max_line - _PREFIX_ROOM)
    mode = mode or plan.mode
    letters = None if mode == "minutes" else _letters(plan)
    token = _TOKEN if letters is None else _TOKEN.replace(b"[A-Z]", letters, 1)
    alts, skips = [], []
    for (minute, seconds, offset, _, _), prefix in plan.layouts:
        if mode == "dedup":
            alts.append(stats.fill_runs(minute + seconds + offset) + b"(" + stats.fill_runs(prefix) + token
                        + bound + b")")
        elif mode == "minutes":
            alts.append(b"(" + minute + b")" + stats.fill_runs(seconds) + b"(" + offset + b")"
                        + stats.fill_runs(prefix) + token + bound)
        elif mode == "time":
            alts.append(b"(" + minute + b")" + stats.fill_runs(seconds) + b"(" + offset + b")"
                        + stats.fill_runs(prefix) + b"(" + token + b")" + bound)
        elif mode == "window":
            alts.append(b"(" + minute + b")(" + stats.fill_runs(seconds) + b")(" + offset + b")("
                        + stats.fill_runs(prefix) + token + bound + b")")
        skips.append(stats.fill_runs(minute + seconds + offset + prefix) + _TOKEN + bound)
    if letters is not None and alts:
        alts.append(b"(?:" + b"|".join(skips) + b")")
    return re.compile(b"\n(?:" + b"|".join(alts) + b")|(\n[^\n]*)" if alts else b"(\n[^\n]*)")


def _needle(text: Optional[TextFilter]) -> Optional[re.Pattern[bytes]]:
    """The --grep regex as bytes when it is plain ASCII text (every match is that text): lines
    without it need no look. None otherwise."""
    if text is None or text.regex is None:
        return None
    try:
        items = list(parse(text.regex.pattern, text.regex.flags & ~re.IGNORECASE))
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    if not items or any(str(op) != "LITERAL" for op, _ in items):
        return None
    literal = "".join(chr(av) for _, av in items)
    if not literal.isascii() or "\n" in literal:
        return None
    return re.compile(re.escape(literal.encode("ascii")), text.regex.flags & re.IGNORECASE)


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
        self.source = plan.source
        self.key = KEYS[plan.by]
        self.tally = Tally()
        self.cache = _cache_for(plan)
        self.regex = _regex(plan)
        self.resolve = {"dedup": self._dedup, "time": self._timed}.get(plan.mode)
        self.window = _Window(plan) if plan.mode == "window" else None
        self.timeless = replace(plan.query, since=None, until=None)
        self.needle = _needle(plan.query.text) if plan.mode == "decoded" else None
        if self.window is not None:
            self.minutes = _regex(plan, "minutes")
            self.inside = None if plan.by in TIME_KEYS else _regex(plan, "dedup")

    def scan(self, data, start: int, end: int) -> None:
        self.tally.lines += data.count(b"\n", start, end)
        if self.needle is not None:
            self._candidates(data, start, end)
            return
        if self.window is None:
            found = self.regex.findall(data, start, end)
            if self.resolve is None:
                self._each(found, lambda line: self._decide(line[1:]))
            else:
                self._counted(found, self.resolve)
            return
        pos = start
        while pos < end:
            stop = data.find(b"\n", pos + stats.SLICE, end) if end - pos > stats.SLICE else -1
            stop = end if stop < 0 else stop
            self._window_slice(data, pos, stop)
            pos = stop

    def _window_slice(self, data, start: int, end: int) -> None:
        """A first look at the minutes of the slice: when every line of the shipped layouts in it is
        outside the window only the other lines are looked at; when every one is inside, the slice
        is counted as without a window; else line by line."""
        states, odd = set(), []
        for groups, n in Counter(self.minutes.findall(data, start, end)).items():
            for i in range(0, len(groups) - 1, 2):
                if groups[i]:
                    states.add(self.window.state(i // 2, groups[i], groups[i + 1])[0])
                    break
            else:
                odd.append((groups[-1][1:], n))
        if states <= {0}:
            for line, n in odd:
                got = self._decide(line)
                if got is not None:
                    self.tally.rows[got] += n
        elif states == {1} and self.inside is not None:
            self._counted(self.inside.findall(data, start, end), self._dedup)
        else:
            self._each(self.regex.findall(data, start, end), self._windowed)

    def _candidates(self, data, start: int, end: int) -> None:
        """--grep with a plain ASCII text: only the lines that contain it are looked at (found in C);
        a slice with non-ASCII bytes goes line by line (case folding beyond ASCII)."""
        pos = start
        while pos < end:
            stop = data.find(b"\n", pos + stats.SLICE, end) if end - pos > stats.SLICE else -1
            stop = end if stop < 0 else stop
            if not data[pos:stop].isascii():
                self._each(self.regex.findall(data, pos, stop), lambda line: self._decide(line[1:]))
                pos = stop
                continue
            m = self.needle.search(data, pos, stop)
            while m is not None:
                first = data.rfind(b"\n", pos, m.start()) + 1
                last = data.find(b"\n", m.start(), stop)
                last = stop if last < 0 else last
                got = self._decide(data[first:last])
                if got is not None:
                    self.tally.rows[got] += 1
                m = self.needle.search(data, last, stop)
            pos = stop

    def _each(self, found: list, decide) -> None:
        rows = self.tally.rows
        for groups in found:
            got = decide(groups)
            if got is not None:
                rows[got] += 1

    def _counted(self, found: list, resolve) -> None:
        rows, cache = self.tally.rows, self.cache
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
                return self._decide(stand_in + rest, self.timeless)
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

    def _windowed(self, groups: tuple):
        """Each line on its own (its time differs): the minute says in, out or look closer; the
        rest of the line, deduplicated, says the rest."""
        for i in range(0, len(groups) - 1, 4):
            rest = groups[i + 3]
            if not rest:
                continue
            bucket = self.window.bucket(i // 4, groups[i], groups[i + 1], groups[i + 2])
            if bucket is _OUT:
                return None
            got = self.cache.get((i, rest), _OUT)
            if got is _OUT:
                if len(self.cache) >= CACHE:
                    self.cache.clear()
                got = self.cache[(i, rest)] = self._decide(
                    self.plan.layouts[i // 4][0][4] + rest, self.timeless)
            if got is None or bucket is _ANY:
                return got
            return bucket, got[1]
        return self._decide(groups[-1][1:]) if groups[-1] else None

    def _decide(self, line: bytes, query: Optional[Query] = None):
        """(key, severity name) for a line the filters keep, else None."""
        if len(line) > self.plan.max_line:
            line = line[:self.plan.max_line]
        text = self.plan.query.text
        if text is not None:   # the text the decoder would make, tried before decoding it
            raw = line[:-1] if line.endswith(b"\r") else line
            if not text.matches(raw.decode("utf-8", "replace")):
                return None
        ev = self.decoder.decode(line, self.source)
        if not (self.plan.query if query is None else query).matches(ev):
            return None
        return self.key(ev), ev.sev.name


_OUT = object()   # a line outside --since/--until
_ANY = object()   # the key does not depend on the time


class _Window:
    """--since/--until on lines of the shipped layouts, a minute at a time: a minute wholly inside
    keeps its lines, one wholly outside drops them, and in the minutes at the edges (or where the
    local clock jumps) each line's own time decides, as console.model.query does."""

    def __init__(self, plan: _Plan) -> None:
        q = plan.query
        self.since = float("-inf") if q.since is None else q.since
        self.until = float("inf") if q.until is None else q.until
        self.kinds = [stamp[3] for stamp, _ in plan.layouts]
        self.width = {"minute": 16, "hour": 13}.get(plan.by)
        self.minutes: dict = {}

    def state(self, layout: int, minute: bytes, offset: bytes) -> tuple:
        """(1 inside, 0 outside, -1 look at each line; the time key), remembered."""
        try:
            return self.minutes[(layout, minute, offset)]
        except KeyError:
            if len(self.minutes) >= CACHE:
                self.minutes.clear()
            got = self.minutes[(layout, minute, offset)] = self._minute(layout, minute, offset)
            return got

    def bucket(self, layout: int, minute: bytes, seconds: bytes, offset: bytes):
        """_OUT, or the line's time key (_ANY when the table is not by time)."""
        state, key = self.state(layout, minute, offset)
        if state == 0:
            return _OUT
        if state < 0:
            when = parse_time((minute + seconds + offset).decode("ascii"), self.kinds[layout])
            if when is None or not self.since <= instant(when) < self.until:
                return _OUT
        return key

    def _minute(self, layout: int, minute: bytes, offset: bytes) -> tuple:
        kind, text, zone = self.kinds[layout], minute.decode("ascii"), offset.decode("ascii")
        first, last = parse_time(text + ":00" + zone, kind), parse_time(text + ":59" + zone, kind)
        key = _ANY if self.width is None else _bucket(first, self.width)
        if first is None or last is None or instant(last) - instant(first) != 59:
            return -1, key
        lo, hi = instant(first), instant(first) + 60
        if hi <= self.since or lo >= self.until:
            return 0, key
        return (1 if self.since <= lo and hi <= self.until else -1), key


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


def tally_remote(blocks, catalog: Catalog, *, by: str = "event", query: Query = Query(),
                 max_line: int = stats.DEFAULT_MAX_LINE) -> Tally:
    """Lines read on other hosts, as (source, block) (console.tail.remote.pipe.remote_blocks): each
    host's lines by a tallier of their own, so that a line naming no host is its log's host's, as the
    console's decoder makes it (the key of --by host and caller, --host)."""
    talliers: dict = {}     # host -> _Tallier
    by_source: dict = {}    # source -> its host's _Tallier
    for source, block in blocks:
        tallier = by_source.get(source)
        if tallier is None:
            host = host_of(source)
            tallier = talliers.get(host)
            if tallier is None:
                tallier = talliers[host] = _Tallier(_plan(catalog, by, query, max_line, source))
            if len(by_source) < 10_000:   # a glob may match endless files over a long read
                by_source[source] = tallier
        tallier.scan(block, 0, len(block) - 1)
    total = Tally()
    for tallier in talliers.values():
        total.add(tallier.tally)
    return total
