"""A session that drops before its history is complete: the next one sends the history again.

The last N lines are held until the history ends (console.tail.remote.host), so a cut-off history is
dropped whole and nothing repeats. Whole files (--from-start) may not fit in memory: they are passed
on as they come, and this remembers how far each file got, so that the next session's reading from
the start again passes over what was delivered. A file is known by its first line (a rotation
between the sessions renames it; its start stays), which holds a time stamp to the millisecond in
every layout we know."""

from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

from console.tail.contract import RawLine


class WholeReplay:
    def __init__(self) -> None:
        self._upto: Dict[bytes, Tuple[int, bool]] = {}  # a file's first line -> (last line delivered, unfinished)
        self._file: Dict[str, Optional[bytes]] = {}  # this session: a source -> the first line of its file
        self._shared: Set[bytes] = set()  # first lines two files have: which is which cannot be told
        self._unfinished: Dict[str, bytes] = {}  # a source whose only line was unfinished -> that line

    def new_session(self) -> None:
        self._file = {}

    def done(self) -> None:
        """The history is complete: following goes on from checkpoints, not from here."""
        self._upto.clear()
        self._file.clear()
        self._shared.clear()
        self._unfinished.clear()

    def keep(self, lines: List[RawLine]) -> List[RawLine]:
        """Those of `lines` (one session's history) not delivered by an earlier session."""
        out = []
        for ln in lines:
            if ln.numbering:  # counted from where reading began: not a whole file
                out.append(ln)
                continue
            if ln.lineno == 1 and not ln.completes:
                self._first(ln)
            key = self._file.get(ln.source)
            if key is None or key in self._shared:
                out.append(ln)
                continue
            last, unfinished = self._upto.get(key, (0, False))
            if ln.lineno < last or (ln.lineno == last and not unfinished):
                continue  # delivered already
            if ln.lineno == last:
                ln.completes = True  # the unfinished line delivered before: this one replaces it
            self._upto[key] = (ln.lineno, ln.partial)
            out.append(ln)
        return out

    def _first(self, ln: RawLine) -> None:
        """A file's first line: which file this is (or, unfinished, that it may be finished later)."""
        before = self._unfinished.pop(ln.source, None)
        if ln.partial:
            self._file[ln.source] = None
            self._unfinished[ln.source] = ln.data
            if before is not None and ln.data.startswith(before):
                ln.completes = True
            return
        if before is not None and ln.data.startswith(before):
            ln.completes = True
        key = bytes(ln.data)
        if key in self._file.values():
            self._shared.add(key)
        self._file[ln.source] = key
