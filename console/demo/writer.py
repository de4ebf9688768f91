"""The built-in M-Switch simulator behind `smtp-console --demo`.

It writes to real files in a temporary log folder, from its own thread, with
Isode's dated roll-over, so the console reads it through exactly the same
tailing path as a production log.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from console.catalog.catalog import Catalog
from console.demo.simulator import Simulator

FILE_PATTERN = "mta-event*.log"


class DemoWriter:
    def __init__(self, catalog: Catalog, *, directory: Path | None = None, rate: float = 25.0,
                 rollover_seconds: float = 180.0, seed: int | None = None) -> None:
        self._own_dir = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix="smtp-console-demo-"))
        self.rate = rate
        self.rollover_seconds = rollover_seconds
        self.sim = Simulator(catalog, seed=seed)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.current: Path | None = None
        self.written = 0

    @property
    def glob(self) -> str:
        return str(self.directory / FILE_PATTERN)

    def _new_file(self) -> Path:
        # Isode names a rolled file after the start of its period; seconds keep demo names unique
        stamp = datetime.now().strftime("%Y-%m-%d-%H-%M-%S")
        path = self.directory / f"mta-event.{stamp}.log"
        n = 1
        while path.exists():
            path = self.directory / f"mta-event.{stamp}-{n}.log"
            n += 1
        return path

    def start(self) -> "DemoWriter":
        # the first file exists before the console starts, holding every catalogued event once
        self.current = self._new_file()
        self.sim.clock = datetime.now()
        with open(self.current, "w", encoding="utf-8") as f:
            lines = self.sim.startup() + self.sim.every_event()
            f.write("".join(line + "\n" for line in lines))
            self.written += len(lines)
        self._thread = threading.Thread(target=self._run, name="demo-writer", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        opened = time.monotonic()
        f = open(self.current, "a", encoding="utf-8")
        try:
            while not self._stop.is_set():
                if time.monotonic() - opened >= self.rollover_seconds:
                    f.close()
                    self.current = self._new_file()
                    f = open(self.current, "a", encoding="utf-8")
                    opened = time.monotonic()
                self.sim.clock = datetime.now()
                session = self.sim.session()
                f.write("".join(line + "\n" for line in session))
                f.flush()
                self.written += len(session)
                # sessions arrive at random, `rate` lines a second on average
                pause = len(session) / self.rate * self.sim.rng.uniform(0.3, 1.7)
                self._stop.wait(pause)
        finally:
            f.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)
