"""Local logs and remote hosts as one LineSource: each host runs on its own (one slow or dead host
never holds up the others), and their batches reach the consumer through one queue."""

from __future__ import annotations

import asyncio
import contextlib
from typing import AsyncGenerator, Dict, List, Optional

from console.tail.contract import Batch, SourceState
from console.tail.follower import Follower
from console.tail.remote.history import HistoryMerge
from console.tail.remote.host import RemoteHost
from console.tail.remote.spec import RemoteSpec, split_sources

HISTORY_WAIT = 5.0  # seconds the start waits for a host's history before going live without it
_QUEUE = 256
_MERGE_CAP = 10_000  # lines a merged history batch
_LOCAL = "local"
MIN_INTERVAL = 0.02  # seconds between live batches under load: the local Follower's default


class MixedSource:
    """Follows local paths (a console.tail.Follower) and remote logs (one RemoteHost per host).

    history_wait: how long the backfill waits for the hosts' histories (None: until each host has
    delivered its history or failed; a history that comes later is a backfill batch after live
    ones). once: read what the logs hold and end (`decode` without --follow).
    Follower keyword arguments are passed on; those the far end knows are passed there too."""

    def __init__(self, paths: List, *, history_wait: Optional[float] = HISTORY_WAIT, once: bool = False,
                 backoff: Optional[tuple] = None, **kwargs) -> None:
        local, remote = split_sources([p for p in paths])
        if not remote:
            raise ValueError("no remote log: use console.tail.Follower")
        self._local = Follower(local, **kwargs) if local else None
        settings = {k: kwargs[k] for k in ("lines", "from_start", "max_line", "rotate_grace") if k in kwargs}
        settings["once"] = once
        self._once = once
        self._sort_key = kwargs.get("sort_key")
        self._whole = bool(kwargs.get("from_start"))  # whole files: passed on as they come, not held
        self._queue: Optional[asyncio.Queue] = None
        self._tasks: dict = {}  # the hosts' sessions and the local pump, while batches() runs
        self._carry: Optional[Batch] = None  # taken from the queue, of another kind than the batch before
        self._history_wait = history_wait
        self._min_interval = kwargs.get("min_interval", MIN_INTERVAL)
        self.hosts: List[RemoteHost] = []
        for target, host_paths in _by_target(remote).items():
            extra = {} if backoff is None else {"backoff": backoff}
            self.hosts.append(RemoteHost(target, host_paths, self._putter(target), settings, **extra))
        self._gen: Optional[AsyncGenerator[Batch, None]] = None

    def states(self) -> Dict[str, SourceState]:
        out: Dict[str, SourceState] = dict(self._local.states()) if self._local is not None else {}
        for host in self.hosts:
            out.update(host.states())
        return out

    def _putter(self, who: object):
        async def put(batch: Batch, history_end: bool = False) -> None:
            assert self._queue is not None
            await self._queue.put((who, batch, history_end))
        return put

    def batches(self) -> AsyncGenerator[Batch, None]:
        if self._gen is not None:
            raise RuntimeError("batches() can be iterated only once")
        self._gen = self._run()
        return self._gen

    async def aclose(self) -> None:
        """Ends every session and closes every file (the batches' generator closing does it too)."""
        if self._gen is not None and not self._gen.ag_running:
            await self._gen.aclose()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._local is not None:
            await self._local.aclose()

    async def _pump_local(self) -> None:
        assert self._local is not None
        async for batch in self._local.batches():
            await self._queue.put((_LOCAL, batch, not batch.backfill))
            if self._once and not batch.backfill:
                return  # the history (from_start: the whole files) is read

    async def _run(self) -> AsyncGenerator[Batch, None]:
        self._queue = asyncio.Queue(_QUEUE)
        tasks = self._tasks = {asyncio.ensure_future(h.run()): h.target for h in self.hosts}
        if self._local is not None:
            tasks[asyncio.ensure_future(self._pump_local())] = _LOCAL
        try:
            async for batch in self._history(set(tasks.values())):
                yield batch
            loop = asyncio.get_running_loop()
            last = 0.0
            while True:
                # under load, batches at least min_interval apart (as the local Follower's): what the
                # hosts sent meanwhile is joined, so 20 hosts cost ~50 updates a second, not ~700
                gap = self._min_interval - (loop.time() - last)
                if gap > 0:
                    await asyncio.sleep(gap)
                batch = await self._next(tasks)
                if batch is None:
                    return
                last = loop.time()
                yield batch
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self._local is not None:
                await self._local.aclose()

    async def _history(self, waiting: set) -> AsyncGenerator[Batch, None]:
        """The sources' histories, merged by time (console.tail.remote.history) once every source's
        history is over (or the wait is); then one live batch with what came live meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = None if self._history_wait is None else loop.time() + self._history_wait
        held: List[Batch] = []
        sent = False
        merger = HistoryMerge(None if self._whole else self._sort_key, _MERGE_CAP)
        while waiting:
            timeout = None if deadline is None else max(0.0, deadline - loop.time())
            try:
                who, batch, history_end = await asyncio.wait_for(self._queue.get(), timeout)
            except asyncio.TimeoutError:
                break
            if batch.backfill:
                now = merger.add(who, batch)
                if now is not None:
                    sent = True
                    yield now
                continue
            held.append(batch)
            if batch.states:  # "connecting", a refusal: shown while the histories are awaited
                sent = True
                yield Batch([], list(batch.states), backfill=True)
            if history_end:  # the source's first live batch (or a host's failure): its history is over
                waiting.discard(who)
        async for batch in merger.drain():
            sent = True
            yield batch
        if not sent:
            yield Batch([], [], backfill=True)
        live = _joined(held, backfill=False)
        now = {s.path: s for s in self.states().values()}
        live.states = [s for s in live.states if now.get(s.path) == s]  # said meanwhile, and still so
        yield live

    async def _next(self, tasks: dict) -> Optional[Batch]:
        """The next batch, joined with whatever else is queued already (one redraw for all); None
        when every source has ended."""
        if self._carry is not None:
            first, self._carry = self._carry, None
        else:
            first = await self._get(tasks)
            if first is None:
                return None
        out = [first]
        while not self._queue.empty():
            nxt = self._queue.get_nowait()[1]
            if nxt.backfill != first.backfill:
                self._carry = nxt
                break
            out.append(nxt)
        return _joined(out, backfill=first.backfill)

    async def _get(self, tasks: dict) -> Optional[Batch]:
        queue = self._queue
        while True:
            if not queue.empty():
                return queue.get_nowait()[1]
            running = [t for t in tasks if not t.done()]
            if not running:
                for t in tasks:
                    if not t.cancelled() and t.exception() is not None:
                        raise t.exception()
                return None
            getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait([getter, *running], return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                return getter.result()[1]
            getter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await getter


def _joined(batches: List[Batch], *, backfill: bool) -> Batch:
    out = Batch([], [], backfill=backfill)
    for b in batches:
        out.lines.extend(b.lines)
        out.states.extend(b.states)
        out.renumbered.extend(b.renumbered)
    return out


def _by_target(specs: List[RemoteSpec]) -> dict:
    out: dict = {}
    for spec in specs:
        out.setdefault(spec.target, []).append(spec.path)
    return out
