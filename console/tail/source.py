"""What the console reads lines from: the tailing engine (console.tail.Follower), or a test's
stand-in. Declared here so that a consumer calls these two methods and never probes for them."""

from __future__ import annotations

from typing import AsyncGenerator, Mapping, Protocol, runtime_checkable

from console.tail.contract import Batch, SourceState


@runtime_checkable
class LineSource(Protocol):
    """Raw lines in batches, and the health of every source.

    batches(): backfill batches first (Batch.backfill), then live ones, until cancelled or
    aclose()d (or, for a source that ends, until it ends). Each batch's `states` lists the sources
    whose state changed during it: a log of changes, for a printer of them (decode --follow).
    states(): the full picture now, keyed by a stable name, SourceState.path naming the file read
    now. A consumer showing the sources reads them here and only here (after a batch with changed
    states, and now and then)."""

    def batches(self) -> AsyncGenerator[Batch, None]:
        ...

    def states(self) -> Mapping[str, SourceState]:
        ...
