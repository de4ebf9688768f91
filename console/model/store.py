"""The held events, stored compactly: their text in an arena (console.model.arena), the rest in arrays.

An Event object costs about 450 bytes beyond its line; a million of them took 550 MB. Here a held
event costs its line's UTF-8 bytes plus ~40 bytes of columns, and an Event is built again from its
line (the decoder is deterministic) only when someone reads it: the rows on screen, the panel, a
filter that needs parameters. The newest events read are cached, so a row on screen stays one object.
Rows are numbered by seq, without gaps: row i holds seq `first + i`.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from typing import Iterator, List, Optional, Tuple

from console.catalog.catalog import Severity
from console.decode.decoder import Decoder
from console.decode.event import Event
from console.model.arena import CHUNK, TextArena
from console.model.wall import SecondsCache

CACHE = 512              # events built from rows, kept (the screen, the panel, recent arrivals)
CACHE_LINE = 2048        # longer lines are built again when read, not kept: the cache stays small
ROW_BYTES = 52           # what a row costs in the arrays (38 bytes), the view (8) and their growth room
_CUT, _PARTIAL = 1, 2
_COLUMNS = ("_chunk", "_off", "_len", "_sev", "_name", "_src", "_line", "_numbering", "_flags", "_sec")
Name = Optional[Tuple[str, str]]
MAX_NAMES = 4096         # event names given an id; past that (a log inventing names) a row's name is
OVERFLOW = 1             # read from its line (id OVERFLOW): the table cannot grow without bound


class _Interned:
    """Small ids for values that repeat on every line (event names, sources)."""

    def __init__(self, first=None) -> None:
        self.values: list = [first]
        self._ids: dict = {first: 0}

    def id(self, value) -> int:
        i = self._ids.get(value)
        if i is None:
            i = self._ids[value] = len(self.values)
            self.values.append(value)
        return i


class EventStore:
    def __init__(self, decoder: Decoder, cache: int = CACHE, chunk: int = CHUNK) -> None:
        """cache: events kept once built; chunk: bytes of text per arena chunk (small in tests)."""
        self._decode = decoder.decode_text
        catalog = decoder.catalog
        self.severities: List[Severity] = list(catalog.severities)
        if catalog.unknown not in self.severities:
            self.severities.append(catalog.unknown)
        self._sev_ids = {id(s): i for i, s in enumerate(self.severities)}
        self._names = _Interned()
        self._names.id(("", ""))  # id 1: OVERFLOW
        self._sources = _Interned("")
        self.first = 1          # seq of row 0
        self._next = 1          # seq of the next row appended
        self._start = 0         # rows before this index are gone (deleted in bulk, now and then)
        self._chunk, self._off, self._len = array("I"), array("I"), array("I")
        self._sev, self._name, self._src = array("B"), array("I"), array("I")
        # line numbers fit 4 bytes (a 4-billion-line file is ~400 GB); past that, 8 (_wide_lines)
        self._line, self._numbering, self._flags = array("I"), array("I"), array("B")
        self._sec = array("i")  # wall-clock second (console.model.wall)
        self._seconds = SecondsCache()
        self._arena = TextArena(chunk)
        self._cache: OrderedDict[int, Event] = OrderedDict()
        self._cache_size = max(1, cache)

    # -- size -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._next - self.first

    @property
    def last(self) -> int:
        """seq of the newest row (first - 1 when empty)."""
        return self._next - 1

    def holds(self, seq: int) -> bool:
        return self.first <= seq <= self.last

    def _row(self, seq: int) -> int:
        if not self.first <= seq <= self.last:
            raise IndexError(seq)
        return seq - self.first + self._start

    # -- writing ----------------------------------------------------------------------------
    def _put_text(self, raw: str) -> Tuple[int, int, int]:
        data = raw.encode("utf-8", "surrogatepass")
        chunk, off = self._arena.put(data)
        return chunk, off, len(data)

    def append(self, ev: Event) -> int:
        """Stores `ev` as the newest row; sets and returns its seq. (The hot path of a history's
        load: a few million calls, so lookups are inlined.)"""
        data = ev.raw.encode("utf-8", "surrogatepass")
        chunk, off = self._arena.put(data)
        self._chunk.append(chunk)
        self._off.append(off)
        self._len.append(len(data))
        sev = self._sev_ids.get(id(ev.sev))
        self._sev.append(sev if sev is not None else self._sev_id(ev.sev))
        if ev.event is None:
            self._name.append(0)
        else:
            key = (ev.facility, ev.event)
            name = self._names._ids.get(key)
            self._name.append(name if name is not None else self._name_id(key))
        src = self._sources._ids.get(ev.source)
        self._src.append(src if src is not None else self._sources.id(ev.source))
        if not 0 <= ev.line <= 0xFFFFFFFF and self._line.typecode == "I":
            self._wide_lines()
        self._line.append(ev.line)
        self._sec.append(self._seconds.of(ev))
        self._numbering.append(ev.numbering)
        self._flags.append((_CUT if ev.cut else 0) | (_PARTIAL if ev.partial else 0))
        ev.seq = seq = self._next
        self._next += 1
        return seq

    def replace(self, seq: int, ev: Event) -> int:
        """`ev` takes row `seq`'s place (a partial line completed). Returns the text size change."""
        i = self._row(seq)
        old = self._len[i]
        self._arena.release(self._chunk[i], old)
        self._chunk[i], self._off[i], self._len[i] = self._put_text(ev.raw)
        self._sev[i] = self._sev_id(ev.sev)
        self._name[i] = self._name_id((ev.facility, ev.event)) if ev.event is not None else 0
        self._src[i] = self._sources.id(ev.source)
        if not 0 <= ev.line <= 0xFFFFFFFF and self._line.typecode == "I":
            self._wide_lines()
        self._line[i], self._numbering[i] = ev.line, ev.numbering
        self._sec[i] = self._seconds.of(ev)
        self._flags[i] = (_CUT if ev.cut else 0) | (_PARTIAL if ev.partial else 0)
        ev.seq = seq
        self._cache.pop(seq, None)
        self._remember(ev)
        return self._len[i] - old

    def pop_first(self) -> int:
        """Forgets the oldest row; returns its seq."""
        i = self._start
        self._arena.release(self._chunk[i], self._len[i])
        seq = self.first
        self._cache.pop(seq, None)
        self._start += 1
        self.first += 1
        n = len(self._sev)
        if self._start > 65536 and self._start * 2 > n:
            for name in _COLUMNS:
                del getattr(self, name)[:self._start]
            self._start = 0
        return seq

    def _name_id(self, key: Tuple[str, str]) -> int:
        if key in self._names._ids or len(self._names.values) < MAX_NAMES:
            return self._names.id(key)
        return OVERFLOW

    def _wide_lines(self) -> None:
        self._line = array("q", self._line)

    def _sev_id(self, sev: Severity) -> int:
        i = self._sev_ids.get(id(sev))
        if i is None:  # a Severity made outside the catalogue this store knows: by name
            i = next((j for j, s in enumerate(self.severities) if s.name == sev.name), None)
            if i is None:
                self.severities.append(sev)
                i = len(self.severities) - 1
            self._sev_ids[id(sev)] = i
        return i

    # -- reading a row without building an Event ---------------------------------------------
    def sources(self) -> list:
        """The sources' names the rows have had."""
        return self._sources.values[1:]

    def raw(self, seq: int) -> str:
        i = self._row(seq)
        return self._arena.get(self._chunk[i], self._off[i], self._len[i])

    def lines(self, seqs) -> Iterator[str]:
        """The lines of those rows (held seqs, in any order), for passes over many rows."""
        chunk, off, size = self._chunk, self._off, self._len
        base = self._start - self.first
        return self._arena.lines((chunk[i], off[i], size[i]) for i in (seq + base for seq in seqs))

    def sev_id(self, seq: int) -> int:
        return self._sev[self._row(seq)]

    def name_id(self, seq: int) -> int:
        return self._name[self._row(seq)]

    def severity(self, seq: int) -> Severity:
        return self.severities[self._sev[self._row(seq)]]

    def name(self, seq: int) -> Name:
        """(facility, event), or None for a line with no event token."""
        return self.name_of_row(seq, self._name[self._row(seq)])

    def name_of_row(self, seq: int, name_id: int) -> Name:
        """The name of row `seq` whose name id is `name_id` (from rows() or facts())."""
        if name_id != OVERFLOW:
            return self._names.values[name_id]
        ev = self.event(seq)
        return (ev.facility, ev.event)

    def size(self, seq: int) -> int:
        return self._len[self._row(seq)]

    def partial(self, seq: int) -> bool:
        return bool(self._flags[self._row(seq)] & _PARTIAL)

    def rows(self, lo: int, hi: int) -> Iterator[Tuple[int, int, int]]:
        """(seq, severity index, name id) of rows lo..hi-1 (seqs), for passes over many rows."""
        base = self._start - self.first
        return zip(range(lo, hi), self._sev[lo + base:hi + base], self._name[lo + base:hi + base])

    def facts(self, seqs) -> Iterator[Tuple[int, int, int, int]]:
        """(seq, wall second or NO_SECOND, severity id, name id) of those rows: what the timeline
        counts with, without building Events."""
        base = self._start - self.first
        sec, sev, name = self._sec, self._sev, self._name
        for seq in seqs:
            i = seq + base
            yield seq, sec[i], sev[i], name[i]

    def name_ids(self, names) -> set:
        """The ids rows of those (facility, event) names have: OVERFLOW among them when a name has
        none (then rows of OVERFLOW must be checked by name_of_row)."""
        ids = self._names._ids
        out = {ids[n] for n in names if n in ids}
        if len(out) < len(set(names)) and len(self._names.values) >= MAX_NAMES:
            out.add(OVERFLOW)
        return out

    def severity_ids(self, names) -> set:
        return {i for i, s in enumerate(self.severities) if s.name in names}


    # -- events -----------------------------------------------------------------------------
    def event(self, seq: int) -> Event:
        cache = self._cache
        ev = cache.get(seq)
        if ev is not None:
            cache.move_to_end(seq)
            return ev
        i = self._row(seq)
        flags = self._flags[i]
        ev = self._decode(self.raw(seq), self._sources.values[self._src[i]], self._line[i],
                          cut=bool(flags & _CUT))
        ev.partial = bool(flags & _PARTIAL)
        ev.numbering = self._numbering[i]
        ev.seq = seq
        self._remember(ev)
        return ev

    def remember(self, events) -> None:
        """Keeps these events (appended lately) as the ones built for their rows: a row on screen
        stays one object. A batch's newest only: the cache holds CACHE."""
        for ev in events[-self._cache_size:]:
            if self.first <= ev.seq < self._next:  # not one the caps dropped meanwhile
                self._remember(ev)

    def _remember(self, ev: Event) -> None:
        if len(ev.raw) > CACHE_LINE:
            return
        cache = self._cache
        cache[ev.seq] = ev
        if len(cache) > self._cache_size:
            cache.popitem(last=False)

    def renumber(self, token: int, offset: int) -> Tuple[int, List[Tuple[str, int]]]:
        """Rows numbered under `token` get `offset` added and become exact. Returns how many, and
        the (source, old line) of the partial rows among them (their key changes)."""
        nums, lines, flags, srcs = self._numbering, self._line, self._flags, self._src
        moved = []
        n = 0
        for i in range(self._start, len(nums)):
            if nums[i] == token:
                if flags[i] & _PARTIAL:
                    moved.append((self._sources.values[srcs[i]], lines[i]))
                lines[i] += offset
                nums[i] = 0
                n += 1
        for ev in self._cache.values():
            if ev.numbering == token:
                ev.renumber(offset)
        return n, moved

    @property
    def bytes(self) -> int:
        """The memory the held rows take, as counted for --history-bytes: the arena as it is
        (compressed chunks as compressed) and each row's arrays."""
        return self._arena.bytes + ROW_BYTES * len(self)

    @property
    def text_bytes(self) -> int:
        """UTF-8 bytes of the held lines."""
        return self._arena.text_bytes
