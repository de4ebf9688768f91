"""The sources in trouble, as the header names them: a host whose logs all say the same (several
globs on a dead host) is one entry, "mail2 (3 logs)", not three that crowd out the rest; and each
entry has ever shorter names, down to what still tells one from another at 80 columns."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Tuple

from console.tail.remote.spec import label_of, short_name


@dataclass(frozen=True)
class Trouble:
    names: Tuple[str, ...]  # longest first: "mail2:mta-event*.log", "mail2", "mail2"[:n] + "…"
    state: str
    detail: str
    host: bool = False  # a remote host (all of its logs in this state, or its one log)


def troubles(states: Dict[str, Tuple[str, str]]) -> List[Trouble]:
    """`states`: path -> (state, detail) of the sources not following; grouped by host and state."""
    groups: Dict[tuple, List[str]] = {}
    for path, (state, detail) in sorted(states.items()):
        label = label_of(path)
        groups.setdefault((label, state, detail) if label else (path, state, detail), []).append(path)
    out = []
    for (key, state, detail), paths in groups.items():
        label = label_of(paths[0])
        if label is None:
            names = _names(short_name(paths[0]), os.path.basename(paths[0]) or paths[0])
        elif len(paths) == 1:
            names = _names(short_name(paths[0]), label)
        else:
            names = _names(f"{label} ({len(paths)} logs)", label)
        out.append(Trouble(names, state, detail, host=label is not None))
    return out


def troubles_by_state(states: Dict[str, Tuple[str, str]]) -> List[Tuple[str, List[Trouble]]]:
    """troubles(), grouped by state (in the order first met): at 80 columns the header says each
    state once for all its sources."""
    out: Dict[str, List[Trouble]] = {}
    for t in troubles(states):
        out.setdefault(t.state, []).append(t)
    return list(out.items())


def _names(long: str, short: str) -> Tuple[str, ...]:
    names = [long] if long == short else [long, short]
    if len(short) > 10:
        names.append(short[:9] + "…")
    return tuple(names)
