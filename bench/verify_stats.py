#!/usr/bin/env python3
"""Checks console.commands.stats against the per-line decoder on awkward input (a quick fuzz, not a test
suite): `python bench/verify_stats.py [--rounds N] [--seed S]`.

For every generated file, `summarise(count_files(...))` and `summarise(count_stream(...))` must
equal what console.decode.decoder gives line by line (console.tail.whole_files.iter_lines), with the block,
slice and split sizes shrunk so that every boundary case comes up, and with 1 and 2 workers.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.commands import stats  # noqa: E402
from console.catalog.loader import load_catalog  # noqa: E402
from console.decode.decoder import Decoder  # noqa: E402
from console.tail.whole_files import iter_lines  # noqa: E402


def reference(data: bytes, catalog, max_line: int) -> dict:
    dec = Decoder(catalog)
    sev, ev = Counter(), Counter()
    lines = unparsed = 0
    for _, line, cut in iter_lines(io.BytesIO(data), max_line):
        e = dec.decode(line, cut=cut)
        lines += 1
        sev[e.sev.name] += 1
        if e.letter is None:
            unparsed += 1
        if e.event is not None:
            ev[e.full_name] += 1
    order = {s.name: s.rank for s in catalog.severities}
    return {"lines": lines,
            "by_severity": dict(sorted(sev.items(), key=lambda kv: order.get(kv[0], 999))),
            "by_event": dict(ev), "unparsed": unparsed}


TOKENS = ["I-MTA_SMTP-Connection", "E-MTA_SMTP-Error", "P-MTA_SMTP-ReadPDU", "X-FOO-Bar",
          "W-MTA_SMTP-SPFsoftfail", "N-A-B", "I-MTA_SMTP-Conn-ection", "I-MTA_SMTP-Close_",
          "C-" + "F" * 140 + "-" + "E" * 3, "F-MTA-" + "x" * 200, "i-lower-case", "I-A-B-C",
          "I--B", "I-A-", "Q-Z9_-Q_1"]
PROGRAMS = ["smtpsrvr", "X-Y-Z", "prog\x1cx", "pr\u00e9g", "p" * 300, "X-Y-" + "Z" * 1100, "a:b", "[x]", "p\u00a0q", ""]
STAMPS = ["2026-11-24 10:15:03.123", "2026-11-24 10:15:03", "2026-11-24 10:15:03." + "1" * 40,
          "2026-11-24 10:15:03,123", "\u0662026-11-24 10:15:03.123", "2026-11-2\u0664 10:15:03",
          "2026-11-24T10:15:03.123456+00:00", "2026-11-24T10:15:03Z", "2026-11-24T10:15:03+0530",
          "Nov 24 10:15:03", "Nov  4 10:15:03", "nov 24 10:15:03", ""]
HOSTS = ["mail1", "h\u00e9st", "h" * 300, "a\x1cb"]
MESSAGES = ["connection from 192.0.2.10 (smtp-external)", "", "x I-MTA_SMTP-Deep more",
            "caf\u00e9 E-MTA_SMTP-Error", "\u00ff\u00fe bytes", "- W-MTA-Later", "I-MTA_SMTP-Conn",
            "z" * 5000]


def random_line(rng: random.Random) -> str:
    kind = rng.random()
    tok = rng.choice(TOKENS)
    msg = rng.choice(MESSAGES)
    if kind < 0.35:
        return f"{rng.choice(STAMPS)} {rng.choice(PROGRAMS)}[{rng.choice(['1', '2817', '9' * 40, 'x'])}]" \
               f"{rng.choice([' ', '', '  '])}{tok}{rng.choice([': ', ':', ' ', '', '-x: '])}{msg}"
    if kind < 0.5:
        pid = rng.choice(["[12]", "", "[x]"])
        return f"{rng.choice(STAMPS)} {rng.choice(HOSTS)} {rng.choice(PROGRAMS)}{pid}: {tok}: {msg}"
    if kind < 0.6:
        return f"{msg} {tok} {rng.choice(TOKENS)}"
    if kind < 0.7:
        return " ".join(rng.choice(["a", "b[1]", tok, "2026-11-24", "x-y", "\t", "\u2003"])
                        for _ in range(rng.randint(0, 12)))
    if kind < 0.75:
        return rng.choice(PIPE_LINES)
    if kind < 0.8:
        return rng.choice(["", " ", "\r", "plain text", tok, f"{tok}\r", "\x00" + tok, f"({tok})",
                           f"-{tok}", f"{tok}-", f"_{tok}", "\u00e9" + tok])
    chars = "IEAB-_:[] 0123456789\r\t\u00e9\x1c\x85T:Z+.xyzNov"
    return "".join(rng.choice(chars) for _ in range(rng.randint(0, 80)))


def make_data(rng: random.Random, n: int) -> bytes:
    parts = []
    for _ in range(n):
        line = random_line(rng).encode("utf-8")
        if rng.random() < 0.02:
            line = line[:rng.randint(0, len(line))] + bytes([rng.randint(128, 255)]) + line
        if rng.random() < 0.01:
            line += b"y" * rng.randint(1000, 70000) + b" I-MTA_SMTP-AfterLong"
        parts.append(line + rng.choice([b"\n", b"\n", b"\n", b"\r\n"]))
    data = b"".join(parts)
    if rng.random() < 0.5 and data.endswith(b"\n"):
        data = data.rstrip(b"\r\n")   # no newline at the end
    return data


def check(data: bytes, catalog, max_line: int, label: str) -> bool:
    want = reference(data, catalog, max_line)
    ok = True
    with tempfile.NamedTemporaryFile(suffix=".log") as f:
        f.write(data)
        f.flush()
        for workers in (1, 2):
            got = stats.summarise(stats.count_files([f.name], catalog, max_line=max_line,
                                                    workers=workers), catalog)
            ok &= _same(got, want, f"{label} file workers={workers}")
    got = stats.summarise(stats.count_stream(io.BytesIO(data), catalog, max_line=max_line),
                          catalog)
    ok &= _same(got, want, f"{label} stream")
    got = stats.summarise(stats.count_stream(_Trickle(data), catalog, max_line=max_line),
                          catalog)
    ok &= _same(got, want, f"{label} trickling stream")
    return ok


class _Trickle:
    """A stream with read() only, handing out short reads, like a slow pipe."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos, self.rng = data, 0, random.Random(len(data))

    def read(self, n: int = -1) -> bytes:
        n = min(n, self.rng.choice([1, 7, 100, 5000, 1 << 20]))
        out = self.data[self.pos:self.pos + n]
        self.pos += len(out)
        return out


def _same(got: dict, want: dict, label: str) -> bool:
    if got == want:
        return True
    print(f"MISMATCH {label}:")
    for key in want:
        if got.get(key) != want[key]:
            g, w = got.get(key), want[key]
            if isinstance(w, dict):
                diff = {k[:60]: (g.get(k), w.get(k)) for k in set(g) | set(w) if g.get(k) != w.get(k)}
                print(f"  {key}: (got, want) {diff}")
            else:
                print(f"  {key}: got {g}, want {w}")
    return False


SITE_LAYOUTS = """
layouts:
  - name: pipe
    regex: '^(?P<timestamp>\\S+)\\|(?P<letter>\\w)\\|(?P<facility>\\w+)\\|(?P<event>\\w+)(?:\\|(?P<message>.*))?$'
    time: iso
"""
SITE_OVERRIDE = """
layouts:
  - name: native
    regex: '^(?P<timestamp>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?) (?P<program>\\S+) (?P<letter>[A-Z])-(?P<facility>\\w+)-(?P<event>\\w+)\\s*(?P<message>.*)$'
    time: iso
generic:
  token: '(?P<letter>[A-Z])-(?P<facility>\\w+)-(?P<event>\\w+)\\b'
"""
PIPE_LINES = ["2026-11-24|I|MTA_SMTP|Connection|x", "x|I|A|B\r", "x|I|A|B-C", "x|\u00c9|F\u00e9|E|", "a b|I|A|B", "|I|A|B|"]


def catalogs() -> list[tuple[str, object]]:
    out = [("shipped", load_catalog())]
    for name, text in (("site-layout", SITE_LAYOUTS), ("site-override", SITE_OVERRIDE)):
        d = Path(tempfile.mkdtemp(prefix="stats-cat-"))
        (d / "site.yaml").write_text(text)
        out.append((name, load_catalog([d])))
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    cats = catalogs()
    # Small sizes so that block, slice and piece boundaries fall everywhere.
    saved = (stats.BLOCK, stats.SLICE, stats.SPLIT_AT, stats.PIECE)
    failures = 0
    try:
        for r in range(args.rounds):
            rng = random.Random(args.seed * 1000 + r)
            stats.BLOCK = rng.choice([64, 1000, 4096, 1 << 16])
            stats.SLICE = rng.choice([1, 100, 5000])
            stats.SPLIT_AT = rng.choice([1, 10_000])
            stats.PIECE = rng.choice([1, 3000])
            data = make_data(rng, rng.randint(0, 3000))
            name, catalog = cats[r % len(cats)]
            for max_line in (65536, 1024, 2000, 40, 1):
                if not check(data, catalog, max_line, f"round {r} {name} max_line={max_line} "
                             f"block={stats.BLOCK} slice={stats.SLICE}"):
                    failures += 1
                    dump = Path(tempfile.gettempdir()) / f"stats-mismatch-{r}-{max_line}.log"
                    dump.write_bytes(data)
                    print(f"  input kept in {dump}")
    finally:
        stats.BLOCK, stats.SLICE, stats.SPLIT_AT, stats.PIECE = saved
    print("OK" if not failures else f"{failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
