"""The one place a consumer gets its LineSource from paths that may name other hosts: a plain
Follower when every path is local, else a MixedSource (local and remote together)."""

from __future__ import annotations

from typing import List

from console.tail.follower import Follower
from console.tail.remote.spec import split_sources


def open_source(paths: List, *, once: bool = False, history_wait: object = "default", **kwargs):
    """Raises console.tail.remote.spec.SpecError (a DataError naming the argument) for a remote
    path that cannot be used. once (remote logs only): read what they hold, then end.
    history_wait (remote logs only): see MixedSource; None waits for every host's history."""
    _, remote = split_sources(list(paths))
    if not remote:
        return Follower(paths, **kwargs)
    from console.tail.remote.mixed import MixedSource
    extra = {} if history_wait == "default" else {"history_wait": history_wait}
    return MixedSource(paths, once=once, **extra, **kwargs)


__all__ = ["has_remote", "open_source", "split_sources"]


def has_remote(paths: List) -> bool:
    return bool(split_sources(list(paths))[1])
