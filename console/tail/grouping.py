"""Which matched files are one log: Isode's dated roll-over names differ only in their date."""

from __future__ import annotations

import glob
import os
import re

# A date as roll-over names carry it: YYYY-MM-DD (or YYYYMMDD, or with _ or .), then up to three more
# two-digit fields (hour, minute, second): mta-event.2016-10-02-00-00.log, app.20261124.log.
_DATE = re.compile(r"(?<!\d)(?:19|20)\d\d([-_.]?)[01]\d\1[0-3]\d(?:[-_.T]?\d\d){0,3}(?!\d)")
_RUNS = re.compile(r"(\d+)")
_COMPRESSED = re.compile(r"\.(?:gz|bz2|xz)\Z")


def is_glob(pattern: str) -> bool:
    return glob.has_magic(pattern)


def stream_key(path: str) -> str:
    """Files whose names match once their date is taken out are one stream (the hourly files of one
    log). Other digits stay: mail1.log and mail2.log are two logs, both followed."""
    head, name = os.path.split(path)
    name = _COMPRESSED.sub("", name)  # a compressed rotation belongs to the log it was
    return os.path.join(head, _DATE.sub("<date>", name))


def name_order(path: str) -> tuple:
    """Natural order of a name: digit runs compare as numbers, so .9 comes before .10."""
    parts = _RUNS.split(os.path.basename(path))
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def newness(path: str) -> tuple:
    """Sort key oldest to newest: by name, then by modification time."""
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        mtime = 0
    return (name_order(path), mtime, path)


def expand(pattern: str) -> dict[str, list[tuple[tuple, str]]]:
    """Glob matches grouped into streams: (newness, path) pairs sorted oldest to newest."""
    groups: dict[str, list[tuple[tuple, str]]] = {}
    for path in glob.glob(pattern):
        groups.setdefault(stream_key(path), []).append((newness(path), path))
    for members in groups.values():
        members.sort()
    return groups


def watch_dirs(pattern: str) -> list[str]:
    """Directories whose changes can matter to a pattern or path (its parent directories, expanded)."""
    head = os.path.dirname(pattern) or "."
    if is_glob(head):
        return [d for d in glob.glob(head) if os.path.isdir(d)]
    return [head]
