"""Where reading stopped, as plain data: the files being read and the contents already met, so that
a follower started later (over a new SSH session, after the old one dropped) takes every file up
exactly where the lines delivered end: no line lost, none repeated.

A checkpoint is JSON-ready: identities (device, inode), offsets, line numbers and the bytes that
prove a file still holds what was read (its start, the bytes before the offset). A file's start
travels once, by a key, in `heads`."""

from __future__ import annotations

import base64
import hashlib
from typing import Dict, List, Optional

from console.tail.identity import Generation, Registry


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def head_key(head: bytes) -> str:
    return hashlib.sha1(head).hexdigest()[:20]


class Checkpointer:
    """Takes a Registry's checkpoints; only what changed since the last one is worth sending."""

    def __init__(self, reg: Registry) -> None:
        self.reg = reg
        self._heads_sent: set = set()
        self._sig: object = None
        self._last_open: object = None

    def _out(self, ident, gen: Generation, fresh: Dict[str, str]) -> list:
        key = head_key(gen.head)
        if key not in self._heads_sent:
            self._heads_sent.add(key)
            fresh[key] = _b64(gen.head)
        return [ident[0], ident[1], key, gen.pos, gen.lineno, _b64(gen.overlap), gen.stamp[0], gen.stamp[1],
                gen.shown, gen.source, gen.numbering]

    def take(self) -> Optional[dict]:
        """The checkpoint now, or None when nothing changed: `open` always, `known`, `seen` and
        `past` only when they changed (the receiver keeps the last ones), `heads` the new starts."""
        reg = self.reg
        fresh: Dict[str, str] = {}
        opened = [self._out(c.ident, c.resume_point(), fresh) for c in list(reg.open_files.values()) if c.placed]
        sig = (len(reg.known), id(next(reversed(reg.known.values()), None)), len(reg.seen),
               id(next(iter(reg.seen.values()), None)), len(reg.past), id(reg.past[-1] if reg.past else None))
        cp: dict = {}
        if sig != self._sig:
            self._sig = sig
            cp["known"] = [self._out(i, g, fresh) for i, g in reg.known.items()]
            cp["seen"] = [self._out(i, g, fresh) for i, g in reg.seen.items()]
            cp["past"] = [self._out((-1, -1), g, fresh) for g in reg.past]
        if not cp and opened == self._last_open:
            return None
        self._last_open = opened
        cp["open"] = opened
        cp["heads"] = fresh
        return cp


def merge(total: dict, cp: dict) -> None:
    """Folds a checkpoint into the running total the receiver keeps (and sends back to resume)."""
    heads = total.setdefault("heads", {})
    heads.update(cp.get("heads", {}))
    for key in ("open", "known", "seen", "past"):
        if key in cp:
            total[key] = cp[key]
    if not cp.get("heads"):
        return  # no new start: nothing to prune (most checkpoints: only offsets moved)
    used = {e[2] for key in ("open", "known", "seen", "past") for e in total.get(key, [])}
    if len(heads) > 2 * len(used) + 16:
        total["heads"] = {k: v for k, v in heads.items() if k in used}


def _gen(entry: list, heads: Dict[str, str]) -> Generation:
    dev, ino, key, pos, lineno, overlap, size, mtime, shown, source, numbering = entry
    head = base64.b64decode(heads.get(key, ""))
    return Generation(head, pos, lineno, base64.b64decode(overlap), (size, mtime), shown, source, numbering)


def seed(reg: Registry, cp: dict) -> None:
    """A registry that knows what the checkpoint's follower had read: every file it meets is placed
    by that (Registry.place), as if this follower had been stalled, not started anew."""
    heads = cp.get("heads", {})
    for e in cp.get("seen", []):
        reg.seen[(e[0], e[1])] = _gen(e, heads)
    for e in cp.get("past", []):
        reg.past.append(_gen(e, heads))
    for e in cp.get("known", []) + cp.get("open", []):
        reg.known[(e[0], e[1])] = _gen(e, heads)
    for e in cp.get("open", []):  # truncated meanwhile (copytruncate): its copy is read past what we had
        reg.forget_content(_gen(e, heads))


def resume_from(cp: Optional[dict], reg: Registry, sources) -> bool:
    """A follower given a checkpoint starts live, its registry seeded: True if it was given one."""
    if cp is None:
        return False
    seed(reg, cp)
    sources.go_live()
    return True


def open_files(cp: Optional[dict]) -> dict:
    """The files the checkpoint's follower was reading, by identity: if one is not met again, its
    rest may be in a compressed copy (console.tail.recover)."""
    if not cp:
        return {}
    heads = cp.get("heads", {})
    return {(e[0], e[1]): _gen(e, heads) for e in cp.get("open", [])}


def empty() -> dict:
    return {"open": [], "known": [], "seen": [], "past": [], "heads": {}}


__all__: List[str] = ["Checkpointer", "empty", "open_files", "head_key", "merge", "resume_from", "seed"]
