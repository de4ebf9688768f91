"""What the tailing engine hands to its consumers: raw lines and the health of each source."""

from __future__ import annotations

from dataclasses import dataclass, field

# Every value SourceState.state can take, so consumers can match on them without guessing.
WAITING = "waiting"
FOLLOWING = "following"
ROTATED = "rotated"
TRUNCATED = "truncated"
DELETED = "deleted"
UNREADABLE = "unreadable"
NOT_A_FILE = "not-a-file"
ENDED = "ended"

STATES = (WAITING, FOLLOWING, ROTATED, TRUNCATED, DELETED, UNREADABLE, NOT_A_FILE, ENDED)


@dataclass(slots=True)
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


@dataclass(slots=True)
class SourceState:
    """The health of one source, phrased for a status bar."""

    path: str
    state: str
    detail: str = ""


@dataclass(slots=True)
class Batch:
    """Everything that happened during one wake-up, so the consumer redraws once, not once per line."""

    lines: list[RawLine] = field(default_factory=list)
    states: list[SourceState] = field(default_factory=list)
    backfill: bool = False
