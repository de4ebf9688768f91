"""Counts events by severity and name over whole files: the batch path, built for speed.

Every line counts once, with the event token the decoder would give it (console.decode.decoder:
the line cut at max_line, one trailing CR dropped, the layouts in catalogue order, then
the generic token rule), but without decoding every line:

* Lines that one of the shipped layouts matches are recognised by a single bytes regex
  run over large blocks (`_FAST`): its prefix patterns are the shipped layout regexes
  written for bytes, and only ever match where the str regex matches too, with the
  same letter, facility and event. findall hands back one short token per line,
  which a Counter tallies in C.
* Every other line ("odd": no layout, a layout this module does not know, non-ASCII
  text before the token, over-long fields) is handed over whole and given the
  decoder's answer by the decoder's own rules, one distinct line at a time.
* Big files are split at line boundaries across processes.

The per-line cost is that of the regex engine matching the prefix; profile before
adding anything to it (see bench/README.md).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field

from console.catalog.catalog import Catalog
from console.compat import POSSESSIVE
from console.errors import DataError
from console.tail.whole_files import DEFAULT_MAX_LINE

BLOCK = 8 << 20       # bytes read at a time
SLICE = 1 << 20       # bytes matched at a time (odd lines are resolved per slice)
SPLIT_AT = 16 << 20   # files at least this big are counted in pieces, across processes
PIECE = 8 << 20       # the smallest piece worth a job
PIECES_PER_WORKER = 4  # several pieces per worker: a worker slowed down by others gets fewer


@dataclass
class Counts:
    lines: int = 0
    letters: Counter = field(default_factory=Counter)   # letter (bytes) -> n
    events: Counter = field(default_factory=Counter)    # (facility, event) (bytes) -> n
    problems: list = field(default_factory=list)         # one line each: a file read only in part

    def add(self, other: "Counts") -> None:
        self.lines += other.lines
        self.letters.update(other.letters)
        self.events.update(other.events)
        self.problems += other.problems


# -- the shipped layouts, for bytes ----------------------------------------------------
#
# Keyed by the exact str regex of each shipped layout (catalog/layouts.yaml): a layout
# whose regex differs (a site's override, an edit) has no prefix here, and its lines
# take the odd-line path (exact, about 3x slower). Translation rules:
#   \d -> [0-9]; \s -> [\t\n\v\f\r\x1c-\x1f ] (str's \s includes \x1c-\x1f);
#   negated classes also exclude \x80-\xff, so that a prefix match is plain ASCII,
#   where bytes and str regexes agree;
#   each run (+) is written {R}, made {1,128}+: bounded, so that a match ends within
#   FAST_MIN_LINE bytes (a longer field just makes the line odd), and possessive: every
#   run is followed by a byte its class excludes, so backtracking into it can never
#   succeed, and not trying is ~10% faster. Python 3.9 and 3.10 have no possessive runs:
#   there {R} is a plain {1,128}, which for that same reason matches exactly the same lines.
# Each layout's tail `:? ?(?P<message>.*)$` matches whatever follows the event, so the
# prefix and the token decide the match. The token is captured whole: b"L-FAC-EVT".

_NS = rb"\t\n\x0b\x0c\r\x1c-\x1f \x80-\xff"   # \s, and non-ASCII, for negated classes
TOKEN = rb"([A-Z]-[A-Za-z0-9_]{R}-[A-Za-z0-9_]{R}(?![A-Za-z0-9_]))"
_SYSLOG_TAIL = (rb" [^" + _NS + rb"]{R} [^" + _NS + rb"\[\]:]{R}(?:\[[0-9]{R}\])?: ")
_FAST: dict[str, bytes] = {
    r"^(?P<timestamp>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) (?P<program>[^\s\[\]]+)"
    r"\[(?P<pid>\d+)\] (?P<letter>[A-Z])-(?P<facility>[A-Za-z0-9_]+)-(?P<event>[A-Za-z0-9_]+)"
    r":? ?(?P<message>.*)$":
        rb"[0-9]{4}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9](?:\.[0-9]{R})? "
        rb"[^" + _NS + rb"\[\]]{R}\[[0-9]{R}\] ",
    r"^(?P<timestamp>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) (?P<host>\S+)"
    r" (?P<program>[^\s\[\]:]+)(?:\[(?P<pid>\d+)\])?: (?P<letter>[A-Z])-(?P<facility>[A-Za-z0-9_]+)"
    r"-(?P<event>[A-Za-z0-9_]+):? ?(?P<message>.*)$":
        rb"[0-9]{4}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9](?:\.[0-9]{R})?"
        rb"(?:Z|[+-][0-9][0-9]:?[0-9][0-9])?" + _SYSLOG_TAIL,
    r"^(?P<timestamp>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (?P<host>\S+) (?P<program>[^\s\[\]:]+)"
    r"(?:\[(?P<pid>\d+)\])?: (?P<letter>[A-Z])-(?P<facility>[A-Za-z0-9_]+)-(?P<event>[A-Za-z0-9_]+)"
    r":? ?(?P<message>.*)$":
        rb"[A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]" + _SYSLOG_TAIL,
}
_RUN = rb"{1,128}+" if POSSESSIVE else rb"{1,128}"
FAST_MIN_LINE = 1024       # with a smaller max_line every line takes the odd-line path

_NONE = (None, None, None)
_STR_SPACE = re.compile(rb"[\x1c-\x1f]")   # whitespace to str regexes, not to bytes ones


def _clean(data, start: int, end: int) -> bool:
    """No byte in data[start:end] makes bytes and str regexes disagree (faster than a regex)."""
    return (data.find(b"\x1c", start, end) < 0 and data.find(b"\x1d", start, end) < 0
            and data.find(b"\x1e", start, end) < 0 and data.find(b"\x1f", start, end) < 0
            and data[start:end].isascii())


def _as_bytes(pattern: str, flags: int) -> re.Pattern[bytes] | None:
    r"""The same regex for bytes, or None. On ASCII text without \x1c-\x1f the two agree
    (\d \w \b and case folding differ only beyond ASCII, \s also on \x1c-\x1f)."""
    try:
        return re.compile(pattern.encode("ascii"), flags & ~re.UNICODE)
    except (UnicodeEncodeError, re.error, ValueError, TypeError, OverflowError, RecursionError):
        return None


def fill_runs(pattern: bytes) -> bytes:
    """A byte pattern with its `{R}` runs made possessive where Python has them (console.compat)."""
    return pattern.replace(b"{R}", _RUN)


@dataclass(frozen=True)
class _Spec:
    """Everything a worker needs, picklable: built from the catalogue in the parent."""
    max_line: int
    fast: tuple[bytes, ...]                 # prefixes of the leading shipped layouts, in order
    block: bool                             # use them in the block regex (max_line allows)
    layouts: tuple[tuple[str, int], ...]    # (pattern, flags) of every layout, in order
    token: tuple[str, int]                  # the generic token (pattern, flags)


def line_spec(catalog: Catalog, max_line: int) -> _Spec:
    if max_line < 1:
        raise DataError("max_line must be positive")
    fast: list[bytes] = []
    for layout in catalog.layouts:
        prefix = _FAST.get(layout.regex.pattern)
        if prefix is None or layout.regex.flags != re.UNICODE:
            break   # the layouts after this one keep their order only if tried one by one
        fast.append(prefix)
    token = catalog.generic.token
    return _Spec(max_line, tuple(fast), bool(fast) and max_line >= FAST_MIN_LINE,
                 tuple((l.regex.pattern, l.regex.flags) for l in catalog.layouts),
                 (token.pattern, token.flags))


class _Counter:
    """Counts the lines of one stream (or one piece of a file)."""

    def __init__(self, spec: _Spec) -> None:
        self.max_line = spec.max_line
        self.counts = Counts()
        self.tokens: Counter = Counter()       # b"L-FAC-EVT" -> n
        if spec.block:
            alt = b"(?:" + b"|".join(map(fill_runs, spec.fast)) + b")" + fill_runs(TOKEN)
            self.one = re.compile(b"\n" + alt)                     # fast lines only
            self.two = re.compile(b"\n(?:" + alt + b"|([^\n]*))")  # fast token, or the odd line
        else:
            self.one = None
            self.two = re.compile(b"\n([^\n]*)")  # every line is odd
        self.skip_one = 0   # after a slice with odd lines, use `two` straight away for a while
        # Odd lines: the decoder's own regexes, compiled for bytes where that changes nothing
        # (an ASCII line without \x1c-\x1f, which str's \s matches and bytes' does not) ...
        self.layouts = [re.compile(p, f) for p, f in spec.layouts]
        self.token = re.compile(*spec.token)
        rules = [_as_bytes(p, f) for p, f in (*spec.layouts, spec.token)]
        self.bytes_rules = None if None in rules else (rules[:-1], rules[-1])
        # ... and the decoder's way otherwise: decoded text, str regexes.

    # -- input ------------------------------------------------------------------------
    def feed(self, stream, limit: int | None = None) -> None:
        feed(stream, self.max_line, self.scan, limit)

    def scan(self, data: bytes, start: int, end: int) -> None:
        """The lines between data[start] == "\\n" and data[end] == "\\n" (exclusive)."""
        counts = self.counts
        tokens = self.tokens
        one, two = self.one, self.two
        pos = start
        while pos < end:
            stop = data.find(b"\n", pos + SLICE, end) if end - pos > SLICE else -1
            if stop < 0:
                stop = end
            lines = data.count(b"\n", pos, stop)
            counts.lines += lines
            if one is not None and not self.skip_one:
                found = one.findall(data, pos, stop)
                if len(found) == lines:
                    tokens.update(found)
                    pos = stop
                    continue
                self.skip_one = 8
            elif self.skip_one:
                self.skip_one -= 1
            if one is None:
                odd = Counter(two.findall(data, pos, stop))
            else:
                odd = Counter()
                for (token, line), n in Counter(two.findall(data, pos, stop)).items():
                    if token:
                        tokens[token] += n
                    else:
                        odd[line] += n
            if odd:
                self._resolve(odd, _clean(data, pos, stop))
            pos = stop

    # -- odd lines -----------------------------------------------------------------------
    def _resolve(self, odd: Counter, clean: bool) -> None:
        """Each distinct odd line, cut and without its CR, by the decoder's rules. `clean`: no
        line has a byte that makes bytes and str regexes disagree."""
        max_line = self.max_line
        results: Counter = Counter()    # (letter, facility, event) -> n
        rules = self.bytes_rules
        layouts, token = rules if rules is not None else ((), None)
        for line, n in odd.items():
            if len(line) > max_line:
                line = line[:max_line]
            if line.endswith(b"\r"):
                line = line[:-1]
            if rules is not None and (clean or (line.isascii() and not _STR_SPACE.search(line))):
                for rx in layouts:
                    m = rx.match(line)
                    if m:
                        break
                else:
                    m = token.search(line)
                    if m is None:
                        results[_NONE] += n
                        continue
                results[m.group("letter", "facility", "event")] += n
            else:
                results[self._exact(line)] += n
        letters, events = self.counts.letters, self.counts.events
        for (letter, facility, event), n in results.items():
            if letter is not None:
                letters[letter] += n
            if event is not None:
                events[(facility, event)] += n

    def _exact(self, line: bytes):
        """The decoder's rules on the decoded text (console.decode.decoder.Decoder.decode_text)."""
        text = line.decode("utf-8", "replace")
        for rx in self.layouts:
            m = rx.match(text)
            if m:
                break
        else:
            m = self.token.search(text)
            if m is None:
                return _NONE
        letter, facility, event = m.group("letter", "facility", "event")
        return (None if letter is None else letter.encode("utf-8"),
                None if facility is None else facility.encode("utf-8"),
                None if event is None else event.encode("utf-8"))

    def result(self) -> Counts:
        counts = self.counts
        letters, events = counts.letters, counts.events
        for token, n in self.tokens.items():
            letter, facility, event = token.split(b"-", 2)
            letters[letter] += n
            events[(facility, event)] += n
        self.tokens = Counter()
        return counts


def feed(stream, max_line: int, scan, limit: int | None = None) -> None:
    """Hands scan(data, start, end) the lines of the stream, until EOF or `limit` bytes: a line
    longer than max_line that reaches past a read is cut there and its rest skipped; a long line
    inside one read is passed whole (scan cuts it, as console.tail.whole_files does).

    One buffer is reused: buf[0] is a newline standing for the end of the line before,
    then the unfinished line kept from the last read, then new data (readinto: no copy,
    no fresh pages to fault in)."""
    readinto = getattr(stream, "readinto", None)
    buf = bytearray(BLOCK + 1)
    buf[0] = 10
    have = 1            # bytes of buf in use
    skipping = False    # inside the rest of a line already cut
    left = limit
    while left is None or left > 0:
        if have == len(buf):       # one unfinished line fills the buffer: grow it
            buf.extend(bytes(len(buf)))
        room = len(buf) - have if left is None else min(len(buf) - have, left)
        n = _read_into(stream, readinto, buf, have, room)
        if not n:
            break
        if left is not None:
            left -= n
        end = have + n
        if skipping:
            nl = buf.find(b"\n", have, end)
            if nl < 0:
                continue
            buf[1:end - nl] = buf[nl + 1:end]
            end -= nl
            skipping = False
        cut = buf.rfind(b"\n", 0, end)
        if cut > 0:
            scan(buf, 0, cut)
        tail = end - cut - 1
        if tail > max_line:
            line = bytes(buf[cut + 1:cut + 1 + max_line])
            scan(b"\n" + line + b"\n", 0, max_line + 1)
            have = 1
            skipping = True
        else:
            if cut > 0:
                buf[1:1 + tail] = buf[cut + 1:end]
            have = 1 + tail
        if len(buf) > BLOCK + 1 and have <= BLOCK // 2:
            del buf[BLOCK + 1:]     # back to size after a long line
    if have > 1 and not skipping:
        scan(b"\n" + bytes(buf[1:have]) + b"\n", 0, have)


def _count_range(path: str, start: int, end: int, spec: _Spec) -> Counts:
    counter = _Counter(spec)
    try:
        with open(path, "rb", buffering=0) as f:
            f.seek(start)
            counter.feed(f, end - start)
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return counter.result()


def _count_decompressed(path: str, spec: _Spec) -> Counts:
    """A compressed file, whole (it cannot be split). Damaged or truncated data: what comes before
    it is counted and the file is named in Counts.problems."""
    from console.tail.compressed import CompressedFileError, open_decompressed
    counter = _Counter(spec)
    try:
        with open_decompressed(path) as f:
            counter.feed(f)
    except CompressedFileError as exc:
        raise DataError(str(exc)) from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    counts = counter.result()
    if f.damage is not None:
        counts.problems.append(str(f.damage))
    return counts


def _count_job(path: str, start: int | None, end: int | None, spec: _Spec) -> Counts:
    if start is None:
        return _count_decompressed(path, spec)
    return _count_range(path, start, end, spec)


def _line_start_after(f, pos: int) -> int:
    """The offset just past the first newline at or after pos (end of file if none)."""
    f.seek(pos)
    while True:
        chunk = f.read(1 << 16)
        if not chunk:
            return f.tell()
        nl = chunk.find(b"\n")
        if nl >= 0:
            return pos + nl + 1
        pos += len(chunk)


def pieces(path: str, size: int, workers: int) -> list[tuple[int, int]]:
    """Where count_files cuts a file of `size` bytes for `workers` processes: (start, end) byte
    ranges that cover it, each starting a line; one range for a small file or a single worker."""
    if size < SPLIT_AT or workers < 2:
        return [(0, size)]
    pieces = max(workers, min(workers * PIECES_PER_WORKER, size // PIECE))
    bounds = [0]
    with open(path, "rb", buffering=0) as f:
        for i in range(1, pieces):
            at = size * i // pieces
            if at <= bounds[-1]:
                continue
            bounds.append(min(_line_start_after(f, at - 1), size))
    bounds.append(size)
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def fast_layouts(catalog: Catalog) -> list[str]:
    """The layouts whose lines are counted by the block regex (the fast path), by name: the leading
    ones whose regex is a shipped layout's, unchanged. The lines of any other are decoded one by one."""
    return [layout.name for layout, _ in zip(catalog.layouts, line_spec(catalog, FAST_MIN_LINE).fast)]


def cpus() -> int:
    """The CPUs this process may run on (taskset, cpusets), not all the machine has."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def count_files(paths: list[str], catalog: Catalog, *, max_line: int = DEFAULT_MAX_LINE,
                workers: int | None = None) -> Counts:
    """Reads each file whole, gzip, bzip2 and xz files decompressed (one job each). Raises DataError
    for a file that cannot be read; damaged compressed data is counted up to the damage and named
    in Counts.problems."""
    spec = line_spec(catalog, max_line)
    workers = workers or cpus()
    return run_jobs(file_jobs(paths, workers), _count_job, spec, workers, Counts())


def file_jobs(paths: list[str], workers: int) -> list[tuple]:
    """(path, start, end) pieces of plain files; (path, None, None) for a compressed file, read
    whole. DataError for a file that cannot be read."""
    from console.tail.compressed import compression_of
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
        try:
            compressed = compression_of(path) is not None
        except OSError as exc:
            raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if compressed:
            jobs.append((path, None, None))   # open_decompressed reports a format it cannot read
        else:
            jobs += [(path, a, b) for a, b in pieces(path, st.st_size, workers)]
    return jobs


def run_jobs(jobs: list[tuple], job, spec, workers: int, total):
    """job(path, start, end, spec) for each, across processes when there are several; each result
    is added to `total` (anything with add()), in order."""
    if len(jobs) > 1 and workers > 1:
        import multiprocessing   # only here: ~20 ms of imports a small file does not need
        from concurrent.futures import ProcessPoolExecutor
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx) as pool:
            futures = [pool.submit(job, p, a, b, spec) for p, a, b in jobs]
            for fut in futures:
                total.add(fut.result())
    else:
        for p, a, b in jobs:
            total.add(job(p, a, b, spec))
    return total


def count_stream(stream, catalog: Catalog, *, max_line: int = DEFAULT_MAX_LINE,
                 name: str = "-") -> Counts:
    """Standard input: one pass, no splitting; decompressed if it is gzip, bzip2 or xz."""
    from console.tail.compressed import CompressedFileError, decompress_stream
    counter = _Counter(line_spec(catalog, max_line))
    try:
        reader = decompress_stream(stream, name)
    except CompressedFileError as exc:
        raise DataError(str(exc)) from None
    counter.feed(reader)
    counts = counter.result()
    if reader.damage is not None:
        counts.problems.append(str(reader.damage))
    return counts


def summarise(counts: Counts, catalog: Catalog) -> dict:
    """The `stats --json` document. Every line counts once in by_severity (unparsed as unknown)."""
    by_severity: Counter = Counter()
    for letter, n in counts.letters.items():
        by_severity[catalog.severity_for_letter(letter.decode("utf-8", "replace")).name] += n
    parsed = sum(counts.letters.values())
    unparsed = counts.lines - parsed
    if unparsed:
        by_severity[catalog.unknown.name] += unparsed
    order = {s.name: s.rank for s in catalog.severities}
    by_event = Counter()
    for (fac, ev), n in counts.events.items():
        fac = "None" if fac is None else fac.decode("utf-8", "replace")
        by_event[f"{fac}-{ev.decode('utf-8', 'replace')}"] += n
    return {
        "lines": counts.lines,
        "by_severity": dict(sorted(by_severity.items(), key=lambda kv: order.get(kv[0], 999))),
        "by_event": dict(by_event.most_common()),
        "unparsed": unparsed,
    }


def _read_into(stream, readinto, buf: bytearray, have: int, room: int) -> int:
    """Reads up to room bytes into buf at have (in place when the stream can); returns how many."""
    if readinto is not None:
        with memoryview(buf) as view:
            return readinto(view[have:have + room])
    chunk = stream.read(room)
    buf[have:have + len(chunk)] = chunk
    return len(chunk)
