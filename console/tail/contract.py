"""What the tailing engine hands to its consumers: raw lines and the health of each source."""

from __future__ import annotations

from dataclasses import dataclass, field

from console.compat import SLOTS

# Every value SourceState.state can take, so consumers can match on them without guessing.
WAITING = "waiting"
FOLLOWING = "following"
ROTATED = "rotated"
TRUNCATED = "truncated"
DELETED = "deleted"
UNREADABLE = "unreadable"
NOT_A_FILE = "not-a-file"
ENDED = "ended"
# A remote host's (console.tail.remote): the state of its connection, said of each of its logs.
CONNECTING = "connecting"
AUTH_FAILED = "authentication failed"
HOST_KEY = "host key refused"
NO_PYTHON = "no python3"
DISCONNECTED = "disconnected"
REMOTE_STATES = (CONNECTING, AUTH_FAILED, HOST_KEY, NO_PYTHON, DISCONNECTED)

STATES = (WAITING, FOLLOWING, ROTATED, TRUNCATED, DELETED, UNREADABLE, NOT_A_FILE, ENDED) + REMOTE_STATES


@dataclass(**SLOTS)
class RawLine:
    """One line exactly as it is in the file: bytes, because decoding is the decoder's business."""

    source: str
    lineno: int
    data: bytes
    cut: bool = False
    # partial: the file's last line, delivered after a quiet time before its newline came.
    # completes: this line replaces the last partial line delivered for the same source and lineno
    # (it may itself still be partial, when more bytes came but no newline yet).
    partial: bool = False
    completes: bool = False
    # numbering: 0 when lineno counts from the file's first line; else lineno counts from where
    # reading began (the history of a big file) and a Renumbered with this token follows.
    numbering: int = 0


@dataclass(**SLOTS)
class SourceState:
    """The health of one source, phrased for a status bar."""

    path: str
    state: str
    detail: str = ""


@dataclass
class Renumbered:
    """The lines a file's history delivered numbered from where reading began (RawLine.numbering
    == token) start `offset` lines into it: add offset to their lineno. offset None: it could not be
    counted (the file shrank, or could not be read), their numbers stay relative."""

    token: int
    source: str
    offset: int | None


@dataclass(**SLOTS)
class Batch:
    """Everything that happened during one wake-up, so the consumer redraws once, not once per line."""

    lines: list[RawLine] = field(default_factory=list)
    states: list[SourceState] = field(default_factory=list)
    backfill: bool = False
    # Corrections for lines of earlier batches; lines of this batch are corrected already.
    renumbered: list[Renumbered] = field(default_factory=list)


class StateBoard:
    """The latest state of every source, and which changed since the last batch took them."""

    def __init__(self) -> None:
        self._states: dict = {}
        self._changes: dict = {}

    def report(self, key: str, state: SourceState) -> None:
        if self._states.get(key) != state:
            self._states[key] = state
            self._changes[key] = state

    def forget(self, key: str) -> None:
        self._states.pop(key, None)
        self._changes.pop(key, None)

    def take(self) -> list:
        out = list(self._changes.values())
        self._changes.clear()
        return out

    def snapshot(self) -> dict:
        return dict(self._states)
