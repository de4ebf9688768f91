"""Realistic M-Switch SMTP event lines, for the demo, the benchmarks and tests.

The mix of events lives in traffic.yaml; messages are rendered from the
catalogue's own templates, so what is written always decodes.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

from console.catalog.catalog import Catalog, EventDef
from console.errors import DataError
from console.catalog.yamlfile import load_yaml

TRAFFIC_FILE = Path(__file__).with_name("traffic.yaml")

_FORMATS = {
    "native": "{ts:%Y-%m-%d %H:%M:%S}.{ms:03d} {program}[{pid}] {letter}-{facility}-{name}: {message}",
    "syslog-rfc5424": "{ts:%Y-%m-%dT%H:%M:%S}.{us:06d}+00:00 {host} {program}[{pid}]: "
                      "{letter}-{facility}-{name}: {message}",
    "syslog-rfc3164": "{ts:%b} {ts.day:2d} {ts:%H:%M:%S} {host} {program}[{pid}]: "
                      "{letter}-{facility}-{name}: {message}",
}
LAYOUTS = tuple(_FORMATS)


class Simulator:
    def __init__(self, catalog: Catalog, *, seed: int | None = None, layout: str = "native",
                 start: datetime | None = None) -> None:
        if layout not in _FORMATS:
            raise DataError(f"unknown simulator layout {layout!r} (one of {', '.join(_FORMATS)})")
        self.catalog = catalog
        self.rng = random.Random(seed)
        self.fmt = _FORMATS[layout]
        self.clock = start or datetime.now()
        self.traffic = load_yaml(TRAFFIC_FILE)
        self._by_name = {ev.name: ev for ev in catalog.events.values()}
        self._letter = {s.name: s.letter for s in catalog.severities}
        self.pid = self.rng.randint(1000, 30000)
        self._session_ip: str | None = None  # one caller per session, so its events correlate

    # -- building blocks -----------------------------------------------------------------
    def _fill(self, text: str) -> str:
        rng = self.rng
        if "%ip" in text:
            text = text.replace("%ip", self._session_ip or self._random_ip())
        if "%host" in text:
            text = text.replace("%host", rng.choice(("example.net", "mx.example.org", "relay.example.com")))
        if "%n" in text:
            text = text.replace("%n", str(rng.randint(1, 99999)))
        return text

    def _random_ip(self) -> str:
        rng = self.rng
        return f"{rng.choice((192, 198, 203))}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"

    def message(self, ev: EventDef) -> str:
        if not ev.templates:
            texts = self.traffic["free_text"]
            return self._fill(self.rng.choice(texts.get(ev.name) or texts["default"]))
        template = ev.templates[0]
        values = {}
        for n in template.numbers:
            pool = self.traffic["values"].get(ev.parameters[n - 1], ["%n"])
            values[n] = self._fill(self.rng.choice(pool))
        return template.render(values)

    def line(self, name: str, *, message: str | None = None, advance_ms: int | None = None) -> str:
        ev = self._by_name[name]
        self.clock += timedelta(milliseconds=self.rng.randint(1, 40) if advance_ms is None else advance_ms)
        ts = self.clock
        return self.fmt.format(ts=ts, ms=ts.microsecond // 1000, us=ts.microsecond,
                               program=self.rng.choice(self.traffic["programs"]), pid=self.pid,
                               host=self.rng.choice(self.traffic["hosts"]),
                               letter=self._letter.get(ev.severity, "?"), facility=ev.facility,
                               name=ev.name, message=self.message(ev) if message is None else message)

    def _pick(self, step: dict) -> str | None:
        if self.rng.random() >= step["chance"]:
            return None
        names = [n for n in step["pick"] if n in self._by_name]
        if not names:
            return None
        return self.rng.choices(names, weights=[step["pick"][n] for n in names])[0]

    # -- streams ----------------------------------------------------------------------
    def startup(self) -> list[str]:
        return [self.line(n) for n in self.traffic["startup"] if n in self._by_name]

    def session(self) -> list[str]:
        self._session_ip = self._random_ip()
        out = []
        for step in self.traffic["session"] + self.traffic["rare"]:
            name = self._pick(step)
            if name:
                out.append(self.line(name))
        self._session_ip = None
        return out

    def lines(self) -> Iterator[str]:
        """Endless traffic, session after session."""
        yield from self.startup()
        while True:
            yield from self.session()

    def every_event(self) -> list[str]:
        """One line of every catalogued event, for a demo that shows the whole catalogue early."""
        return [self.line(ev.name) for ev in self.catalog.events.values()]


def write_log(path: str | Path, n: int, catalog: Catalog, *, seed: int = 1,
              layout: str = "native") -> None:
    """A log of exactly n lines, written fast (used by bench/ and tests)."""
    sim = Simulator(catalog, seed=seed, layout=layout, start=datetime(2026, 11, 24, 0, 0, 0))
    it = sim.lines()
    with open(path, "w", encoding="utf-8") as f:
        chunk = []
        for _ in range(n):
            chunk.append(next(it))
            if len(chunk) >= 10000:
                f.write("\n".join(chunk) + "\n")
                chunk.clear()
        if chunk:
            f.write("\n".join(chunk) + "\n")
