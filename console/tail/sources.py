"""The paths and globs given, and the streams they stand for now: globs are expanded again and again."""

from __future__ import annotations

import fnmatch
import os
import stat
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

from console.tail.grouping import expand, is_glob, name_order, stream_key, watch_dirs
from console.tail.compressed import HEAD
from console.tail.identity import Registry, looks_compressed, rotated_from, rotation_siblings
from console.tail.contract import WAITING, SourceState
from console.tail.disk import read_start
from console.tail.stdin import STDIN
from console.tail.stream import Stream


@dataclass(eq=False)
class Spec:
    """One path argument as given: "-", a plain path, or a glob the engine expands again and again."""

    text: str
    kind: str  # "stdin" | "path" | "glob"
    keys: List[str] = field(default_factory=list)  # streams it produced


def parse_specs(paths: list) -> List[Spec]:
    """A literal path that exists is a path even when its name holds [, * or ?."""
    specs: List[Spec] = []
    seen: Set[str] = set()
    for raw in paths:
        text = raw if raw == STDIN else os.path.expanduser(os.fspath(raw))
        if text in seen:
            continue
        seen.add(text)
        if text == STDIN:
            kind = "stdin"
        elif is_glob(text) and not os.path.lexists(text):
            kind = "glob"
        else:
            kind = "path"
        specs.append(Spec(text, kind))
    return specs


class Sources:
    """Turns the specs into streams, one per log, and keeps them current as files come and go."""

    def __init__(self, specs: List[Spec], reg: Registry) -> None:
        self.specs = specs
        self.reg = reg
        self.streams: Dict[str, Stream] = {}
        self._claimed: Set[str] = set()  # abspath of each stream key, so overlapping globs follow a file once
        self._plain = {os.path.abspath(s.text) for s in specs if s.kind == "path"}
        self.archives: List[List[str]] = []  # logs matched only as compressed files: history to read once
        self.started = False

    def _add_stream(self, key: str, path: str, spec: Spec) -> Optional[Stream]:
        ident = os.path.abspath(key)
        if ident in self._claimed:
            return None
        self._claimed.add(ident)
        stream = Stream(key, path, self.reg)
        stream.started = self.started
        self.streams[key] = stream
        spec.keys.append(key)
        if not self.started:  # rotated files there at start-up are history, not new content
            for sibling in rotation_siblings(path):
                self.reg.remember_start(sibling)
        return stream

    def go_live(self) -> None:
        """Start-up is over: from now on every file met is placed by what we already read."""
        self.started = True
        for stream in self.streams.values():
            stream.started = True

    def scan(self, now: float, *, globs: bool = True) -> None:
        for spec in self.specs:
            if spec.kind == "path":
                stream = self.streams.get(spec.text) or self._add_stream(spec.text, spec.text, spec)
                if stream is not None:
                    stream.refresh(now)
                    if globs and self.started:
                        stream.look_beside(now)
            elif spec.kind == "glob":
                if globs:
                    self._expand(spec, now)
                else:
                    for key in spec.keys:
                        self.streams[key].refresh(now)

    def _expand(self, spec: Spec, now: float) -> None:
        try:
            groups = expand(spec.text)
        except OSError:
            groups = {}
        touched = set()
        for key, members in groups.items():
            members = [m for m in members if os.path.abspath(m[1]) not in self._plain]
            stream = self.streams.get(key)
            if stream is None:
                if self._new_stream(key, members, spec, now):
                    touched.add(key)
                continue
            if key in spec.keys:
                self._members_met(stream, members, now)
            touched.add(key)
        for key in spec.keys:
            if key not in touched:
                self.streams[key].refresh(now)
        self._rotated_out(spec, now)
        if spec.keys:
            self.reg.forget_state(spec.text)
        else:
            self.reg.report(spec.text, SourceState(spec.text, WAITING, "no file matches yet"))

    def _new_stream(self, key: str, members: list, spec: Spec, now: float) -> bool:
        """A group of files the glob matches for the first time: at start-up its newest file is
        followed and the rest are history; later, a log born while live is read whole."""
        plain = [m for m in members if not _compressed(m[1])]
        if not plain:
            if not self.started and key not in self._claimed:
                self._claimed.add(key)
                self.archives.append([p for _, p in members])  # history only: nothing to follow
            return False
        stream = self._add_stream(key, plain[-1][1], spec)
        if stream is None:
            return False
        if not self.started:
            stream.path, stream.order = plain[-1][1], plain[-1][0]
            stream.history = [p for _, p in members if p != stream.path]
            for p in stream.history:
                self.reg.remember_start(p)
            stream.refresh(now)
        else:
            stream.advance(plain, now)  # a log born while live: all its files, placed by content
        return True

    def _members_met(self, stream: Stream, members: list, now: float) -> None:
        """A followed group's files now: new ones are read after the current file, in the order
        they appeared; known ones that grew are read again where they stopped."""
        reg = self.reg
        new, old = [], []
        for order, path in members:
            if looks_compressed(path):
                continue
            if stream.live is not None and path == stream.path:
                continue
            try:
                st = os.stat(path)
            except OSError:
                continue
            ident = (st.st_dev, st.st_ino)
            if ident in reg.open_files or not stat.S_ISREG(st.st_mode) or _compressed(path):
                continue
            if ident in reg.known or ident in reg.seen:
                if reg.worth_reading(path, st):
                    old.append(path)
            else:
                new.append(((st.st_mtime_ns, name_order(path)), path))
        new.sort()
        if new or old:
            stream.advance(new, now, old=old)
        stream.refresh(now)

    def _rotated_out(self, spec: Spec, now: float) -> None:
        """Files the glob no longer matches because they were rotated (mta-event.2026-…log.1):
        at start-up history; later, one we never read appeared and was rotated away while we were
        stalled, and is read whole."""
        pattern = os.path.basename(spec.text)
        reg = self.reg
        for d in watch_dirs(spec.text):
            try:
                with os.scandir(d) as it:
                    names = [e.name for e in it]
            except OSError:
                continue
            for name in names:
                if fnmatch.fnmatch(name, pattern) or looks_compressed(name):
                    continue
                bases = [b for b in rotated_from(name) if fnmatch.fnmatch(b, pattern)]
                if not bases:
                    continue
                path = os.path.join(d, name)
                if not self.started:
                    reg.remember_start(path)
                    continue
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode) or not reg.worth_reading(path, st):
                    continue
                key = stream_key(os.path.join(d, bases[0]))
                stream = self.streams.get(key) if key in spec.keys else None
                if stream is None:
                    stream = self._add_stream(path, path, spec)
                    if stream is not None:
                        stream.refresh(now)
                else:
                    stream.advance([], now, old=[path])

    async def read(self, out: list, budget: int, byte_budget: int = 32 * 1024 * 1024) -> bool:
        """Reads every stream round-robin, a block at a time, into out until all are drained or a
        budget is used up; True when a budget stopped it with data still waiting."""
        reader = self.reg.reader
        start_bytes = reader.bytes_read
        active = list(self.streams.values())
        while active:
            now = time.monotonic()
            still = []
            for stream in active:
                got, progressed = await stream.step(now)
                out.extend(got)
                if progressed:
                    still.append(stream)
            active = still
            if len(out) >= budget or reader.bytes_read - start_bytes >= byte_budget:
                return bool(active)
        return False

    def close(self) -> None:
        for stream in self.streams.values():
            stream.close()


def _compressed(path: str) -> bool:
    """Compressed rotations are history only: they do not grow, and their bytes are not lines."""
    if looks_compressed(path):
        return True
    head = read_start(path, HEAD)
    return bool(head) and looks_compressed("", head)
